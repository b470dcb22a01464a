//! Row 10: site search at the benchmark's size: two-word queries answered over HTTP (p50 and
//! p95), and what the index holds in memory.

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
