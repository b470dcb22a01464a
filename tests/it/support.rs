//! A temp site, the real `quire` binary serving it on 127.0.0.1:0, and a raw HTTP/1.1 client.
//!
//! The client (shared with the benchmark harness) is hand-written on purpose: tests must send
//! paths like `/../x` byte for byte, and read headers and compressed bodies exactly as sent,
//! which general clients normalise.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BASE_URL: &str = "https://example.com";

pub fn quire_bin() -> &'static str {
    env!("CARGO_BIN_EXE_quire")
}

pub struct TestSite {
    pub dir: tempfile::TempDir,
}

impl TestSite {
    /// A site with only a config that fixes `base_url`.
    pub fn empty() -> TestSite {
        let site = TestSite {
            dir: tempfile::tempdir().unwrap(),
        };
        site.write(
            "quire.toml",
            &format!("title = \"Test site\"\nbase_url = \"{BASE_URL}\"\nposts_per_page = 2\n"),
        );
        std::fs::create_dir_all(site.root().join("content/posts")).unwrap();
        site
    }

    /// A copy of the repository's sample site, with a fixed `base_url`.
    pub fn sample() -> TestSite {
        let site = TestSite {
            dir: tempfile::tempdir().unwrap(),
        };
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&repo.join("content"), &site.root().join("content"));
        let config = std::fs::read_to_string(repo.join("quire.toml")).unwrap();
        site.write(
            "quire.toml",
            &format!("base_url = \"{BASE_URL}\"\n{config}"),
        );
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn data(&self) -> PathBuf {
        self.root().join(".quire")
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path(rel)).unwrap();
    }

    /// Writes a post with TOML front matter.
    pub fn post(&self, slug: &str, title: &str, date: &str, tags: &[&str], body: &str) {
        let tags = tags
            .iter()
            .map(|t| format!("{t:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        self.write(
            &format!("content/posts/{slug}.md"),
            &format!("+++\ntitle = {title:?}\ndate = {date:?}\ntags = [{tags}]\n+++\n{body}\n"),
        );
    }

    /// Starts `quire serve` and waits until the first reconcile is done and every page is
    /// compressed.
    pub fn serve(&self) -> Server {
        Server::start(self.root(), &self.data())
    }

    /// Starts `quire serve` and waits only for readiness (`READY=1`): the site is whole, some
    /// pages may still be waiting for their compressed versions.
    pub fn serve_ready(&self) -> Server {
        Server::spawn(Server::command(self.root(), &self.data()), &["READY=1"])
    }

    /// Runs a `quire` command to completion.
    pub fn quire(&self, args: &[&str]) -> std::process::Output {
        Command::new(quire_bin())
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }

    /// Runs a `quire` command with `input` on standard input.
    pub fn quire_with_input(&self, args: &[&str], input: &str) -> std::process::Output {
        let mut child = Command::new(quire_bin())
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    /// Creates an admin account with `quire user add --password-stdin`.
    pub fn add_user(&self, name: &str, password: &str) {
        let root = self.root().to_str().unwrap().to_owned();
        let out = self.quire_with_input(
            &["user", "add", name, "--password-stdin", "--root", &root],
            &format!("{password}\n"),
        );
        assert!(
            out.status.success(),
            "user add: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Creates an API token with `quire token create` and returns it.
    pub fn add_token(&self, name: &str) -> String {
        let out = self.quire(&[
            "token",
            "create",
            name,
            "--root",
            self.root().to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "token create: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .last()
            .unwrap()
            .trim()
            .to_owned()
    }

    pub fn build(&self, out: &Path) -> std::process::Output {
        let out = self.quire(&[
            "build",
            "--root",
            self.root().to_str().unwrap(),
            "--data",
            self.data().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "build failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// READY=1 comes once the first reconcile is done; pages are compressed just after they are
/// published, and tests of encodings need that done too.
const FULLY_STARTED: &[&str] = &["READY=1", "STATUS=all pages compressed"];

pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    logs: Arc<Mutex<Vec<String>>>,
    /// The service-manager socket the server reports readiness to (`NOTIFY_SOCKET`).
    _notify_dir: tempfile::TempDir,
}

impl Server {
    pub fn start(root: &Path, data: &Path) -> Server {
        Server::spawn(Server::command(root, data), FULLY_STARTED)
    }

    /// `start` on `addr`, with more `quire serve` arguments.
    pub fn start_with_args(root: &Path, data: &Path, addr: &str, extra: &[&str]) -> Server {
        let mut command = Command::new(quire_bin());
        command
            .args(["serve", "--addr", addr])
            .args(extra)
            .arg("--root")
            .arg(root)
            .arg("--data")
            .arg(data);
        Server::spawn(command, FULLY_STARTED)
    }

    fn command(root: &Path, data: &Path) -> Command {
        let mut command = Command::new(quire_bin());
        command
            .args(["serve", "--addr", "127.0.0.1:0", "--root"])
            .arg(root)
            .arg("--data")
            .arg(data);
        command
    }

    /// `quire serve` run from inside the site with its defaults (`--root .`), as the README says.
    pub fn start_in(root: &Path) -> Server {
        let mut command = Command::new(quire_bin());
        command
            .args(["serve", "--addr", "127.0.0.1:0"])
            .current_dir(root);
        Server::spawn(command, FULLY_STARTED)
    }

    fn spawn(mut command: Command, wait_for: &[&str]) -> Server {
        // Readiness comes from the service-manager protocol, as systemd would receive it.
        let notify_dir = tempfile::tempdir().unwrap();
        let socket_path = notify_dir.path().join("notify.sock");
        let notify = UnixDatagram::bind(&socket_path).unwrap();
        let mut child = command
            .env("NO_COLOR", "1")
            .env("RUST_LOG", "info")
            .env("NOTIFY_SOCKET", &socket_path)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let logs = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = logs.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                sink.lock().unwrap().push(line);
            }
        });
        let mut server = Server {
            child,
            addr: "127.0.0.1:1".parse().unwrap(),
            logs,
            _notify_dir: notify_dir,
        };
        let messages = server.notifications(&notify, wait_for);
        let url = messages
            .iter()
            .flat_map(|m| m.lines())
            .find_map(|l| l.strip_prefix("STATUS=serving at http://"))
            .expect("READY carries the address");
        server.addr = url.trim_end_matches('/').parse().unwrap();
        server
    }

    /// Reads service-manager notifications until every one of `wanted` has been seen.
    fn notifications(&self, socket: &UnixDatagram, wanted: &[&str]) -> Vec<String> {
        socket
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        while !wanted
            .iter()
            .all(|w| seen.iter().any(|m: &String| m.lines().any(|l| l == *w)))
        {
            match socket.recv(&mut buf) {
                Ok(n) => seen.push(String::from_utf8_lossy(&buf[..n]).into_owned()),
                Err(e) => panic!(
                    "no {wanted:?} from the server ({e}); got {seen:?}; logs:\n{}",
                    self.logs().join("\n")
                ),
            }
        }
        seen
    }

    pub fn logs(&self) -> Vec<String> {
        self.logs.lock().unwrap().clone()
    }

    /// Waits for a log line containing `needle` that was not there before the call's `skip`.
    pub fn wait_for_log(&self, needle: &str, timeout: Duration) -> String {
        self.wait_for_log_after(0, needle, timeout)
    }

    pub fn log_len(&self) -> usize {
        self.logs.lock().unwrap().len()
    }

    pub fn wait_for_log_after(&self, skip: usize, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(line) = self
                .logs
                .lock()
                .unwrap()
                .iter()
                .skip(skip)
                .find(|l| l.contains(needle))
            {
                return line.clone();
            }
            assert!(
                Instant::now() < deadline,
                "no log line containing {needle:?} in:\n{}",
                self.logs().join("\n")
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path, &[])
    }

    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
        request(self.addr, method, path, headers)
    }

    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        send(self.addr, method, path, headers, body)
    }

    /// Polls `path` until `check` holds, returning the first response that satisfies it.
    pub fn wait_for(&self, path: &str, check: impl Fn(&Response) -> bool) -> Response {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let response = self.get(path);
            if check(&response) {
                return response;
            }
            assert!(
                Instant::now() < deadline,
                "{path} never matched; last status {}, logs:\n{}",
                response.status,
                self.logs().join("\n")
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// SIGKILL: no shutdown code runs, as in a power cut or an OOM kill.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub use xtask::http::Response;

pub fn request(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
    send(addr, method, path, headers, b"")
}

pub fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    try_send(addr, method, path, headers, body).unwrap()
}

/// Like `send`, but a refused or reset connection is an error, not a panic (for crash tests).
pub use xtask::http::send as try_send;

/// Every file under `dir`, as relative path -> bytes.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}
