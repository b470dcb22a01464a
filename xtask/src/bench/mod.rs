//! `cargo xtask bench`: Quire measured side by side with Hugo and nginx on the same corpus,
//! alternating runs, printing a table and writing `target/bench/report.json`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::corpus;
use crate::http;

mod admin_ui;
mod islands;
mod procs;
mod report;
mod search;

use procs::*;
pub use procs::{install_peers, parse_wrk_duration};
use report::report_json;
pub use report::{Report, Row, Stats, table};

/// What to run, and how much of it.
#[derive(Debug, Clone)]
pub struct Options {
    pub posts: usize,
    /// Repetitions of each timed measurement (the table shows median and min-max).
    pub runs: usize,
    pub edit_samples: usize,
    pub wrk_seconds: u32,
    pub throughput_runs: usize,
    /// How many of the (page, encoding) pairs rows 4 and 5 measure: all six, or fewer for a
    /// smoke run, which only proves the harness works.
    pub throughput_targets: usize,
    pub admin_writes: usize,
    pub install_peers: bool,
    /// A prebuilt `quire`; when absent the harness builds the release binary.
    pub quire_bin: Option<PathBuf>,
    /// Where corpora, data and the report go (`target/bench`).
    pub out_dir: PathBuf,
    pub mode: &'static str,
    /// Only these rows' sections (`1`, `2`, `3`, `4`, `6`, `9`, `10`); all when empty.
    pub only: Vec<String>,
}

impl Options {
    /// Whether section `id` runs (row 4's throughput needs row 1's export, so 4 implies 1).
    pub fn wants(&self, id: &str) -> bool {
        self.only.is_empty()
            || self.only.iter().any(|o| o == id)
            || (id == "1" && self.only.iter().any(|o| o == "4"))
    }

    pub fn full(out_dir: PathBuf) -> Options {
        Options {
            posts: 10_000,
            runs: 5,
            edit_samples: 20,
            wrk_seconds: 5,
            throughput_runs: 5,
            throughput_targets: 6,
            admin_writes: 2_000,
            install_peers: false,
            quire_bin: None,
            out_dir,
            mode: "full",
            only: Vec::new(),
        }
    }
    pub fn quick(out_dir: PathBuf) -> Options {
        Options {
            posts: 300,
            edit_samples: 20,
            wrk_seconds: 1,
            throughput_runs: 3,
            admin_writes: 200,
            mode: "quick",
            ..Options::full(out_dir)
        }
    }
    /// The least that still exercises every step: for tests, so the harness cannot rot.
    pub fn smoke(out_dir: PathBuf, quire_bin: PathBuf) -> Options {
        Options {
            posts: 12,
            runs: 1,
            edit_samples: 2,
            wrk_seconds: 1,
            throughput_runs: 1,
            throughput_targets: 1,
            admin_writes: 16,
            quire_bin: Some(quire_bin),
            mode: "smoke",
            ..Options::full(out_dir)
        }
    }
}

