//! Credentials: argon2id password hashes, random secrets, and the login rate limiter.
//! No HTTP here; `http::auth` applies these to requests.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::store::Store;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("cannot hash the password: {0}")]
    Hash(String),
    #[error("the system random source failed: {0}")]
    Random(String),
}

/// Argon2id with the crate's defaults: m = 19 MiB, t = 2, p = 1 (OWASP's recommendation).
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hash(e.to_string()))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// Checks a login. An unknown user costs one hash verification too, so the answer's timing does
/// not tell whether the account exists.
pub fn check_login(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    match stored {
        Some(phc) => verify_password(password, phc),
        None => {
            let dummy =
                DUMMY.get_or_init(|| hash_password("quire-dummy-password").unwrap_or_default());
            let _ = verify_password(password, dummy);
            false
        }
    }
}

/// Why a login did not start a session.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("too many failed logins; try again in {0} seconds")]
    RateLimited(u64),
    #[error("wrong username, password or code")]
    Invalid,
    #[error(
        "this account uses two-factor login: send the 6-digit code (or a recovery code) as `code`"
    )]
    SecondFactorRequired,
    #[error("login failed: {0}")]
    Internal(String),
}

/// What a person typed to log in.
pub struct Credentials<'a> {
    pub username: &'a str,
    pub password: &'a str,
    /// The second factor: a 6-digit TOTP code or a recovery code.
    pub code: Option<&'a str>,
    pub address: IpAddr,
}

/// A login that passed: a session id, or (in two steps, for forms) a login that waits for its
/// code, which grants nothing until `finish_login`.
pub enum Login {
    Session(String),
    CodeNeeded(String),
}

fn internal(e: impl std::fmt::Display) -> LoginError {
    LoginError::Internal(e.to_string())
}

fn lock(db: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    db.lock().unwrap_or_else(|p| p.into_inner())
}

fn new_session(
    db: &Mutex<Store>,
    user: &str,
    now: i64,
    verified: bool,
) -> Result<String, LoginError> {
    let id = random_secret().map_err(internal)?;
    lock(db)
        .create_session(&secret_hash(&id), user, now, verified)
        .map_err(internal)?;
    Ok(id)
}

/// The whole login: the rate limit, an equal-work password check, the second factor for
/// accounts that use one, and a new session. With `two_step` (forms), a missing code gives a
/// waiting login instead of an error. Blocking (argon2, SQLite): run it off the async workers.
/// The store's lock is not held during the password check.
pub fn login(
    db: &Mutex<Store>,
    limiter: &LoginLimiter,
    credentials: &Credentials<'_>,
    two_step: bool,
    now: i64,
) -> Result<Login, LoginError> {
    let Credentials {
        username,
        password,
        code,
        address,
    } = *credentials;
    limiter
        .check(username, address)
        .map_err(LoginError::RateLimited)?;
    let stored = lock(db).password_hash(username).ok().flatten();
    if !check_login(password, stored.as_deref()) {
        limiter.record_failure(username, address);
        return Err(LoginError::Invalid);
    }
    let totp = lock(db).totp(username).map_err(internal)?;
    match (totp, code) {
        (None, _) => new_session(db, username, now, true).map(Login::Session),
        (Some(_), None) if two_step => new_session(db, username, now, false).map(Login::CodeNeeded),
        (Some(_), None) => Err(LoginError::SecondFactorRequired),
        (Some((secret, last)), Some(code)) => {
            if second_factor(db, username, &secret, last, code, now)? {
                new_session(db, username, now, true).map(Login::Session)
            } else {
                limiter.record_failure(username, address);
                Err(LoginError::Invalid)
            }
        }
    }
}

/// The code step of a two-step login: the waiting login becomes a fresh session (a new id, so
/// the waiting one can never be promoted by someone who saw it).
pub fn finish_login(
    db: &Mutex<Store>,
    limiter: &LoginLimiter,
    pending_id: &str,
    code: &str,
    address: IpAddr,
    now: i64,
) -> Result<String, LoginError> {
    let pending = secret_hash(pending_id);
    let user = lock(db)
        .pending_session_user(&pending, now)
        .map_err(internal)?
        .ok_or(LoginError::Invalid)?;
    limiter
        .check(&user, address)
        .map_err(LoginError::RateLimited)?;
    let (secret, last) = lock(db)
        .totp(&user)
        .map_err(internal)?
        .ok_or(LoginError::Invalid)?;
    if !second_factor(db, &user, &secret, last, code, now)? {
        limiter.record_failure(&user, address);
        return Err(LoginError::Invalid);
    }
    let _ = lock(db).delete_session(&pending);
    new_session(db, &user, now, true)
}

