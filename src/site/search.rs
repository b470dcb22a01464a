//! The site's search: what goes into the index, and queries that see only what they may (the
//! public sees published entries; the admin sees everything).

use std::sync::Arc;

use chrono::Datelike;

use super::Site;
use super::entry::{Entry, EntryKind};
use crate::search::{DocInput, Facets, Hit, Query, SearchIndex};

/// A public search: words, optional tag and year filters, and which page of results.
#[derive(Debug, Clone, Default)]
pub struct SiteQuery {
    pub text: String,
    pub tag: Option<String>,
    pub year: Option<i32>,
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
}

/// One result: the entry and how it matched.
pub struct Found {
    pub entry: Arc<Entry>,
    pub hit: Hit,
}

/// A page of results.
pub struct SearchPage {
    pub found: Vec<Found>,
    pub total: usize,
    pub corrected: bool,
}

/// The tag names of an entry (they are searched as title words).
fn tag_names(entry: &Entry) -> Vec<&str> {
    entry.tags.iter().map(|t| t.name.as_str()).collect()
}

fn input<'a>(entry: &'a Entry, tags: &'a [&'a str]) -> DocInput<'a> {
    DocInput {
        key: entry.source.as_str(),
        title: &entry.title,
        tags,
        html: &entry.body.html,
        facets: Facets {
            post: entry.kind == EntryKind::Post,
            draft: entry.draft,
            date: entry.date.map(|d| d.timestamp()),
            tags: entry.tags.iter().map(|t| t.slug.clone()).collect(),
        },
    }
}

impl Site {
    pub(super) fn index_for_search(&mut self, entry: &Entry) {
        let tags = tag_names(entry);
        self.search.upsert(&input(entry, &tags));
    }

    pub(super) fn index_all_for_search(&mut self) {
        let entries: Vec<Arc<Entry>> = self.entries.values().cloned().collect();
        let names: Vec<Vec<&str>> = entries.iter().map(|e| tag_names(e)).collect();
        let inputs = entries
            .iter()
            .zip(&names)
            .map(|(entry, tags)| input(entry, tags))
            .collect();
        self.search.extend(inputs);
    }

    pub fn search_index(&self) -> &SearchIndex {
        &self.search
    }

    fn entry_of(&self, key: &str) -> Option<&Arc<Entry>> {
        self.entries.get(key)
    }

    /// The entry whose source path is `key` (a search document's key).
    pub fn entry_at_source(&self, key: &str) -> Option<&Arc<Entry>> {
        self.entry_of(key)
    }

    /// What visitors may find: published posts and pages, filtered by tag and year.
    pub fn search(&self, query: &SiteQuery) -> SearchPage {
        let per_page = query.per_page.max(1);
        let now = self.now.timestamp();
        let results = self.search.search(
            &Query {
                text: &query.text,
                offset: query.page.saturating_sub(1).saturating_mul(per_page),
                limit: per_page,
                snippets: true,
            },
            // Runs for every match: it reads the document's facets, never the site's maps.
            |doc| {
                let facets = &doc.facets;
                let visible =
                    !facets.draft && (!facets.post || facets.date.is_none_or(|d| d <= now));
                visible
                    && query
                        .tag
                        .as_ref()
                        .is_none_or(|tag| facets.tags.iter().any(|t| t == tag))
                    && query
                        .year
                        .is_none_or(|year| facets.date.and_then(utc_year) == Some(year))
            },
            |doc| self.text_of(doc),
        );
        self.found(results)
    }

    /// The years that have published posts, newest first (in UTC), found with one binary search
    /// per year instead of a walk over every post.
    pub fn published_years(&self) -> Vec<i32> {
        let mut years = Vec::new();
        let (mut at, end) = (0, self.published.len());
        while let Some(date) = self.published.get(at).and_then(|k| k.newest_first.0) {
            let year = date.year();
            years.push(year);
            let Some(start) = chrono::NaiveDate::from_ymd_opt(year, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc())
            else {
                break;
            };
            // The first post older than this year's first instant.
            let (mut low, mut high) = (at, end);
            while low < high {
                let mid = (low + high) / 2;
                let newer = self
                    .published
                    .get(mid)
                    .and_then(|k| k.newest_first.0)
                    .is_some_and(|d| d >= start);
                if newer {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
            at = low.max(at + 1);
        }
        years
    }

    fn text_of(&self, doc: &crate::search::Doc) -> String {
        self.entry_of(&doc.key)
            .map(|e| crate::search::plain_text(&e.body.html))
            .unwrap_or_default()
    }

    /// Every entry matching `text`, drafts and scheduled posts included, best first: the
    /// admin's lists filter by it.
    pub fn search_everything(&self, text: &str) -> Vec<Arc<Entry>> {
        let results = self.search.search(
            &Query {
                text,
                offset: 0,
                limit: usize::MAX,
                snippets: false,
            },
            |_| true,
            |_| String::new(),
        );
        results
            .hits
            .iter()
            .filter_map(|hit| self.entry_of(&hit.doc.key).cloned())
            .collect()
    }

    fn found(&self, results: crate::search::Results) -> SearchPage {
        SearchPage {
            found: results
                .hits
                .into_iter()
                .filter_map(|hit| {
                    let entry = self.entry_of(&hit.doc.key)?.clone();
                    Some(Found { entry, hit })
                })
                .collect(),
            total: results.total,
            corrected: results.corrected,
        }
    }
}

/// The year of a date (seconds since 1970), in UTC, as `published_years` lists them.
fn utc_year(seconds: i64) -> Option<i32> {
    chrono::DateTime::from_timestamp(seconds, 0).map(|d| d.year())
}
