//! Related posts: for a post, up to five others that share its tags and title words, looked
//! for among its neighbours in each of its tags (and, without tags, in the home list), so the
//! cost per post stays small whatever the size of the site.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use imbl::Vector;

use super::entry::{Entry, EntryKind, SourcePath};
use super::route::Route;
use super::{PostKey, Site};

/// How many related posts a post shows.
pub const RELATED: usize = 5;
/// How far either side of the post its candidates are looked for, in each list.
const REACH: usize = 25;

/// The keys around `key`'s place in `list`: `REACH` on each side.
fn around(list: &Vector<PostKey>, key: &PostKey) -> Vec<SourcePath> {
    let at = list.binary_search(key).unwrap_or_else(|p| p);
    let start = at.saturating_sub(REACH);
    let end = (at + REACH + 1).min(list.len());
    (start..end)
        .filter_map(|i| list.get(i))
        .map(|k| k.source.clone())
        .collect()
}

impl Site {
    /// Up to `RELATED` published posts most like `entry`: each shared tag counts 10, each
    /// shared title word (stemmed) 3; ties go to the nearest in date.
    pub fn related(&self, entry: &Entry) -> Vec<Arc<Entry>> {
        if entry.kind != EntryKind::Post {
            return Vec::new();
        }
        let key = PostKey::of(entry);
        let mut candidates: BTreeSet<SourcePath> = BTreeSet::new();
        for tag in &entry.tags {
            if let Some(t) = self.tags.get(&tag.slug) {
                candidates.extend(around(&t.posts, &key));
            }
        }
        if candidates.is_empty() {
            candidates.extend(around(&self.published, &key));
        }
        candidates.remove(&entry.source);
        let analyzer = self.search.analyzer();
        let words = |title: &str| -> BTreeSet<String> {
            analyzer
                .tokens(title)
                .into_iter()
                .map(|t| t.term)
                .filter(|t| !crate::search::tokenize::is_stop_word(t))
                .collect()
        };
        let own_words = words(&entry.title);
        let own_tags: BTreeSet<&str> = entry.tags.iter().map(|t| t.slug.as_str()).collect();
        let mut scored: BTreeMap<(std::cmp::Reverse<usize>, i64, SourcePath), Arc<Entry>> =
            BTreeMap::new();
        for source in candidates {
            let Some(other) = self.entries.get(&source) else {
                continue;
            };
            if !self.is_published(other) {
                continue;
            }
            let tags = other
                .tags
                .iter()
                .filter(|t| own_tags.contains(t.slug.as_str()))
                .count();
            let shared_words = words(&other.title).intersection(&own_words).count();
            let score = tags * 10 + shared_words * 3;
            if score == 0 {
                continue;
            }
            let distance = match (entry.date, other.date) {
                (Some(a), Some(b)) => (a - b).num_seconds().abs(),
                _ => i64::MAX,
            };
            scored.insert((std::cmp::Reverse(score), distance, source), other.clone());
        }
        scored.into_values().take(RELATED).collect()
    }

    /// The posts whose related lists may show `entry`: its neighbours in its tags. After a
    /// change to what lists show of it, their pages follow in the background.
    pub(super) fn related_neighbours(&self, entry: &Entry) -> Vec<Route> {
        let key = PostKey::of(entry);
        let mut around_it: BTreeSet<SourcePath> = BTreeSet::new();
        for tag in &entry.tags {
            if let Some(t) = self.tags.get(&tag.slug) {
                around_it.extend(around(&t.posts, &key));
            }
        }
        around_it.remove(&entry.source);
        around_it.into_iter().map(Route::Entry).collect()
    }
}
