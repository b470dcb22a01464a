//! Tells a service manager how Quire is doing, with systemd's `NOTIFY_SOCKET` protocol:
//! `READY=1` once the site is loaded and served, `STATUS=…` for what it is doing. A unit with
//! `Type=notify` then starts dependants only when the site answers; tests wait on the same
//! signal instead of reading logs. Without `NOTIFY_SOCKET` nothing is sent.

use std::os::unix::net::UnixDatagram;

use tracing::debug;

/// Where notifications go, if anywhere.
pub struct Notifier {
    target: Option<(UnixDatagram, String)>,
}

impl Notifier {
    /// The socket named by `NOTIFY_SOCKET`, as systemd sets it.
    pub fn from_env() -> Notifier {
        let target = std::env::var("NOTIFY_SOCKET")
            .ok()
            .filter(|path| !path.is_empty())
            .and_then(|path| UnixDatagram::unbound().ok().map(|socket| (socket, path)));
        Notifier { target }
    }

    pub fn none() -> Notifier {
        Notifier { target: None }
    }

    /// Sends one notification (`KEY=value` lines). Failures are not fatal: the service
    /// manager is an observer, and the site serves either way.
    pub fn send(&self, message: &str) {
        let Some((socket, path)) = &self.target else {
            return;
        };
        let sent = match path.strip_prefix('@') {
            Some(name) => send_abstract(socket, name, message),
            None => socket.send_to(message.as_bytes(), path).map(|_| ()),
        };
        if let Err(e) = sent {
            debug!("NOTIFY_SOCKET {path}: {e}");
        }
    }
}

#[cfg(target_os = "linux")]
fn send_abstract(socket: &UnixDatagram, name: &str, message: &str) -> std::io::Result<()> {
    use std::os::linux::net::SocketAddrExt;
    let addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())?;
    socket.send_to_addr(message.as_bytes(), &addr).map(|_| ())
}

#[cfg(not(target_os = "linux"))]
fn send_abstract(_: &UnixDatagram, _: &str, _: &str) -> std::io::Result<()> {
    Err(std::io::Error::other(
        "abstract sockets exist only on Linux",
    ))
}
