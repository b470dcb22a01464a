//! What templates see: the theme contract. Every field here is documented in the README.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::config::Config;
use crate::site::entry::TocEntry;
use crate::site::entry::{Entry, EntryKind};
use crate::site::route;

/// `config` in every template.
#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    pub author: &'a str,
    pub language: &'a str,
    pub extra: &'a toml::Table,
    pub generator: &'static str,
}

impl<'a> SiteView<'a> {
    pub fn new(config: &'a Config, base_url: &'a str) -> Self {
        SiteView {
            title: &config.title,
            description: &config.description,
            base_url,
            author: &config.author,
            language: &config.language,
            extra: &config.extra,
            generator: concat!("Quire ", env!("CARGO_PKG_VERSION")),
        }
    }
}

#[derive(Serialize)]
pub struct TagLink {
    pub name: String,
    pub slug: String,
    pub url: String,
}

/// A point in time in the forms templates want.
#[derive(Serialize)]
pub struct DateView {
    /// `2024-05-01T09:30:00Z`, for `<time datetime>`.
    pub iso: String,
    /// `May 1, 2024`.
    pub display: String,
    pub year: i32,
}

impl DateView {
    pub fn new(date: DateTime<Utc>) -> Self {
        DateView {
            iso: date.to_rfc3339_opts(SecondsFormat::Secs, true),
            display: date.format("%B %-d, %Y").to_string(),
            year: chrono::Datelike::year(&date),
        }
    }
}

/// `page` (a post or a page) on its own page, or an item of a list (without `content`).
#[derive(Serialize)]
pub struct EntryView<'a> {
    pub kind: EntryKind,
    pub title: &'a str,
    pub slug: &'a str,
    /// Path on this site, `/posts/slug/`.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    pub date: Option<DateView>,
    pub updated: Option<DateView>,
    pub draft: bool,
    pub tags: Vec<TagLink>,
    pub description: Option<&'a str>,
    /// HTML before `<!-- more -->`, if the post has the marker.
    pub summary: Option<&'a str>,
    /// Plain text of the first paragraph, shortened.
    pub excerpt: &'a str,
    pub content: Option<&'a str>,
    pub toc: &'a [TocEntry],
    pub word_count: usize,
    pub reading_minutes: usize,
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
}

impl<'a> EntryView<'a> {
    pub fn new(entry: &'a Entry, base_url: &str, with_content: bool) -> Self {
        let url = entry.url_path();
        EntryView {
            kind: entry.kind,
            title: &entry.title,
            slug: &entry.slug,
            permalink: format!("{base_url}{url}"),
            url,
            date: entry.date.map(DateView::new),
            updated: entry.updated.map(DateView::new),
            draft: entry.draft,
            tags: entry
                .tags
                .iter()
                .map(|t| TagLink {
                    name: t.name.clone(),
                    slug: t.slug.clone(),
                    url: route::tag_path(&t.slug, 1),
                })
                .collect(),
            description: entry.description.as_deref(),
            summary: entry.body.summary_html.as_deref(),
            excerpt: &entry.body.excerpt,
            content: with_content.then_some(entry.body.html.as_str()),
            toc: &entry.body.toc,
            word_count: entry.body.word_count,
            reading_minutes: entry.body.reading_minutes,
            extra: &entry.extra,
        }
    }
}

/// `paginator` on list pages.
#[derive(Serialize)]
pub struct Paginator<'a> {
    pub items: Vec<EntryView<'a>>,
    /// 1-based.
    pub current: usize,
    pub total_pages: usize,
    pub total_items: usize,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
}

/// One tag on the tag index.
#[derive(Serialize)]
pub struct TagSummary {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub count: usize,
}

/// One year of the archive.
#[derive(Serialize)]
pub struct ArchiveYear<'a> {
    pub year: Option<i32>,
    pub posts: Vec<EntryView<'a>>,
}

/// Facts every HTML page has, for `<head>`: title, canonical URL, OpenGraph.
#[derive(Serialize)]
pub struct Meta {
    /// `<title>` text.
    pub title: String,
    pub description: String,
    /// Absolute canonical URL of this page.
    pub canonical: String,
    /// `website` or `article`.
    pub og_type: &'static str,
    /// The Atom feed for this page (the tag's own feed on tag pages).
    pub feed_url: String,
}
