//! The only code that touches SQLite: the append-only event log and the compiled records.
//!
//! Every `commit` is one transaction that appends the events and updates the records; it
//! returns only after SQLite has synced it (WAL, `synchronous=FULL`).

pub mod auth;
mod schema;
pub mod two_factor;
pub mod views;

use std::path::{Path, PathBuf};

use chrono::SecondsFormat;
use rusqlite::{Connection, OptionalExtension, params};

use crate::change::event_kind::{ENTRY_DELETE, ENTRY_UPSERT};
use crate::change::{Actor, Change, EventSeq, MediaInfo, Settings};
use crate::clock::SharedClock;
use crate::site::comments::Comment;
use crate::site::entry::{Entry, EntryKind, SourcePath};

pub const DB_FILE: &str = "quire.db";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "a stored record is unreadable ({source_path}): {error}; delete the data folder to rebuild it from content/"
    )]
    BadRecord {
        source_path: String,
        error: serde_json::Error,
    },
    #[error("cannot encode a record: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("{0} already exists")]
    Exists(String),
    #[error(
        "the database has schema version {found}, newer than this Quire supports ({supported}); upgrade Quire"
    )]
    TooNew { found: usize, supported: usize },
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Stamps events (`at`) and uploads.
    clock: SharedClock,
}

impl Store {
    /// Opens (creating if needed) `<data_dir>/quire.db` and brings its schema up to date.
    pub fn open(data_dir: &Path, clock: SharedClock) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let path = data_dir.join(DB_FILE);
        let mut conn = Connection::open(&path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        schema::migrate(&mut conn)?;
        Ok(Store { conn, path, clock })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every compiled record, to build the site at startup without parsing markdown.
    pub fn load_entries(&self) -> Result<Vec<Entry>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT source, record FROM entries ORDER BY source")?;
        let rows = stmt.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?;
        let mut entries = Vec::new();
        for row in rows {
            let (source_path, record) = row?;
            let entry = serde_json::from_str(&record)
                .map_err(|error| StoreError::BadRecord { source_path, error })?;
            entries.push(entry);
        }
        Ok(entries)
    }

    /// Appends one event per change and updates the records, all in one durable transaction.
    /// Returns the sequence number of the last event.
    pub fn commit(&mut self, changes: &[(Actor, Change)]) -> Result<Option<EventSeq>, StoreError> {
        if changes.is_empty() {
            return Ok(None);
        }
        let now = self.clock.now();
        let at = now.to_rfc3339_opts(SecondsFormat::Millis, true);
        let tx = self.conn.transaction()?;
        let mut last = None;
        {
            let mut append = tx.prepare_cached(
                "INSERT INTO events (at, actor, kind, subject, payload) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut upsert = tx.prepare_cached(
                "INSERT INTO entries (source, source_hash, record, last_seq) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(source) DO UPDATE SET source_hash = ?2, record = ?3, last_seq = ?4",
            )?;
            let mut delete = tx.prepare_cached("DELETE FROM entries WHERE source = ?1")?;
            let now = now.timestamp();
            for (actor, change) in changes {
                let payload = serde_json::to_string(&change.payload())?;
                append.execute(params![
                    at,
                    actor.as_log_str(),
                    change.kind(),
                    change.subject(),
                    payload
                ])?;
                let seq = tx.last_insert_rowid();
                match change {
                    Change::EntryUpserted { entry, .. } => {
                        let record = serde_json::to_string(entry)?;
                        upsert.execute(params![
                            entry.source.as_str(),
                            entry.source_hash,
                            record,
                            seq
                        ])?;
                    }
                    Change::EntryDeleted { source, .. } => {
                        delete.execute(params![source.as_str()])?;
                    }
                    Change::MediaAdded { media, bytes } => {
                        tx.execute(
                            "INSERT OR IGNORE INTO media (hash, info, bytes, created_at) VALUES (?1, ?2, ?3, ?4)",
                            params![media.hash.as_str(), serde_json::to_string(media)?, bytes.as_ref(), now],
                        )?;
                    }
                    Change::MediaDeleted { hash } => {
                        tx.execute("DELETE FROM media WHERE hash = ?1", params![hash.as_str()])?;
                    }
                    Change::SettingsUpdated { settings } => {
                        tx.execute(
                            "INSERT INTO settings (id, value) VALUES (1, ?1) ON CONFLICT(id) DO UPDATE SET value = ?1",
                            params![serde_json::to_string(settings)?],
                        )?;
                    }
                    Change::CommentPut { comment } => {
                        tx.execute(
                            "INSERT INTO comments (id, post, record) VALUES (?1, ?2, ?3)
                             ON CONFLICT(id) DO UPDATE SET post = ?2, record = ?3",
                            params![
                                comment.id as i64,
                                comment.post.as_str(),
                                serde_json::to_string(comment)?
                            ],
                        )?;
                    }
                    Change::ViewsCounted { batch } => views::add(&tx, batch)?,
                    Change::CommentDeleted { id, .. } => {
                        // Replies go with the comment they answer.
                        tx.execute(
                            "DELETE FROM comments WHERE id = ?1 OR json_extract(record, '$.parent') = ?1",
                            params![*id as i64],
                        )?;
                    }
                }
                last = Some(EventSeq(seq));
            }
        }
        tx.commit()?;
        Ok(last)
    }

