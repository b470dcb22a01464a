//! Every public URL answers with the right page.

use crate::support::{BASE_URL, TestSite};

#[test]
fn every_url_of_the_sample_site_answers() {
    let site = TestSite::sample();
    let server = site.serve();
    for (path, status, content_type, must_contain) in [
        ("/", 200, "text/html", "Export to any static host"),
        ("/page/2/", 200, "text/html", "Welcome to Quire"),
        (
            "/posts/code-highlighting/",
            200,
            "text/html",
            "Code highlighting without JavaScript",
        ),
        ("/about/", 200, "text/html", "Quire is a blog engine"),
        (
            "/archive/",
            200,
            "text/html",
            "Tables, footnotes and friends",
        ),
        ("/tags/", 200, "text/html", "#<bdi>markdown</bdi>"),
        ("/tags/markdown/", 200, "text/html", "Posts tagged"),
        ("/tags/quire/atom.xml", 200, "application/atom+xml", "<feed"),
        ("/atom.xml", 200, "application/atom+xml", "<feed"),
        ("/rss.xml", 200, "application/rss+xml", "<rss"),
        (
            "/feed.json",
            200,
            "application/feed+json",
            "jsonfeed.org/version/1.1",
        ),
        ("/sitemap.xml", 200, "application/xml", "<urlset"),
        (
            "/robots.txt",
            200,
            "text/plain",
            "Sitemap: https://example.com/sitemap.xml",
        ),
        (
            "/posts/a-post-with-pictures/diagram.svg",
            200,
            "image/svg+xml",
            "<svg",
        ),
        ("/style.css", 200, "text/css", "prefers-color-scheme: dark"),
        ("/syntax.css", 200, "text/css", ".hl-"),
        ("/no/such/page/", 404, "text/html", "Page not found"),
    ] {
        let r = server.get(path);
        assert_eq!(r.status, status, "{path}");
        let ct = r.header("content-type").unwrap_or_default();
        assert!(ct.starts_with(content_type), "{path}: {ct}");
        assert!(
            r.text().contains(must_contain),
            "{path} lacks {must_contain:?}"
        );
    }
}

#[test]
fn pages_carry_canonical_and_social_meta() {
    let site = TestSite::sample();
    let server = site.serve();
    let html = server.get("/posts/live-editing/").text();
    assert!(html.contains(&format!(
        "<link rel=\"canonical\" href=\"{BASE_URL}/posts/live-editing/\">"
    )));
    assert!(html.contains("<meta property=\"og:type\" content=\"article\">"));
    assert!(html.contains(&format!(
        "<meta property=\"og:url\" content=\"{BASE_URL}/posts/live-editing/\">"
    )));
    assert!(html.contains("<meta name=\"twitter:card\" content=\"summary\">"));
    let home = server.get("/").text();
    assert!(home.contains(&format!("<link rel=\"canonical\" href=\"{BASE_URL}/\">")));
    assert!(home.contains("<meta property=\"og:type\" content=\"website\">"));
}

#[test]
fn drafts_and_future_posts_are_hidden_everywhere() {
    let site = TestSite::sample();
    let server = site.serve();
    assert_eq!(server.get("/posts/unfinished-draft/").status, 404);
    assert_eq!(server.get("/posts/scheduled-post/").status, 404);
    for path in [
        "/",
        "/page/2/",
        "/archive/",
        "/atom.xml",
        "/rss.xml",
        "/feed.json",
        "/sitemap.xml",
        "/tags/quire/",
    ] {
        let text = server.get(path).text();
        assert!(!text.contains("unfinished-draft"), "{path} shows the draft");
        assert!(
            !text.contains("scheduled-post"),
            "{path} shows the future post"
        );
    }
}

#[test]
fn markdown_features_render() {
    let site = TestSite::sample();
    let server = site.serve();
    let code = server.get("/posts/code-highlighting/").text();
    assert!(code.contains("<pre class=\"code\" tabindex=\"0\" data-lang=\"rust\">"));
    assert!(code.contains("class=\"hl-"), "highlighted with classes");
    let article = code
        .split("<article")
        .nth(1)
        .unwrap()
        .split("</article>")
        .next()
        .unwrap();
    assert!(!article.contains("<script"), "no JavaScript in the post");
    let tables = server.get("/posts/tables-and-footnotes/").text();
    assert!(tables.contains("<table>"));
    assert!(tables.contains("class=\"footnotes\""));
    assert!(tables.contains("<del>"));
    assert!(tables.contains("type=\"checkbox\""));
    assert!(tables.contains("<h2 id=\"tables\">Tables<a class=\"anchor\" href=\"#tables\""));
    assert!(
        tables.contains("\u{201c}Quotes\u{201d}"),
        "smart punctuation"
    );
    // The summary stops at <!-- more -->.
    let home = server.get("/page/2/").text();
    assert!(home.contains("Each post here exercises one"));
    assert!(!home.contains("What is in this folder"));
}

#[test]
fn home_and_tag_pages_paginate() {
    let site = TestSite::empty();
    for i in 1..=5 {
        site.post(
            &format!("p{i}"),
            &format!("Post {i}"),
            &format!("2024-01-0{i}"),
            &["t"],
            "body",
        );
    }
    let server = site.serve();
    assert!(server.get("/").text().contains("Post 5"));
    let page3 = server.get("/page/3/").text();
    assert!(page3.contains("Post 1") && page3.contains("Page 3 of 3"));
    assert_eq!(server.get("/page/4/").status, 404);
    assert!(server.get("/tags/t/page/3/").text().contains("Post 1"));
    assert_eq!(server.get("/tags/t/page/1/").status, 301);
    let archive = server.get("/archive/").text();
    assert!(
        archive.find("Post 5").unwrap() < archive.find("Post 1").unwrap(),
        "newest first"
    );
}

#[test]
fn theme_files_and_static_files_override_the_embedded_theme() {
    let site = TestSite::sample();
    site.write("themes/default/templates/page.html", "{% extends \"base.html\" %}{% block content %}OVERRIDDEN {{ page.title }}{% endblock content %}");
    site.write("static/robots.txt", "User-agent: *\nDisallow: /\n");
    site.write("static/files/report.txt", "plain file");
    let server = site.serve();
    assert!(server.get("/about/").text().contains("OVERRIDDEN About"));
    assert!(
        server
            .get("/posts/live-editing/")
            .text()
            .contains("Live editing"),
        "other templates stay embedded"
    );
    assert_eq!(
        server.get("/robots.txt").text(),
        "User-agent: *\nDisallow: /\n"
    );
    assert_eq!(server.get("/files/report.txt").text(), "plain file");
}