/// A TOTP code (each works once) or an unused recovery code.
fn second_factor(
    db: &Mutex<Store>,
    user: &str,
    secret: &str,
    last_step: i64,
    code: &str,
    now: i64,
) -> Result<bool, LoginError> {
    if let Some(step) = crate::totp::verify(secret, code, now, last_step) {
        lock(db).set_totp_last_step(user, step).map_err(internal)?;
        return Ok(true);
    }
    let recovery = code.trim().to_ascii_lowercase();
    if recovery.len() == RECOVERY_CODE_LEN {
        return lock(db)
            .use_recovery_code(user, &secret_hash(&recovery))
            .map_err(internal);
    }
    Ok(false)
}

/// Recovery codes: ten, `xxxx-xxxx` in hex, each usable once; only their hashes are stored.
const RECOVERY_CODES: usize = 10;
const RECOVERY_CODE_LEN: usize = 9;

/// Starts two-factor enrolment: a new secret, in force only once a code from it is confirmed.
pub fn begin_enrolment(db: &Mutex<Store>, user: &str) -> Result<String, LoginError> {
    let secret = crate::totp::new_secret().map_err(internal)?;
    lock(db).set_totp_pending(user, &secret).map_err(internal)?;
    Ok(secret)
}

/// Confirms enrolment with a code from the new secret; returns the recovery codes (shown once).
/// Every other session of the user ends: none of them passed the second factor.
pub fn confirm_enrolment(
    db: &Mutex<Store>,
    user: &str,
    code: &str,
    keep_session_hash: &str,
    now: i64,
) -> Result<Vec<String>, LoginError> {
    let secret = lock(db)
        .totp_pending(user)
        .map_err(internal)?
        .ok_or(LoginError::Invalid)?;
    let step = crate::totp::verify(&secret, code, now, 0).ok_or(LoginError::Invalid)?;
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let raw = random_secret().map_err(internal)?;
        codes.push(format!("{}-{}", &raw[..4], &raw[4..8]));
    }
    let hashes: Vec<String> = codes.iter().map(|c| secret_hash(c)).collect();
    lock(db)
        .confirm_totp(user, step, &hashes, keep_session_hash)
        .map_err(internal)?;
    Ok(codes)
}

/// 256 random bits, hex-encoded: session ids and API tokens.
pub fn random_secret() -> Result<String, AuthError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AuthError::Random(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// What is stored instead of a session id or token: a fast hash is enough for 256-bit secrets.
pub fn secret_hash(secret: &str) -> String {
    blake3::hash(secret.as_bytes()).to_hex().to_string()
}

/// Shortest password accepted, by the command line and the admin alike.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Account and token names: letters, digits and `- _ . @`, at most 64.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'))
}

/// Failed logins allowed per account and per address within the window.
pub const MAX_FAILURES_PER_ACCOUNT: usize = 5;
pub const MAX_FAILURES_PER_ADDRESS: usize = 20;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Counts failed logins per account and per client address over a sliding window.
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginLimiter {
    /// `Err(seconds to wait)` when the account or the address has too many recent failures.
    pub fn check(&self, account: &str, address: IpAddr) -> Result<(), u64> {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = 0;
        for (key, limit) in [
            (account_key(account), MAX_FAILURES_PER_ACCOUNT),
            (address_key(address), MAX_FAILURES_PER_ADDRESS),
        ] {
            if let Some(times) = failures.get_mut(&key) {
                while times
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= FAILURE_WINDOW)
                {
                    times.pop_front();
                }
                if times.len() >= limit {
                    let oldest = times.front().copied().unwrap_or(now);
                    let left = FAILURE_WINDOW.saturating_sub(now.duration_since(oldest));
                    wait = wait.max(left.as_secs().max(1));
                }
            }
        }
        if wait > 0 { Err(wait) } else { Ok(()) }
    }

    pub fn record_failure(&self, account: &str, address: IpAddr) {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for key in [account_key(account), address_key(address)] {
            failures.entry(key).or_default().push_back(now);
        }
        // Keep memory bounded under a spray of made-up account names.
        if failures.len() > 100_000 {
            failures.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < FAILURE_WINDOW)
            });
        }
    }
}

fn account_key(account: &str) -> String {
    format!("a:{}", account.to_lowercase())
}

fn address_key(address: IpAddr) -> String {
    format!("i:{address}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_as_argon2id_and_verify() {
        let phc = hash_password("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_password("correct horse", &phc));
        assert!(!verify_password("wrong", &phc));
        assert!(!check_login("anything", None));
    }

    #[test]
    fn limiter_blocks_after_five_failures_per_account() {
        let limiter = LoginLimiter::default();
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..MAX_FAILURES_PER_ACCOUNT {
            assert!(limiter.check("alice", ip).is_ok());
            limiter.record_failure("alice", ip);
        }
        assert!(limiter.check("alice", ip).is_err());
        assert!(limiter.check("bob", "10.0.0.2".parse().unwrap()).is_ok());
    }
}