pub fn run(options: &Options, workspace: &Path) -> Result<Report, String> {
    if options.install_peers {
        install_peers()?;
    }
    let bin = match &options.quire_bin {
        Some(b) => b.clone(),
        None => build_quire(workspace)?,
    };
    let hugo = which("hugo");
    let nginx = which("nginx");
    let wrk = which("wrk");
    for (name, found) in [("hugo", &hugo), ("nginx", &nginx), ("wrk", &wrk)] {
        if found.is_none() {
            log(format!(
                "{name} not found on PATH: its rows are skipped (cargo xtask bench --install-peers)"
            ));
        }
    }
    std::fs::create_dir_all(&options.out_dir).map_err(|e| e.to_string())?;
    let corpus_dir = options.out_dir.join(format!("corpus-{}", options.posts));
    let marker = corpus_dir.join(".complete");
    if !marker.exists() {
        log(format!("writing a corpus of {} posts", options.posts));
        fresh(&corpus_dir)?;
        corpus::write(&corpus_dir, options.posts, "http://127.0.0.1:8080")
            .map_err(|e| e.to_string())?;
        std::fs::write(&marker, "").map_err(|e| e.to_string())?;
    }
    let site = corpus_dir.join("quire");
    let hugo_site = corpus_dir.join("hugo");
    let work = options.out_dir.join("work");
    fresh(&work)?;
    let mut rows = Vec::new();

    // 1. Full builds, alternating Quire and Hugo.
    log("1: full builds");
    let (mut q_wall, mut q_rss, mut h_wall, mut h_rss) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..if options.wants("1") { options.runs } else { 0 } {
        fresh(&work.join("build-data"))?;
        let mut c = Command::new(&bin);
        c.arg("build")
            .arg("--root")
            .arg(&site)
            .arg("--data")
            .arg(work.join("build-data"))
            .arg("--out")
            .arg(work.join("public"));
        let (wall, rss) = timed(c)?;
        q_wall.push(wall);
        q_rss.push(rss as f64 / 1e6);
        if let Some(hugo) = &hugo {
            let mut c = Command::new(hugo);
            c.arg("--source")
                .arg(&hugo_site)
                .arg("--destination")
                .arg(work.join("hugo-public"))
                .arg("--quiet");
            let (wall, rss) = timed(c)?;
            h_wall.push(wall);
            h_rss.push(rss as f64 / 1e6);
        }
    }
    rows.push(compare(
        "1a",
        "full build, wall time",
        "s",
        q_wall,
        "hugo",
        h_wall,
        "≤ 0.25× Hugo",
        |_, r| r.map(|r| r <= 0.25),
    ));
    rows.push(compare(
        "1b",
        "full build, peak RSS",
        "MB",
        q_rss,
        "hugo",
        h_rss,
        "≤ 0.25× Hugo",
        |_, r| r.map(|r| r <= 0.25),
    ));

    // The server on a data dir it has filled itself.
    log("serving the corpus (first start ingests it)");
    let data = work.join("serve-data");
    let server = Serve::start(&bin, &site, &data, true)?;
    std::thread::sleep(Duration::from_millis(500));
    let idle_rss = server.rss() as f64 / 1e6;

    // 3. Edit latency, alternating with `hugo server`.
    log("3: edit latency");
    let hugo_server = match hugo.as_ref().filter(|_| options.wants("3")) {
        Some(hugo) => {
            let port = free_port()?;
            let mut command = Command::new(hugo);
            command
                .args([
                    "server",
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    &port.to_string(),
                    "--disableLiveReload",
                    "--source",
                ])
                .arg(&hugo_site);
            let (peer, addr) = start_peer(command, port, Duration::from_secs(900))?;
            Some((peer, addr))
        }
        None => None,
    };
    let target_post = corpus::slug(options.posts / 2);
    let post_file = format!("content/posts/{target_post}.md");
    let original = std::fs::read_to_string(site.join(&post_file)).map_err(|e| e.to_string())?;
    let (mut q_edit, mut h_edit) = (Vec::new(), Vec::new());
    for k in 0..if options.wants("3") {
        options.edit_samples
    } else {
        0
    } {
        let marker = format!("bench-edit-marker-{k}");
        q_edit.push(
            edit_latency(
                &site.join(&post_file),
                &original,
                &marker,
                server.addr,
                &format!("/posts/{target_post}/"),
            )? * 1e3,
        );
        if let Some((_, addr)) = &hugo_server {
            h_edit.push(
                edit_latency(
                    &hugo_site.join(&post_file),
                    &original,
                    &marker,
                    *addr,
                    &format!("/posts/{target_post}/"),
                )? * 1e3,
            );
        }
    }
    std::fs::write(site.join(&post_file), &original).map_err(|e| e.to_string())?;
    std::fs::write(hugo_site.join(&post_file), &original).map_err(|e| e.to_string())?;
    drop(hugo_server);
    rows.push(compare(
        "3",
        "edit → live page, median of edits",
        "ms",
        q_edit,
        "hugo server",
        h_edit,
        "≤ 20 ms and ≤ 0.25× hugo server",
        |q, r| Some(q <= 20.0 && r.is_none_or(|r| r <= 0.25)),
    ));

    // 4 and 5. Throughput and p99 latency against nginx serving `quire build`'s output.
    if let Some(wrk) = wrk.as_ref().filter(|_| options.wants("4")) {
        log("4, 5: throughput and latency (wrk -c64), alternating with nginx");
        let export = work.join("public");
        let nginx_peer = match &nginx {
            Some(nginx) => Some(start_nginx(
                nginx,
                &work,
                &export,
                server.addr,
                &target_post,
            )?),
            None => None,
        };
        let targets = [
            (format!("/posts/{target_post}/"), "post"),
            ("/".to_owned(), "home"),
            ("/atom.xml".to_owned(), "atom.xml"),
        ]
        .into_iter()
        .flat_map(|(path, label)| [false, true].map(|br| (path.clone(), label, br)))
        .take(options.throughput_targets);
        for (path, label, br) in targets {
            {
                let (mut q_rps, mut q_p99, mut n_rps) = (Vec::new(), Vec::new(), Vec::new());
                for _ in 0..options.throughput_runs {
                    let (rps, p99) = wrk_run(wrk, server.addr, &path, br, options.wrk_seconds)?;
                    q_rps.push(rps);
                    q_p99.push(p99);
                    if let Some((_, addr)) = &nginx_peer {
                        n_rps.push(wrk_run(wrk, *addr, &path, br, options.wrk_seconds)?.0);
                    }
                }
                let enc = if br { "br" } else { "identity" };
                rows.push(compare(
                    &format!("4-{label}-{enc}"),
                    &format!("throughput {label} ({enc})"),
                    "req/s",
                    q_rps,
                    "nginx",
                    n_rps,
                    "≥ 1.6× nginx",
                    |_, r| r.map(|r| r >= 1.6),
                ));
                let mut row = Row::new(
                    &format!("5-{label}-{enc}"),
                    &format!("p99 latency {label} ({enc}), 64 conns"),
                    "ms",
                    "≤ 2 ms",
                );
                row.quire = Stats::of(q_p99);
                row.met = row.quire.as_ref().map(|s| s.median <= 2.0);
                rows.push(row);
            }
        }
        drop(nginx_peer);
    } else {
        let mut row = Row::new("4", "throughput vs nginx", "req/s", "≥ 1.6× nginx");
        row.note = "wrk not found".to_owned();
        rows.push(row);
    }

    // 10. Search on the loaded server.
    if options.wants("10") {
        log("10: search");
        rows.extend(search::rows(&server, options.edit_samples, options.posts)?);
        rows.extend(search::export_row(&work.join("public"), options.posts));
    }
    if let Some(wrk) = wrk.as_ref().filter(|_| options.wants("12")) {
        rows.extend(islands::counted_rows(
            wrk,
            &server,
            &format!("/posts/{target_post}/"),
            options.wrk_seconds,
            options.throughput_runs,
        )?);
    }
    if let Some(wrk) = wrk.as_ref().filter(|_| options.wants("11")) {
        rows.extend(islands::rows(
            wrk,
            &server,
            &site,
            &format!("/posts/{target_post}/"),
            options.wrk_seconds,
            options.throughput_runs,
        )?);
    }

    // 7. Memory, idle and after the load.
    let loaded_rss = server.rss() as f64 / 1e6;
    for (id, name, value) in [
        ("7a", "RSS idle, corpus loaded", idle_rss),
        ("7b", "RSS after the load test", loaded_rss),
    ] {
        let mut row = Row::new(id, name, "MB", "≤ 300 MB at 10k posts");
        row.quire = Stats::of(vec![value]);
        row.met = (options.posts >= 10_000).then_some(value <= 300.0);
        row.note = format!(
            "{:.0} bytes per post",
            value * 1e6 / options.posts.max(1) as f64
        );
        rows.push(row);
    }
    drop(server);

    // 2. Restart on the existing data dir: time until `/` answers 200.
    log("2: restart");
    let mut restarts = Vec::new();
    for _ in 0..if options.wants("2") { options.runs } else { 0 } {
        let started = Instant::now();
        let serve = Serve::start(&bin, &site, &data, false)?;
        wait_http(serve.addr, "/", Duration::from_secs(600))?;
        restarts.push(started.elapsed().as_secs_f64());
        drop(serve);
    }
    let mut row = Row::new("2", "restart until / answers 200", "s", "≤ 0.5 s");
    row.quire = Stats::of(restarts);
    row.met = row.quire.as_ref().map(|s| s.median <= 0.5);
    rows.push(row);

    // 6. Admin API writes, each durable when acknowledged.
    if options.wants("6") {
        log("6: admin API writes from 16 clients");
        rows.extend(admin_writes(
            &bin,
            &site,
            &data,
            &work,
            options.admin_writes,
        )?);
    }

    // 9. The admin web UI: the posts list at this size, and its weight.
    if options.wants("9") {
        log("9: admin UI list page and weight");
        rows.extend(admin_ui::rows(
            &bin,
            &site,
            &data,
            &work,
            options.edit_samples.max(5),
            options.posts,
        )?);
    }

    // 8. Binary size.
    let size = std::fs::metadata(&bin)
        .map(|m| m.len() as f64 / 1e6)
        .unwrap_or(0.0);
    let mut row = Row::new("8", "binary size", "MB", "≤ 25 MB");
    row.quire = Stats::of(vec![size]);
    row.met = Some(size <= 25.0);
    if !bin.to_string_lossy().contains("release") {
        row.note = "not the release binary".to_owned();
    }
    rows.push(row);

    if !options.only.is_empty() {
        // Sections left out leave rows without figures: drop them.
        rows.retain(|r| r.quire.is_some());
    }
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    let json = report_json(options, &rows, &bin);
    let path = options.out_dir.join("report.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&json).unwrap_or_default(),
    )
    .map_err(|e| e.to_string())?;
    log(format!("report written to {}", path.display()));
    Ok(Report { rows, json })
}

