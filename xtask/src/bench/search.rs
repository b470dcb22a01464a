//! Row 10: site search at the benchmark's size: two-word queries answered over HTTP (p50 and
//! p95), and what the index holds in memory.

use std::path::Path;
use std::time::Instant;

use super::procs::Serve;
use super::report::{Row, Stats};
use crate::http;

/// Two-word queries from the corpus vocabulary: common and rare words, so some match most
/// posts (the slow case for ranking) and some match few.
const QUERIES: &[&str] = &[
    "server cache",
    "memory latency",
    "render template",
    "durable write",
    "river garden",
    "snapshot journal",
    "kernel socket",
    "coffee morning",
    "replica shard",
    "quietly publish",
];

fn percentile(samples: &[f64], p: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(at).copied().unwrap_or(0.0)
}

pub(super) fn rows(serve: &Serve, rounds: usize, posts: usize) -> Result<Vec<Row>, String> {
    // Not while the startup compression still runs: it would share the CPU with the queries.
    serve.wait_log("all pages compressed", std::time::Duration::from_secs(1800))?;
    let mut times = Vec::new();
    // One warm-up pass, not counted.
    for round in 0..=rounds.max(1) {
        for query in QUERIES {
            let path = format!("/search/?q={}", query.replace(' ', "+"));
            let started = Instant::now();
            let answer = http::get(serve.addr, &path, &[("Accept-Encoding", "br")])
                .map_err(|e| e.to_string())?;
            let elapsed = started.elapsed().as_secs_f64() * 1e3;
            if answer.status != 200 {
                return Err(format!("{path} answered {}", answer.status));
            }
            if round > 0 {
                times.push(elapsed);
            }
        }
    }
    let (p50, p95) = (percentile(&times, 0.5), percentile(&times, 0.95));
    let mut median = Row::new(
        "10a",
        &format!("search, two words, {posts} posts: p50"),
        "ms",
        "report",
    );
    median.quire = Stats::of(vec![p50]);
    let mut tail = Row::new(
        "10b",
        &format!("search, two words, {posts} posts: p95"),
        "ms",
        "≤ 5 ms",
    );
    tail.quire = Stats::of(vec![p95]);
    tail.met = Some(p95 <= 5.0);
    tail.note = format!("{} requests over HTTP, brotli", times.len());
    let mut memory = Row::new("10c", "search index memory", "MB", "report");
    let line = serve.wait_log("search index:", std::time::Duration::from_secs(5))?;
    let bytes: f64 = line
        .split("about ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0);
    memory.quire = Stats::of(vec![bytes / 1e6]);
    memory.note = format!("{:.0} bytes per post", bytes / posts.max(1) as f64);
    Ok(vec![median, tail, memory])
}

/// The shard a term lives in, as `quire build` names it: hex of its first two characters.
fn shard_of(term: &str) -> String {
    let key: String = term.chars().take(2).collect();
    key.bytes().map(|b| format!("{b:02x}")).collect()
}

/// Row 10d: what a reader of a static export downloads for one two-word query: the index's
/// meta file, the two words' term shards and the document shards of a page of ten results
/// (counted as ten different shards, the most it can be), gzip as a CDN serves them.
pub(super) fn export_row(export: &Path, posts: usize) -> Option<Row> {
    let index = export.join("search").join("index");
    let read = |name: &str| std::fs::read(index.join(name)).ok();
    let mut files = vec![read("meta.json")?];
    for word in ["server", "cach"] {
        files.push(read(&format!("t-{}.json", shard_of(word)))?);
    }
    let mut doc_shards: Vec<Vec<u8>> = (0..10)
        .filter_map(|n| read(&format!("d-{n}.json")))
        .collect();
    files.append(&mut doc_shards);
    let raw: usize = files.iter().map(Vec::len).sum();
    let zipped: usize = files.iter().map(|f| super::admin_ui::gzip_len(f)).sum();
    let mut row = Row::new(
        "10d",
        &format!("export search, bytes one query downloads, {posts} posts"),
        "KB",
        "report",
    );
    row.quire = Stats::of(vec![zipped as f64 / 1024.0]);
    row.note = format!(
        "gzip; {:.0} KB uncompressed, {} files",
        raw as f64 / 1024.0,
        files.len()
    );
    Some(row)
}
