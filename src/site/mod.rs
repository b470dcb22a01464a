//! The in-memory site: every entry plus the indexes lists need, as an immutable value.
//!
//! Pure data: no IO, no HTTP, no templates. Maps are persistent (`imbl`), so an edit clones the
//! site in O(1) and changes it in O(log n); the writer builds the next `Site` while readers keep
//! the previous one.

pub mod entry;
pub mod route;

use std::cmp::Reverse;
use std::collections::BTreeSet;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use imbl::{OrdMap, OrdSet, Vector};

use crate::config::Config;
use entry::{Entry, EntryKind, SourcePath, Tag};
use route::{Route, page_count};

/// Sort key of a post in lists: newest first, undated last, then by path for a stable order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PostKey {
    pub newest_first: Reverse<Option<DateTime<Utc>>>,
    pub source: SourcePath,
}

impl PostKey {
    fn of(entry: &Entry) -> PostKey {
        PostKey {
            newest_first: Reverse(entry.date),
            source: entry.source.clone(),
        }
    }
}

/// The published posts that carry one tag.
#[derive(Debug, Clone)]
pub struct TagPosts {
    pub tag: Tag,
    pub posts: Vector<PostKey>,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub config: Arc<Config>,
    entries: OrdMap<SourcePath, Arc<Entry>>,
    /// Every entry's URL path, drafts included, so a slug clash is found when it is written.
    owners: OrdMap<String, SourcePath>,
    /// Visible posts, newest first.
    published: Vector<PostKey>,
    tags: OrdMap<String, TagPosts>,
    /// Posts that are not drafts but are dated after `now`.
    scheduled: OrdSet<(DateTime<Utc>, SourcePath)>,
    /// Files beside a bundle's `index.md` (images...), by content path.
    bundle_files: OrdMap<SourcePath, Bytes>,
    now: DateTime<Utc>,
}

/// Why an entry cannot join the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// Another file already has this URL.
    UrlTaken { url: String, owner: SourcePath },
    /// A page may not be called `tags`, `posts`, ...
    ReservedSlug(String),
}

/// What one change did to the site: the routes to render again and the URL paths that are gone.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Impact {
    pub render: BTreeSet<Route>,
    pub removed_paths: BTreeSet<String>,
}

impl Impact {
    pub fn merge(&mut self, other: Impact) {
        self.render.extend(other.render);
        self.removed_paths.extend(other.removed_paths);
    }

    pub fn is_empty(&self) -> bool {
        self.render.is_empty() && self.removed_paths.is_empty()
    }
}

impl Site {
    pub fn new(config: Arc<Config>, now: DateTime<Utc>) -> Site {
        Site {
            config,
            entries: OrdMap::new(),
            owners: OrdMap::new(),
            published: Vector::new(),
            tags: OrdMap::new(),
            scheduled: OrdSet::new(),
            bundle_files: OrdMap::new(),
            now,
        }
    }

    /// Builds a site from stored records; records that clash are returned, not dropped silently.
    pub fn from_entries(
        config: Arc<Config>,
        entries: impl IntoIterator<Item = Entry>,
        now: DateTime<Utc>,
    ) -> (Site, Vec<(SourcePath, Conflict)>) {
        let mut site = Site::new(config, now);
        let mut conflicts = Vec::new();
        for entry in entries {
            let source = entry.source.clone();
            if let Err(c) = site.upsert(entry) {
                conflicts.push((source, c));
            }
        }
        (site, conflicts)
    }

    pub fn entry(&self, source: &SourcePath) -> Option<&Arc<Entry>> {
        self.entries.get(source)
    }

    pub fn entries(&self) -> impl Iterator<Item = &Arc<Entry>> {
        self.entries.values()
    }

    pub fn entry_count(&self) -> usize {
        self.entries.len()
    }

    /// Whether visitors see it: a page unless it is a draft; a post once it is in the lists.
    pub fn is_published(&self, entry: &Entry) -> bool {
        match entry.kind {
            EntryKind::Post => self.published.binary_search(&PostKey::of(entry)).is_ok(),
            EntryKind::Page => !entry.draft,
        }
    }

