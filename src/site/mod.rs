//! The in-memory site: every entry plus the indexes lists need, as an immutable value.
//!
//! Pure data: no IO, no HTTP, no templates. Maps are persistent (`imbl`), so an edit clones the
//! site in O(1) and changes it in O(log n); the writer builds the next `Site` while readers keep
//! the previous one.

pub mod comments;
pub mod entry;
mod impact;
pub mod related;
pub mod route;
pub mod search;
pub mod views;

use impact::Positions;

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
    /// Full text of every entry, drafts included (see `search.rs`).
    search: crate::search::SearchIndex,
    /// Comments by post, and the post of each comment id (see `comments.rs`).
    comments: OrdMap<SourcePath, comments::Thread>,
    comment_posts: OrdMap<u64, SourcePath>,
    /// Views counted so far, by URL path (see `views.rs`).
    views: OrdMap<String, u64>,
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
    /// Islands to fill again, as (island name, its argument: a post's URL path): the pages
    /// holding them are reassembled from the parts already rendered, and no template runs.
    pub refill: BTreeSet<(String, String)>,
    /// Pages to render again when the writer is idle: posts whose related lists may have
    /// changed.
    pub later: BTreeSet<Route>,
}

impl Impact {
    pub fn merge(&mut self, other: Impact) {
        self.render.extend(other.render);
        self.removed_paths.extend(other.removed_paths);
        self.refill.extend(other.refill);
        self.later.extend(other.later);
    }

    pub fn is_empty(&self) -> bool {
        self.render.is_empty()
            && self.removed_paths.is_empty()
            && self.refill.is_empty()
            && self.later.is_empty()
    }
}

impl Site {
    pub fn new(config: Arc<Config>, now: DateTime<Utc>) -> Site {
        let search = crate::search::SearchIndex::new(&config.language);
        Site {
            config,
            entries: OrdMap::new(),
            owners: OrdMap::new(),
            published: Vector::new(),
            tags: OrdMap::new(),
            scheduled: OrdSet::new(),
            bundle_files: OrdMap::new(),
            now,
            search,
            comments: OrdMap::new(),
            comment_posts: OrdMap::new(),
            views: OrdMap::new(),
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
            if let Err(c) = site.put(entry) {
                conflicts.push((source, c));
            }
        }
        // Indexed together at the end: the analysis runs in parallel.
        site.index_all_for_search();
        (site, conflicts)
    }

    /// The site's "now": what is published and what is scheduled is judged by it.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
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

    /// The entry that owns a URL path (`/posts/x/`), drafts included.
    pub fn entry_at(&self, url: &str) -> Option<&Arc<Entry>> {
        self.owners
            .get(url)
            .and_then(|source| self.entries.get(source))
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
        let source = entry.source.clone();
        let impact = self.put(entry)?;
        if let Some(entry) = self.entries.get(&source).cloned() {
            self.index_for_search(&entry);
        }
        Ok(impact)
    }

    /// `upsert` without the search index.
    fn put(&mut self, entry: Entry) -> Result<Impact, Conflict> {
        self.check(&entry)?;
        let before = self.take(&entry.source);
        let entry = Arc::new(entry);
        self.owners.insert(entry.url_path(), entry.source.clone());
        self.entries.insert(entry.source.clone(), entry.clone());
        let after = self.index(&entry);
        Ok(self.impact(before, Some((entry, after))))
    }

    pub fn remove(&mut self, source: &SourcePath) -> Impact {
        self.search.remove(source.as_str());
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
            Route::Search,
            Route::CommentResult,
            Route::CommentsFeed,
        ]);
        routes.extend(
            self.comments
                .keys()
                .map(|post| Route::CommentFeed(post.clone())),
        );
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
}

fn slice<T: Clone>(list: &Vector<T>, start: usize, len: usize) -> impl Iterator<Item = &T> {
    (start..start.saturating_add(len).min(list.len())).filter_map(move |i| list.get(i))
}

#[cfg(test)]
mod tests;