#[allow(clippy::too_many_arguments)] // one call per compared measurement
fn compare(
    id: &str,
    name: &str,
    unit: &'static str,
    quire: Vec<f64>,
    peer: &str,
    peer_samples: Vec<f64>,
    target: &str,
    judge: impl Fn(f64, Option<f64>) -> Option<bool>,
) -> Row {
    let mut row = Row::new(id, name, unit, target);
    row.quire = Stats::of(quire);
    row.peer = Stats::of(peer_samples).map(|s| (peer.to_owned(), s));
    if let (Some(q), Some((_, p))) = (&row.quire, &row.peer)
        && p.median > 0.0
    {
        row.ratio = Some(q.median / p.median);
    }
    row.met = row.quire.as_ref().and_then(|q| judge(q.median, row.ratio));
    if row.peer.is_none() && row.ratio.is_none() && target.contains('×') && !target.contains("and")
    {
        row.met = None;
        row.note = format!("{peer} not measured");
    }
    row
}

/// Rewrites a post with `marker` appended and times until `path` shows it.
fn edit_latency(
    file: &Path,
    original: &str,
    marker: &str,
    addr: SocketAddr,
    path: &str,
) -> Result<f64, String> {
    let text = format!("{original}\n\n{marker}\n");
    let started = Instant::now();
    std::fs::write(file, text).map_err(|e| e.to_string())?;
    let deadline = started + Duration::from_secs(60);
    loop {
        if let Ok(r) = http::get(addr, path, &[])
            && r.status == 200
            && r.body.windows(marker.len()).any(|w| w == marker.as_bytes())
        {
            return Ok(started.elapsed().as_secs_f64());
        }
        if Instant::now() > deadline {
            return Err(format!("the edit never showed on http://{addr}{path}"));
        }
        std::thread::sleep(Duration::from_micros(500));
    }
}

