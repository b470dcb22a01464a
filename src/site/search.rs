//! The site's search: what goes into the index, and queries that see only what they may (the
//! public sees published entries; the admin sees everything).

use std::sync::Arc;

use chrono::Datelike;

use super::Site;
use super::entry::Entry;
use crate::search::{DocInput, Hit, Query, SearchIndex};

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

fn input(entry: &Entry) -> (Vec<&str>, &str, &str, &str) {
    let tags = entry.tags.iter().map(|t| t.name.as_str()).collect();
    (
        tags,
        entry.source.as_str(),
        entry.title.as_str(),
        entry.body.html.as_str(),
    )
}

impl Site {
    pub(super) fn index_for_search(&mut self, entry: &Entry) {
        let (tags, key, title, html) = input(entry);
        self.search.upsert(&DocInput {
            key,
            title,
            tags: &tags,
            html,
        });
    }

    pub(super) fn index_all_for_search(&mut self) {
        let entries: Vec<Arc<Entry>> = self.entries.values().cloned().collect();
        let parts: Vec<_> = entries.iter().map(|e| input(e)).collect();
        let inputs = parts
            .iter()
            .map(|(tags, key, title, html)| DocInput {
                key,
                title,
                tags,
                html,
            })
            .collect();
        self.search.extend(inputs);
    }

    pub fn search_index(&self) -> &SearchIndex {
        &self.search
    }

    fn entry_of(&self, key: &str) -> Option<&Arc<Entry>> {
        self.entries.get(key)
    }

    /// What visitors may find: published posts and pages, filtered by tag and year.
    pub fn search(&self, query: &SiteQuery) -> SearchPage {
        let per_page = query.per_page.max(1);
        let results = self.search.search(
            &Query {
                text: &query.text,
                offset: query.page.saturating_sub(1).saturating_mul(per_page),
                limit: per_page,
                snippets: true,
            },
            |doc| {
                self.entry_of(&doc.key).is_some_and(|entry| {
                    self.is_visible(entry)
                        && query
                            .tag
                            .as_ref()
                            .is_none_or(|tag| entry.tags.iter().any(|t| &t.slug == tag))
                        && query.year.is_none_or(|year| utc_year(entry) == Some(year))
                })
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

    /// `is_published` by status, not by a search of the lists: it runs for every match.
    fn is_visible(&self, entry: &Entry) -> bool {
        match entry.kind {
            super::entry::EntryKind::Page => !entry.draft,
            super::entry::EntryKind::Post => self.status(entry) == super::entry::Status::Published,
        }
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

/// The year of a post's date, in UTC, as `published_years` lists them.
fn utc_year(entry: &Entry) -> Option<i32> {
    entry.date.map(|d| d.year())
}
