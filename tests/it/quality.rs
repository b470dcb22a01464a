//! Every published page right: regression tests for the rendering defects found by the
//! standard checkers and by reading the pages, on the served site and the static export.

use crate::support::{TestSite, tree};

/// A bundle post whose summary (before the break) has a relative image, with a site
/// description that posts must not borrow, and tags in two scripts.
fn site() -> TestSite {
    let site = TestSite::empty();
    site.write(
        "quire.toml",
        "title = \"Test site\"\nbase_url = \"https://example.com\"\ndescription = \"The site's own description\"\nposts_per_page = 1\n[extra]\nnav = [{ name = \"About\", url = \"/about/\" }, { name = \"Archive\", url = \"/archive/\" }]\n",
    );
    site.write(
        "content/posts/trip/index.md",
        "+++\ntitle = \"Trip\"\ndate = 2024-05-01\ntags = [\"عربي\", \"travel\"]\nauthor = \"Ada Lovelace\"\nimage = \"cover.png\"\n+++\nA tram: ![The tram](tram.png) and [notes](../notes/) and [home](/).\n\n<!--more-->\n\nMore, with a [^1] note.\n\n[^1]: The note.\n",
    );
    site.write("content/posts/trip/tram.png", "not really a png");
    site.write("content/posts/trip/cover.png", "not really a png");
    site.post(
        "older",
        "Older",
        "2024-04-01",
        &["travel"],
        "First words of the older post.\n\nSecond paragraph.",
    );
    site
}

fn attribute_values<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let needle = format!("{name}=\"");
    html.match_indices(&needle)
        .filter_map(|(i, _)| {
            let start = i + needle.len();
            html[start..].find('"').map(|end| &html[start..start + end])
        })
        .collect()
}

#[test]
fn bundle_images_in_summaries_work_on_list_pages_and_in_the_export() {
    let site = site();
    let server = site.serve();
    for path in ["/", "/tags/travel/"] {
        let html = server.get(path).text();
        assert!(
            html.contains("src=\"/posts/trip/tram.png\""),
            "{path}: {html}"
        );
        assert!(html.contains("href=\"/posts/notes/\""), "{path}");
        assert!(!html.contains("src=\"tram.png\""), "{path}");
    }
    assert_eq!(server.get("/posts/trip/tram.png").status, 200);
    let out = site.root().join("public");
    site.build(&out);
    let files = tree(&out);
    let home = String::from_utf8_lossy(&files["index.html"]);
    assert!(home.contains("src=\"/posts/trip/tram.png\""));
}

#[test]
fn feed_content_has_only_absolute_urls() {
    let site = site();
    let server = site.serve();
    let decode = |s: &str| {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
    };
    let rss = decode(&server.get("/rss.xml").text());
    let atom = decode(&server.get("/atom.xml").text());
    let json: serde_json::Value = serde_json::from_slice(&server.get("/feed.json").body).unwrap();
    let json_html: String = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["content_html"].as_str().unwrap().to_owned())
        .collect();
    for (name, text) in [("rss", &rss), ("atom", &atom), ("json", &json_html)] {
        let body = text
            .split("<content")
            .skip(1)
            .chain(text.split("<description>").skip(1))
            .collect::<String>();
        let body = if name == "json" { text.clone() } else { body };
        let urls: Vec<&str> = attribute_values(&body, "src")
            .into_iter()
            .chain(attribute_values(&body, "href"))
            .collect();
        assert!(urls.len() >= 4, "{name}: {urls:?}");
        for url in urls {
            assert!(url.starts_with("https://"), "{name}: relative URL {url:?}");
        }
        assert!(
            body.contains("https://example.com/posts/trip/tram.png"),
            "{name}"
        );
        assert!(
            body.contains("https://example.com/posts/trip/#fn-1"),
            "{name}"
        );
    }
}

