//! Versioned schema migrations, applied in order and recorded in `PRAGMA user_version`.

use rusqlite::Connection;

use super::StoreError;

/// Each entry moves the schema from version `index` to `index + 1`. Never edit a shipped one.
const MIGRATIONS: &[&str] = &[
    // 1: the log, the compiled records.
    "CREATE TABLE events (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        at      TEXT    NOT NULL,
        actor   TEXT    NOT NULL,
        kind    TEXT    NOT NULL,
        subject TEXT    NOT NULL,
        payload TEXT    NOT NULL
    );
    CREATE INDEX events_subject ON events(subject, seq);
    CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    CREATE TABLE entries (
        source      TEXT    PRIMARY KEY,
        source_hash TEXT    NOT NULL,
        record      TEXT    NOT NULL,
        last_seq    INTEGER NOT NULL REFERENCES events(seq)
    );",
    // 2: admin accounts, uploads, settings. Accounts live outside the log on purpose:
    // credentials must not be kept forever in an append-only table.
    "CREATE TABLE users (
        name          TEXT    PRIMARY KEY,
        password_hash TEXT    NOT NULL,
        created_at    INTEGER NOT NULL
    );
    CREATE TABLE tokens (
        name        TEXT    PRIMARY KEY,
        token_hash  TEXT    NOT NULL UNIQUE,
        created_at  INTEGER NOT NULL,
        expires_at  INTEGER
    );
    CREATE TABLE sessions (
        id_hash      TEXT    PRIMARY KEY,
        user_name    TEXT    NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        created_at   INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL
    );
    CREATE TABLE media (
        hash         TEXT    PRIMARY KEY,
        info         TEXT    NOT NULL,
        bytes        BLOB    NOT NULL,
        created_at   INTEGER NOT NULL
    );
    CREATE TABLE settings (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        value    TEXT    NOT NULL
    );",
    // 3: two-factor login. A session is usable only once `verified`: a login that still waits
    // for its second factor has a row, but no access.
    "ALTER TABLE users ADD COLUMN totp_secret TEXT;
    ALTER TABLE users ADD COLUMN totp_pending TEXT;
    ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE sessions ADD COLUMN verified INTEGER NOT NULL DEFAULT 1;
    CREATE TABLE recovery_codes (
        user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        code_hash TEXT NOT NULL,
        PRIMARY KEY (user_name, code_hash)
    );",
    // 4: comments, current state (every change is also an event in the log).
    "CREATE TABLE comments (
        id      INTEGER PRIMARY KEY,
        post    TEXT    NOT NULL,
        record  TEXT    NOT NULL
    );
    CREATE INDEX comments_post ON comments (post);",
    // 5: view counts per day and page, and referring hosts per day (no visitor is stored).
    "CREATE TABLE views (
        day     TEXT    NOT NULL,
        path    TEXT    NOT NULL,
        views   INTEGER NOT NULL,
        uniques INTEGER NOT NULL,
        PRIMARY KEY (day, path)
    );
    CREATE TABLE referrers (
        day     TEXT    NOT NULL,
        host    TEXT    NOT NULL,
        views   INTEGER NOT NULL,
        PRIMARY KEY (day, host)
    );",
];

pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let current = usize::try_from(current).unwrap_or(0);
    if current > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    for (version, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (version + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}
