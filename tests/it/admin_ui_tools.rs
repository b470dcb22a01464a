//! The admin's other screens over plain HTTP: media (upload, where each file is used, a delete
//! that warns), API tokens (shown once, working, revoked), the account's password, the activity.

use crate::admin_api::PASSWORD;
use crate::admin_ui::{Browser, site};

fn multipart(token: &str, name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "quire-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[test]
fn media_upload_shows_where_each_file_is_used_and_warns_before_deleting_it() {
    let (site, server) = site();
    let mut browser = Browser::new(&server);
    browser.login();
    let token = browser.token("/admin/media");
    let (content_type, body) = multipart(&token, "dot.png", &crate::admin_api::png(7));
    let r = server.send(
        "POST",
        "/admin/media",
        &[
            ("Content-Type", &content_type),
            ("Cookie", &browser.cookie),
            ("Origin", &browser.origin),
        ],
        &body,
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let library = browser.get("/admin/media").text();
    assert!(
        library.contains("dot.png") && library.contains("Not used yet."),
        "{library}"
    );
    let at = library.find("/media/").unwrap();
    let url = library[at..].split(['"', ')']).next().unwrap().to_owned();
    let hash = url
        .trim_start_matches("/media/")
        .split('.')
        .next()
        .unwrap()
        .to_owned();
    // Without the token in the form, the upload is refused.
    let (content_type, body) = multipart("wrong", "other.png", &crate::admin_api::png(8));
    let r = server.send(
        "POST",
        "/admin/media",
        &[("Content-Type", &content_type), ("Cookie", &browser.cookie)],
        &body,
    );
    assert_eq!(r.status, 403);

    site.post(
        "uses",
        "Uses the dot",
        "2024-01-01",
        &[],
        &format!("![a dot]({url})"),
    );
    server.wait_for("/posts/uses/", |r| r.status == 200);
    assert!(
        browser
            .get("/admin/media")
            .text()
            .contains("Used by: <a href=\"/admin/posts/uses\">Uses the dot</a>")
    );
    let path = format!("/admin/media/{hash}/delete");
    let warned = browser.post(&path, &[("csrf", &token)]);
    assert_eq!(warned.status, 409);
    assert!(warned.text().contains("This file is used by: Uses the dot"));
    assert_eq!(server.get(&url).status, 200, "not deleted yet");
    let deleted = browser.post(&path, &[("csrf", &token), ("confirm", "yes")]);
    assert_eq!(deleted.status, 303);
    assert_eq!(server.get(&url).status, 404);
}

#[test]
fn tokens_are_shown_once_work_and_can_be_revoked() {
    let (_site, server) = site();
    let mut browser = Browser::new(&server);
    browser.login();
    let token = browser.token("/admin/tokens");
    let created = browser.post(
        "/admin/tokens",
        &[("csrf", &token), ("name", "deploy"), ("expires", "30")],
    );
    assert_eq!(created.status, 201, "{}", created.text());
    let html = created.text();
    let at = html.find("value=\"qt_").expect("the secret, once") + 7;
    let secret = html[at..].split('"').next().unwrap().to_owned();
    let bearer = format!("Bearer {secret}");
    assert_eq!(
        server
            .request("GET", "/admin/api/posts", &[("Authorization", &bearer)])
            .status,
        200
    );
    let listed = browser.get("/admin/tokens").text();
    assert!(
        listed.contains("deploy") && !listed.contains(&secret),
        "listed, never shown again"
    );
    let bad = browser.post("/admin/tokens", &[("csrf", &token), ("name", "../x")]);
    assert_eq!(bad.status, 422);
    let revoked = browser.post(
        "/admin/tokens/revoke",
        &[("csrf", &token), ("name", "deploy")],
    );
    assert_eq!(revoked.status, 303);
    assert_eq!(
        server
            .request("GET", "/admin/api/posts", &[("Authorization", &bearer)])
            .status,
        401
    );
}

#[test]
fn changing_the_password_ends_every_session() {
    let (_site, server) = site();
    let mut browser = Browser::new(&server);
    browser.login();
    let old_cookie = browser.cookie.clone();
    let token = browser.token("/admin/account");
    let wrong = browser.post(
        "/admin/account/password",
        &[
            ("csrf", &token),
            ("current", "not it at all"),
            ("new", "a brand new secret"),
            ("again", "a brand new secret"),
        ],
    );
    assert_eq!(wrong.status, 422);
    assert!(wrong.text().contains("current password is wrong"));
    let short = browser.post(
        "/admin/account/password",
        &[
            ("csrf", &token),
            ("current", PASSWORD),
            ("new", "short"),
            ("again", "short"),
        ],
    );
    assert_eq!(short.status, 422);
    let changed = browser.post(
        "/admin/account/password",
        &[
            ("csrf", &token),
            ("current", PASSWORD),
            ("new", "a brand new secret"),
            ("again", "a brand new secret"),
        ],
    );
    assert_eq!(changed.status, 303, "{}", changed.text());
    let stale = server.request("GET", "/admin/", &[("Cookie", &old_cookie)]);
    assert_eq!(stale.status, 303, "the old session ended");
    let mut fresh = Browser::new(&server);
    let old = fresh.post(
        "/admin/login",
        &[("username", "alice"), ("password", PASSWORD)],
    );
    assert_eq!(old.status, 401);
    let new = fresh.post(
        "/admin/login",
        &[("username", "alice"), ("password", "a brand new secret")],
    );
    assert_eq!(new.status, 303);
}

#[test]
fn activity_lists_the_log_newest_first_and_filters_by_who() {
    let (site, server) = site();
    site.post("by-file", "By a file", "2024-01-01", &[], "x");
    server.wait_for("/posts/by-file/", |r| r.status == 200);
    let mut browser = Browser::new(&server);
    browser.login();
    let token = browser.token("/admin/posts/new");
    let r = browser.post(
        "/admin/posts/new",
        &[("csrf", &token), ("title", "By alice"), ("action", "save")],
    );
    assert_eq!(r.status, 303);
    let all = browser.get("/admin/activity").text();
    let (alice, file) = (
        all.find("posts/by-alice.md").unwrap(),
        all.find("posts/by-file.md").unwrap(),
    );
    assert!(alice < file, "newest first");
    let only_alice = browser.get("/admin/activity?actor=user%3Aalice").text();
    assert!(only_alice.contains("posts/by-alice.md") && !only_alice.contains("posts/by-file.md"));
}

#[test]
fn the_editor_sets_and_removes_a_cover_image() {
    let (site, server) = site();
    site.write(
        "content/posts/trip/index.md",
        "+++\ntitle = \"Trip\"\ndate = 2024-01-01\nmood = \"sunny\"\n+++\nx\n",
    );
    site.write("content/posts/trip/cover.png", "not really a png");
    server.wait_for("/posts/trip/", |r| r.status == 200);
    let mut browser = Browser::new(&server);
    browser.login();
    let editor = browser.get("/admin/posts/trip").text();
    let token = browser.token("/admin/posts/trip");
    let etag = editor
        .split("name=\"etag\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&quot;", "\"");
    let save = |browser: &mut Browser<'_>, etag: &str, image: &str| {
        browser.post(
            "/admin/posts/trip",
            &[
                ("csrf", &token),
                ("etag", etag),
                ("title", "Trip"),
                ("body", "x"),
                ("date", "2024-01-01T00:00"),
                ("image", image),
                ("action", "save"),
            ],
        )
    };
    let r = save(&mut browser, &etag, "cover.png");
    assert_eq!(r.status, 303, "{}", r.text());
    let page = server.get("/posts/trip/").text();
    assert!(
        page.contains(
            "<meta property=\"og:image\" content=\"https://example.com/posts/trip/cover.png\">"
        ),
        "{page}"
    );
    let file = std::fs::read_to_string(site.path("content/posts/trip/index.md")).unwrap();
    assert!(
        file.contains("image = \"cover.png\"") && file.contains("mood = \"sunny\""),
        "{file}"
    );
    let editor = browser.get("/admin/posts/trip").text();
    assert!(editor.contains("id=\"image\" name=\"image\" value=\"cover.png\""));
    let etag = editor
        .split("name=\"etag\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&quot;", "\"");
    let r = save(&mut browser, &etag, "");
    assert_eq!(r.status, 303);
    assert!(!server.get("/posts/trip/").text().contains("og:image"));
}

#[test]
fn lists_filter_search_sort_and_page() {
    let (site, server) = site();
    for (slug, title, date, tag) in [
        ("b", "Banana", "2024-01-03", "fruit"),
        ("a", "Apple", "2024-01-02", "fruit"),
        ("c", "Carrot", "2024-01-01", "veg"),
    ] {
        site.post(slug, title, date, &[tag], &format!("All about {title}."));
    }
    server.wait_for("/posts/c/", |r| r.status == 200);
    let mut browser = Browser::new(&server);
    browser.login();
    let order = |query: &str| -> Vec<String> {
        let html = browser.get(&format!("/admin/posts{query}")).text();
        ["Apple", "Banana", "Carrot"]
            .into_iter()
            .filter_map(|t| html.find(&format!(">{t}</a>")).map(|at| (at, t.to_owned())))
            .collect::<std::collections::BTreeMap<_, _>>()
            .into_values()
            .collect()
    };
    assert_eq!(order(""), ["Banana", "Apple", "Carrot"], "newest first");
    assert_eq!(order("?sort=oldest"), ["Carrot", "Apple", "Banana"]);
    assert_eq!(order("?sort=title"), ["Apple", "Banana", "Carrot"]);
    assert_eq!(order("?tag=veg"), ["Carrot"]);
    assert_eq!(order("?q=banana"), ["Banana"]);
    assert_eq!(order("?status=draft"), Vec::<String>::new());
}

#[test]
fn settings_change_the_navigation_links() {
    let (_site, server) = site();
    let mut browser = Browser::new(&server);
    browser.login();
    let token = browser.token("/admin/settings");
    let save = |browser: &mut Browser<'_>, nav: &str| {
        browser.post(
            "/admin/settings",
            &[
                ("csrf", &token),
                ("title", "Renamed"),
                ("posts_per_page", "5"),
                ("nav", nav),
            ],
        )
    };
    let bad = save(&mut browser, "About | javascript:alert(1)");
    assert_eq!(bad.status, 422, "{}", bad.text());
    let ok = save(
        &mut browser,
        "About | /about/\nCode | https://example.org/code\n",
    );
    assert_eq!(ok.status, 303, "{}", ok.text());
    let home = server.get("/").text();
    let nav = home
        .split("<nav aria-label=\"Site\">")
        .nth(1)
        .unwrap()
        .split("</nav>")
        .next()
        .unwrap();
    let about = nav.find("href=\"/about/\"").expect("About");
    let code = nav.find("href=\"https://example.org/code\"").expect("Code");
    assert!(about < code && nav.contains("href=\"/archive/\""), "{nav}");
    // Tera escapes `/` as `&#x2F;`; a browser reads it back as `/`.
    let form = browser.get("/admin/settings").text().replace("&#x2F;", "/");
    assert!(
        form.contains("About | /about/\nCode | https://example.org/code"),
        "{form}"
    );
}
