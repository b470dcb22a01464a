//! Decides whether a request is a reader's page view and counts it: HTML pages only, GET only,
//! no robots, and never when the browser asks not to be tracked (`DNT: 1`, `Sec-GPC: 1`).

use actix_web::HttpRequest;
use actix_web::http::{Method, header};

use crate::render::page::Page;
use crate::snapshot::Snapshot;
use crate::views::{Counter, Visit, is_robot};

fn header_is(req: &HttpRequest, name: &str, value: &str) -> bool {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() == value)
}

pub fn count(req: &HttpRequest, snapshot: &Snapshot, counter: &Counter, path: &str, page: &Page) {
    let config = &snapshot.site.config;
    if !config.views.enabled
        || req.method() != Method::GET
        || !page.content_type.starts_with("text/html")
        || header_is(req, "dnt", "1")
        || header_is(req, "sec-gpc", "1")
    {
        return;
    }
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if is_robot(user_agent) {
        return;
    }
    let own_host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let visit = Visit {
        path,
        address: super::auth::client_ip(req, &config.admin.trusted_proxies),
        user_agent,
        referrer: req
            .headers()
            .get(header::REFERER)
            .and_then(|v| v.to_str().ok()),
        own_host: own_host.split(':').next().unwrap_or_default(),
    };
    counter.record(&visit);
}