#[test]
fn posts_are_described_by_their_own_words() {
    let site = site();
    let server = site.serve();
    let older = server.get("/posts/older/").text();
    assert!(
        older.contains("<meta name=\"description\" content=\"First words of the older post.\">"),
        "{older}"
    );
    assert!(
        older.contains(
            "<meta property=\"og:description\" content=\"First words of the older post.\">"
        )
    );
    assert!(!older.contains("own description"), "{older}");
    // The home page keeps the site's description.
    let home = server.get("/").text();
    let described = home
        .lines()
        .find(|l| l.starts_with("<meta name=\"description\""))
        .unwrap_or_default();
    assert!(described.contains("own description"), "{described}");
}

#[test]
fn right_to_left_tag_names_are_isolated() {
    let site = site();
    let server = site.serve();
    assert!(server.get("/tags/").text().contains("#<bdi>عربي</bdi>"));
    assert!(
        server
            .get("/posts/trip/")
            .text()
            .contains("#<bdi>عربي</bdi>")
    );
}

#[test]
fn home_and_list_pages_have_a_level_one_heading() {
    let site = site();
    let server = site.serve();
    for path in [
        "/",
        "/page/2/",
        "/tags/travel/",
        "/tags/travel/page/2/",
        "/archive/",
        "/tags/",
        "/no/such/",
    ] {
        let html = server.get(path).text();
        assert_eq!(html.matches("<h1").count(), 1, "{path}");
    }
}

#[test]
fn navigation_lists_each_link_once() {
    let site = site();
    let server = site.serve();
    let html = server.get("/").text();
    let nav = html
        .split("<nav aria-label=\"Site\">")
        .nth(1)
        .unwrap()
        .split("</nav>")
        .next()
        .unwrap();
    assert_eq!(nav.matches("href=\"/archive/\"").count(), 1, "{nav}");
    assert_eq!(nav.matches("href=\"/tags/\"").count(), 1, "{nav}");
    assert!(
        nav.find("/about/").unwrap() < nav.find("/archive/").unwrap(),
        "config order first"
    );
}

