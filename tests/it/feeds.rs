//! Feeds and the sitemap are well-formed and list what they should; scheduled posts appear on time.

use std::time::{Duration, Instant};

use crate::support::{BASE_URL, TestSite};

#[test]
fn atom_rss_json_feed_and_sitemap_parse() {
    let site = TestSite::sample();
    let server = site.serve();

    let atom = server.get("/atom.xml").text();
    let doc = roxmltree::Document::parse(&atom).expect("Atom is well-formed XML");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(
        feed.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    let entries: Vec<_> = feed
        .children()
        .filter(|n| n.has_tag_name("entry"))
        .collect();
    assert_eq!(entries.len(), 9, "every published post");
    let first_title = entries[0]
        .children()
        .find(|n| n.has_tag_name("title"))
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(first_title, "Export to any static host", "newest first");
    let content = entries[0]
        .children()
        .find(|n| n.has_tag_name("content"))
        .unwrap()
        .text()
        .unwrap();
    assert!(
        content.contains("<code>quire build</code>"),
        "full HTML content, unescaped by the parser"
    );

    let rss = server.get("/rss.xml").text();
    let doc = roxmltree::Document::parse(&rss).expect("RSS is well-formed XML");
    let items = doc.descendants().filter(|n| n.has_tag_name("item")).count();
    assert_eq!(items, 9);
    let pub_date = doc
        .descendants()
        .find(|n| n.has_tag_name("pubDate"))
        .unwrap()
        .text()
        .unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc2822(pub_date).is_ok(),
        "RFC 2822 date: {pub_date}"
    );

    let json: serde_json::Value = serde_json::from_str(&server.get("/feed.json").text()).unwrap();
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(json["feed_url"], format!("{BASE_URL}/feed.json"));
    assert_eq!(json["items"].as_array().unwrap().len(), 9);
    assert!(
        json["items"][0]["content_html"]
            .as_str()
            .unwrap()
            .contains("<p>")
    );

    let sitemap = server.get("/sitemap.xml").text();
    let doc = roxmltree::Document::parse(&sitemap).expect("sitemap is well-formed XML");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(locs.contains(&"https://example.com/posts/live-editing/"));
    assert!(locs.contains(&"https://example.com/about/"));
    assert!(locs.contains(&"https://example.com/tags/markdown/"));
    assert!(
        !locs
            .iter()
            .any(|l| l.contains("unfinished-draft") || l.contains("scheduled-post"))
    );

    let tag_feed = server.get("/tags/markdown/atom.xml").text();
    let doc = roxmltree::Document::parse(&tag_feed).unwrap();
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| {
            e.children()
                .find(|n| n.has_tag_name("title"))
                .and_then(|t| t.text())
        })
        .collect();
    assert_eq!(
        titles,
        [
            "TOML or YAML: both work",
            "Tables, footnotes and friends",
            "Code highlighting without JavaScript"
        ]
    );
}

#[test]
fn hostile_titles_are_escaped_in_feeds_and_pages() {
    let site = TestSite::empty();
    site.post(
        "xss",
        "<script>alert(1)</script> & \"friends\"",
        "2024-01-01",
        &["a&b"],
        "Body & <em>more</em>",
    );
    let server = site.serve();
    let atom = server.get("/atom.xml").text();
    roxmltree::Document::parse(&atom).expect("still well-formed");
    roxmltree::Document::parse(&server.get("/rss.xml").text()).expect("still well-formed");
    let page = server.get("/posts/xss/").text();
    assert!(!page.contains("<script>alert(1)</script>"));
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;")
            || page.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
}

#[test]
fn a_future_post_appears_by_itself_when_its_time_comes() {
    // The scheduling rules are tested with a hand-moved clock in the writer's own tests; this
    // one checks that the running server's timer fires by itself, so it needs the real clock.
    let site = TestSite::empty();
    site.post("now", "Already here", "2024-01-01", &["t"], "x");
    let server = site.serve();
    let before = server.log_len();
    let at = chrono::Utc::now() + chrono::Duration::seconds(2);
    let when = at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    site.post("soon", "Coming soon", &when, &["t"], "x");
    server.wait_for_log_after(before, "content/posts/soon.md", Duration::from_secs(10));
    if chrono::Utc::now() < at - chrono::Duration::milliseconds(300) {
        assert_eq!(
            server.get("/posts/soon/").status,
            404,
            "hidden before its time"
        );
        assert!(!server.get("/").text().contains("Coming soon"));
    }

    // No request is needed to trigger it: the page table changes on its own. Wait past the
    // time without touching the server, then look.
    while chrono::Utc::now() < at + chrono::Duration::milliseconds(300) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let started = Instant::now();
    let page = server.wait_for("/posts/soon/", |r| r.status == 200);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "published on time"
    );
    assert!(page.text().contains("Coming soon"));
    assert!(server.get("/").text().contains("Coming soon"));
    assert!(server.get("/atom.xml").text().contains("Coming soon"));
    assert!(server.get("/tags/t/").text().contains("Coming soon"));
    assert!(
        server
            .logs()
            .iter()
            .any(|l| l.contains("published scheduled posts"))
    );
}
