//! Site search through real HTTP: ranking, snippets, stemming and typos, Unicode, the form that
//! works without JavaScript, filters, pages, drafts kept out, and the index following edits.

use crate::support::{Response, TestSite};

fn search(server: &crate::support::Server, query: &str) -> String {
    let response = server.get(&format!("/search/?{query}"));
    assert_eq!(response.status, 200, "{query}");
    response.text()
}

/// The result titles' link targets, in order.
fn hits(html: &str) -> Vec<String> {
    html.split(r#"<li class="search-hit"><h2><a href=""#)
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_owned)
        .collect()
}

fn site() -> TestSite {
    let site = TestSite::empty();
    site.post(
        "caching",
        "Caching pages in memory",
        "2024-03-01T10:00:00Z",
        &["performance"],
        "Every page is rendered once and kept in memory, so a request costs a lookup.",
    );
    site.post(
        "aside",
        "Notes from a long walk",
        "2024-02-01T10:00:00Z",
        &["life"],
        &format!(
            "{}\n\nOn the way back I thought about caches for a while.\n\n{}",
            "We walked along the river past the old mill. ".repeat(20),
            "Then dinner. ".repeat(20)
        ),
    );
    site.post(
        "unrelated",
        "Gardening",
        "2023-05-01T10:00:00Z",
        &["life"],
        "Tomatoes need sun and water.",
    );
    site.post(
        "tokyo",
        "東京タワーの夜景",
        "2023-06-01T10:00:00Z",
        &[],
        "夜景がきれいでした。",
    );
    site.post(
        "cafe",
        "Café crème",
        "2023-07-01T10:00:00Z",
        &[],
        "Привет мир: a note in two scripts, with `<b>bold</b>` as code.",
    );
    site.write(
        "content/posts/secret.md",
        "+++\ntitle = \"Secret caching plans\"\ndate = 2024-04-01\ndraft = true\n+++\nNot yet.\n",
    );
    site
}

