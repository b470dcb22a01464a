//! Fills a page's islands for one request (a search with its words), and answers with the
//! result compressed on the fly: no template runs and nothing is stored.

use std::io::Write;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};

use crate::render::islands::IslandPage;
use crate::render::search_island::{self, MAX_QUERY_BYTES};
use crate::site::search::SiteQuery;
use crate::snapshot::Snapshot;

/// The highest results page a request may ask for: deeper pages are not worth the work.
const MAX_PAGE: usize = 1_000;
/// Compression for bodies made per request: fast settings, still far smaller than identity.
const BROTLI_QUALITY: u32 = 4;
const GZIP_LEVEL: u32 = 4;

/// The query string of a search: `q`, `tag`, `year`, `page`, and `fragment=1` for only the
/// results. Unknown or malformed parameters are ignored, never an error.
fn site_query(query_string: &str) -> (SiteQuery, bool) {
    let mut query = SiteQuery {
        page: 1,
        per_page: search_island::PER_PAGE,
        ..SiteQuery::default()
    };
    let mut fragment = false;
    for pair in query_string.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = value.replace('+', " ");
        let value = percent_encoding::percent_decode_str(&value).decode_utf8_lossy();
        match key {
            "q" => query.text = truncate(value.trim(), MAX_QUERY_BYTES).to_owned(),
            "tag" if !value.is_empty() => query.tag = Some(truncate(&value, 200).to_owned()),
            "year" => query.year = value.parse().ok(),
            "page" => query.page = value.parse::<usize>().unwrap_or(1).clamp(1, MAX_PAGE),
            "fragment" => fragment = value == "1",
            _ => {}
        }
    }
    (query, fragment)
}

fn truncate(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

pub fn respond(req: &HttpRequest, snapshot: &Snapshot, islands: &IslandPage) -> HttpResponse {
    let (query, fragment) = site_query(req.query_string());
    let site = &snapshot.site;
    let body = if fragment && islands.has("search") {
        search_island::results(site, &query)
    } else {
        islands.assemble(|hole| match hole.name.as_str() {
            "search" => search_island::island(site, &query, false),
            _ => String::new(),
        })
    };
    let (br, gzip) = super::public::accepted(req);
    let hash = blake3::hash(body.as_bytes()).to_hex();
    let (coding, encoded) = if br {
        (Some("br"), brotli(body.as_bytes()))
    } else if gzip {
        (Some("gzip"), gzip_bytes(body.as_bytes()))
    } else {
        (None, None)
    };
    let (coding, bytes) = match encoded {
        Some(bytes) => (coding, bytes),
        None => (None, body.into_bytes()),
    };
    let etag = format!(
        "\"s-{}{}\"",
        &hash[..24],
        coding.map(|c| format!(".{c}")).unwrap_or_default()
    );
    let Ok(etag) = HeaderValue::from_str(&etag) else {
        return HttpResponse::InternalServerError().finish();
    };
    let mut builder = HttpResponseBuilder::new(StatusCode::OK);
    builder
        .insert_header((header::CACHE_CONTROL, "public, max-age=0, must-revalidate"))
        .insert_header((header::VARY, "Accept-Encoding"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    // Only the ETag validates an answer made for this request: it has no Last-Modified, so an
    // If-Modified-Since alone must not make it a 304.
    let etag_text = etag.to_str().unwrap_or_default();
    let unchanged = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| crate::etag::list_matches(v, etag_text, crate::etag::Comparison::Weak));
    if unchanged {
        return builder
            .status(StatusCode::NOT_MODIFIED)
            .insert_header((header::ETAG, etag))
            .finish();
    }
    builder
        .insert_header((header::ETAG, etag))
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"));
    if let Some(coding) = coding {
        builder.insert_header((header::CONTENT_ENCODING, coding));
    }
    builder.body(bytes)
}

fn brotli(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 3);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, 20);
        writer.write_all(data).ok()?;
    }
    Some(out)
}

fn gzip_bytes(data: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 3),
        flate2::Compression::new(GZIP_LEVEL),
    );
    encoder.write_all(data).ok()?;
    encoder.finish().ok()
}

#[cfg(test)]
mod tests {
    use super::site_query;

    #[test]
    fn queries_are_read_leniently() {
        let (q, fragment) = site_query(
            "q=caf%C3%A9+au+lait&tag=rust&year=2024&page=99999999999999999999&x=1&fragment=1",
        );
        assert_eq!(q.text, "café au lait");
        assert_eq!(q.tag.as_deref(), Some("rust"));
        assert_eq!((q.year, q.page, fragment), (Some(2024), 1, true));
        let (q, _) = site_query("q=&year=abc&page=0&%ZZ");
        assert_eq!((q.text.as_str(), q.year, q.page), ("", None, 1));
    }
}
