//! What templates see: the theme contract. Every field here is documented in the README.

use chrono::{DateTime, FixedOffset, Offset, SecondsFormat, Utc};
use serde::Serialize;

use super::urls::resolve_all;
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
    /// The site's navigation: `extra.nav` (each `{ name, url }`), then Archive and Tags unless
    /// `extra.nav` already links to them.
    pub nav: Vec<NavItem>,
}

#[derive(Serialize)]
pub struct NavItem {
    pub name: String,
    pub url: String,
}

fn nav_of(extra: &toml::Table) -> Vec<NavItem> {
    let mut nav: Vec<NavItem> = extra
        .get("nav")
        .and_then(|n| n.as_array())
        .into_iter()
        .flatten()
        .filter_map(|item| {
            Some(NavItem {
                name: item.get("name")?.as_str()?.to_owned(),
                url: item.get("url")?.as_str()?.to_owned(),
            })
        })
        .collect();
    for (name, url) in [("Archive", route::ARCHIVE_PATH), ("Tags", route::TAGS_PATH)] {
        if !nav.iter().any(|item| item.url == url) {
            nav.push(NavItem {
                name: name.to_owned(),
                url: url.to_owned(),
            });
        }
    }
    nav
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
            nav: nav_of(&config.extra),
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
    /// In the offset the date was written in (seconds east of UTC), or UTC.
    pub fn new(date: DateTime<Utc>, offset: Option<i32>) -> Self {
        let offset = offset
            .and_then(FixedOffset::east_opt)
            .unwrap_or_else(|| Utc.fix());
        let local = date.with_timezone(&offset);
        DateView {
            iso: local.to_rfc3339_opts(SecondsFormat::Secs, true),
            display: local.format("%B %-d, %Y").to_string(),
            year: chrono::Datelike::year(&local),
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
    /// HTML before `<!-- more -->`, if the post has the marker, with its relative URLs
    /// resolved against the post's URL, so it works on list pages too.
    pub summary: Option<String>,
    /// Plain text of the first paragraph, shortened.
    pub excerpt: &'a str,
    pub content: Option<&'a str>,
    pub toc: &'a [TocEntry],
    /// From `author` or `authors` in the front matter.
    pub authors: Vec<String>,
    /// The cover image, from `image`, `cover` (or `cover.image`) or `images[0]`; its URL is
    /// resolved against the post's.
    pub image: Option<ImageView>,
    pub word_count: usize,
    pub reading_minutes: usize,
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
}

impl<'a> EntryView<'a> {
    pub fn new(entry: &'a Entry, base_url: &str, with_content: bool) -> Self {
        let url = entry.url_path();
        let summary = entry
            .body
            .summary_html
            .as_deref()
            .map(|html| resolve_all(html, &url));
        let image = image_of(&entry.extra, &url);
        EntryView {
            kind: entry.kind,
            title: &entry.title,
            slug: &entry.slug,
            permalink: format!("{base_url}{url}"),
            url,
            date: entry.date.map(|d| DateView::new(d, entry.date_offset)),
            updated: entry
                .updated
                .map(|d| DateView::new(d, entry.updated_offset)),
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
            summary,
            excerpt: &entry.body.excerpt,
            content: with_content.then_some(entry.body.html.as_str()),
            toc: &entry.body.toc,
            authors: authors_of(&entry.extra),
            image,
            word_count: entry.body.word_count,
            reading_minutes: entry.body.reading_minutes,
            extra: &entry.extra,
        }
    }
}

/// A cover image.
#[derive(Serialize)]
pub struct ImageView {
    /// On this site (`/posts/x/cover.jpg`) or absolute.
    pub url: String,
    /// Empty when the front matter gives none: the image is then decorative.
    pub alt: String,
}

fn text_of(value: Option<&serde_json::Value>) -> Option<String> {
    value
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// `authors = ["A", "B"]`, `author = "A"` or `author = ["A"]`.
fn authors_of(extra: &serde_json::Map<String, serde_json::Value>) -> Vec<String> {
    for key in ["authors", "author"] {
        match extra.get(key) {
            Some(serde_json::Value::Array(items)) => {
                return items.iter().filter_map(|v| text_of(Some(v))).collect();
            }
            Some(v) => {
                if let Some(name) = text_of(Some(v)) {
                    return vec![name];
                }
            }
            None => {}
        }
    }
    Vec::new()
}

/// The cover image as Hugo, Zola and PaperMod themes write it.
fn image_of(
    extra: &serde_json::Map<String, serde_json::Value>,
    page_url: &str,
) -> Option<ImageView> {
    let cover = extra.get("cover");
    let url = text_of(extra.get("image"))
        .or_else(|| text_of(cover))
        .or_else(|| text_of(cover.and_then(|c| c.get("image"))))
        .or_else(|| text_of(extra.get("images").and_then(|i| i.get(0))))?;
    let alt = text_of(extra.get("image_alt"))
        .or_else(|| text_of(cover.and_then(|c| c.get("alt"))))
        .unwrap_or_default();
    Some(ImageView {
        url: super::urls::resolve(&url, page_url),
        alt,
    })
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
    /// Absolute URL of the page's image, for `og:image`.
    pub image: Option<String>,
}
