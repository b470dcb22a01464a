//! HTTP semantics: validators, encodings, HEAD, redirects, 404 and path traversal.

use std::io::Read;

use crate::support::TestSite;

fn decode_brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(data, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn decode_gzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(data)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[test]
fn every_response_has_validators_and_cache_control() {
    let site = TestSite::sample();
    let server = site.serve();
    for path in [
        "/",
        "/posts/live-editing/",
        "/atom.xml",
        "/style.css",
        "/nope/",
        "/posts/live-editing",
        "/blog/moving-house/",
    ] {
        let r = server.get(path);
        for header in ["etag", "cache-control"] {
            assert!(
                r.header(header).is_some(),
                "{path} ({}) lacks {header}",
                r.status
            );
        }
        // A redirect has no meaningful date; everything else says when it changed.
        let redirect = (300..400).contains(&r.status);
        assert_eq!(
            r.header("last-modified").is_some(),
            !redirect,
            "{path} ({})",
            r.status
        );
        let etag = r.header("etag").unwrap();
        assert!(
            etag.starts_with('"') && !etag.starts_with("W/"),
            "{path}: strong ETag, got {etag}"
        );
    }
}

#[test]
fn conditional_requests_get_304() {
    let site = TestSite::sample();
    let server = site.serve();
    let first = server.get("/posts/live-editing/");
    let etag = first.header("etag").unwrap().to_owned();
    let r = server.request("GET", "/posts/live-editing/", &[("If-None-Match", &etag)]);
    assert_eq!(r.status, 304);
    assert!(r.body.is_empty());
    assert_eq!(r.header("etag"), Some(etag.as_str()));
    let other = server.request(
        "GET",
        "/posts/live-editing/",
        &[("If-None-Match", "\"something-else\"")],
    );
    assert_eq!(other.status, 200);
    let last_modified = first.header("last-modified").unwrap().to_owned();
    let r = server.request(
        "GET",
        "/posts/live-editing/",
        &[("If-Modified-Since", &last_modified)],
    );
    assert_eq!(r.status, 304);
    // The ETag of the brotli body is its own: a cached identity body must not match it.
    let br = server.request(
        "GET",
        "/posts/live-editing/",
        &[("Accept-Encoding", "br"), ("If-None-Match", &etag)],
    );
    assert_eq!(br.status, 200);
}

#[test]
fn bodies_are_precompressed_by_accept_encoding() {
    let site = TestSite::sample();
    let server = site.serve();
    let plain = server.get("/posts/code-highlighting/");
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.header("vary"), Some("Accept-Encoding"));

    let br = server.request(
        "GET",
        "/posts/code-highlighting/",
        &[("Accept-Encoding", "gzip, deflate, br")],
    );
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert!(br.body.len() < plain.body.len());
    assert_eq!(decode_brotli(&br.body), plain.body);

    let gz = server.request(
        "GET",
        "/posts/code-highlighting/",
        &[("Accept-Encoding", "gzip")],
    );
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(decode_gzip(&gz.body), plain.body);

    let refused = server.request(
        "GET",
        "/posts/code-highlighting/",
        &[("Accept-Encoding", "br;q=0, gzip")],
    );
    assert_eq!(refused.header("content-encoding"), Some("gzip"));
    let none = server.request(
        "GET",
        "/posts/code-highlighting/",
        &[("Accept-Encoding", "identity")],
    );
    assert_eq!(none.header("content-encoding"), None);

    let tags = std::collections::BTreeSet::from([
        br.header("etag"),
        gz.header("etag"),
        plain.header("etag"),
    ]);
    assert_eq!(tags.len(), 3, "each encoding has its own strong ETag");
}

#[test]
fn head_has_the_headers_of_get_and_no_body() {
    let site = TestSite::sample();
    let server = site.serve();
    let get = server.get("/posts/live-editing/");
    let head = server.request("HEAD", "/posts/live-editing/", &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("etag"), get.header("etag"));
    assert_eq!(
        head.header("content-length"),
        Some(get.body.len().to_string().as_str())
    );
    assert_eq!(server.request("HEAD", "/missing/", &[]).status, 404);
    let post = server.request("POST", "/posts/live-editing/", &[]);
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
}

#[test]
fn missing_slash_gets_308_and_aliases_301() {
    let site = TestSite::sample();
    let server = site.serve();
    let r = server.get("/posts/live-editing");
    assert_eq!(r.status, 308);
    assert_eq!(r.header("location"), Some("/posts/live-editing/"));
    let r = server.get("/archive?ref=x");
    assert_eq!(r.status, 308);
    assert_eq!(r.header("location"), Some("/archive/?ref=x"));
    for alias in ["/blog/moving-house/", "/2019/05/old-blog-post.html"] {
        let r = server.get(alias);
        assert_eq!(r.status, 301, "{alias}");
        assert_eq!(r.header("location"), Some("/posts/moving-house/"));
    }
    let r = server.get("/blog/moving-house");
    assert_eq!(r.status, 308, "an alias folder also gets its slash");
    assert_eq!(server.get("/page/1/").header("location"), Some("/"));
}

#[test]
fn unknown_paths_get_the_themed_404() {
    let site = TestSite::sample();
    let server = site.serve();
    let r = server.get("/definitely/not/here");
    assert_eq!(r.status, 404);
    let text = r.text();
    assert!(
        text.contains("Page not found") && text.contains("<link rel=\"stylesheet\" href=\"/style.")
    );
}

#[test]
fn traversal_never_escapes_the_site() {
    let site = TestSite::sample();
    site.write("static/ok.txt", "fine");
    site.write("secret.txt", "TOP SECRET");
    let server = site.serve();
    assert_eq!(server.get("/ok.txt").text(), "fine");
    for path in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/static/../secret.txt",
        "/posts/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/quire.toml",
        "/.quire/quire.db",
        "/content/about.md",
        "/ok.txt%00.html",
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 404, "{path}");
        let text = String::from_utf8_lossy(&r.body);
        assert!(
            !text.contains("TOP SECRET") && !text.contains("root:"),
            "{path} leaked a file"
        );
    }
}