#[test]
fn authors_and_cover_images_come_from_front_matter() {
    let site = site();
    let server = site.serve();
    let html = server.get("/posts/trip/").text();
    assert!(html.contains("By Ada Lovelace"), "{html}");
    assert!(
        html.contains(
            "<figure class=\"cover\"><img src=\"/posts/trip/cover.png\" alt=\"\"></figure>"
        )
    );
    assert!(html.contains(
        "<meta property=\"og:image\" content=\"https://example.com/posts/trip/cover.png\">"
    ));
    assert!(html.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"));
    let older = server.get("/posts/older/").text();
    assert!(!older.contains("og:image") && !older.contains("class=\"cover\""));
}

#[test]
fn links_in_running_text_are_not_marked_by_colour_alone() {
    let site = site();
    let server = site.serve();
    let css = server.get("/style.css").text();
    let tag_rules: Vec<&str> = css.lines().filter(|l| l.starts_with(".tag")).collect();
    assert!(!tag_rules.is_empty());
    for rule in tag_rules {
        assert!(!rule.contains("text-decoration: none"), "{rule}");
    }
}

#[test]
fn theme_css_is_fingerprinted_typed_with_its_charset_and_redirects_carry_no_date() {
    let site = site();
    let server = site.serve();
    let home = server.get("/").text();
    for name in ["style", "syntax"] {
        let href = attribute_values(&home, "href")
            .into_iter()
            .find(|h| h.starts_with(&format!("/{name}.")) && h.ends_with(".css"))
            .unwrap_or_else(|| panic!("no fingerprinted {name}.css in {home}"));
        assert_eq!(href.len(), format!("/{name}.12345678.css").len(), "{href}");
        let css = server.get(href);
        assert_eq!(css.status, 200, "{href}");
        assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
        assert_eq!(
            css.header("cache-control"),
            Some("public, max-age=31536000, immutable")
        );
        // The plain path still answers, for links from elsewhere, with a short cache.
        let plain = server.get(&format!("/{name}.css"));
        assert_eq!(plain.body, css.body);
        assert_eq!(plain.header("cache-control"), Some("public, max-age=3600"));
    }
    let moved = server.get("/page/1/");
    assert_eq!(moved.status, 301);
    assert_eq!(moved.header("last-modified"), None);
    assert!(moved.header("etag").is_some());
}

#[test]
fn tags_that_share_a_slug_are_kept_apart_or_reported() {
    let site = TestSite::empty();
    site.post("langs", "Languages", "2024-01-01", &["C++", "C#", "c"], "x");
    site.post(
        "more",
        "More",
        "2024-01-02",
        &["c++", "  C#  "],
        "same tags, other spelling",
    );
    let server = site.serve();
    for (path, name) in [
        ("/tags/c-plus-plus/", "C++"),
        ("/tags/c-sharp/", "C#"),
        ("/tags/c/", "c"),
    ] {
        let page = server.get(path);
        assert_eq!(page.status, 200, "{path}");
        assert!(
            page.text().contains(&format!("#<bdi>{name}</bdi>")),
            "{path}"
        );
    }
    let index = server.get("/tags/").text();
    assert_eq!(index.matches("class=\"tag\"").count(), 3, "{index}");
    assert!(
        server
            .get("/atom.xml")
            .text()
            .contains("term=\"c-sharp\" label=\"C#\"")
    );
    drop(server);

    // What would still share an address is reported, with the line, not merged.
    site.post("accents", "Accents", "2024-01-03", &["Café"], "x");
    site.post("plain", "Plain", "2024-01-04", &["Cafe"], "x");
    site.write(
        "content/posts/twins.md",
        "+++\ntitle = \"Twins\"\ntags = [\"Résumé\", \"Resume\"]\n+++\nx\n",
    );
    let out = site.quire(&["check", "--root", site.root().to_str().unwrap()]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(
        report.contains("content/posts/plain.md:4: the tag \"Cafe\" would share the address /tags/cafe/ with the tag \"Café\""),
        "{report}"
    );
    assert!(
        report.contains("content/posts/twins.md:3: tags \"Résumé\" and \"Resume\" would share the address /tags/resume/"),
        "{report}"
    );
}

#[test]
fn dates_are_shown_in_their_own_offset_or_the_site_time_zone() {
    let site = TestSite::empty();
    site.post("evening", "Evening", "2015-06-06T21:10:30-04:00", &[], "x");
    site.post("floating", "Floating", "2015-06-06 23:30", &[], "x");
    let server = site.serve();
    let evening = server.get("/posts/evening/").text();
    assert!(
        evening.contains("datetime=\"2015-06-06T21:10:30-04:00\">June 6, 2015</time>"),
        "{evening}"
    );
    let floating = server.get("/posts/floating/").text();
    assert!(floating.contains("datetime=\"2015-06-06T23:30:00Z\">June 6, 2015</time>"));
    drop(server);

    // With a site time zone, a date written without an offset is local time there: shown as
    // written, and placed at the right instant (feeds carry the instant).
    site.write(
        "quire.toml",
        "title = \"T\"\nbase_url = \"https://example.com\"\ntimezone = \"America/New_York\"\n",
    );
    let server = site.serve();
    let floating = server.get("/posts/floating/").text();
    assert!(
        floating.contains("datetime=\"2015-06-06T23:30:00-04:00\">June 6, 2015</time>"),
        "{floating}"
    );
    let feed: serde_json::Value = serde_json::from_slice(&server.get("/feed.json").body).unwrap();
    let floating_item = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "Floating")
        .unwrap();
    assert_eq!(floating_item["date_published"], "2015-06-07T03:30:00Z");
    drop(server);

    site.write("quire.toml", "title = \"T\"\ntimezone = \"Mars/Olympus\"\n");
    let out = site.quire(&["check", "--root", site.root().to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("quire.toml:2: timezone must be an IANA time zone name"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
