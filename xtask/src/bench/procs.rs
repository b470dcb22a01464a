//! The processes a benchmark drives: Quire, Hugo, nginx and wrk, timed and cleaned up.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::http;

pub(super) fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(tool))
            .find(|p| p.is_file())
    })
}

pub(super) fn log(msg: impl AsRef<str>) {
    eprintln!("bench: {}", msg.as_ref());
}

/// Runs `command` to completion, returning (wall seconds, peak RSS bytes).
pub(super) fn timed(mut command: Command) -> Result<(f64, u64), String> {
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let pid = child.id();
    let mut peak = 0;
    let stderr = child.stderr.take();
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut s) = stderr {
            let _ = std::io::Read::read_to_string(&mut s, &mut text);
        }
        text
    });
    let status = loop {
        peak = peak.max(proc_kib(pid, "VmHWM:") * 1024);
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(e.to_string()),
        }
    };
    let wall = started.elapsed().as_secs_f64();
    let stderr = errors.join().unwrap_or_default();
    if !status.success() {
        return Err(format!("{command:?} failed: {stderr}"));
    }
    Ok((wall, peak))
}

/// A `/proc/<pid>/status` field in KiB (0 if unavailable).
pub(super) fn proc_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// A `quire serve` child with its log.
pub(super) struct Serve {
    child: Child,
    pub(super) addr: SocketAddr,
    logs: Arc<Mutex<Vec<String>>>,
}

