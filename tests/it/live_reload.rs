//! Live reload: on for local authoring, never on a public address without `--dev`, never in an
//! export; the event stream tells a page to reload when it, and only it, changes.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::support::{Server, TestSite};

const SCRIPT_TAG: &str = r#"<script type="module" src="/_quire/live.js"></script>"#;

fn local_site() -> TestSite {
    let site = TestSite::empty();
    // No base_url: a site being written on this machine.
    site.write("quire.toml", "title = \"Local\"\n");
    site.post("a", "A", "2024-01-01T10:00:00Z", &[], "First.");
    site.post("b", "B", "2024-01-02T10:00:00Z", &[], "Second.");
    site
}

/// Opens the event stream for `path` and returns a reader positioned after the headers.
fn watch(server: &Server, path: &str) -> BufReader<TcpStream> {
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    write!(
        stream,
        "GET /_quire/live?path={path} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            return reader;
        }
        if line.starts_with("HTTP/1.1") {
            assert!(line.contains("200"), "{line}");
        }
    }
}

/// Whether a reload event arrives within `wait`.
fn reloaded(reader: &mut BufReader<TcpStream>, wait: Duration) -> bool {
    let deadline = Instant::now() + wait;
    let mut line = String::new();
    while Instant::now() < deadline {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(_) if line.contains("event: reload") => return true,
            _ => {}
        }
    }
    false
}

#[test]
fn a_local_author_sees_the_page_they_edit_reload() {
    let site = local_site();
    let server = Server::start(site.root(), &site.data());
    let page = server.get("/posts/a/").text();
    assert!(page.contains(SCRIPT_TAG), "{page}");
    let script = server.get("/_quire/live.js");
    assert_eq!(script.status, 200);
    assert!(script.text().contains("EventSource"));
    let mut a = watch(&server, "/posts/a/");
    let mut b = watch(&server, "/posts/b/");
    site.post("a", "A", "2024-01-01T10:00:00Z", &[], "First, edited.");
    assert!(
        reloaded(&mut a, Duration::from_secs(10)),
        "the edited page was not told"
    );
    assert!(
        !reloaded(&mut b, Duration::from_millis(800)),
        "a page that did not change was told"
    );
    // The export never carries it.
    let out = site.root().join("public");
    site.build(&out);
    let exported = std::fs::read_to_string(out.join("posts/a/index.html")).unwrap();
    assert!(!exported.contains("_quire"), "{exported}");
}

#[test]
fn a_public_address_or_a_public_site_gets_no_live_reload_without_dev() {
    let site = local_site();
    // Listening on every interface: public, whatever the site says.
    let public = Server::start_with_args(site.root(), &site.data(), "0.0.0.0:0", &[]);
    assert!(!public.get("/posts/a/").text().contains("_quire"));
    assert_eq!(public.get("/_quire/live.js").status, 404);
    assert_eq!(public.get("/_quire/live?path=/").status, 404);
    public.stop();
    // A site whose base_url is public, on loopback (a production server behind a proxy).
    let production = TestSite::empty();
    production.post("a", "A", "2024-01-01T10:00:00Z", &[], "First.");
    let server = production.serve();
    assert!(!server.get("/posts/a/").text().contains("_quire"));
    server.stop();
    // `--dev` turns it on anywhere.
    let dev = Server::start_with_args(site.root(), &site.data(), "0.0.0.0:0", &["--dev"]);
    assert!(dev.get("/posts/a/").text().contains(SCRIPT_TAG));
}
