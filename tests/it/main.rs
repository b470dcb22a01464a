//! Integration tests: the real `quire` binary against temp sites, over real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod build;
mod cli;
mod feeds;
mod http;
mod live;
mod pages;
mod restart;
mod snapshots;
mod support;
