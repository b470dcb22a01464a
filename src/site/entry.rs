//! The compiled record of one content file: what the log stores and the site is made of.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::content::markdown::RenderedMarkdown;

/// Where a content file lives, relative to `content/`, with `/` separators: `posts/hello.md`.
/// It identifies an entry across edits, even when its slug changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SourcePath(String);

impl SourcePath {
    /// Accepts only clean relative paths: no `..`, no absolute paths, no backslashes.
    pub fn new(path: &str) -> Option<SourcePath> {
        let clean = !path.is_empty()
            && !path.starts_with('/')
            && !path.contains('\\')
            && path
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != "..");
        clean.then(|| SourcePath(path.to_owned()))
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
    pub slug: String,
    pub title: String,
    pub date: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
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
        match self.kind {
            EntryKind::Post => format!("/posts/{}/", self.slug),
            EntryKind::Page => format!("/{}/", self.slug),
        }
    }

    /// When it last changed, as far as its front matter says.
    pub fn last_changed(&self) -> Option<DateTime<Utc>> {
        self.updated.or(self.date)
    }
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
