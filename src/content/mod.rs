//! Turns files under `content/` into compiled entries, and says exactly where a file is wrong.

pub mod comment_body;
pub mod compile;
pub mod dates;
pub mod footnotes;
pub mod front_matter;
pub mod markdown;
pub mod scan;
pub mod slug;
pub mod watch;
