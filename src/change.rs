//! The changes the writer applies, and how each is recorded in the log (the `events` table).

use serde::{Deserialize, Serialize};

use crate::site::comments::Comment;
use crate::site::entry::{Entry, EntryKind, Slug, SourcePath};

/// Who made a change, as the log records it: `file`, `user:NAME`, `token:NAME` or `visitor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    /// The file watcher or the startup reconcile.
    File,
    User(String),
    Token(String),
    /// Someone reading the site: a comment, or its author's own edit within the window.
    Visitor,
}

impl Actor {
    pub fn as_log_str(&self) -> String {
        match self {
            Actor::File => "file".to_owned(),
            Actor::User(name) => format!("user:{name}"),
            Actor::Token(name) => format!("token:{name}"),
            Actor::Visitor => "visitor".to_owned(),
        }
    }
}

/// The identity of an uploaded file: the first 128 bits of the BLAKE3 hash of its bytes, in hex.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MediaHash(String);

impl MediaHash {
    const HEX_LEN: usize = 32;

    pub fn of(bytes: &[u8]) -> MediaHash {
        MediaHash(blake3::hash(bytes).to_hex()[..Self::HEX_LEN].to_owned())
    }

    /// Accepts only what `of` produces: 32 lowercase hex digits.
    pub fn parse(text: &str) -> Option<MediaHash> {
        (text.len() == Self::HEX_LEN
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .then(|| MediaHash(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for MediaHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One batch of view counts for one day (UTC), as the log records it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewBatch {
    /// `2026-11-23`.
    pub day: String,
    /// (URL path, views, new unique visitors).
    pub pages: Vec<(String, u64, u64)>,
    /// (referring host, views).
    pub referrers: Vec<(String, u64)>,
}

/// The sequence number of an event in the log: its position, and a revision's identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventSeq(pub i64);

/// An uploaded file, stored content-addressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaInfo {
    /// The file's identity.
    pub hash: MediaHash,
    pub content_type: String,
    /// File extension matching the detected type, e.g. `png`.
    pub extension: String,
    /// The name it was uploaded with (informational only).
    pub file_name: String,
    pub size: u64,
}

impl MediaInfo {
    /// The public URL path of the file.
    pub fn url_path(&self) -> String {
        format!("/media/{}.{}", self.hash, self.extension)
    }
}

/// Site settings an admin may change; each overrides the same key of `quire.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub title: Option<String>,
    pub description: Option<String>,
    pub author: Option<String>,
    pub posts_per_page: Option<usize>,
    /// The header's links, replacing `extra.nav` of `quire.toml`. Absent in older events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nav: Option<Vec<NavLink>>,
}

/// One link of the site's navigation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NavLink {
    pub name: String,
    pub url: String,
}

impl Settings {
    pub fn apply_to(&self, config: &mut crate::config::Config) {
        if let Some(v) = &self.title {
            config.title.clone_from(v);
        }
        if let Some(v) = &self.description {
            config.description.clone_from(v);
        }
        if let Some(v) = &self.author {
            config.author.clone_from(v);
        }
        if let Some(v) = self.posts_per_page {
            config.posts_per_page = v;
        }
        if let Some(nav) = &self.nav {
            let links = nav
                .iter()
                .map(|link| {
                    let mut table = toml::Table::new();
                    table.insert("name".to_owned(), toml::Value::String(link.name.clone()));
                    table.insert("url".to_owned(), toml::Value::String(link.url.clone()));
                    toml::Value::Table(table)
                })
                .collect();
            config
                .extra
                .insert("nav".to_owned(), toml::Value::Array(links));
        }
    }
}

/// One durable change. Each becomes one row in `events` plus an update of the current-state
/// tables, in the same transaction.
#[derive(Debug, Clone)]
pub enum Change {
    /// An entry was created or its source changed. The log keeps the markdown source (so any
    /// revision can be restored); the `entries` table keeps the compiled record.
    EntryUpserted {
        entry: Box<Entry>,
        source_text: String,
    },
    /// A tombstone: the entry is gone but its history stays, so it can be restored.
    EntryDeleted {
        source: SourcePath,
        slug: Slug,
        kind: EntryKind,
    },
    MediaAdded {
        media: MediaInfo,
        bytes: bytes::Bytes,
    },
    MediaDeleted {
        hash: MediaHash,
    },
    SettingsUpdated {
        settings: Settings,
    },
    /// A comment was written, edited or moderated: its whole new state.
    CommentPut {
        comment: Box<Comment>,
    },
    /// A comment (and its replies) removed.
    CommentDeleted {
        id: u64,
        post: SourcePath,
    },
    /// Page views counted since the last batch.
    ViewsCounted {
        batch: ViewBatch,
    },
}

/// The `events.kind` of each change. The serde names of `EventPayload` must equal these; a
/// unit test holds them together, and the store's queries use these constants.
pub mod event_kind {
    pub const ENTRY_UPSERT: &str = "entry.upsert.v1";
    pub const ENTRY_DELETE: &str = "entry.delete.v1";
    pub const MEDIA_ADD: &str = "media.add.v1";
    pub const MEDIA_DELETE: &str = "media.delete.v1";
    pub const SETTINGS_UPDATE: &str = "settings.update.v1";
    pub const COMMENT_PUT: &str = "comment.put.v1";
    pub const COMMENT_DELETE: &str = "comment.delete.v1";
    pub const VIEWS_ADD: &str = "views.add.v1";
}

/// The payload stored in `events.payload`, versioned by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum EventPayload {
    #[serde(rename = "entry.upsert.v1")]
    EntryUpserted {
        source: SourcePath,
        source_hash: String,
        source_text: String,
    },
    #[serde(rename = "entry.delete.v1")]
    EntryDeleted {
        source: SourcePath,
        slug: Slug,
        entry_kind: EntryKind,
    },
    #[serde(rename = "media.add.v1")]
    MediaAdded { media: MediaInfo },
    #[serde(rename = "media.delete.v1")]
    MediaDeleted { hash: MediaHash },
    #[serde(rename = "settings.update.v1")]
    SettingsUpdated { settings: Settings },
    #[serde(rename = "comment.put.v1")]
    CommentPut { comment: Box<Comment> },
    #[serde(rename = "comment.delete.v1")]
    CommentDeleted { id: u64, post: SourcePath },
    #[serde(rename = "views.add.v1")]
    ViewsCounted { batch: ViewBatch },
}

impl Change {
    pub fn payload(&self) -> EventPayload {
        match self {
            Change::EntryUpserted { entry, source_text } => EventPayload::EntryUpserted {
                source: entry.source.clone(),
                source_hash: entry.source_hash.clone(),
                source_text: source_text.clone(),
            },
            Change::EntryDeleted { source, slug, kind } => EventPayload::EntryDeleted {
                source: source.clone(),
                slug: slug.clone(),
                entry_kind: *kind,
            },
            Change::MediaAdded { media, .. } => EventPayload::MediaAdded {
                media: media.clone(),
            },
            Change::MediaDeleted { hash } => EventPayload::MediaDeleted { hash: hash.clone() },
            Change::SettingsUpdated { settings } => EventPayload::SettingsUpdated {
                settings: settings.clone(),
            },
            Change::CommentPut { comment } => EventPayload::CommentPut {
                comment: comment.clone(),
            },
            Change::CommentDeleted { id, post } => EventPayload::CommentDeleted {
                id: *id,
                post: post.clone(),
            },
            Change::ViewsCounted { batch } => EventPayload::ViewsCounted {
                batch: batch.clone(),
            },
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Change::EntryUpserted { .. } => event_kind::ENTRY_UPSERT,
            Change::EntryDeleted { .. } => event_kind::ENTRY_DELETE,
            Change::MediaAdded { .. } => event_kind::MEDIA_ADD,
            Change::MediaDeleted { .. } => event_kind::MEDIA_DELETE,
            Change::SettingsUpdated { .. } => event_kind::SETTINGS_UPDATE,
            Change::CommentPut { .. } => event_kind::COMMENT_PUT,
            Change::CommentDeleted { .. } => event_kind::COMMENT_DELETE,
            Change::ViewsCounted { .. } => event_kind::VIEWS_ADD,
        }
    }

