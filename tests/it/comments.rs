//! Comments through real HTTP: post, moderate, see it on the page and in the counts; the
//! sanitizer against hostile bodies; the honeypot, the form token and rate limits; the form
//! without JavaScript; the author's edit window; every change in the log.

use std::time::Duration;

use crate::support::{Server, TestSite};

/// A site with one post; `comments` adds keys to its `[comments]` table.
fn site(comments: &str) -> TestSite {
    let site = TestSite::empty();
    site.write(
        "quire.toml",
        &format!(
            "title = \"Comments\"\nbase_url = \"http://quire.test\"\n[comments]\nmin_seconds = 1\n{comments}[admin]\ntrusted_proxies = [\"127.0.0.1\"]\n"
        ),
    );
    site.post(
        "hello",
        "Hello",
        "2024-03-01T10:00:00Z",
        &[],
        "A post to talk about.",
    );
    site
}

fn token(server: &Server, post: &str) -> String {
    let r = server.get(&format!("/comments/token?post={post}"));
    assert_eq!(r.status, 200);
    let json: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    json["token"].as_str().unwrap().to_owned()
}

fn form(fields: &[(&str, &str)]) -> Vec<u8> {
    fields
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

/// Posts a comment as the script does (form token, then JSON), from `address`.
fn post_json(server: &Server, address: &str, fields: &[(&str, &str)]) -> crate::support::Response {
    let token = token(server, "/posts/hello/");
    std::thread::sleep(Duration::from_millis(1100));
    post_with(server, &token, address, fields)
}

/// Tokens for `n` comments, old enough to use: one wait for all of them.
fn ripe_tokens(server: &Server, n: usize) -> Vec<String> {
    let tokens = (0..n).map(|_| token(server, "/posts/hello/")).collect();
    std::thread::sleep(Duration::from_millis(1100));
    tokens
}

fn post_with(
    server: &Server,
    token: &str,
    address: &str,
    fields: &[(&str, &str)],
) -> crate::support::Response {
    let mut all = vec![("post", "/posts/hello/"), ("token", token)];
    all.extend_from_slice(fields);
    server.send(
        "POST",
        "/comments",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
            ("X-Forwarded-For", address),
        ],
        &form(&all),
    )
}

fn json(r: &crate::support::Response) -> serde_json::Value {
    serde_json::from_slice(&r.body).unwrap_or_default()
}

