//! Entity tags: an entry's ETag, and matching an `If-Match` / `If-None-Match` list against one
//! (RFC 9110 §13.1): strong comparison for `If-Match`, weak for `If-None-Match`.

use crate::site::entry::Entry;

/// The API's ETag of an entry: the hash of its markdown source, so an edit from either side
/// (file or API) changes it.
pub fn of_entry(entry: &Entry) -> String {
    format!("\"{}\"", entry.source_hash)
}

/// How two entity tags are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// `If-Match`: both must be strong and equal; a weak tag never matches.
    Strong,
    /// `If-None-Match`: equal once any `W/` prefix is dropped.
    Weak,
}

/// Whether a header's list of tags (or `*`) matches `current`, which is a strong tag.
pub fn list_matches(header: &str, current: &str, comparison: Comparison) -> bool {
    header.split(',').map(str::trim).any(|tag| {
        tag == "*"
            || match comparison {
                Comparison::Strong => tag == current,
                Comparison::Weak => tag.strip_prefix("W/").unwrap_or(tag) == current,
            }
    })
}

#[cfg(test)]
mod tests {
    use super::{Comparison, list_matches};

    #[test]
    fn if_match_with_a_weak_etag_does_not_match() {
        assert!(!list_matches("W/\"abc\"", "\"abc\"", Comparison::Strong));
        assert!(list_matches(
            "\"x\", \"abc\"",
            "\"abc\"",
            Comparison::Strong
        ));
        assert!(list_matches("*", "\"abc\"", Comparison::Strong));
    }

    #[test]
    fn if_none_match_compares_weakly() {
        assert!(list_matches("W/\"abc\"", "\"abc\"", Comparison::Weak));
        assert!(!list_matches("\"abd\"", "\"abc\"", Comparison::Weak));
    }
}
