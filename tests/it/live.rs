//! Changes to files go live on a running server; broken files keep the last good version.

use std::time::{Duration, Instant};

use crate::support::TestSite;

const WAIT: Duration = Duration::from_secs(10);

fn live_site() -> TestSite {
    let site = TestSite::empty();
    site.post(
        "first",
        "First post",
        "2024-01-01",
        &["alpha"],
        "Original body.",
    );
    site.post(
        "second",
        "Second post",
        "2024-01-02",
        &["beta"],
        "Second body.",
    );
    site.post(
        "third",
        "Third post",
        "2024-01-03",
        &["beta"],
        "Third body.",
    );
    site
}

#[test]
fn an_edit_is_live_without_a_restart() {
    let site = live_site();
    let server = site.serve();
    assert!(
        server
            .get("/posts/first/")
            .text()
            .contains("Original body.")
    );
    let started = Instant::now();
    site.post(
        "first",
        "First post, renamed",
        "2024-01-01",
        &["alpha", "gamma"],
        "Edited body.",
    );
    let page = server.wait_for("/posts/first/", |r| r.text().contains("Edited body."));
    let latency = started.elapsed();
    assert!(page.text().contains("First post, renamed"));
    // Lists, tags (old and new) and feeds follow.
    assert!(
        server
            .get("/page/2/")
            .text()
            .contains("First post, renamed")
    );
    assert!(
        server
            .get("/tags/gamma/")
            .text()
            .contains("First post, renamed")
    );
    assert!(
        server
            .get("/tags/alpha/")
            .text()
            .contains("First post, renamed")
    );
    assert!(
        server
            .get("/atom.xml")
            .text()
            .contains("First post, renamed")
    );
    // The archive follows in the background, moments later.
    server.wait_for("/archive/", |r| r.text().contains("First post, renamed"));
    eprintln!("edit latency: {latency:?}");
}

/// Regression: with the default relative root (`.`) the watcher's absolute paths did not match
/// the site's folders, so edits were never picked up.
#[test]
fn edits_are_live_when_serving_with_the_default_relative_root() {
    let site = live_site();
    let server = crate::support::Server::start_in(site.root());
    site.post(
        "first",
        "First post",
        "2024-01-01",
        &["alpha"],
        "Edited from a relative root.",
    );
    server.wait_for("/posts/first/", |r| {
        r.text().contains("Edited from a relative root.")
    });
    assert!(
        site.root().join(".quire/quire.db").exists(),
        "data defaults to <root>/.quire"
    );
}

#[test]
fn a_new_file_appears_and_a_deleted_file_disappears_everywhere() {
    let site = live_site();
    let server = site.serve();
    site.post(
        "fourth",
        "Fourth post",
        "2024-01-04",
        &["beta", "delta"],
        "New!",
    );
    server.wait_for("/posts/fourth/", |r| r.status == 200);
    assert!(server.get("/").text().contains("Fourth post"));
    assert!(server.get("/tags/delta/").text().contains("Fourth post"));
    server.wait_for("/tags/", |r| r.text().contains("#<bdi>delta</bdi>"));
    server.wait_for("/sitemap.xml", |r| r.text().contains("/posts/fourth/"));
    // Home has 2 per page: four posts make page 2 hold the second and first.
    assert!(server.get("/page/2/").text().contains("Second post"));

    site.remove("content/posts/fourth.md");
    server.wait_for("/posts/fourth/", |r| r.status == 404);
    for path in ["/", "/atom.xml", "/rss.xml", "/feed.json", "/tags/beta/"] {
        let text = server.get(path).text();
        assert!(
            !text.contains("Fourth post") && !text.contains("#delta"),
            "{path} still lists it"
        );
    }
    // One page each but O(site) in size: these follow in the background, moments later.
    for path in ["/archive/", "/sitemap.xml", "/tags/"] {
        server.wait_for(path, |r| {
            !r.text().contains("Fourth post")
                && !r.text().contains("fourth")
                && !r.text().contains("<bdi>delta</bdi>")
        });
    }
    assert_eq!(
        server.get("/tags/delta/").status,
        404,
        "an emptied tag is gone"
    );
    assert_eq!(server.get("/tags/delta/atom.xml").status, 404);

    site.remove("content/posts/third.md");
    site.remove("content/posts/second.md");
    server.wait_for("/posts/second/", |r| r.status == 404);
    server.wait_for("/page/2/", |r| r.status == 404);
}

