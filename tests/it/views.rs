//! View counts through real HTTP: readers counted, robots, HEAD, `DNT` and `Sec-GPC` not;
//! unique visitors; referring hosts; counts that survive a SIGKILL once written.

use std::time::Duration;

use crate::support::{Server, TestSite};

const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";

fn site() -> TestSite {
    let site = TestSite::empty();
    let config = std::fs::read_to_string(site.path("quire.toml")).unwrap();
    site.write(
        "quire.toml",
        &format!(
            "{config}[views]\nflush_seconds = 1\n[admin]\ntrusted_proxies = [\"127.0.0.1\"]\n"
        ),
    );
    site.post("a", "A", "2024-01-01T10:00:00Z", &[], "First.");
    site
}

fn view(server: &Server, path: &str, address: &str, extra: &[(&str, &str)]) {
    let mut headers = vec![("User-Agent", BROWSER), ("X-Forwarded-For", address)];
    headers.extend_from_slice(extra);
    assert_eq!(server.request("GET", path, &headers).status, 200);
}

fn summary(server: &Server, bearer: &str) -> serde_json::Value {
    let r = server.request(
        "GET",
        "/admin/api/views?days=7",
        &[("Authorization", bearer)],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    serde_json::from_slice(&r.body).unwrap()
}

/// Waits until the page's counted views reach `views`.
fn wait_views(server: &Server, bearer: &str, path: &str, views: u64) -> serde_json::Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let s = summary(server, bearer);
        let counted = s["pages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["path"] == path)
            .map_or(0, |p| p["views"].as_u64().unwrap());
        if counted >= views {
            return s;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "views never reached {views}: {s}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn readers_are_counted_robots_and_do_not_track_are_not() {
    let site = site();
    let bearer = format!("Bearer {}", site.add_token("stats"));
    let server = site.serve();
    // Two views by one reader, one by another: 3 views, 2 visitors; one came from a link.
    view(
        &server,
        "/posts/a/",
        "192.0.2.1",
        &[("Referer", "https://news.example.net/item")],
    );
    view(&server, "/posts/a/", "192.0.2.1", &[]);
    view(&server, "/posts/a/", "192.0.2.2", &[]);
    // None of these count.
    view(&server, "/posts/a/", "192.0.2.3", &[("DNT", "1")]);
    view(&server, "/posts/a/", "192.0.2.4", &[("Sec-GPC", "1")]);
    let bot = server.request(
        "GET",
        "/posts/a/",
        &[
            ("User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1)"),
            ("X-Forwarded-For", "192.0.2.5"),
        ],
    );
    assert_eq!(bot.status, 200);
    assert_eq!(
        server
            .request("HEAD", "/posts/a/", &[("User-Agent", BROWSER)])
            .status,
        200
    );
    assert_eq!(
        server.request("GET", "/posts/a/", &[]).status,
        200,
        "no user agent: not a reader"
    );
    assert_eq!(
        server
            .request("GET", "/style.css", &[("User-Agent", BROWSER)])
            .status,
        200
    );
    let s = wait_views(&server, &bearer, "/posts/a/", 3);
    std::thread::sleep(Duration::from_millis(1500));
    let s2 = summary(&server, &bearer);
    assert_eq!(s, s2, "something else was counted later");
    let page = &s["pages"][0];
    assert_eq!(
        (
            page["path"].as_str(),
            page["views"].as_u64(),
            page["uniques"].as_u64()
        ),
        (Some("/posts/a/"), Some(3), Some(2)),
        "{s}"
    );
    assert_eq!(
        s["pages"].as_array().unwrap().len(),
        1,
        "only HTML pages: {s}"
    );
    assert_eq!(s["referrers"][0]["host"], "news.example.net");
    assert_eq!(s["days"].as_array().unwrap().len(), 7);
    // The log has the batch; the dashboard draws it.
    let events = server
        .request(
            "GET",
            "/admin/api/events?limit=50",
            &[("Authorization", &bearer)],
        )
        .text();
    assert!(events.contains("views.add.v1"), "{events}");
}

#[test]
fn written_counts_survive_a_kill() {
    let site = site();
    let bearer = format!("Bearer {}", site.add_token("stats"));
    let mut server = site.serve();
    for n in 0..4 {
        view(&server, "/posts/a/", &format!("198.51.100.{n}"), &[]);
    }
    wait_views(&server, &bearer, "/posts/a/", 4);
    server.kill();
    let server = site.serve();
    let s = summary(&server, &bearer);
    assert_eq!(s["pages"][0]["views"], 4, "{s}");
}

#[test]
fn a_theme_can_show_a_page_s_views_through_its_island() {
    let site = site();
    site.write(
        "themes/default/templates/post.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1><p class=\"views\">{{ island(name=\"views\", of=page.url) }}</p>{% endblock content %}",
    );
    let server = site.serve();
    assert!(
        server
            .get("/posts/a/")
            .text()
            .contains("<p class=\"views\">0 views</p>")
    );
    view(&server, "/posts/a/", "192.0.2.7", &[]);
    view(&server, "/posts/a/", "192.0.2.8", &[]);
    server.wait_for("/posts/a/", |r| {
        r.text().contains("<p class=\"views\">2 views</p>")
    });
}
