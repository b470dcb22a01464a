//! Accounts, API tokens and sessions in SQLite. Only hashes are stored, never secrets.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub name: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub name: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation)
}

impl Store {
    pub fn add_user(&self, name: &str, password_hash: &str, now: i64) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO users (name, password_hash, created_at) VALUES (?1, ?2, ?3)",
                params![name, password_hash, now],
            )
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::Exists(format!("user {name:?}"))
                } else {
                    e.into()
                }
            })?;
        Ok(())
    }

    /// Changes a password and ends the user's sessions. Returns false if there is no such user.
    pub fn set_password(&self, name: &str, password_hash: &str) -> Result<bool, StoreError> {
        let changed = self.conn.execute(
            "UPDATE users SET password_hash = ?2 WHERE name = ?1",
            params![name, password_hash],
        )?;
        self.conn
            .execute("DELETE FROM sessions WHERE user_name = ?1", params![name])?;
        Ok(changed == 1)
    }

    /// Removes a user and, through the foreign key, their sessions.
    pub fn remove_user(&self, name: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .execute("DELETE FROM users WHERE name = ?1", params![name])?
            == 1)
    }

    pub fn users(&self) -> Result<Vec<UserRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, created_at FROM users ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok(UserRow {
                name: r.get(0)?,
                created_at: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn password_hash(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT password_hash FROM users WHERE name = ?1",
                params![name],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn add_token(
        &self,
        name: &str,
        token_hash: &str,
        now: i64,
        expires_at: Option<i64>,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO tokens (name, token_hash, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![name, token_hash, now, expires_at],
            )
            .map_err(|e| if is_unique_violation(&e) { StoreError::Exists(format!("token {name:?}")) } else { e.into() })?;
        Ok(())
    }

    pub fn tokens(&self) -> Result<Vec<TokenRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, created_at, expires_at FROM tokens ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok(TokenRow {
                name: r.get(0)?,
                created_at: r.get(1)?,
                expires_at: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn revoke_token(&self, name: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .execute("DELETE FROM tokens WHERE name = ?1", params![name])?
            == 1)
    }

    /// The name of the unexpired token with this hash.
    pub fn token_by_hash(&self, token_hash: &str, now: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT name FROM tokens WHERE token_hash = ?1 AND (expires_at IS NULL OR expires_at > ?2)",
                params![token_hash, now],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// A new session. An unverified one (`verified: false`) waits for the second factor and
    /// gives no access: `session_user` never returns it.
    pub fn create_session(
        &self,
        id_hash: &str,
        user: &str,
        now: i64,
        verified: bool,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO sessions (id_hash, user_name, created_at, last_seen_at, verified) VALUES (?1, ?2, ?3, ?3, ?4)",
            params![id_hash, user, now, verified],
        )?;
        Ok(())
    }

    /// The user of a live session, refreshing its idle timer. Expired sessions are removed.
    pub fn session_user(
        &self,
        id_hash: &str,
        now: i64,
        idle: i64,
        absolute: i64,
    ) -> Result<Option<String>, StoreError> {
        self.conn.execute(
            "DELETE FROM sessions WHERE last_seen_at <= ?1 - ?2 OR created_at <= ?1 - ?3",
            params![now, idle, absolute],
        )?;
        let row: Option<(String, i64)> = self
            .conn
            .query_row(
                "SELECT user_name, last_seen_at FROM sessions WHERE id_hash = ?1 AND verified = 1",
                params![id_hash],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((_, last_seen)) = &row {
            // Refresh rarely (at most once a minute, and often enough for short idle limits):
            // a write per request would serialize admin readers.
            if now - last_seen >= (idle / 4).clamp(1, 60) {
                self.conn.execute(
                    "UPDATE sessions SET last_seen_at = ?2 WHERE id_hash = ?1",
                    params![id_hash, now],
                )?;
            }
        }
        Ok(row.map(|(user, _)| user))
    }

    pub fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM sessions WHERE id_hash = ?1", params![id_hash])?;
        Ok(())
    }
}
