//! Project automation as a library, so tests can run the benchmark harness in smoke mode.

pub mod bench;
pub mod corpus;
pub mod gates;
pub mod http;
