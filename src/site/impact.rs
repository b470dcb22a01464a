//! Which routes an entry's change touches: its own page and paths, the home lists, the tag
//! lists and feeds, neighbours, archive, sitemap and tag index. See ARCHITECTURE.md,
//! "Incremental rendering".

use std::collections::BTreeSet;
use std::sync::Arc;

use super::entry::{Entry, EntryKind};
use super::route::{self, Route, page_count};
use super::{Impact, Site};

/// Positions an entry held in the newest-first lists.
#[derive(Debug, Default, Clone)]
pub(super) struct Positions {
    pub(super) home: Option<usize>,
    pub(super) tags: Vec<(String, usize)>,
}

/// The entry before and after the change, with the list positions each held.
type Side = Option<(Arc<Entry>, Positions)>;

impl Site {
    /// Which routes an entry's change touches, and which paths it removes.
    pub(super) fn impact(&self, before: Side, after: Side) -> Impact {
        let mut impact = Impact::default();
        let old = before.as_ref().map(|(e, _)| e);
        let new = after.as_ref().map(|(e, _)| e);
        let visible = |(e, p): &(Arc<Entry>, Positions)| match e.kind {
            EntryKind::Post => p.home.is_some(),
            EntryKind::Page => !e.draft,
        };
        let was_visible = before.as_ref().is_some_and(visible);
        let is_visible = after.as_ref().is_some_and(visible);
        self.own_paths(old, new, was_visible, is_visible, &mut impact);
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
        if !listed_same || old.map(|o| &o.tags) != new.map(|n| &n.tags) {
            impact.render.insert(Route::Archive);
            // Its filters list the years and tags.
            impact.render.insert(Route::Search);
            // The posts around it may list it as related (or stop listing it).
            for entry in old.into_iter().chain(new) {
                impact.later.extend(self.related_neighbours(entry));
            }
        }
        self.home_lists(&before, &after, listed_same, &mut impact);
        self.tag_lists(&before, &after, listed_same, &mut impact);
        impact
    }

    /// The entry's own page, its bundle files and aliases: rendered, or gone.
    fn own_paths(
        &self,
        old: Option<&Arc<Entry>>,
        new: Option<&Arc<Entry>>,
        was_visible: bool,
        is_visible: bool,
        impact: &mut Impact,
    ) {
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
    }

    /// Home list pages, the site feeds, and the prev/next neighbours' pages.
    fn home_lists(&self, before: &Side, after: &Side, listed_same: bool, impact: &mut Impact) {
        let per_page = self.config.posts_per_page;
        let feed_limit = self.config.feed_limit;
        let new = after.as_ref().map(|(e, _)| e);
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
            impact,
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
    }

    /// Each tag's list pages and feed, and the tag index, for the old and new tag sets.
    fn tag_lists(&self, before: &Side, after: &Side, listed_same: bool, impact: &mut Impact) {
        let per_page = self.config.posts_per_page;
        let feed_limit = self.config.feed_limit;
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
                    impact,
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
                impact.render.insert(Route::Search);
            }
        }
    }
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
