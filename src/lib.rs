//! Quire: a whole blog in one binary. See ARCHITECTURE.md for the code map and its invariants.

pub mod accounts;
pub mod admin;
pub mod app;
pub mod auth;
pub mod change;
pub mod cli;
pub mod config;
pub mod content;
pub mod export;
pub mod http;
pub mod render;
pub mod scaffold;
pub mod site;
pub mod store;
pub mod writer;
