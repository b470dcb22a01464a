//! Comment commands as domain operations: what a visitor or a moderator may ask the writer,
//! the checks on what a visitor sends, and the secret that lets a commenter edit their own.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use crate::content::comment_body::{MAX_BODY_CHARS, MAX_NAME_CHARS};
use crate::site::comments::CommentStatus;

/// What the writer is asked to do with comments.
#[derive(Debug)]
pub enum CommentRequest {
    /// A visitor's new comment on the post at `post_url`.
    Post {
        post_url: String,
        parent: Option<u64>,
        author: String,
        body: String,
        /// BLAKE3 of the key the commenter's browser keeps; lets a returning commenter be
        /// approved at once when the site allows it.
        returning: Option<String>,
    },
    /// The commenter's own edit, with the key they were given, within the edit window.
    EditOwn {
        id: u64,
        key: String,
        author: String,
        body: String,
    },
    DeleteOwn {
        id: u64,
        key: String,
    },
    /// A moderator's decision.
    Moderate {
        id: u64,
        status: CommentStatus,
    },
    Delete {
        id: u64,
    },
}

/// Field problems in what a visitor sent, all at once (empty when fine).
pub fn check_fields(author: &str, body: &str) -> BTreeMap<String, String> {
    let mut fields = BTreeMap::new();
    if body.trim().is_empty() {
        fields.insert("body".to_owned(), "write something first".to_owned());
    } else if body.chars().count() > MAX_BODY_CHARS {
        fields.insert(
            "body".to_owned(),
            format!("a comment may have at most {MAX_BODY_CHARS} characters"),
        );
    }
    if author.chars().count() > MAX_NAME_CHARS {
        fields.insert(
            "name".to_owned(),
            format!("a name may have at most {MAX_NAME_CHARS} characters"),
        );
    }
    if author.chars().any(char::is_control) {
        fields.insert("name".to_owned(), "a name is one line of text".to_owned());
    }
    fields
}

/// A name as stored: trimmed, inner white space collapsed.
pub fn clean_name(author: &str) -> String {
    author.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What is stored for an edit key: its BLAKE3 hash (the key itself is 256 random bits).
pub fn key_hash(key: &str) -> String {
    crate::auth::secret_hash(key)
}

/// Compares a presented key with the stored hash in constant time.
pub fn key_matches(key: &str, stored_hash: &str) -> bool {
    key_matches_text(&key_hash(key), stored_hash)
}

/// A form token older than this is refused (the page was open too long); a new one is offered.
const TOKEN_LIFETIME_SECONDS: i64 = 6 * 3600;
/// Per address: this many comments per window.
const PER_ADDRESS: usize = 5;
const ADDRESS_WINDOW_SECONDS: i64 = 600;
/// Per post: this many comments per window, whoever sends them.
const PER_POST: usize = 30;
const POST_WINDOW_SECONDS: i64 = 3600;

/// What a form token says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCheck {
    Fine,
    /// Sent this many seconds too soon.
    TooSoon(i64),
    /// Missing, forged, for another post, or expired.
    Invalid,
}

/// Anti-abuse state for comments: a key that signs form tokens, and rate windows keyed by a
/// hash of the address under a salt that changes every day and is never stored, so no address
/// is kept in clear and yesterday's hashes cannot be linked to today's.
pub struct Guard {
    token_key: [u8; 32],
    windows: Mutex<Windows>,
}

#[derive(Default)]
struct Windows {
    salt: [u8; 32],
    day: i64,
    by_address: HashMap<[u8; 16], VecDeque<i64>>,
    by_post: HashMap<String, VecDeque<i64>>,
}

fn random_bytes() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    // Without OS randomness the keys are still unique per start; they only guard abuse.
    if getrandom::fill(&mut bytes).is_err() {
        bytes = *blake3::hash(format!("{:?}", std::time::SystemTime::now()).as_bytes()).as_bytes();
    }
    bytes
}

impl Default for Guard {
    fn default() -> Self {
        Guard {
            token_key: random_bytes(),
            windows: Mutex::default(),
        }
    }
}

impl Guard {
    fn mac(&self, issued: i64, post_url: &str) -> String {
        let mac = blake3::keyed_hash(&self.token_key, format!("{issued}|{post_url}").as_bytes());
        mac.to_hex()[..32].to_owned()
    }

    /// A token for a comment form on `post_url`, issued `now`.
    pub fn issue(&self, post_url: &str, now: DateTime<Utc>) -> String {
        let issued = now.timestamp();
        format!("{issued}.{}", self.mac(issued, post_url))
    }

