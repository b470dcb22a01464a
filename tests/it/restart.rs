//! A restart loads compiled records; unchanged markdown is never parsed again.

use std::time::Duration;

use crate::support::TestSite;

#[test]
fn restart_with_unchanged_content_parses_no_markdown() {
    let site = TestSite::sample();
    let server = site.serve();
    let first = server.wait_for_log("reconciled content/", Duration::from_secs(10));
    assert!(first.contains("12 parsed, 0 unchanged"), "{first}");
    let before = server.get("/posts/live-editing/").body;
    server.stop();

    let server = site.serve();
    let line = server.wait_for_log("reconciled content/", Duration::from_secs(10));
    assert!(line.contains("0 parsed, 12 unchanged, 0 removed"), "{line}");
    assert!(
        server
            .logs()
            .iter()
            .any(|l| l.contains("loaded 12 compiled entries"))
    );
    assert_eq!(
        server.get("/posts/live-editing/").body,
        before,
        "the same page, from stored records"
    );
    server.stop();

    // Edits made while the server was down are found by hash, and only they are parsed.
    site.post(
        "live-editing",
        "Live editing, revised",
        "2026-03-10",
        &["quire"],
        "Changed while stopped.",
    );
    site.remove("content/posts/static-export.md");
    let server = site.serve();
    let line = server.wait_for_log("reconciled content/", Duration::from_secs(10));
    assert!(line.contains("1 parsed, 10 unchanged, 1 removed"), "{line}");
    assert!(
        server
            .get("/posts/live-editing/")
            .text()
            .contains("Changed while stopped.")
    );
    assert_eq!(server.get("/posts/static-export/").status, 404);
}

#[test]
fn the_log_records_every_change_durably() {
    let site = TestSite::empty();
    site.post("a", "A", "2024-01-01", &[], "one");
    let server = site.serve();
    site.post("a", "A", "2024-01-01", &[], "two");
    server.wait_for("/posts/a/", |r| r.text().contains("two"));
    site.remove("content/posts/a.md");
    server.wait_for("/posts/a/", |r| r.status == 404);
    server.stop();

    let conn = rusqlite::Connection::open(site.data().join("quire.db")).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let kinds: Vec<(String, String)> = conn
        .prepare("SELECT kind, actor FROM events ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let expected = [
        ("entry.upsert.v1", "file"),
        ("entry.upsert.v1", "file"),
        ("entry.delete.v1", "file"),
    ];
    let kinds: Vec<(&str, &str)> = kinds
        .iter()
        .map(|(k, a)| (k.as_str(), a.as_str()))
        .collect();
    assert_eq!(kinds, expected);
    let payload: String = conn
        .query_row("SELECT payload FROM events WHERE seq = 2", [], |r| r.get(0))
        .unwrap();
    assert!(
        payload.contains("two"),
        "the log keeps the markdown source of each revision"
    );
    assert!(
        conn.execute("UPDATE events SET actor = 'x'", []).is_err(),
        "events are append-only"
    );
    assert!(
        conn.execute("DELETE FROM events", []).is_err(),
        "events are append-only"
    );
    let entries: i64 = conn
        .query_row("SELECT COUNT(*) FROM entries", [], |r| r.get(0))
        .unwrap();
    assert_eq!(entries, 0);
}
