//! The compiled record of one content file: what the log stores and the site is made of.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a content file lives, relative to `content/`, with `/` separators: `posts/hello.md`.
/// It identifies an entry across edits, even when its slug changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SourcePath(String);

/// Lets maps keyed by `SourcePath` be searched with a `&str` without building one (the order
/// is the string's, as the derived `Ord` of the one field).
impl std::borrow::Borrow<str> for SourcePath {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl SourcePath {
    /// Accepts only clean relative paths: no `..`, no absolute paths, no backslashes.
    pub fn new(path: &str) -> Option<SourcePath> {
        crate::paths::is_clean_relative(path).then(|| SourcePath(path.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The path as users see it in messages: `content/posts/hello.md`.
    pub fn display_path(&self) -> String {
        format!("content/{}", self.0)
    }

    /// Posts are the files under `content/posts/`; every other file is a standalone page.
    pub fn kind(&self) -> EntryKind {
        if self.0.starts_with("posts/") {
            EntryKind::Post
        } else {
            EntryKind::Page
        }
    }

    /// For a page bundle (`posts/x/index.md`), the folder holding it and its files.
    pub fn bundle_dir(&self) -> Option<&str> {
        self.0.strip_suffix("/index.md")
    }
}

impl fmt::Display for SourcePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    Post,
    Page,
}

impl EntryKind {
    /// `post` or `page`, as the log and the API write it.
    pub fn name(self) -> &'static str {
        match self {
            EntryKind::Post => "post",
            EntryKind::Page => "page",
        }
    }

    /// The URL rule: posts live under `/posts/`, pages at the top.
    pub fn url_for(self, slug: &str) -> String {
        match self {
            EntryKind::Post => format!("/posts/{slug}/"),
            EntryKind::Page => format!("/{slug}/"),
        }
    }
}

/// The last segment of an entry's URL: lowercase letters, digits and single hyphens, as
/// `content::slug::slugify` makes them. Never contains `/` or `..`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    /// Wraps a string that `slugify` produced or accepted unchanged.
    pub fn from_slugified(slug: String) -> Slug {
        Slug(slug)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Slug {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Slug {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

/// Where an entry stands for visitors, by the site's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Draft,
    /// Not a draft, but dated after the site's "now".
    Scheduled,
    Published,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Scheduled => "scheduled",
            Status::Published => "published",
        }
    }
}

/// A tag as written (`Rust Lang`) and its URL form (`rust-lang`), which identifies it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Tag {
    pub slug: String,
    pub name: String,
}

/// One post or page, compiled: front matter validated, markdown rendered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub source: SourcePath,
    pub kind: EntryKind,
    pub slug: Slug,
    pub title: String,
    pub date: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    /// The UTC offset (seconds east) the date was written in, or the site time zone's at that
    /// date; dates are shown in it. `None`: shown in UTC.
    #[serde(default)]
    pub date_offset: Option<i32>,
    #[serde(default)]
    pub updated_offset: Option<i32>,
    pub draft: bool,
    pub tags: Vec<Tag>,
    pub description: Option<String>,
    /// Old URL paths (`/old/path/`) that redirect here with a 301.
    pub aliases: Vec<String>,
    pub template: Option<String>,
    /// Front-matter fields Quire does not know, kept for templates as `page.extra`.
    pub extra: serde_json::Map<String, serde_json::Value>,
    pub body: RenderedMarkdown,
    /// Hash of the source text (and the compiler version) that produced this record.
    pub source_hash: String,
}

impl Entry {
    pub fn url_path(&self) -> String {
        self.kind.url_for(&self.slug)
    }

    /// Draft, scheduled or published at `now`.
    pub fn status_at(&self, now: DateTime<Utc>) -> Status {
        if self.draft {
            Status::Draft
        } else if self.date.is_some_and(|d| d > now) {
            Status::Scheduled
        } else {
            Status::Published
        }
    }

    /// When it last changed, as far as its front matter says.
    pub fn last_changed(&self) -> Option<DateTime<Utc>> {
        self.updated.or(self.date)
    }
}

/// One heading in the table of contents, with the headings nested below it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// The HTML and the facts templates want about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RenderedMarkdown {
    pub html: String,
    /// The HTML before `<!-- more -->`, if the marker is present.
    pub summary_html: Option<String>,
    pub toc: Vec<TocEntry>,
    /// Plain text of the first paragraph, cut at a word boundary: a summary for posts without
    /// `<!-- more -->` or a description.
    #[serde(default)]
    pub excerpt: String,
    pub word_count: usize,
    pub reading_minutes: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_paths_refuse_traversal() {
        for bad in [
            "",
            "/etc/x.md",
            "../x.md",
            "posts/../../x.md",
            "a//b.md",
            "a\\b.md",
            "./a.md",
        ] {
            assert!(SourcePath::new(bad).is_none(), "{bad}");
        }
        assert!(SourcePath::new("posts/a.md").is_some());
    }
}
