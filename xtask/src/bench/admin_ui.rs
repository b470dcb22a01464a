//! Row 9: the admin web UI at the benchmark's size: how long the posts list takes to answer
//! (rendered on the server), and what a browser downloads for it (JS and CSS, gzip).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use super::procs::{Serve, copy_dir, fresh};
use super::report::{Row, Stats};
use crate::http;

const USER: &str = "bench";
const PASSWORD: &str = "bench-password-not-secret";

/// Bytes after gzip at level 6, as a web server would send them.
pub(super) fn gzip_len(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    let _ = encoder.write_all(bytes);
    encoder.finish().map(|z| z.len()).unwrap_or(0)
}

pub(super) fn rows(
    bin: &Path,
    site: &Path,
    data: &Path,
    work: &Path,
    samples: usize,
    posts: usize,
) -> Result<Vec<Row>, String> {
    let (ui_site, ui_data) = (work.join("ui-site"), work.join("ui-data"));
    fresh(&ui_site)?;
    fresh(&ui_data)?;
    copy_dir(site, &ui_site)?;
    copy_dir(data, &ui_data)?;
    let mut child = Command::new(bin)
        .args(["user", "add", USER, "--password-stdin", "--root"])
        .arg(&ui_site)
        .arg("--data")
        .arg(&ui_data)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    if let Some(mut stdin) = child.stdin.take() {
        writeln!(stdin, "{PASSWORD}").map_err(|e| e.to_string())?;
    }
    child.wait().map_err(|e| e.to_string())?;
    let serve = Serve::start(bin, &ui_site, &ui_data, true)?;
    let origin = format!("http://{}", serve.addr);
    let login = format!("username={USER}&password={PASSWORD}&next=/admin/");
    let answer = http::send(
        serve.addr,
        "POST",
        "/admin/login",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", &origin),
        ],
        login.as_bytes(),
    )
    .map_err(|e| e.to_string())?;
    let cookie = answer
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .ok_or("the admin login set no cookie")?
        .to_owned();
    let mut times = Vec::new();
    for _ in 0..samples.max(1) {
        let started = Instant::now();
        let page = http::get(serve.addr, "/admin/posts", &[("Cookie", &cookie)])
            .map_err(|e| e.to_string())?;
        if page.status != 200 {
            return Err(format!("/admin/posts answered {}", page.status));
        }
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    let weight = |path: &str| {
        http::get(serve.addr, path, &[])
            .map(|r| gzip_len(&r.body) as f64)
            .unwrap_or(0.0)
    };
    let (js, css) = (
        weight("/admin/static/admin.js"),
        weight("/admin/static/admin.css"),
    );
    let mut list = Row::new(
        "9a",
        &format!("admin posts list at {posts} posts, answered"),
        "ms",
        "≤ 10 ms",
    );
    list.quire = Stats::of(times);
    list.met = list.quire.as_ref().map(|s| s.median <= 10.0);
    let mut script = Row::new("9b", "admin JavaScript, gzip", "bytes", "≤ 60 KB");
    script.quire = Stats::of(vec![js]);
    script.met = Some(js <= 60.0 * 1024.0);
    let mut style = Row::new("9c", "admin CSS, gzip", "bytes", "report");
    style.quire = Stats::of(vec![css]);
    Ok(vec![list, script, style])
}