/// 16 clients create posts through the API on a copy of the site; every 2xx is durable.
fn admin_writes(
    bin: &Path,
    site: &Path,
    data: &Path,
    work: &Path,
    writes: usize,
) -> Result<Vec<Row>, String> {
    let admin_site = work.join("admin-site");
    let admin_data = work.join("admin-data");
    fresh(&admin_site)?;
    fresh(&admin_data)?;
    copy_dir(site, &admin_site)?;
    copy_dir(data, &admin_data)?;
    let out = Command::new(bin)
        .args(["token", "create", "bench", "--root"])
        .arg(&admin_site)
        .arg("--data")
        .arg(&admin_data)
        .output()
        .map_err(|e| e.to_string())?;
    let token = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .to_owned();
    if token.is_empty() {
        return Err(format!(
            "token create failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let serve = Serve::start(bin, &admin_site, &admin_data, true)?;
    let clients = 16;
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(writes)));
    let failures = Arc::new(Mutex::new(0usize));
    let started = Instant::now();
    std::thread::scope(|scope| {
        for client in 0..clients {
            let (latencies, failures, token) = (latencies.clone(), failures.clone(), token.clone());
            let addr = serve.addr;
            scope.spawn(move || {
                let auth = format!("Bearer {token}");
                for n in (client..writes).step_by(clients) {
                    let body = format!(
                        "{{\"title\":\"Bench write {n}\",\"body\":\"{}\",\"tags\":[\"bench\"]}}",
                        "Some words of a short post. ".repeat(20)
                    );
                    let t = Instant::now();
                    let headers = [
                        ("Authorization", auth.as_str()),
                        ("Content-Type", "application/json"),
                    ];
                    match http::send(addr, "POST", "/admin/api/posts", &headers, body.as_bytes()) {
                        Ok(r) if r.status == 201 => {
                            if let Ok(mut l) = latencies.lock() {
                                l.push(t.elapsed().as_secs_f64() * 1e3);
                            }
                        }
                        _ => {
                            if let Ok(mut f) = failures.lock() {
                                *f += 1;
                            }
                        }
                    }
                }
            });
        }
    });
    let wall = started.elapsed().as_secs_f64();
    let mut latencies = latencies.lock().map(|l| l.clone()).unwrap_or_default();
    let failed = failures.lock().map(|f| *f).unwrap_or(0);
    latencies.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(f64::NAN)
    };
    let throughput = latencies.len() as f64 / wall;
    let mut rows = Vec::new();
    let mut row = Row::new(
        "6a",
        &format!("admin API: {writes} creations, 16 clients"),
        "writes/s",
        "≥ 500 writes/s",
    );
    row.quire = Stats::of(vec![throughput]);
    row.met = Some(throughput >= 500.0 && failed == 0);
    if failed > 0 {
        row.note = format!("{failed} failed");
    }
    rows.push(row);
    for (id, name, p, target, limit) in [
        ("6b", "admin API write p50", 0.50, "report", f64::INFINITY),
        ("6c", "admin API write p99", 0.99, "≤ 25 ms", 25.0),
    ] {
        let mut row = Row::new(id, name, "ms", target);
        let v = pct(p);
        row.quire = Stats::of(vec![v]);
        row.met = limit.is_finite().then_some(v <= limit);
        rows.push(row);
    }
    Ok(rows)
}
