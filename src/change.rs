//! The changes the writer applies, and how each is recorded in the log (the `events` table).

use serde::{Deserialize, Serialize};

use crate::site::entry::{Entry, SourcePath};

/// Who made a change, as the log records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    /// The file watcher or the startup reconcile.
    File,
}

impl Actor {
    pub fn as_log_str(&self) -> String {
        match self {
            Actor::File => "file".to_owned(),
        }
    }
}

/// One durable change to the content. Each becomes one row in `events` plus an update of the
/// current-state tables, in the same transaction.
#[derive(Debug, Clone)]
pub enum Change {
    /// An entry was created or its source changed. The log keeps the markdown source (so any
    /// revision can be restored); the `entries` table keeps the compiled record.
    EntryUpserted {
        entry: Box<Entry>,
        source_text: String,
    },
    EntryDeleted {
        source: SourcePath,
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
    EntryDeleted { source: SourcePath },
}

impl Change {
    pub fn payload(&self) -> EventPayload {
        match self {
            Change::EntryUpserted { entry, source_text } => EventPayload::EntryUpserted {
                source: entry.source.clone(),
                source_hash: entry.source_hash.clone(),
                source_text: source_text.clone(),
            },
            Change::EntryDeleted { source } => EventPayload::EntryDeleted {
                source: source.clone(),
            },
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Change::EntryUpserted { .. } => "entry.upsert.v1",
            Change::EntryDeleted { .. } => "entry.delete.v1",
        }
    }
}