    /// Whether `token` was issued for `post_url` at least `min_seconds` ago (and not too long).
    pub fn check(
        &self,
        token: &str,
        post_url: &str,
        now: DateTime<Utc>,
        min_seconds: i64,
    ) -> TokenCheck {
        let Some((issued, mac)) = token.split_once('.') else {
            return TokenCheck::Invalid;
        };
        let Ok(issued) = issued.parse::<i64>() else {
            return TokenCheck::Invalid;
        };
        if !key_matches_text(mac, &self.mac(issued, post_url)) {
            return TokenCheck::Invalid;
        }
        let age = now.timestamp() - issued;
        if !(0..=TOKEN_LIFETIME_SECONDS).contains(&age) {
            TokenCheck::Invalid
        } else if age < min_seconds {
            TokenCheck::TooSoon(min_seconds - age)
        } else {
            TokenCheck::Fine
        }
    }

    /// Counts one comment from `address` on `post_url`; `Err(seconds to wait)` past a limit.
    pub fn allow(&self, address: IpAddr, post_url: &str, now: DateTime<Utc>) -> Result<(), i64> {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let day = now.timestamp().div_euclid(86_400);
        if windows.day != day {
            // A new day: a new salt, and yesterday's hashes are dropped with the old one.
            *windows = Windows {
                salt: random_bytes(),
                day,
                ..Windows::default()
            };
        }
        let mut hashed = [0u8; 16];
        hashed.copy_from_slice(
            &blake3::keyed_hash(&windows.salt, address.to_string().as_bytes()).as_bytes()[..16],
        );
        let t = now.timestamp();
        let Windows {
            by_address,
            by_post,
            ..
        } = &mut *windows;
        let address_times = by_address.entry(hashed).or_default();
        let post_times = by_post.entry(post_url.to_owned()).or_default();
        let wait = [
            (&mut *address_times, PER_ADDRESS, ADDRESS_WINDOW_SECONDS),
            (&mut *post_times, PER_POST, POST_WINDOW_SECONDS),
        ]
        .into_iter()
        .map(|(times, limit, window)| {
            while times.front().is_some_and(|&at| t - at >= window) {
                times.pop_front();
            }
            match times.front() {
                Some(&oldest) if times.len() >= limit => (window - (t - oldest)).max(1),
                _ => 0,
            }
        })
        .max()
        .unwrap_or(0);
        if wait > 0 {
            return Err(wait);
        }
        address_times.push_back(t);
        post_times.push_back(t);
        Ok(())
    }
}

fn key_matches_text(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_checked_together() {
        let long = "x".repeat(MAX_BODY_CHARS + 1);
        let fields = check_fields(&"n".repeat(61), &long);
        assert_eq!(fields.len(), 2);
        assert!(check_fields("", "  ").contains_key("body"));
        assert!(check_fields("Ada", "Hello").is_empty());
        assert_eq!(clean_name("  Ada \t Lovelace "), "Ada Lovelace");
    }

    #[test]
    fn tokens_need_time_and_the_right_post() {
        let guard = Guard::default();
        let t0 = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let token = guard.issue("/posts/a/", t0);
        assert_eq!(
            guard.check(&token, "/posts/a/", t0, 3),
            TokenCheck::TooSoon(3)
        );
        let later = t0 + chrono::Duration::seconds(3);
        assert_eq!(guard.check(&token, "/posts/a/", later, 3), TokenCheck::Fine);
        assert_eq!(
            guard.check(&token, "/posts/b/", later, 3),
            TokenCheck::Invalid
        );
        assert_eq!(
            guard.check("1.abc", "/posts/a/", later, 3),
            TokenCheck::Invalid
        );
        let stale = t0 + chrono::Duration::seconds(TOKEN_LIFETIME_SECONDS + 1);
        assert_eq!(
            guard.check(&token, "/posts/a/", stale, 3),
            TokenCheck::Invalid
        );
    }

    #[test]
    fn addresses_are_limited() {
        let guard = Guard::default();
        let now = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let ip: IpAddr = [192, 0, 2, 1].into();
        for _ in 0..PER_ADDRESS {
            assert!(guard.allow(ip, "/posts/a/", now).is_ok());
        }
        assert!(guard.allow(ip, "/posts/b/", now).is_err());
        assert!(guard.allow([192, 0, 2, 2].into(), "/posts/a/", now).is_ok());
    }

    #[test]
    fn keys_match_only_themselves() {
        let hash = key_hash("secret");
        assert!(key_matches("secret", &hash));
        assert!(!key_matches("secreT", &hash) && !key_matches("", &hash));
    }
}