impl Serve {
    pub(super) fn start(
        bin: &Path,
        root: &Path,
        data: &Path,
        wait_reconcile: bool,
    ) -> Result<Serve, String> {
        let mut child = Command::new(bin)
            // The corpus's base_url is local: without this, pages would carry live reload.
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--live-reload",
                "off",
                "--root",
            ])
            .arg(root)
            .arg("--data")
            .arg(data)
            .env("NO_COLOR", "1")
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = logs.clone();
        let stderr = child.stderr.take().ok_or("no stderr")?;
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(mut l) = sink.lock() {
                    l.push(line);
                }
            }
        });
        let mut serve = Serve {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            logs,
        };
        let line = serve.wait_log("serving ", Duration::from_secs(600))?;
        serve.addr = line
            .rsplit(" at http://")
            .next()
            .map(|s| s.trim_end_matches('/'))
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("cannot read the address from {line:?}"))?;
        if wait_reconcile {
            serve.wait_log("reconciled content/", Duration::from_secs(1200))?;
        }
        Ok(serve)
    }

    pub(super) fn wait_log(&self, needle: &str, timeout: Duration) -> Result<String, String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(line) = self
                .logs
                .lock()
                .ok()
                .and_then(|l| l.iter().find(|l| l.contains(needle)).cloned())
            {
                return Ok(line);
            }
            if Instant::now() > deadline {
                return Err(format!("quire never logged {needle:?}"));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub(super) fn rss(&self) -> u64 {
        proc_kib(self.child.id(), "VmRSS:") * 1024
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A background server (nginx, hugo server) stopped when dropped.
pub(super) struct Peer(Child);

impl Drop for Peer {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: nginx's master must live long enough to stop its workers.
        let stopped = Command::new("kill")
            .arg("-TERM")
            .arg(self.0.id().to_string())
            .status()
            .is_ok_and(|s| s.success());
        if stopped {
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.0.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(super) fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

pub(super) fn wait_http(addr: SocketAddr, path: &str, timeout: Duration) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if http::get(addr, path, &[]).is_ok_and(|r| r.status == 200) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Err(format!("http://{addr}{path} never answered 200"))
}

pub fn install_peers() -> Result<(), String> {
    log("installing hugo, nginx (with brotli_static) and wrk with apt-get");
    for args in [
        vec!["update", "-qq"],
        vec![
            "install",
            "-y",
            "-qq",
            "hugo",
            "nginx",
            "wrk",
            "libnginx-mod-http-brotli-static",
        ],
    ] {
        let status = Command::new("apt-get")
            .args(&args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .map_err(|e| format!("apt-get: {e}"))?;
        if !status.success() {
            return Err(format!("apt-get {} failed", args.join(" ")));
        }
    }
    Ok(())
}

pub(super) fn build_quire(workspace: &Path) -> Result<PathBuf, String> {
    log("building the release binary");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .args(["build", "--release", "--package", "quire", "--bin", "quire"])
        .current_dir(workspace)
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("cargo build --release failed".to_owned());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"));
    Ok(target.join("release/quire"))
}

pub(super) fn fresh(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

/// nginx with 2 workers and sendfile, serving the export, with the same br/gzip bytes Quire
/// serves placed beside the measured files for brotli_static/gzip_static.
pub(super) fn start_nginx(
    nginx: &Path,
    work: &Path,
    export: &Path,
    quire: SocketAddr,
    post: &str,
) -> Result<(Peer, SocketAddr), String> {
    for (path, file) in [
        (
            format!("/posts/{post}/"),
            format!("posts/{post}/index.html"),
        ),
        ("/".to_owned(), "index.html".to_owned()),
        ("/atom.xml".to_owned(), "atom.xml".to_owned()),
    ] {
        for (encoding, ext) in [("br", "br"), ("gzip", "gz")] {
            let r = http::get(quire, &path, &[("Accept-Encoding", encoding)])
                .map_err(|e| e.to_string())?;
            std::fs::write(export.join(format!("{file}.{ext}")), r.body)
                .map_err(|e| e.to_string())?;
        }
    }
    let port = free_port()?;
    let prefix = work.join("nginx");
    fresh(&prefix)?;
    let brotli_module = [
        "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so",
        "/usr/share/nginx/modules/ngx_http_brotli_static_module.so",
    ]
    .into_iter()
    .find(|p| Path::new(p).exists());
    let config = format!(
        "{}worker_processes 2;\ndaemon off;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\n\
         events {{ worker_connections 4096; }}\n\
         http {{\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n  tcp_nodelay on;\n  keepalive_requests 1000000;\n\
         types {{ text/html html; application/atom+xml xml; text/css css; }}\n  default_type application/octet-stream;\n\
         gzip_static on;\n  {}\n  client_body_temp_path {prefix}/tmp;\n  proxy_temp_path {prefix}/tmp;\n  fastcgi_temp_path {prefix}/tmp;\n  uwsgi_temp_path {prefix}/tmp;\n  scgi_temp_path {prefix}/tmp;\n\
         server {{ listen 127.0.0.1:{port}; root {root}; index index.html; etag on; }}\n}}\n",
        brotli_module
            .map(|m| format!("load_module {m};\n"))
            .unwrap_or_default(),
        if brotli_module.is_some() {
            "brotli_static on;"
        } else {
            ""
        },
        prefix = prefix.display(),
        root = export.display(),
    );
    let conf = prefix.join("nginx.conf");
    std::fs::write(&conf, config).map_err(|e| e.to_string())?;
    let mut command = Command::new(nginx);
    command.arg("-c").arg(&conf).arg("-p").arg(&prefix);
    start_peer(command, port, Duration::from_secs(10))
}

/// Starts a peer server quietly and waits until `/` on `port` answers 200.
pub(super) fn start_peer(
    mut command: Command,
    port: u16,
    timeout: Duration,
) -> Result<(Peer, SocketAddr), String> {
    let child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let peer = Peer(child);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    wait_http(addr, "/", timeout)?;
    Ok((peer, addr))
}

/// One bounded wrk run on loopback: (requests per second, p99 latency in ms).
pub(super) fn wrk_run(
    wrk: &Path,
    addr: SocketAddr,
    path: &str,
    br: bool,
    seconds: u32,
) -> Result<(f64, f64), String> {
    let headers: &[&str] = if br { &["Accept-Encoding: br"] } else { &[] };
    wrk_run_with(wrk, addr, path, headers, seconds)
}

/// `wrk_run` with these request headers.
pub(super) fn wrk_run_with(
    wrk: &Path,
    addr: SocketAddr,
    path: &str,
    headers: &[&str],
    seconds: u32,
) -> Result<(f64, f64), String> {
    let mut c = Command::new(wrk);
    c.args([
        "-t2",
        "-c64",
        &format!("-d{seconds}s"),
        "--latency",
        "--timeout",
        "5s",
    ]);
    for header in headers {
        c.args(["-H", header]);
    }
    let out = c
        .arg(format!("http://{addr}{path}"))
        .output()
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out.stdout);
    let rps = text
        .lines()
        .find(|l| l.starts_with("Requests/sec:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("cannot read wrk's output:\n{text}"))?;
    let p99 = text
        .lines()
        .find(|l| l.trim_start().starts_with("99%"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(parse_wrk_duration)
        .unwrap_or(f64::NAN);
    Ok((rps, p99))
}

/// `850.00us`, `1.23ms`, `2.00s` -> milliseconds.
pub fn parse_wrk_duration(text: &str) -> Option<f64> {
    let (number, scale) = if let Some(n) = text.strip_suffix("us") {
        (n, 1e-3)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1e3)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|n| n * scale)
}

pub(super) fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    let status = Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", from.display()))
        .arg(to)
        .status()
        .map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cannot copy {}", from.display()))
    }
}
