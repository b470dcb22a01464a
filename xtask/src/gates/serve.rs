//! `quire serve` on the gate site, at an address chosen by the OS, ready when it says so on
//! `NOTIFY_SOCKET`.

use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Server {
    child: Child,
    base: String,
    _notify_dir: TempDir,
}

/// A folder removed when dropped.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Server {
    pub fn start(quire: &Path, site: &Path) -> Result<Server, String> {
        Server::start_with(quire, site, &[])
    }

    /// `start`, with more arguments for `quire serve` (`--dev`).
    pub fn start_with(quire: &Path, site: &Path, extra: &[&str]) -> Result<Server, String> {
        let dir = std::env::temp_dir().join(format!(
            "quire-gates-{}-{}",
            std::process::id(),
            extra.len()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let notify_dir = TempDir(dir.clone());
        let socket_path = dir.join("notify.sock");
        let socket = UnixDatagram::bind(&socket_path).map_err(|e| e.to_string())?;
        socket
            .set_read_timeout(Some(Duration::from_secs(60)))
            .map_err(|e| e.to_string())?;
        let child = Command::new(quire)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .arg("--root")
            .arg(site)
            .env("NOTIFY_SOCKET", &socket_path)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", quire.display()))?;
        let mut server = Server {
            child,
            base: String::new(),
            _notify_dir: notify_dir,
        };
        let mut compressed = false;
        let mut buf = [0u8; 4096];
        while server.base.is_empty() || !compressed {
            let n = socket
                .recv(&mut buf)
                .map_err(|e| format!("quire serve never said it was ready: {e}"))?;
            for line in String::from_utf8_lossy(&buf[..n]).lines() {
                if let Some(url) = line.strip_prefix("STATUS=serving at ") {
                    server.base = url.trim_end_matches('/').to_owned();
                }
                compressed |= line == "STATUS=all pages compressed";
            }
        }
        Ok(server)
    }

    /// `http://127.0.0.1:PORT`, without the trailing slash.
    pub fn base_url(&self) -> String {
        self.base.clone()
    }

    /// The identity body of `path`.
    pub fn get(&self, path: &str) -> Result<Vec<u8>, String> {
        let addr = self
            .base
            .trim_start_matches("http://")
            .parse()
            .map_err(|e| format!("{}: {e}", self.base))?;
        crate::http::get(addr, path, &[])
            .map(|r| r.body)
            .map_err(|e| format!("GET {path}: {e}"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