fn moderate(server: &Server, bearer: &str, id: u64, status: &str) {
    let r = server.send(
        "PUT",
        &format!("/admin/api/comments/{id}"),
        &[
            ("Authorization", bearer),
            ("Content-Type", "application/json"),
        ],
        format!(r#"{{"status":"{status}"}}"#).as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn a_comment_waits_for_approval_then_shows_with_its_count() {
    let site = site("");
    let token = site.add_token("moderator");
    let bearer = format!("Bearer {token}");
    let server = site.serve();
    let page = server.get("/posts/hello/").text();
    assert!(
        page.contains(r#"<form class="comment-form" method="post" action="/comments">"#),
        "{page}"
    );
    assert!(page.contains("No comments yet."));
    let r = post_json(
        &server,
        "192.0.2.1",
        &[("name", "Ada"), ("body", "Lovely *post*.")],
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let reply = json(&r);
    assert_eq!(reply["status"], "pending");
    assert_eq!(reply["key"].as_str().unwrap().len(), 64);
    let id = reply["id"].as_u64().unwrap();
    // Waiting: not on the page, but in the queue.
    assert!(!server.get("/posts/hello/").text().contains("Lovely"));
    let queue = server.request(
        "GET",
        "/admin/api/comments?status=pending",
        &[("Authorization", &bearer)],
    );
    assert!(
        queue.text().contains("Lovely *post*.") && queue.text().contains("\"total\":1"),
        "{}",
        queue.text()
    );
    moderate(&server, &bearer, id, "approved");
    // Shown as soon as the moderation answers: the post's page and the list's count.
    let page = server.get("/posts/hello/").text();
    assert!(page.contains("Lovely <em>post</em>."), "{page}");
    assert!(
        page.contains(r#"<b class="comment-author">Ada</b>"#) && page.contains("1 comment"),
        "{page}"
    );
    assert!(
        server
            .get("/")
            .text()
            .contains(r##"<a class="comment-count" href="/posts/hello/#comments">1 comment</a>"##)
    );
    // A reply to it nests under it.
    let r = post_json(
        &server,
        "192.0.2.2",
        &[("body", "Agreed."), ("parent", &id.to_string())],
    );
    let reply_id = json(&r)["id"].as_u64().unwrap();
    moderate(&server, &bearer, reply_id, "approved");
    let page = server.get("/posts/hello/").text();
    assert!(
        page.contains(r#"<ol class="comment-replies"><li class="comment" id="comment-"#),
        "{page}"
    );
    assert!(
        page.contains("Anonymous") && page.contains("2 comments"),
        "{page}"
    );
    // Feeds of the post's comments and of the site's, as Atom.
    let feed = server.get("/posts/hello/comments.xml");
    assert_eq!(feed.status, 200);
    assert!(
        feed.header("content-type")
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let feed = feed.text();
    assert!(
        feed.contains("<name>Ada</name>") && feed.contains("Lovely &lt;em&gt;post&lt;/em&gt;."),
        "{feed}"
    );
    roxmltree::Document::parse(&feed).unwrap();
    assert!(
        server
            .get("/comments.xml")
            .text()
            .contains("Ada on “Hello”")
    );
    assert!(
        page.contains(r#"<a href="/posts/hello/comments.xml">"#),
        "{page}"
    );
    // Every change is in the log: the visitor's and the moderator's.
    let events = server
        .request(
            "GET",
            "/admin/api/events?per_page=50",
            &[("Authorization", &bearer)],
        )
        .text();
    assert!(
        events.contains("\"visitor\"") && events.contains("comment.put.v1"),
        "{events}"
    );
    // It survives a restart, and a deletion takes the reply with it.
    server.stop();
    let server = site.serve();
    assert!(
        server
            .get("/posts/hello/")
            .text()
            .contains("Lovely <em>post</em>.")
    );
    let r = server.send(
        "DELETE",
        &format!("/admin/api/comments/{id}"),
        &[("Authorization", &bearer)],
        b"",
    );
    assert_eq!(r.status, 204);
    let page = server.get("/posts/hello/").text();
    assert!(
        !page.contains("Lovely") && !page.contains("Agreed"),
        "{page}"
    );
}

/// Hostile bodies and names, each approved and shown: nothing executable survives.
const XSS_PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<svg onload=alert(1)>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "![x](https://evil.example/x.png\" onerror=\"alert(1))",
    "<details open ontoggle=alert(1)>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "<<script>script>alert(1)<</script>/script>",
];

#[test]
fn hostile_comments_are_shown_as_harmless_text() {
    let site = site("");
    let token = site.add_token("moderator");
    let bearer = format!("Bearer {token}");
    let server = site.serve();
    let tokens = ripe_tokens(&server, XSS_PAYLOADS.len());
    for (n, (payload, token)) in XSS_PAYLOADS.iter().zip(&tokens).enumerate() {
        let address = format!("198.51.100.{}", n + 1);
        let name: String = payload.chars().take(60).collect();
        let r = post_with(
            &server,
            token,
            &address,
            &[("name", &name), ("body", payload)],
        );
        assert_eq!(r.status, 201, "{payload}: {}", r.text());
        moderate(
            &server,
            &bearer,
            json(&r)["id"].as_u64().unwrap(),
            "approved",
        );
    }
    let page = server.get("/posts/hello/").text();
    let start = page.find(r#"<section class="comments""#).unwrap();
    let end = page[start..].find("</section>").unwrap() + start;
    let comments = page[start..end].to_ascii_lowercase();
    assert!(
        comments.matches("class=\"comment\"").count() >= XSS_PAYLOADS.len(),
        "{comments}"
    );
    // Look inside the markup only: the same words shown as text are harmless.
    let tags: Vec<&str> = comments
        .split('<')
        .skip(1)
        .filter_map(|t| t.split_once('>').map(|(tag, _)| tag))
        .collect();
    for forbidden in [
        "script",
        "img",
        "svg",
        "iframe",
        "math",
        "details open",
        "javascript:",
        "onerror",
        "onload",
        "ontoggle",
        "style",
        "data:",
    ] {
        let found: Vec<&&str> = tags.iter().filter(|t| t.contains(forbidden)).collect();
        assert!(found.is_empty(), "{forbidden} survived: {found:?}");
    }
    assert!(
        comments.contains("&lt;script&gt;"),
        "markup is shown as text"
    );
    assert!(
        comments.contains(r#"rel="nofollow ugc noopener""#) || !comments.contains("<a href=\"http")
    );
}

#[test]
fn robots_are_stopped_by_the_honeypot_the_token_and_rate_limits() {
    let site = site("");
    let token = site.add_token("moderator");
    let bearer = format!("Bearer {token}");
    let server = site.serve();
    // The hidden field filled: "received", nothing stored.
    let r = post_json(
        &server,
        "203.0.113.9",
        &[("body", "Buy now"), ("url", "https://spam.example")],
    );
    assert_eq!(r.status, 202);
    let all = server
        .request("GET", "/admin/api/comments", &[("Authorization", &bearer)])
        .text();
    assert!(all.contains("\"total\":0"), "{all}");
    // No token, or one sent too soon: refused with how long to wait.
    let fresh = token_now(&server);
    let r = server.send(
        "POST",
        "/comments",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ],
        &form(&[
            ("post", "/posts/hello/"),
            ("body", "fast"),
            ("token", &fresh),
        ]),
    );
    assert_eq!(r.status, 400);
    assert_eq!(json(&r)["error"]["code"], "token");
    // Five from one address in ten minutes, then 429 with Retry-After; another address is fine.
    let tokens = ripe_tokens(&server, 8);
    for (n, token) in tokens.iter().take(5).enumerate() {
        let r = post_with(
            &server,
            token,
            "203.0.113.7",
            &[("body", &format!("comment {n}"))],
        );
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let r = post_with(&server, &tokens[5], "203.0.113.7", &[("body", "one more")]);
    assert_eq!(r.status, 429);
    assert!(r.header("retry-after").unwrap().parse::<u64>().unwrap() > 0);
    let r = post_with(
        &server,
        &tokens[6],
        "203.0.113.8",
        &[("body", "someone else")],
    );
    assert_eq!(r.status, 201);
    // Too long, or empty: the fields say why.
    let long = "x".repeat(5_001);
    let r = post_with(&server, &tokens[7], "203.0.113.10", &[("body", &long)]);
    assert_eq!(r.status, 422);
    assert!(r.text().contains("at most 5000 characters"), "{}", r.text());
}

fn token_now(server: &Server) -> String {
    token(server, "/posts/hello/")
}

#[test]
fn without_javascript_a_comment_is_checked_sent_and_changed() {
    let site = site("");
    let server = site.serve();
    let headers = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("X-Forwarded-For", "192.0.2.50"),
    ];
    // The post page's form has no token: the first send shows the comment back to check.
    let first = server.send(
        "POST",
        "/comments",
        &headers,
        &form(&[
            ("post", "/posts/hello/"),
            ("name", "Bo"),
            ("body", "Plain *HTML* works"),
        ]),
    );
    assert_eq!(first.status, 200);
    let check = first.text();
    assert!(
        check.contains("Check your comment") && check.contains("Plain <em>HTML</em> works"),
        "{check}"
    );
    assert!(
        check.contains(r#"<header class="site-header">"#),
        "the theme's page around it"
    );
    let token = check
        .split(r#"name="token" value=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    std::thread::sleep(Duration::from_millis(1100));
    let sent = server.send(
        "POST",
        "/comments",
        &headers,
        &form(&[
            ("post", "/posts/hello/"),
            ("name", "Bo"),
            ("body", "Plain *HTML* works"),
            ("token", &token),
        ]),
    );
    assert_eq!(sent.status, 201);
    let thanks = sent.text();
    assert!(
        thanks.contains("will appear once it is approved"),
        "{thanks}"
    );
    let action = thanks
        .split(r#"action="/comments/"#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let key = thanks
        .split(r#"name="key" value=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    // Its author changes it from the same page, then deletes it.
    let edited = server.send(
        "POST",
        &format!("/comments/{action}"),
        &headers,
        &form(&[
            ("key", &key),
            ("name", "Bo"),
            ("body", "Changed my mind"),
            ("action", "save"),
        ]),
    );
    assert_eq!(edited.status, 200, "{}", edited.text());
    assert!(edited.text().contains("Changed my mind") && edited.text().contains("edited"));
    let wrong = server.send(
        "POST",
        &format!("/comments/{action}"),
        &headers,
        &form(&[("key", "0000"), ("body", "hijack"), ("action", "save")]),
    );
    assert_eq!(wrong.status, 403);
    let deleted = server.send(
        "POST",
        &format!("/comments/{action}"),
        &headers,
        &form(&[("key", &key), ("action", "delete")]),
    );
    assert_eq!(deleted.status, 200);
    assert!(deleted.text().contains("Your comment is deleted"));
}

#[test]
fn the_edit_window_closes() {
    let closed = TestSite::empty();
    closed.write(
        "quire.toml",
        "[comments]\nmin_seconds = 1\nedit_minutes = 0\n",
    );
    closed.post("hello", "Hello", "2024-03-01T10:00:00Z", &[], "Body.");
    let server = closed.serve();
    let r = post_json(&server, "192.0.2.60", &[("body", "first thought")]);
    assert_eq!(r.status, 201, "{}", r.text());
    let reply = json(&r);
    let (id, key) = (
        reply["id"].as_u64().unwrap(),
        reply["key"].as_str().unwrap().to_owned(),
    );
    std::thread::sleep(Duration::from_millis(50));
    let late = server.send(
        "POST",
        &format!("/comments/{id}/edit"),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ],
        &form(&[("key", &key), ("body", "second thought")]),
    );
    assert_eq!(late.status, 403);
    assert!(
        late.text().contains("for 0 minutes only"),
        "{}",
        late.text()
    );
    // Closed posts take none; pages never do.
    closed.write(
        "content/posts/quiet.md",
        "+++\ntitle = \"Quiet\"\ndate = 2024-01-01\nallow_comments = false\n+++\nShh.\n",
    );
    server.wait_for("/posts/quiet/", |r| r.status == 200);
    assert!(!server.get("/posts/quiet/").text().contains("comment-form"));
}

#[test]
fn a_returning_commenter_is_approved_at_once_when_the_site_allows_it() {
    let site = site("auto_approve_returning = true\n");
    let token = site.add_token("moderator");
    let bearer = format!("Bearer {token}");
    let server = site.serve();
    let tokens = ripe_tokens(&server, 3);
    let key = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    let first = post_with(
        &server,
        &tokens[0],
        "192.0.2.90",
        &[("body", "First time."), ("commenter", key)],
    );
    assert_eq!(json(&first)["status"], "pending");
    moderate(
        &server,
        &bearer,
        json(&first)["id"].as_u64().unwrap(),
        "approved",
    );
    let again = post_with(
        &server,
        &tokens[1],
        "192.0.2.90",
        &[("body", "Back again."), ("commenter", key)],
    );
    assert_eq!(json(&again)["status"], "approved", "{}", again.text());
    assert!(server.get("/posts/hello/").text().contains("Back again."));
    let stranger = post_with(
        &server,
        &tokens[2],
        "192.0.2.91",
        &[("body", "New here."), ("commenter", "ffff")],
    );
    assert_eq!(json(&stranger)["status"], "pending");
}

#[test]
fn an_export_shows_comments_and_talks_to_the_origin_when_it_has_one() {
    let site = site("origin = \"https://talk.example.org\"\n");
    let token = site.add_token("moderator");
    let bearer = format!("Bearer {token}");
    let server = site.serve();
    let r = post_json(
        &server,
        "192.0.2.70",
        &[("name", "Cy"), ("body", "Seen from a CDN.")],
    );
    moderate(
        &server,
        &bearer,
        json(&r)["id"].as_u64().unwrap(),
        "approved",
    );
    // The live section, for an exported page to fetch, allows the site's own origin.
    let live = server.get("/comments/section?post=/posts/hello/");
    assert_eq!(
        live.header("access-control-allow-origin"),
        Some("http://quire.test")
    );
    assert!(live.text().contains("Seen from a CDN."));
    server.stop();
    let out = site.root().join("public");
    site.build(&out);
    let page = std::fs::read_to_string(out.join("posts/hello/index.html")).unwrap();
    assert!(
        page.contains("Seen from a CDN."),
        "the approved comments are in the export"
    );
    assert!(
        page.contains(r#"data-origin="https://talk.example.org""#),
        "{page}"
    );
    assert!(
        page.contains(r#"action="https://talk.example.org/comments""#),
        "{page}"
    );
}
