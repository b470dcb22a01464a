//! Serves the public site from the in-memory page table: conditional requests, precompressed
//! bodies, canonical-slash and alias redirects, the themed 404. No parsing, rendering or IO.

use std::time::SystemTime;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, web};

use crate::render::page::{Encoding, Page, Served};
use crate::snapshot::Published;

pub async fn serve(
    req: HttpRequest,
    published: web::Data<Published>,
    views: web::Data<crate::views::Counter>,
) -> HttpResponse {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, "GET, HEAD"))
            .finish();
    }
    let snapshot = published.load();
    let pages = &snapshot.pages;
    let Some(path) = decode_path(req.path()) else {
        return not_found(&req, pages.not_found().map(|s| s.as_ref()));
    };
    if let Some(served) = pages.lookup(&path) {
        if let Served::Page(page) = served.as_ref() {
            super::views::count(&req, &snapshot, &views, &path, page);
            if let Some(islands) = &page.islands
                && !req.query_string().is_empty()
            {
                return super::islands::respond(&req, &snapshot, islands);
            }
        }
        return respond(&req, served, StatusCode::OK);
    }
    if !path.ends_with('/') && pages.lookup(&format!("{path}/")).is_some() {
        let mut location = format!("{}/", req.path());
        if let Some(query) = req.uri().query() {
            location.push('?');
            location.push_str(query);
        }
        return redirect(StatusCode::PERMANENT_REDIRECT, &location);
    }
    not_found(&req, pages.not_found().map(|s| s.as_ref()))
}

/// Percent-decodes the path and refuses anything that could name a parent folder. Pages come
/// from memory, never from the file system, so this is defence in depth, not the only guard.
fn decode_path(raw: &str) -> Option<std::borrow::Cow<'_, str>> {
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?;
    // The root and a trailing slash are fine; every segment between must be a plain name.
    let inner = decoded.strip_prefix('/')?;
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    (inner.is_empty() || crate::paths::is_clean_relative(inner)).then_some(decoded)
}

fn not_found(req: &HttpRequest, page: Option<&Served>) -> HttpResponse {
    match page {
        Some(served) => respond(req, served, StatusCode::NOT_FOUND),
        None => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("404 Not Found\n"),
    }
}

fn respond(req: &HttpRequest, served: &Served, status: StatusCode) -> HttpResponse {
    match served {
        Served::Page(page) => respond_page(req, page, status),
        Served::Redirect { location, status } => redirect(
            StatusCode::from_u16(*status).unwrap_or(StatusCode::MOVED_PERMANENTLY),
            location,
        ),
    }
}

fn redirect(status: StatusCode, location: &str) -> HttpResponse {
    let etag = format!(
        "\"r-{}\"",
        &blake3::hash(location.as_bytes()).to_hex()[..16]
    );
    HttpResponseBuilder::new(status)
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        // No Last-Modified: a redirect has no meaningful date, and the ETag validates it.
        .insert_header((header::ETAG, etag))
        .content_type("text/plain; charset=utf-8")
        .body(format!("Moved to {location}\n"))
}

fn respond_page(req: &HttpRequest, page: &Page, status: StatusCode) -> HttpResponse {
    let encoding = negotiate(req, page);
    // Header values are shared bytes made at render time: no formatting per request.
    let etag = HeaderValue::from_maybe_shared(page.etag(encoding).clone());
    let last_modified = HeaderValue::from_maybe_shared(page.last_modified_value().clone());
    let (Ok(etag), Ok(last_modified)) = (etag, last_modified) else {
        return HttpResponse::InternalServerError().finish();
    };
    let cache = HeaderValue::from_static(page.cache.header_value());
    let vary = HeaderValue::from_static("Accept-Encoding");
    if status == StatusCode::OK && not_modified(req, &etag, page.last_modified) {
        return HttpResponseBuilder::new(StatusCode::NOT_MODIFIED)
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache))
            .insert_header((header::LAST_MODIFIED, last_modified))
            .insert_header((header::VARY, vary))
            .finish();
    }
    let mut builder = HttpResponseBuilder::new(status);
    builder
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::LAST_MODIFIED, last_modified))
        .insert_header((header::VARY, vary))
        .insert_header((
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ));
    if let Some(coding) = encoding.header_value() {
        builder.insert_header((header::CONTENT_ENCODING, HeaderValue::from_static(coding)));
    }
    builder.insert_header((header::CONTENT_TYPE, page.content_type.as_str()));
    // Cloning `Bytes` shares the rendered buffer: no copy per request.
    let body = page
        .body(encoding)
        .cloned()
        .unwrap_or_else(|| page.identity.clone());
    builder.body(body)
}

/// RFC 9110: `If-None-Match` wins over `If-Modified-Since`.
pub(super) fn not_modified(
    req: &HttpRequest,
    etag: &HeaderValue,
    last_modified: SystemTime,
) -> bool {
    let etag = etag.to_str().unwrap_or_default();
    if let Some(value) = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        return crate::etag::list_matches(value, etag, crate::etag::Comparison::Weak);
    }
    let since = req
        .headers()
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<header::HttpDate>().ok());
    match since {
        // HTTP dates have whole seconds; compare at that precision.
        Some(since) => {
            let since = SystemTime::from(since);
            let modified = last_modified
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            since
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
                >= modified
        }
        None => false,
    }
}

/// Picks br, then gzip, then identity, honouring `q=0`.
fn negotiate(req: &HttpRequest, page: &Page) -> Encoding {
    let (br, gzip) = accepted(req);
    if br && page.brotli.is_some() {
        Encoding::Brotli
    } else if gzip && page.gzip.is_some() {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// Whether the client takes br and gzip (`Accept-Encoding`, `q=0` meaning no).
pub(super) fn accepted(req: &HttpRequest) -> (bool, bool) {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v: &HeaderValue| v.to_str().ok())
    else {
        return (false, false);
    };
    let mut br = false;
    let mut gzip = false;
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let refused = parts.any(|p| {
            let p = p.trim();
            p.strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        if refused {
            continue;
        }
        match coding.as_str() {
            "br" => br = true,
            "gzip" | "x-gzip" => gzip = true,
            "*" => {
                br = true;
                gzip = true;
            }
            _ => {}
        }
    }
    (br, gzip)
}

#[cfg(test)]
mod tests {
    use super::decode_path;

    #[test]
    fn traversal_is_refused_after_decoding() {
        for hostile in [
            "/../etc/passwd",
            "/%2e%2e/x",
            "/posts/..%2f..%2fquire.toml",
            "/a/%2E%2E/b",
            "/x%00",
            "/a%5c..%5cb",
        ] {
            assert_eq!(decode_path(hostile), None, "{hostile}");
        }
        assert_eq!(decode_path("/caf%C3%A9/").as_deref(), Some("/café/"));
    }
}
