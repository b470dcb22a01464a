//! Integration tests: the real `quire` binary against temp sites, over real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod admin_api;
mod admin_auth;
mod admin_entries;
mod admin_routes;
mod admin_site;
mod admin_ui;
mod admin_ui_tools;
mod bench;
mod build;
mod cli;
mod comments;
mod crash;
mod feeds;
mod http;
mod live;
mod live_reload;
mod pages;
mod quality;
mod restart;
mod search;
mod snapshots;
mod support;
mod tidy;
mod two_factor;
mod views;
