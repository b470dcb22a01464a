//! Durability: kill -9 the server while clients write; every acknowledged post survives.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::admin_api::{Admin, Auth};
use crate::support::try_send;

const ROUNDS: usize = 20;
const CLIENTS: usize = 4;

#[test]
fn acknowledged_posts_survive_sigkill() {
    let admin = Admin::start();
    let Admin {
        site,
        server,
        token,
        ..
    } = admin;
    let mut server = server;
    let mut acknowledged: Vec<String> = Vec::new();
    for round in 0..ROUNDS {
        let addr = server.addr;
        let acked = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|client| {
                let (acked, stop, token) = (acked.clone(), stop.clone(), token.clone());
                std::thread::spawn(move || {
                    let auth = format!("Bearer {token}");
                    let mut n = 0;
                    while !stop.load(Ordering::Relaxed) {
                        let title = format!("Round {round} client {client} post {n}");
                        n += 1;
                        let body = serde_json::to_vec(&serde_json::json!({"title": title, "body": "x".repeat(2000), "tags": ["crash"]})).unwrap();
                        let headers = [("Authorization", auth.as_str()), ("Content-Type", "application/json")];
                        match try_send(addr, "POST", "/admin/api/posts", &headers, &body) {
                            Ok(r) if (200..300).contains(&r.status) => {
                                let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
                                acked.lock().unwrap().push(v["slug"].as_str().unwrap().to_owned());
                            }
                            Ok(r) => panic!("unexpected {}: {}", r.status, r.text()),
                            Err(_) => break, // the server died mid-request
                        }
                    }
                })
            })
            .collect();
        // Let the writes flow, then kill -9 in the middle of them.
        std::thread::sleep(Duration::from_millis(40 + (round as u64 * 37) % 160));
        server.kill();
        stop.store(true, Ordering::Relaxed);
        for c in clients {
            c.join().unwrap();
        }
        acknowledged.extend(acked.lock().unwrap().drain(..));

        server = site.serve_ready();
        for slug in &acknowledged {
            let r = server.get(&format!("/posts/{slug}/"));
            assert_eq!(
                r.status, 200,
                "round {round}: acknowledged post {slug} is missing"
            );
        }
        let check = rusqlite::Connection::open(site.data().join("quire.db")).unwrap();
        let integrity: String = check
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok", "round {round}");
        // No file in content/ is torn: the restart compiled every file whose text differs
        // from the log, and none failed. (`quire check` runs over all of them at the end.)
        let reconciled = server.wait_for_log("reconciled content/", Duration::from_secs(10));
        assert!(
            reconciled.contains(" 0 with errors"),
            "round {round}: {reconciled}"
        );
        let api = server.request(
            "GET",
            "/admin/api/posts?per_page=1",
            &[("Authorization", &format!("Bearer {token}"))],
        );
        let total = serde_json::from_slice::<serde_json::Value>(&api.body).unwrap()["total"]
            .as_u64()
            .unwrap();
        assert!(total as usize >= acknowledged.len(), "round {round}");
    }
    let out = site.quire(&["check", "--root", site.root().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "no torn file: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        acknowledged.len() > ROUNDS,
        "the test wrote enough to mean something: {}",
        acknowledged.len()
    );
    let _ = Auth::None;
}
