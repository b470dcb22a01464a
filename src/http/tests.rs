//! The real server in process on 127.0.0.1:0 with a hand-moved clock, so session expiry is
//! tested over real HTTP without sleeping.

use std::net::{SocketAddr, TcpListener};

use actix_web::{HttpServer, web};
use chrono::Duration;

use super::AppState;
use crate::clock::{Clock, ManualClock};
use crate::paths::SitePaths;
use crate::store::Store;
use crate::writer::{Mode, Writer};

const PASSWORD: &str = "correct horse battery";

fn fail(e: impl std::fmt::Display) -> ! {
    panic!("{e}")
}

/// Serves a site with `config` and one user, `ada`; returns the address and the server handle.
fn serve(
    config: &str,
    clock: std::sync::Arc<ManualClock>,
) -> (SocketAddr, actix_web::dev::ServerHandle, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| fail(e));
    std::fs::write(dir.path().join("quire.toml"), config).unwrap_or_else(|e| fail(e));
    let paths = SitePaths::new(dir.path().to_owned(), None);
    let writer = Writer::load(
        paths.clone(),
        String::new(),
        Mode::Serve,
        clock.clone(),
        None,
    )
    .unwrap_or_else(|e| fail(e));
    let store = Store::open(&paths.data, clock.clone()).unwrap_or_else(|e| fail(e));
    let hash = crate::auth::hash_password(PASSWORD).unwrap_or_else(|e| fail(e));
    store
        .add_user("ada", &hash, clock.now().timestamp())
        .unwrap_or_else(|e| fail(e));
    let (inbox, _) = std::sync::mpsc::channel();
    let state = web::Data::new(AppState::new(
        writer.published(),
        inbox,
        store,
        writer.markdown(),
        clock,
    ));
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| fail(e));
    let addr = listener.local_addr().unwrap_or_else(|e| fail(e));
    let (handle_tx, handle_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || super::app(state.clone()))
                .workers(1)
                .listen(listener)
                .unwrap_or_else(|e| fail(e))
                .run();
            let _ = handle_tx.send(server.handle());
            let _ = server.await;
        })
    });
    let handle = handle_rx.recv().unwrap_or_else(|e| fail(e));
    (addr, handle, dir)
}

fn login(addr: SocketAddr) -> String {
    let body = format!("{{\"username\":\"ada\",\"password\":\"{PASSWORD}\"}}");
    let response = xtask::http::send(
        addr,
        "POST",
        "/admin/api/session",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
    .unwrap_or_else(|e| fail(e));
    assert_eq!(response.status, 200, "{}", response.text());
    let cookie = response.header("set-cookie").unwrap_or_default();
    cookie.split(';').next().unwrap_or_default().to_owned()
}

fn whoami(addr: SocketAddr, cookie: &str) -> u16 {
    xtask::http::send(
        addr,
        "GET",
        "/admin/api/session",
        &[("Cookie", cookie)],
        b"",
    )
    .unwrap_or_else(|e| fail(e))
    .status
}

#[test]
fn sessions_expire_when_idle_and_absolutely() {
    let start = "2030-01-01T00:00:00Z".parse().unwrap_or_else(|e| fail(e));
    let clock = ManualClock::new(start);
    let config = "base_url = \"http://127.0.0.1\"\n[admin]\nsession_idle = \"2h\"\nsession_absolute = \"4h\"\n";
    let (addr, handle, _dir) = serve(config, clock.clone());

    // Idle: unused for longer than 2 hours.
    let idle = login(addr);
    assert_eq!(whoami(addr, &idle), 200);
    clock.advance(Duration::minutes(119));
    assert_eq!(whoami(addr, &idle), 200, "still inside the idle limit");
    clock.advance(Duration::minutes(121));
    assert_eq!(whoami(addr, &idle), 401, "idle expiry");

    // Absolute: used every 50 minutes, it still ends 4 hours after login.
    let busy = login(addr);
    for _ in 0..4 {
        clock.advance(Duration::minutes(50));
        assert_eq!(whoami(addr, &busy), 200, "kept alive by use");
    }
    clock.advance(Duration::minutes(41));
    assert_eq!(whoami(addr, &busy), 401, "absolute expiry");
    drop(handle.stop(false));
}