    pub fn load_comments(&self) -> Result<Vec<Comment>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT record FROM comments ORDER BY id")?;
        let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
        let mut comments = Vec::new();
        for row in rows {
            comments.push(
                serde_json::from_str(&row?).map_err(|error| StoreError::BadRecord {
                    source_path: "comments".to_owned(),
                    error,
                })?,
            );
        }
        Ok(comments)
    }

    pub fn load_media(&self) -> Result<Vec<(MediaInfo, bytes::Bytes)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT info, bytes FROM media ORDER BY created_at, hash")?;
        let rows = stmt.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?))
        })?;
        let mut media = Vec::new();
        for row in rows {
            let (info, bytes) = row?;
            let info: MediaInfo =
                serde_json::from_str(&info).map_err(|error| StoreError::BadRecord {
                    source_path: "media".to_owned(),
                    error,
                })?;
            media.push((info, bytes::Bytes::from(bytes)));
        }
        Ok(media)
    }

    pub fn media_list(&self) -> Result<Vec<MediaInfo>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT info FROM media ORDER BY created_at DESC, hash")?;
        let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
        let mut list = Vec::new();
        for row in rows {
            let info = row?;
            list.push(
                serde_json::from_str(&info).map_err(|error| StoreError::BadRecord {
                    source_path: "media".to_owned(),
                    error,
                })?,
            );
        }
        Ok(list)
    }

    pub fn settings(&self) -> Result<Settings, StoreError> {
        let value: Option<String> = self
            .conn
            .query_row("SELECT value FROM settings WHERE id = 1", [], |r| r.get(0))
            .optional()?;
        match value {
            Some(v) => Ok(
                serde_json::from_str(&v).map_err(|error| StoreError::BadRecord {
                    source_path: "settings".to_owned(),
                    error,
                })?,
            ),
            None => Ok(Settings::default()),
        }
    }

    /// Events after `after`, oldest first, at most `limit`.
    pub fn events_after(&self, after: EventSeq, limit: u32) -> Result<Vec<EventRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, at, actor, kind, subject FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![after.0, limit], EventRow::from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A page of the log, newest first: events before `before` (all when `None`), by one actor
    /// if `actor` is given, at most `limit`.
    pub fn events_page(
        &self,
        before: Option<EventSeq>,
        actor: Option<&str>,
        limit: u32,
    ) -> Result<Vec<EventRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, at, actor, kind, subject FROM events
             WHERE seq < ?1 AND (?2 IS NULL OR actor = ?2) ORDER BY seq DESC LIMIT ?3",
        )?;
        let before = before.map_or(i64::MAX, |s| s.0);
        let rows = stmt.query_map(params![before, actor, limit], EventRow::from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Everyone who has changed something, for the activity filter.
    pub fn actors(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT actor FROM events ORDER BY actor")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every event about one content path, newest first.
    pub fn history(&self, source: &SourcePath) -> Result<Vec<EventRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, at, actor, kind, subject FROM events WHERE subject = ?1 ORDER BY seq DESC",
        )?;
        let rows = stmt.query_map(params![source.as_str()], EventRow::from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The markdown source an upsert event recorded, if `seq` is one for `source`.
    pub fn source_at(
        &self,
        source: &SourcePath,
        seq: EventSeq,
    ) -> Result<Option<String>, StoreError> {
        let payload: Option<String> = self
            .conn
            .query_row(
                "SELECT payload FROM events WHERE seq = ?1 AND subject = ?2 AND kind = ?3",
                params![seq.0, source.as_str(), ENTRY_UPSERT],
                |r| r.get(0),
            )
            .optional()?;
        Ok(payload.and_then(|p| {
            serde_json::from_str::<serde_json::Value>(&p)
                .ok()
                .and_then(|v| {
                    v.get("source_text")
                        .and_then(|t| t.as_str())
                        .map(str::to_owned)
                })
        }))
    }

    /// The latest markdown source of a content path.
    pub fn latest_source(&self, source: &SourcePath) -> Result<Option<String>, StoreError> {
        let seq: Option<i64> = self
            .conn
            .query_row(
                "SELECT MAX(seq) FROM events WHERE subject = ?1 AND kind = ?2",
                params![source.as_str(), ENTRY_UPSERT],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        match seq {
            Some(seq) => self.source_at(source, EventSeq(seq)),
            None => Ok(None),
        }
    }

    /// The content path of the most recently deleted entry with this slug and kind.
    pub fn deleted_source(
        &self,
        slug: &str,
        kind: EntryKind,
    ) -> Result<Option<SourcePath>, StoreError> {
        let subject: Option<String> = self
            .conn
            .query_row(
                "SELECT subject FROM events WHERE kind = ?3
                 AND json_extract(payload, '$.slug') = ?1 AND json_extract(payload, '$.entry_kind') = ?2
                 ORDER BY seq DESC LIMIT 1",
                params![slug, kind.name(), ENTRY_DELETE],
                |r| r.get(0),
            )
            .optional()?;
        Ok(subject.and_then(|s| SourcePath::new(&s)))
    }
}

/// One row of the log, without its payload. A store type: the API has its own schema for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub seq: EventSeq,
    /// When, RFC 3339.
    pub at: String,
    /// `file`, `user:NAME` or `token:NAME`.
    pub actor: String,
    /// What happened, e.g. `entry.upsert.v1`.
    pub kind: String,
    /// What it happened to: a content path, `media:<hash>` or `settings`.
    pub subject: String,
}

impl EventRow {
    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<EventRow> {
        Ok(EventRow {
            seq: EventSeq(row.get(0)?),
            at: row.get(1)?,
            actor: row.get(2)?,
            kind: row.get(3)?,
            subject: row.get(4)?,
        })
    }
}