    /// Visible posts, newest first.
    pub fn published_posts(&self) -> impl Iterator<Item = &Arc<Entry>> {
        self.published
            .iter()
            .filter_map(|k| self.entries.get(&k.source))
    }

    pub fn published_count(&self) -> usize {
        self.published.len()
    }

    /// Posts `range` of the newest-first list.
    pub fn published_slice(&self, start: usize, len: usize) -> Vec<Arc<Entry>> {
        slice(&self.published, start, len)
            .filter_map(|k| self.entries.get(&k.source).cloned())
            .collect()
    }

    pub fn tag(&self, slug: &str) -> Option<&TagPosts> {
        self.tags.get(slug)
    }

    pub fn tags(&self) -> impl Iterator<Item = &TagPosts> {
        self.tags.values()
    }

    pub fn tag_slice(&self, slug: &str, start: usize, len: usize) -> Vec<Arc<Entry>> {
        self.tags
            .get(slug)
            .map(|t| {
                slice(&t.posts, start, len)
                    .filter_map(|k| self.entries.get(&k.source).cloned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The published posts just older and just newer than `entry`.
    pub fn neighbours(&self, entry: &Entry) -> (Option<Arc<Entry>>, Option<Arc<Entry>>) {
        let Ok(pos) = self.published.binary_search(&PostKey::of(entry)) else {
            return (None, None);
        };
        let at = |i: usize| {
            self.published
                .get(i)
                .and_then(|k| self.entries.get(&k.source))
                .cloned()
        };
        let newer = pos.checked_sub(1).and_then(at);
        (at(pos + 1), newer)
    }

    /// The earliest time a scheduled post becomes visible.
    pub fn next_scheduled(&self) -> Option<DateTime<Utc>> {
        self.scheduled.get_min().map(|(at, _)| *at)
    }

    /// The post or page with this slug (drafts and scheduled ones included).
    pub fn find(&self, kind: EntryKind, slug: &str) -> Option<&Arc<Entry>> {
        self.owners
            .get(&kind.url_for(slug))
            .and_then(|source| self.entries.get(source))
            .filter(|e| e.kind == kind)
    }

    /// Draft, scheduled or published, by this site's clock: the one definition the lists,
    /// the scheduler and the admin share.
    pub fn status(&self, entry: &Entry) -> entry::Status {
        entry.status_at(self.now)
    }

    /// Checks that `entry` may join the site, without changing anything.
    pub fn check(&self, entry: &Entry) -> Result<(), Conflict> {
        if entry.kind == EntryKind::Page && route::RESERVED_SLUGS.contains(&entry.slug.as_str()) {
            return Err(Conflict::ReservedSlug(entry.slug.to_string()));
        }
        let url = entry.url_path();
        match self.owners.get(&url) {
            Some(owner) if *owner != entry.source => Err(Conflict::UrlTaken {
                url,
                owner: owner.clone(),
            }),
            _ => Ok(()),
        }
    }

    /// Adds or replaces an entry and says which routes that touches.
    pub fn upsert(&mut self, entry: Entry) -> Result<Impact, Conflict> {
        self.check(&entry)?;
        let before = self.take(&entry.source);
        let entry = Arc::new(entry);
        self.owners.insert(entry.url_path(), entry.source.clone());
        self.entries.insert(entry.source.clone(), entry.clone());
        let after = self.index(&entry);
        Ok(self.impact(before, Some((entry, after))))
    }

    pub fn remove(&mut self, source: &SourcePath) -> Impact {
        let before = self.take(source);
        self.impact(before, None)
    }

    /// The files of `entry`'s bundle, as (file name, bytes).
    pub fn bundle_files_of<'a>(&'a self, entry: &Entry) -> Vec<(&'a str, &'a Bytes)> {
        let Some(dir) = entry.source.bundle_dir() else {
            return Vec::new();
        };
        let prefix = format!("{dir}/");
        let Some(start) = SourcePath::new(dir) else {
            return Vec::new();
        };
        self.bundle_files
            .range(start..)
            .skip_while(|(path, _)| !path.as_str().starts_with(&prefix))
            .take_while(|(path, _)| path.as_str().starts_with(&prefix))
            .filter_map(|(path, bytes)| {
                let name = &path.as_str()[prefix.len()..];
                (!name.contains('/')).then_some((name, bytes))
            })
            .collect()
    }

    /// Adds, replaces or (with `None`) removes a file beside a bundle's `index.md`.
    pub fn set_bundle_file(&mut self, path: SourcePath, bytes: Option<Bytes>) -> Impact {
        let mut impact = Impact::default();
        let (dir, name) = match path.as_str().rsplit_once('/') {
            Some((dir, name)) => (dir.to_owned(), name.to_owned()),
            None => return impact,
        };
        let removed = match bytes {
            Some(b) => {
                self.bundle_files.insert(path, b);
                false
            }
            None => self.bundle_files.remove(&path).is_some(),
        };
        let owner =
            SourcePath::new(&format!("{dir}/index.md")).and_then(|s| self.entries.get(&s).cloned());
        if let Some(owner) = owner.filter(|o| self.is_published(o)) {
            if removed {
                impact
                    .removed_paths
                    .insert(format!("{}{name}", owner.url_path()));
            }
            impact.render.insert(Route::Entry(owner.source.clone()));
        }
        impact
    }

    pub fn set_config(&mut self, config: Arc<Config>) {
        self.config = config;
    }

    /// Moves the clock to `now`, publishing the scheduled posts that are due.
    pub fn advance_clock(&mut self, now: DateTime<Utc>) -> Impact {
        self.now = now;
        let mut impact = Impact::default();
        while let Some((at, source)) = self.scheduled.get_min().cloned() {
            if at > now {
                break;
            }
            if let Some(entry) = self.take(&source).map(|(e, _)| e) {
                let entry = Arc::new((*entry).clone());
                self.owners.insert(entry.url_path(), entry.source.clone());
                self.entries.insert(entry.source.clone(), entry.clone());
                let after = self.index(&entry);
                impact.merge(self.impact(None, Some((entry, after))));
            } else {
                self.scheduled.remove(&(at, source));
            }
        }
        impact
    }

    /// Every route the site has now: what a full render produces.
    pub fn all_routes(&self) -> Vec<Route> {
        let per_page = self.config.posts_per_page;
        let mut routes: Vec<Route> = (1..=page_count(self.published.len(), per_page))
            .map(|page| Route::Home { page })
            .collect();
        routes.extend(
            self.entries
                .values()
                .filter(|e| self.is_published(e))
                .map(|e| Route::Entry(e.source.clone())),
        );
        for t in self.tags.values() {
            routes.extend(
                (1..=page_count(t.posts.len(), per_page)).map(|page| Route::Tag {
                    slug: t.tag.slug.clone(),
                    page,
                }),
            );
            routes.push(Route::TagFeed {
                slug: t.tag.slug.clone(),
            });
        }
        routes.extend([
            Route::Archive,
            Route::TagIndex,
            Route::Feeds,
            Route::Sitemap,
            Route::Robots,
            Route::NotFound,
        ]);
        routes
    }

    /// Removes an entry from every index; returns it with its list positions before removal.
    fn take(&mut self, source: &SourcePath) -> Option<(Arc<Entry>, Positions)> {
        let entry = self.entries.remove(source)?;
        self.owners.remove(&entry.url_path());
        if let Some(date) = entry.date {
            self.scheduled.remove(&(date, source.clone()));
        }
        let key = PostKey::of(&entry);
        let mut positions = Positions::default();
        if let Ok(pos) = self.published.binary_search(&key) {
            self.published.remove(pos);
            positions.home = Some(pos);
        }
        for tag in &entry.tags {
            if let Some(t) = self.tags.get_mut(&tag.slug) {
                if let Ok(pos) = t.posts.binary_search(&key) {
                    t.posts.remove(pos);
                    positions.tags.push((tag.slug.clone(), pos));
                }
                if t.posts.is_empty() {
                    self.tags.remove(&tag.slug);
                }
            }
        }
        Some((entry, positions))
    }

    /// Adds an entry to the indexes it belongs in; returns its positions there.
    fn index(&mut self, entry: &Arc<Entry>) -> Positions {
        let mut positions = Positions::default();
        if entry.kind != EntryKind::Post || entry.draft {
            return positions;
        }
        if let Some(date) = entry.date.filter(|d| *d > self.now) {
            self.scheduled.insert((date, entry.source.clone()));
            return positions;
        }
        let key = PostKey::of(entry);
        let pos = self.published.binary_search(&key).unwrap_or_else(|p| p);
        self.published.insert(pos, key.clone());
        positions.home = Some(pos);
        for tag in &entry.tags {
            let t = self
                .tags
                .entry(tag.slug.clone())
                .or_insert_with(|| TagPosts {
                    tag: tag.clone(),
                    posts: Vector::new(),
                });
            let pos = t.posts.binary_search(&key).unwrap_or_else(|p| p);
            t.posts.insert(pos, key.clone());
            positions.tags.push((tag.slug.clone(), pos));
        }
        positions
    }

    /// Which routes an entry's change touches. See ARCHITECTURE.md, "Incremental rendering".
    fn impact(
        &self,
        before: Option<(Arc<Entry>, Positions)>,
        after: Option<(Arc<Entry>, Positions)>,
    ) -> Impact {
        let mut impact = Impact::default();
        let per_page = self.config.posts_per_page;
        let feed_limit = self.config.feed_limit;
        let old = before.as_ref().map(|(e, _)| e);
        let new = after.as_ref().map(|(e, _)| e);
        let visible = |(e, p): &(Arc<Entry>, Positions)| match e.kind {
            EntryKind::Post => p.home.is_some(),
            EntryKind::Page => !e.draft,
        };
        let was_visible = before.as_ref().is_some_and(visible);
        let is_visible = after.as_ref().is_some_and(visible);

        if let Some(old) = old {
            let moved = new.is_none_or(|n| n.url_path() != old.url_path());
            if was_visible && (moved || !is_visible) {
                impact.removed_paths.insert(old.url_path());
                for (name, _) in self.bundle_files_of(old) {
                    impact
                        .removed_paths
                        .insert(format!("{}{name}", old.url_path()));
                }
            }
            for alias in &old.aliases {
                if new.is_none_or(|n| !n.aliases.contains(alias)) || !is_visible {
                    impact.removed_paths.insert(alias.clone());
                }
            }
        }
        if let Some(new) = new.filter(|_| is_visible) {
            impact.render.insert(Route::Entry(new.source.clone()));
        }
        if !was_visible && !is_visible {
            return impact;
        }

        // Whether what lists show of the entry changed (a body-only edit changes the summary
        // at most, which only the list page holding it shows).
        let listed_same = match (old, new) {
            (Some(o), Some(n)) => {
                o.title == n.title
                    && o.url_path() == n.url_path()
                    && o.date == n.date
                    && o.updated == n.updated
            }
            _ => false,
        };
        let entry_is_post = old.or(new).is_some_and(|e| e.kind == EntryKind::Post);
        if !listed_same || !entry_is_post {
            impact.render.insert(Route::Sitemap);
        }
        if !entry_is_post {
            return impact;
        }
        if !listed_same {
            impact.render.insert(Route::Archive);
        }

        let old_home = before.as_ref().and_then(|(_, p)| p.home);
        let new_home = after.as_ref().and_then(|(_, p)| p.home);
        let count_after = self.published.len();
        let count_before =
            count_after + usize::from(old_home.is_some()) - usize::from(new_home.is_some());
        list_pages(
            old_home,
            new_home,
            count_before,
            count_after,
            per_page,
            |page| Route::Home { page },
            &mut impact,
            route::home_path,
        );
        if old_home.is_some_and(|p| p < feed_limit) || new_home.is_some_and(|p| p < feed_limit) {
            impact.render.insert(Route::Feeds);
        }
        // Prev/next links (title and URL) of the posts around the old and the new position.
        let neighbour_positions = if listed_same {
            [None, None]
        } else {
            [old_home, new_home]
        };
        for pos in neighbour_positions.into_iter().flatten() {
            for i in [pos.checked_sub(1), Some(pos), Some(pos + 1)]
                .into_iter()
                .flatten()
            {
                if let Some(k) = self.published.get(i)
                    && new.is_none_or(|n| n.source != k.source)
                {
                    impact.render.insert(Route::Entry(k.source.clone()));
                }
            }
        }

        let old_tags = before
            .as_ref()
            .map(|(_, p)| p.tags.clone())
            .unwrap_or_default();
        let new_tags = after
            .as_ref()
            .map(|(_, p)| p.tags.clone())
            .unwrap_or_default();
        let mut slugs: BTreeSet<&String> = old_tags.iter().map(|(s, _)| s).collect();
        slugs.extend(new_tags.iter().map(|(s, _)| s));
        for slug in slugs {
            let old_pos = old_tags.iter().find(|(s, _)| s == slug).map(|(_, p)| *p);
            let new_pos = new_tags.iter().find(|(s, _)| s == slug).map(|(_, p)| *p);
            let count_after = self.tags.get(slug).map(|t| t.posts.len()).unwrap_or(0);
            let count_before =
                count_after + usize::from(old_pos.is_some()) - usize::from(new_pos.is_some());
            if count_after == 0 {
                for page in 1..=page_count(count_before, per_page) {
                    impact.removed_paths.insert(route::tag_path(slug, page));
                }
                impact.removed_paths.insert(route::tag_feed_path(slug));
            } else {
                let slug_owned = slug.clone();
                list_pages(
                    old_pos,
                    new_pos,
                    count_before,
                    count_after,
                    per_page,
                    |page| Route::Tag {
                        slug: slug_owned.clone(),
                        page,
                    },
                    &mut impact,
                    |page| route::tag_path(slug, page),
                );
                if old_pos.is_some_and(|p| p < feed_limit)
                    || new_pos.is_some_and(|p| p < feed_limit)
                {
                    impact.render.insert(Route::TagFeed { slug: slug.clone() });
                }
            }
            if old_pos.is_some() != new_pos.is_some() || !listed_same {
                impact.render.insert(Route::TagIndex);
            }
        }
        impact
    }
}

/// Positions an entry held in the newest-first lists.
#[derive(Debug, Default, Clone)]
struct Positions {
    home: Option<usize>,
    tags: Vec<(String, usize)>,
}

fn slice<T: Clone>(list: &Vector<T>, start: usize, len: usize) -> impl Iterator<Item = &T> {
    (start..start.saturating_add(len).min(list.len())).filter_map(move |i| list.get(i))
}

/// Adds the list pages whose contents shift when an item moves from `old` to `new`
/// (either may be absent: an insertion or a removal), and the pages that no longer exist.
#[allow(clippy::too_many_arguments)] // one call per list kind; a struct would only rename them
fn list_pages(
    old: Option<usize>,
    new: Option<usize>,
    count_before: usize,
    count_after: usize,
    per_page: usize,
    route: impl Fn(usize) -> Route,
    impact: &mut Impact,
    path: impl Fn(usize) -> String,
) {
    let pages_before = page_count(count_before, per_page);
    let pages_after = page_count(count_after, per_page);
    let (first, last) = match (old, new) {
        (Some(o), Some(n)) if o == n => (o, o),
        (Some(o), Some(n)) => (o.min(n), o.max(n)),
        // An insertion or a removal shifts every later item by one place.
        (Some(p), None) | (None, Some(p)) => (p, count_before.max(count_after).saturating_sub(1)),
        (None, None) => return,
    };
    let first_page = first / per_page + 1;
    let last_page = (last / per_page + 1).min(pages_after);
    for page in first_page..=last_page {
        impact.render.insert(route(page));
    }
    if pages_after != pages_before {
        // Every list page shows "page N of M", so the count change touches them all.
        for page in 1..=pages_after {
            impact.render.insert(route(page));
        }
        for page in pages_after + 1..=pages_before {
            impact.removed_paths.insert(path(page));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::entry::RenderedMarkdown;
    use chrono::TimeZone;

    fn post(name: &str, day: u32, tags: &[&str]) -> Entry {
        let source = SourcePath::new(&format!("posts/{name}.md")).unwrap_or_else(|| unreachable!());
        Entry {
            kind: source.kind(),
            source,
            slug: entry::Slug::from_slugified(name.to_owned()),
            title: name.to_owned(),
            date: Utc.with_ymd_and_hms(2024, 1, day, 0, 0, 0).single(),
            updated: None,
            draft: false,
            tags: tags
                .iter()
                .map(|t| Tag {
                    slug: (*t).to_owned(),
                    name: (*t).to_owned(),
                })
                .collect(),
            description: None,
            aliases: Vec::new(),
            template: None,
            extra: Default::default(),
            body: RenderedMarkdown {
                html: String::new(),
                summary_html: None,
                toc: Vec::new(),
                excerpt: String::new(),
                word_count: 0,
                reading_minutes: 1,
            },
            source_hash: String::new(),
        }
    }

    fn site(n: u32) -> Site {
        let config = Arc::new(Config {
            posts_per_page: 2,
            feed_limit: 2,
            ..Config::default()
        });
        let now = Utc
            .with_ymd_and_hms(2024, 6, 1, 0, 0, 0)
            .single()
            .unwrap_or_default();
        Site::from_entries(
            config,
            (1..=n).map(|d| post(&format!("p{d}"), d, &["t"])),
            now,
        )
        .0
    }

    #[test]
    fn body_edit_touches_only_its_page_and_list_page() {
        let mut s = site(6);
        let mut e = post("p1", 1, &["t"]);
        e.body.html = "changed".to_owned();
        let impact = s.upsert(e).unwrap_or_default();
        // p1 is the oldest: position 5, on home page 3 and tag page 3; not in the feeds.
        let expected: BTreeSet<Route> = [
            Route::Entry(SourcePath::new("posts/p1.md").unwrap_or_else(|| unreachable!())),
            Route::Home { page: 3 },
            Route::Tag {
                slug: "t".to_owned(),
                page: 3,
            },
        ]
        .into_iter()
        .collect();
        assert_eq!(impact.render, expected);
        assert!(impact.removed_paths.is_empty());
    }

    #[test]
    fn new_post_shifts_lists_and_feeds() {
        let mut s = site(4);
        let impact = s.upsert(post("p9", 9, &["u"])).unwrap_or_default();
        assert!(impact.render.contains(&Route::Feeds));
        assert!(
            impact.render.contains(&Route::Home { page: 3 }),
            "5 posts need a third page"
        );
        assert!(impact.render.contains(&Route::TagIndex));
        assert!(impact.render.contains(&Route::TagFeed {
            slug: "u".to_owned()
        }));
    }

    #[test]
    fn removal_drops_pages_that_no_longer_exist() {
        let mut s = site(3);
        let impact = s.remove(&SourcePath::new("posts/p3.md").unwrap_or_else(|| unreachable!()));
        assert!(impact.removed_paths.contains("/posts/p3/"));
        assert!(impact.removed_paths.contains("/page/2/"));
        assert!(impact.removed_paths.contains("/tags/t/page/2/"));
    }

    #[test]
    fn slug_clash_is_refused() {
        let mut s = site(1);
        let mut other = post("p1", 3, &[]);
        other.source = SourcePath::new("posts/other.md").unwrap_or_else(|| unreachable!());
        assert!(matches!(s.upsert(other), Err(Conflict::UrlTaken { .. })));
    }

    #[test]
    fn scheduled_posts_appear_when_due() {
        let mut s = site(1);
        let mut future = post("later", 1, &[]);
        future.date = Utc.with_ymd_and_hms(2024, 7, 1, 0, 0, 0).single();
        let impact = s.upsert(future).unwrap_or_default();
        assert!(impact.render.is_empty());
        assert_eq!(s.published_count(), 1);
        let impact = s.advance_clock(
            Utc.with_ymd_and_hms(2024, 7, 2, 0, 0, 0)
                .single()
                .unwrap_or_default(),
        );
        assert_eq!(s.published_count(), 2);
        assert!(impact.render.contains(&Route::Feeds));
    }
}
