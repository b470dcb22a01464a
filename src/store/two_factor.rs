//! Two-factor login state in SQLite: each user's TOTP secret (and one being enrolled), the last
//! step used (so a code works once), hashed single-use recovery codes, and the sessions that
//! wait for their second factor.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};

/// How long a login may wait between its password and its code.
pub const PENDING_SECONDS: i64 = 5 * 60;

impl Store {
    /// The user's confirmed TOTP secret and last used step, if they use 2FA.
    pub fn totp(&self, user: &str) -> Result<Option<(String, i64)>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT totp_secret, totp_last_step FROM users WHERE name = ?1 AND totp_secret IS NOT NULL",
                params![user],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    pub fn set_totp_last_step(&self, user: &str, step: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE users SET totp_last_step = ?2 WHERE name = ?1",
            params![user, step],
        )?;
        Ok(())
    }

    /// Starts (or restarts) enrolment with a new secret, not yet in force.
    pub fn set_totp_pending(&self, user: &str, secret: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE users SET totp_pending = ?2 WHERE name = ?1",
            params![user, secret],
        )?;
        Ok(())
    }

    pub fn totp_pending(&self, user: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT totp_pending FROM users WHERE name = ?1",
                params![user],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// Puts the enrolled secret in force with its recovery codes (hashes), and ends the user's
    /// other sessions: none of them passed the second factor.
    pub fn confirm_totp(
        &mut self,
        user: &str,
        step: i64,
        recovery_hashes: &[String],
        keep_session: &str,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = ?2 WHERE name = ?1",
            params![user, step],
        )?;
        tx.execute(
            "DELETE FROM recovery_codes WHERE user_name = ?1",
            params![user],
        )?;
        for hash in recovery_hashes {
            tx.execute(
                "INSERT INTO recovery_codes (user_name, code_hash) VALUES (?1, ?2)",
                params![user, hash],
            )?;
        }
        tx.execute(
            "DELETE FROM sessions WHERE user_name = ?1 AND id_hash != ?2",
            params![user, keep_session],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Turns 2FA off for a user (a lost device): secret, enrolment and recovery codes go, and so
    /// do the user's sessions. Returns false if there is no such user.
    pub fn reset_totp(&self, user: &str) -> Result<bool, StoreError> {
        let changed = self.conn.execute(
            "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = 0 WHERE name = ?1",
            params![user],
        )?;
        self.conn.execute(
            "DELETE FROM recovery_codes WHERE user_name = ?1",
            params![user],
        )?;
        self.conn
            .execute("DELETE FROM sessions WHERE user_name = ?1", params![user])?;
        Ok(changed == 1)
    }

    /// Uses up a recovery code: true if it was one of the user's, and now is not.
    pub fn use_recovery_code(&self, user: &str, code_hash: &str) -> Result<bool, StoreError> {
        Ok(self.conn.execute(
            "DELETE FROM recovery_codes WHERE user_name = ?1 AND code_hash = ?2",
            params![user, code_hash],
        )? == 1)
    }

    pub fn recovery_codes_left(&self, user: &str) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM recovery_codes WHERE user_name = ?1",
            params![user],
            |r| r.get(0),
        )?)
    }

    /// The user of a login that waits for its second factor, if it is recent enough.
    pub fn pending_session_user(
        &self,
        id_hash: &str,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT user_name FROM sessions WHERE id_hash = ?1 AND verified = 0 AND created_at > ?2 - ?3",
                params![id_hash, now, PENDING_SECONDS],
                |r| r.get(0),
            )
            .optional()?)
    }
}
