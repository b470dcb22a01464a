//! Quire: a whole blog in one binary. See ARCHITECTURE.md for the code map and its invariants.
//!
//! Only `cli` is public: the binary is the interface. Everything else is crate-private, so the
//! compiler reports code nobody uses.

mod accounts;
mod admin;
mod app;
mod auth;
mod change;
pub mod cli;
mod clock;
mod comments;
mod config;
mod content;
mod diagnostic;
mod escape;
mod etag;
mod export;
mod http;
mod notify;
mod paths;
mod pipeline;
mod render;
mod scaffold;
mod search;
mod site;
mod snapshot;
mod store;
mod theme_files;
mod totp;
mod views;
mod writer;
