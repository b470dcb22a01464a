//! The only code that touches SQLite: the append-only event log and the compiled records.
//!
//! Every `commit` is one transaction that appends the events and updates the records; it
//! returns only after SQLite has synced it (WAL, `synchronous=FULL`).

mod schema;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use crate::change::{Actor, Change};
use crate::site::entry::{Entry, SourcePath};

pub use schema::SCHEMA_VERSION;

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
    #[error(
        "the database has schema version {found}, newer than this Quire supports ({supported}); upgrade Quire"
    )]
    TooNew { found: usize, supported: usize },
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) `<data_dir>/quire.db` and brings its schema up to date.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
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
        Ok(Store { conn, path })
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

    pub fn source_hashes(&self) -> Result<HashMap<SourcePath, String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT source, source_hash FROM entries")?;
        let rows = stmt.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?;
        let mut hashes = HashMap::new();
        for row in rows {
            let (source, hash) = row?;
            if let Some(source) = SourcePath::new(&source) {
                hashes.insert(source, hash);
            }
        }
        Ok(hashes)
    }

    /// Appends one event per change and updates the records, all in one durable transaction.
    /// Returns the sequence number of the last event.
    pub fn commit(&mut self, actor: &Actor, changes: &[Change]) -> Result<Option<i64>, StoreError> {
        if changes.is_empty() {
            return Ok(None);
        }
        let at = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
        let actor = actor.as_log_str();
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
            for change in changes {
                let payload = serde_json::to_string(&change.payload())?;
                let subject = match change {
                    Change::EntryUpserted { entry, .. } => entry.source.as_str(),
                    Change::EntryDeleted { source } => source.as_str(),
                };
                append.execute(params![at, actor, change.kind(), subject, payload])?;
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
                    Change::EntryDeleted { source } => {
                        delete.execute(params![source.as_str()])?;
                    }
                }
                last = Some(seq);
            }
        }
        tx.commit()?;
        Ok(last)
    }

    pub fn event_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))?)
    }

    pub fn last_seq(&self) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT MAX(seq) FROM events", [], |r| r.get(0))
            .optional()?
            .flatten())
    }

    /// `PRAGMA integrity_check`, for tests and `quire check`.
    pub fn integrity_ok(&self) -> Result<bool, StoreError> {
        let result: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        Ok(result == "ok")
    }
}