#[test]
fn broken_files_are_reported_and_the_last_good_version_stays() {
    let site = live_site();
    let server = site.serve();
    let cases = [
        (
            "+++\ntitle = \"First post\"\ndate = = 2024\n+++\nBroken.\n",
            "content/posts/first.md:3: invalid TOML front matter",
        ),
        (
            "+++\ntitle = \"First post\"\ndate = \"2024-13-45\"\n+++\nBroken.\n",
            "content/posts/first.md:3: `date` \"2024-13-45\" is not a valid date",
        ),
        (
            "+++\ntitle = \"First post\"\nslug = \"second\"\n+++\nBroken.\n",
            "content/posts/first.md:3: /posts/second/ is already used by content/posts/second.md",
        ),
        (
            "+++\ntitle = \"First post\"\ntemplate = \"fancy.html\"\n+++\nBroken.\n",
            "content/posts/first.md:3: unknown template \"fancy.html\"",
        ),
        (
            "---\ntitle: [unclosed\n---\nBroken.\n",
            "content/posts/first.md:2: invalid YAML front matter",
        ),
    ];
    for (text, expected) in cases {
        let before = server.log_len();
        site.write("content/posts/first.md", text);
        let line = server.wait_for_log_after(before, "content/posts/first.md", WAIT);
        assert!(
            line.contains(expected),
            "expected {expected:?}, got {line:?}"
        );
        assert!(line.contains("ERROR"));
        let page = server.get("/posts/first/");
        assert_eq!(page.status, 200, "the last good version stays served");
        assert!(page.text().contains("Original body."));
        assert!(server.get("/posts/second/").text().contains("Second body."));
    }
    let before = server.log_len();
    site.post(
        "first",
        "First post",
        "2024-01-01",
        &["alpha"],
        "Fixed body.",
    );
    server.wait_for("/posts/first/", |r| r.text().contains("Fixed body."));
    server.wait_for_log_after(before, "content/posts/first.md: fixed", WAIT);
}

#[test]
fn a_refused_slug_is_admitted_once_its_owner_goes_away() {
    let site = live_site();
    let server = site.serve();
    site.write(
        "content/posts/copy.md",
        "+++\ntitle = \"Copy\"\nslug = \"second\"\ndate = \"2024-02-01\"\n+++\nThe copy.\n",
    );
    server.wait_for_log("/posts/second/ is already used", WAIT);
    assert!(server.get("/posts/second/").text().contains("Second body."));
    site.remove("content/posts/second.md");
    server.wait_for("/posts/second/", |r| r.text().contains("The copy."));
}

#[test]
fn bundle_files_theme_static_and_config_changes_are_live() {
    let site = live_site();
    site.write(
        "content/posts/album/index.md",
        "+++\ntitle = \"Album\"\ndate = \"2024-03-01\"\n+++\n![x](cat.txt)\n",
    );
    site.write("content/posts/album/cat.txt", "meow");
    let server = site.serve();
    assert_eq!(server.get("/posts/album/cat.txt").text(), "meow");
    site.write("content/posts/album/cat.txt", "purr");
    server.wait_for("/posts/album/cat.txt", |r| r.text() == "purr");
    site.remove("content/posts/album/cat.txt");
    server.wait_for("/posts/album/cat.txt", |r| r.status == 404);

    site.write("static/hello.txt", "hi");
    server.wait_for("/hello.txt", |r| r.status == 200 && r.text() == "hi");

    site.write(
        "themes/default/templates/404.html",
        "{% extends \"base.html\" %}{% block content %}Custom 404{% endblock content %}",
    );
    server.wait_for("/missing/", |r| {
        r.status == 404 && r.text().contains("Custom 404")
    });

    site.write(
        "quire.toml",
        "title = \"Renamed site\"\nbase_url = \"https://example.com\"\nposts_per_page = 2\n",
    );
    server.wait_for("/", |r| r.text().contains("<title>Renamed site</title>"));

    // A broken config is reported and the site keeps its last good settings.
    let before = server.log_len();
    site.write(
        "quire.toml",
        "title = \"Oops\"\nposts_per_page = \"many\"\n",
    );
    let line = server.wait_for_log_after(before, "quire.toml:2", WAIT);
    assert!(line.contains("ERROR"), "{line}");
    assert!(
        server
            .get("/")
            .text()
            .contains("<title>Renamed site</title>")
    );
}

#[test]
fn deep_list_pages_catch_up_after_a_new_post() {
    let site = TestSite::empty();
    for i in 1..=10 {
        site.post(
            &format!("p{i:02}"),
            &format!("Post {i:02}"),
            &format!("2024-01-{i:02}"),
            &["all"],
            "x",
        );
    }
    let server = site.serve();
    // Two per page: ten posts fill pages 1-5; the oldest two are on page 5.
    assert!(server.get("/page/5/").text().contains("Post 01"));
    site.post("p11", "Post 11", "2024-01-11", &["all"], "x");
    // Everything shifts by one: the first pages at once, the deeper ones moments later.
    server.wait_for("/posts/p11/", |r| r.status == 200);
    assert!(server.get("/").text().contains("Post 11"));
    let page6 = server.wait_for("/page/6/", |r| r.status == 200);
    assert!(page6.text().contains("Post 01"));
    server.wait_for("/page/5/", |r| {
        r.text().contains("Post 02") && r.text().contains("Post 03")
    });
    server.wait_for("/tags/all/page/6/", |r| r.text().contains("Post 01"));
    server.wait_for("/page/3/", |r| r.text().contains("Page 3 of 6"));
}
