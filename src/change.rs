//! The changes the writer applies, and how each is recorded in the log (the `events` table).

use serde::{Deserialize, Serialize};

use crate::site::entry::{Entry, EntryKind, SourcePath};

/// Who made a change, as the log records it: `file`, `user:NAME` or `token:NAME`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    /// The file watcher or the startup reconcile.
    File,
    User(String),
    Token(String),
}

impl Actor {
    pub fn as_log_str(&self) -> String {
        match self {
            Actor::File => "file".to_owned(),
            Actor::User(name) => format!("user:{name}"),
            Actor::Token(name) => format!("token:{name}"),
        }
    }
}

/// An uploaded file, stored content-addressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaInfo {
    /// Hex hash of the bytes; the file's identity.
    pub hash: String,
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
        slug: String,
        kind: EntryKind,
    },
    MediaAdded {
        media: MediaInfo,
        bytes: bytes::Bytes,
    },
    MediaDeleted {
        hash: String,
    },
    SettingsUpdated {
        settings: Settings,
    },
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
        slug: String,
        entry_kind: EntryKind,
    },
    #[serde(rename = "media.add.v1")]
    MediaAdded { media: MediaInfo },
    #[serde(rename = "media.delete.v1")]
    MediaDeleted { hash: String },
    #[serde(rename = "settings.update.v1")]
    SettingsUpdated { settings: Settings },
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
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Change::EntryUpserted { .. } => "entry.upsert.v1",
            Change::EntryDeleted { .. } => "entry.delete.v1",
            Change::MediaAdded { .. } => "media.add.v1",
            Change::MediaDeleted { .. } => "media.delete.v1",
            Change::SettingsUpdated { .. } => "settings.update.v1",
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
        }
    }
}