#[test]
fn results_are_ranked_with_marked_snippets_stems_and_typos() {
    let site = site();
    let server = site.serve();
    let html = search(&server, "q=caching");
    // A title match outranks a body mention; unrelated posts and drafts are not found.
    assert_eq!(hits(&html), ["/posts/caching/", "/posts/aside/"], "{html}");
    assert!(html.contains("2 results for “caching”"), "{html}");
    assert!(
        html.contains("<mark>Caching</mark> pages in memory"),
        "{html}"
    );
    // The snippet is the passage where the word is, cut with ellipses, word marked.
    assert!(
        html.contains("thought about <mark>caches</mark> for a while"),
        "{html}"
    );
    assert!(html.contains("… "), "{html}");
    // Stemming, a typo and two words (both required when some post has both).
    assert_eq!(hits(&search(&server, "q=cached"))[0], "/posts/caching/");
    let typo = search(&server, "q=memroy");
    assert_eq!(hits(&typo), ["/posts/caching/"], "{typo}");
    assert!(typo.contains("near spellings"), "{typo}");
    assert_eq!(hits(&search(&server, "q=page+memory")), ["/posts/caching/"]);
    // The word being typed is a prefix (search as you type).
    let fragment = server.get("/search/?q=tomat&fragment=1").text();
    assert!(
        fragment.starts_with(r#"<div class="search-results""#),
        "{fragment}"
    );
    assert_eq!(hits(&fragment), ["/posts/unrelated/"]);
    assert!(
        !fragment.contains("<html"),
        "a fragment is only the results"
    );
    // Drafts stay private, even when they match best.
    assert!(!html.contains("Secret"), "{html}");
}

#[test]
fn unicode_text_is_found_in_any_script() {
    let site = site();
    let server = site.serve();
    for (query, expected) in [
        ("q=%E6%9D%B1%E4%BA%AC", "/posts/tokyo/"), // 東京
        ("q=%E5%A4%9C%E6%99%AF", "/posts/tokyo/"), // 夜景, from the body
        ("q=cafe", "/posts/cafe/"),
        ("q=CR%C3%88ME", "/posts/cafe/"),         // CRÈME
        ("q=%D0%BC%D0%B8%D1%80", "/posts/cafe/"), // мир
    ] {
        let html = search(&server, query);
        assert_eq!(hits(&html), [expected], "{query}: {html}");
    }
    let marked = search(&server, "q=%E6%9D%B1%E4%BA%AC");
    assert!(marked.contains("<mark>東京</mark>"), "{marked}");
}

#[test]
fn the_form_works_without_javascript_and_escapes_what_it_echoes() {
    let site = site();
    let server = site.serve();
    let empty = server.get("/search/");
    assert_eq!(empty.status, 200);
    let page = empty.text();
    assert!(
        page.contains(r#"<form class="search-form" role="search" action="/search/" method="get">"#)
    );
    assert!(page.contains(r#"<label for="search-q">"#) && page.contains(r#"name="q""#));
    assert!(
        page.contains(r#"<option value="performance">performance</option>"#),
        "{page}"
    );
    assert!(page.contains("<option>2024</option>"), "{page}");
    // The page around the results is the theme's: header, navigation, footer.
    let full = search(&server, "q=caching");
    assert!(full.contains(r#"<header class="site-header">"#));
    assert!(full.contains(r#"value="caching""#));
    // Every other public page links to search.
    assert!(
        server
            .get("/")
            .text()
            .contains(r#"<a href="/search/">Search</a>"#)
    );
    let hostile = search(&server, "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22");
    assert!(!hostile.contains("<script>alert(1)"), "{hostile}");
    assert!(
        hostile.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;"),
        "{hostile}"
    );
    // A body with markup in it is shown as text in the snippet.
    let body = search(&server, "q=bold");
    assert!(
        body.contains("&lt;b&gt;<mark>bold</mark>&lt;/b&gt;"),
        "{body}"
    );
    // Nonsense parameters are ignored, never a 4xx or 5xx.
    let odd = server.get("/search/?q=caching&page=99999999999999999999999&year=x&tag=&%ZZ");
    assert_eq!(odd.status, 200);
}

#[test]
fn filters_pages_and_encodings() {
    let site = site();
    for n in 0..23 {
        site.post(
            &format!("river-{n:02}"),
            &format!("River walk {n}"),
            &format!("2022-01-{:02}T10:00:00Z", n + 1),
            &["walks"],
            "Along the river again.",
        );
    }
    let server = site.serve();
    let first = search(&server, "q=river");
    assert!(first.contains("24 results"), "{first}");
    assert_eq!(hits(&first).len(), 10);
    assert!(
        first.contains("Page 1 of 3")
            && first.contains(r#"rel="next" href="/search/?q=river&amp;page=2""#),
        "{first}"
    );
    let third = search(&server, "q=river&page=3");
    assert_eq!(hits(&third).len(), 4);
    assert!(
        third.contains(r#"<ol class="search-list" start="21">"#),
        "{third}"
    );
    let tagged = search(&server, "q=river&tag=life");
    assert_eq!(hits(&tagged), ["/posts/aside/"], "{tagged}");
    let dated = search(&server, "q=river&year=2024");
    assert_eq!(hits(&dated), ["/posts/aside/"], "{dated}");
    assert!(dated.contains("<option selected>2024</option>"), "{dated}");
    let br: Response = server.request("GET", "/search/?q=river", &[("Accept-Encoding", "br")]);
    assert_eq!(br.header("content-encoding"), Some("br"));
    let etag = br.header("etag").unwrap().to_owned();
    let again = server.request(
        "GET",
        "/search/?q=river",
        &[("Accept-Encoding", "br"), ("If-None-Match", &etag)],
    );
    assert_eq!(again.status, 304);
    let dated_only = server.request(
        "GET",
        "/search/?q=river",
        &[("If-Modified-Since", "Sun, 01 Jan 2090 00:00:00 GMT")],
    );
    assert_eq!(
        dated_only.status, 200,
        "a date alone never validates a search"
    );
}

#[test]
fn the_index_follows_edits_and_the_admin_finds_drafts() {
    let site = site();
    site.add_user("ada", "correct horse battery staple");
    let token = site.add_token("script");
    let server = site.serve();
    assert!(hits(&search(&server, "q=zeppelin")).is_empty());
    site.post(
        "airship",
        "Airships",
        "2024-05-01T10:00:00Z",
        &[],
        "A zeppelin floated by.",
    );
    server.wait_for("/search/?q=zeppelin", |r| {
        hits(&r.text()) == ["/posts/airship/"]
    });
    site.remove("content/posts/airship.md");
    server.wait_for("/search/?q=zeppelin", |r| hits(&r.text()).is_empty());
    // The admin's list search uses the same index, drafts included.
    let bearer = format!("Bearer {token}");
    let list = server.request(
        "GET",
        "/admin/api/posts?q=plans",
        &[("Authorization", &bearer)],
    );
    assert_eq!(list.status, 200);
    let text = list.text();
    assert!(
        text.contains("Secret caching plans") && text.contains("\"total\":1"),
        "{text}"
    );
}

#[test]
fn posts_list_related_posts_by_tags_and_title() {
    let site = TestSite::empty();
    site.post(
        "rust-1",
        "Rust ownership",
        "2024-01-01T10:00:00Z",
        &["rust", "memory"],
        "One.",
    );
    site.post(
        "rust-2",
        "Rust lifetimes",
        "2024-01-02T10:00:00Z",
        &["rust", "memory"],
        "Two.",
    );
    site.post(
        "rust-3",
        "Rust macros",
        "2024-01-03T10:00:00Z",
        &["rust"],
        "Three.",
    );
    site.post(
        "garden",
        "Tomatoes",
        "2024-01-04T10:00:00Z",
        &["garden"],
        "Four.",
    );
    let server = site.serve();
    let page = server.get("/posts/rust-1/").text();
    let related = page
        .split(r#"<nav class="related""#)
        .nth(1)
        .unwrap()
        .split("</nav>")
        .next()
        .unwrap();
    let lifetimes = related.find("Rust lifetimes").unwrap();
    let macros = related.find("Rust macros").unwrap();
    assert!(
        lifetimes < macros,
        "two shared tags rank above one: {related}"
    );
    assert!(!related.contains("Tomatoes"), "{related}");
    // A new post on the same tags shows up in its neighbours' lists, soon after.
    site.post(
        "rust-4",
        "Rust ownership again",
        "2024-01-05T10:00:00Z",
        &["rust", "memory"],
        "Five.",
    );
    server.wait_for("/posts/rust-1/", |r| {
        r.text()
            .split(r#"<nav class="related""#)
            .nth(1)
            .is_some_and(|n| n.contains("Rust ownership again"))
    });
}

#[test]
fn an_export_ships_a_sharded_index_of_published_entries_only() {
    let site = site();
    let out = site.root().join("public");
    site.build(&out);
    let index = out.join("search/index");
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(index.join("meta.json")).unwrap()).unwrap();
    assert_eq!(meta["docs"], 5, "the draft is left out: {meta}");
    // "caching" is stemmed to "cach"; its shard is named after "ca" (63 61).
    let shard: serde_json::Value =
        serde_json::from_slice(&std::fs::read(index.join("t-6361.json")).unwrap()).unwrap();
    assert_eq!(shard["cach"][0], 2, "two published posts hold it: {shard}");
    let docs = std::fs::read_to_string(index.join("d-0.json")).unwrap();
    assert!(
        docs.contains("/posts/caching/") && !docs.contains("Secret"),
        "{docs}"
    );
    let page = std::fs::read_to_string(out.join("search/index.html")).unwrap();
    assert!(page.contains(r#"data-index="/search/index/""#), "{page}");
}
