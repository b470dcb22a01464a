//! Full-text search over the site's entries: an in-memory, persistent inverted index that the
//! writer updates with each change, ranked by BM25, with typo tolerance and snippets.
//!
//! Pure: no IO. The site owns one index (drafts included, so the admin can find them); the
//! public search filters to what is published.

mod index;
mod query;
mod snippet;
mod text;
pub mod tokenize;

pub use index::{Doc, DocInput, Facets, SearchIndex};
pub use query::{Hit, Query, Results};
pub use snippet::Span;
pub use text::plain_text;
