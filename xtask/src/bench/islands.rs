//! Rows 11 and 12: what an island costs a page, and what counting a view costs.
//! Row 11: A post (whose comments island is filled when comments
//! change, not per request) against the very same bytes served as a static file, with brotli.

use std::path::Path;
use std::time::{Duration, Instant};

use super::procs::{Serve, log, wrk_run};
use super::report::{Row, Stats};
use crate::http;

pub(super) fn rows(
    wrk: &Path,
    serve: &Serve,
    site: &Path,
    post_path: &str,
    seconds: u32,
    runs: usize,
) -> Result<Vec<Row>, String> {
    let page = http::get(serve.addr, post_path, &[]).map_err(|e| e.to_string())?;
    if !page.text().contains("<section class=\"comments\"") {
        return Err(format!("{post_path} has no comments island"));
    }
    let copy = site.join("static").join("island-free.html");
    std::fs::create_dir_all(site.join("static")).map_err(|e| e.to_string())?;
    std::fs::write(&copy, &page.body).map_err(|e| e.to_string())?;
    // The server picks the file up and compresses it in the background.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let r = http::get(
            serve.addr,
            "/island-free.html",
            &[("Accept-Encoding", "br")],
        )
        .map_err(|e| e.to_string())?;
        if r.status == 200 && r.header("content-encoding") == Some("br") {
            break;
        }
        if Instant::now() > deadline {
            return Err("the static copy was never served with brotli".to_owned());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    log("11: island page vs the same bytes static (wrk -c64, br)");
    let (mut island, mut plain) = (Vec::new(), Vec::new());
    for _ in 0..runs.max(1) {
        island.push(wrk_run(wrk, serve.addr, post_path, true, seconds)?.0);
        plain.push(wrk_run(wrk, serve.addr, "/island-free.html", true, seconds)?.0);
    }
    let _ = std::fs::remove_file(&copy);
    let mut row = Row::new(
        "11",
        "post with a comments island vs the same bytes static (br)",
        "req/s",
        "≥ 0.8× static",
    );
    row.quire = Stats::of(island);
    row.peer = Stats::of(plain).map(|s| ("same page, static".to_owned(), s));
    if let (Some(q), Some((_, p))) = (&row.quire, &row.peer)
        && p.median > 0.0
    {
        row.ratio = Some(q.median / p.median);
        row.met = Some(q.median / p.median >= 0.8);
    }
    Ok(vec![row])
}

/// A browser's user agent: what the view counter counts.
const BROWSER: &str = "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";

/// Row 12: a counted page view against the same request with `DNT: 1` (not counted), br.
pub(super) fn counted_rows(
    wrk: &Path,
    serve: &Serve,
    post_path: &str,
    seconds: u32,
    runs: usize,
) -> Result<Vec<Row>, String> {
    log("12: counted vs uncounted page views (wrk -c64, br)");
    let (mut counted, mut plain) = (Vec::new(), Vec::new());
    for _ in 0..runs.max(1) {
        let headers = ["Accept-Encoding: br", BROWSER];
        counted.push(super::procs::wrk_run_with(wrk, serve.addr, post_path, &headers, seconds)?.0);
        let headers = ["Accept-Encoding: br", BROWSER, "DNT: 1"];
        plain.push(super::procs::wrk_run_with(wrk, serve.addr, post_path, &headers, seconds)?.0);
    }
    let mut row = Row::new(
        "12",
        "post, counted as a view vs not counted (DNT), br",
        "req/s",
        "≥ 0.9× uncounted",
    );
    row.quire = Stats::of(counted);
    row.peer = Stats::of(plain).map(|s| ("not counted".to_owned(), s));
    if let (Some(q), Some((_, p))) = (&row.quire, &row.peer)
        && p.median > 0.0
    {
        row.ratio = Some(q.median / p.median);
        row.met = Some(q.median / p.median >= 0.9);
    }
    Ok(vec![row])
}