    /// What the event is about: a content path, `media:<hash>` or `settings`.
    pub fn subject(&self) -> String {
        match self {
            Change::EntryUpserted { entry, .. } => entry.source.as_str().to_owned(),
            Change::EntryDeleted { source, .. } => source.as_str().to_owned(),
            Change::MediaAdded { media, .. } => format!("media:{}", media.hash),
            Change::MediaDeleted { hash } => format!("media:{hash}"),
            Change::SettingsUpdated { .. } => "settings".to_owned(),
            Change::CommentPut { comment } => format!("comment:{}", comment.id),
            Change::CommentDeleted { id, .. } => format!("comment:{id}"),
            Change::ViewsCounted { batch } => format!("views:{}", batch.day),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The payload's serde tag and `Change::kind` are the same string for every change.
    #[test]
    fn payload_tags_equal_event_kinds() {
        let media = MediaInfo {
            hash: MediaHash::of(b"x"),
            content_type: "image/png".to_owned(),
            extension: "png".to_owned(),
            file_name: "x.png".to_owned(),
            size: 1,
        };
        let changes = [
            Change::EntryDeleted {
                source: SourcePath::new("posts/a.md").unwrap_or_else(|| unreachable!()),
                slug: Slug::from_slugified("a".to_owned()),
                kind: EntryKind::Post,
            },
            Change::MediaAdded {
                media: media.clone(),
                bytes: bytes::Bytes::new(),
            },
            Change::MediaDeleted { hash: media.hash },
            Change::SettingsUpdated {
                settings: Settings::default(),
            },
            Change::CommentDeleted {
                id: 1,
                post: SourcePath::new("posts/a.md").unwrap_or_else(|| unreachable!()),
            },
            Change::ViewsCounted {
                batch: ViewBatch::default(),
            },
        ];
        for change in changes {
            let json = serde_json::to_value(change.payload()).unwrap_or_default();
            assert_eq!(json["kind"], change.kind());
        }
    }

    #[test]
    fn media_hashes_are_parsed_strictly() {
        let hash = MediaHash::of(b"bytes");
        assert_eq!(MediaHash::parse(hash.as_str()), Some(hash));
        for bad in ["", "../x", "ABCDEF0123456789ABCDEF0123456789", "0123"] {
            assert_eq!(MediaHash::parse(bad), None, "{bad}");
        }
    }
}
