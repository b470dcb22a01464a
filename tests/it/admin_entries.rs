//! Posts and pages through the admin API: live before the answer, validation, ETags,
//! tombstones and revisions, list filters, group commit, and hostile page numbers.

use serde_json::{Value, json};

use crate::admin_api::{Admin, Auth};

#[test]
fn a_created_post_is_live_everywhere_and_on_disk_before_201() {
    let admin = Admin::start();
    let r = admin.call(
        "POST",
        "/admin/api/posts",
        Auth::Token(&admin.token),
        Some(&json!({"title": "Fresh from the API", "body": "Hello **world**.", "tags": ["Api News"], "description": "A test"})),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(
        r.header("location"),
        Some("/admin/api/posts/fresh-from-the-api")
    );
    let etag = r.header("etag").unwrap().to_owned();
    assert_eq!(admin.json(&r)["etag"], etag.as_str());
    // No waiting: the 201 means it is already published.
    let s = &admin.server;
    assert!(
        s.get("/posts/fresh-from-the-api/")
            .text()
            .contains("<strong>world</strong>")
    );
    assert!(s.get("/").text().contains("Fresh from the API"));
    assert!(
        s.get("/tags/api-news/")
            .text()
            .contains("Fresh from the API")
    );
    assert!(
        s.get("/tags/api-news/atom.xml")
            .text()
            .contains("Fresh from the API")
    );
    for feed in ["/atom.xml", "/rss.xml", "/feed.json"] {
        assert!(s.get(feed).text().contains("Fresh from the API"), "{feed}");
    }
    let file =
        std::fs::read_to_string(admin.site.path("content/posts/fresh-from-the-api.md")).unwrap();
    assert!(
        file.starts_with("+++\ntitle = \"Fresh from the API\"\n"),
        "{file}"
    );
    assert!(file.contains("tags = [\"Api News\"]") && file.ends_with("Hello **world**.\n"));

    let got = admin.call(
        "GET",
        "/admin/api/posts/fresh-from-the-api",
        Auth::Token(&admin.token),
        None,
    );
    assert_eq!(got.header("etag"), Some(etag.as_str()));
    let v = admin.json(&got);
    assert_eq!(v["body"], "Hello **world**.\n");
    assert_eq!(v["status"], "published");
    // The write-back was recognised as Quire's own: no second event for it. To know the
    // watcher has seen the written file, write a later file and wait for its event: the
    // watcher reports in order and the writer applies in order.
    admin.site.post(
        "sentinel",
        "Sentinel",
        "2024-01-01",
        &[],
        "after the write-back",
    );
    let events = wait_for_event(&admin, "posts/sentinel.md");
    let about: Vec<&Value> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["subject"] == "posts/fresh-from-the-api.md")
        .collect();
    assert_eq!(about.len(), 1, "{events}");
    assert_eq!(about[0]["actor"], "token:ci");
}

#[test]
fn validation_errors_name_each_field() {
    let admin = Admin::start();
    admin.create("posts", "Taken", &[]);
    let cases = [
        (json!({"body": "x"}), "title"),
        (json!({"title": "T", "date": "2024-02-30"}), "date"),
        (json!({"title": "T", "slug": "taken"}), "slug"),
        (json!({"title": "T", "slug": "../x"}), "slug"),
        (json!({"title": "T", "slug": "Has Spaces"}), "slug"),
        (
            json!({"title": "T", "body": "x".repeat(1024 * 1024 + 1)}),
            "body",
        ),
    ];
    for (body, field) in cases {
        let r = admin.call(
            "POST",
            "/admin/api/posts",
            Auth::Token(&admin.token),
            Some(&body),
        );
        assert_eq!(r.status, 422, "{field}: {}", r.text());
        let v = admin.json(&r);
        assert_eq!(v["error"]["code"], "validation_failed");
        assert!(v["error"]["fields"][field].is_string(), "{field} in {v}");
    }
    let r = admin.call(
        "PUT",
        "/admin/api/pages/nope",
        Auth::Token(&admin.token),
        Some(&json!({"title": "x"})),
    );
    assert_eq!(r.status, 404);
    let huge = json!({"title": "T", "body": "x".repeat(5 * 1024 * 1024)});
    assert_eq!(
        admin
            .call(
                "POST",
                "/admin/api/posts",
                Auth::Token(&admin.token),
                Some(&huge)
            )
            .status,
        413
    );
}

#[test]
fn updates_need_the_current_etag_and_slug_changes_leave_an_alias() {
    let admin = Admin::start();
    let (slug, etag) = admin.create("posts", "Original title", &["one"]);
    let path = format!("/admin/api/posts/{slug}");
    let body =
        json!({"title": "New title", "body": "Rewritten.", "slug": "new-title", "tags": ["two"]});
    let r = admin.call_with(
        "PUT",
        &path,
        Auth::Token(&admin.token),
        Some(&body),
        &[("If-Match", "\"stale\"")],
    );
    assert_eq!(r.status, 412);
    let r = admin.call_with(
        "PUT",
        &path,
        Auth::Token(&admin.token),
        Some(&body),
        &[("If-Match", &etag)],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let new_etag = r.header("etag").unwrap().to_owned();
    assert_ne!(new_etag, etag);
    let s = &admin.server;
    assert!(s.get("/posts/new-title/").text().contains("Rewritten."));
    let old = s.get("/posts/original-title/");
    assert_eq!(old.status, 301);
    assert_eq!(old.header("location"), Some("/posts/new-title/"));
    s.wait_for("/tags/", |r| !r.text().contains("#one"));
    assert!(s.get("/tags/two/").text().contains("New title"));
    // The same file keeps the history; its front matter records the alias.
    let file =
        std::fs::read_to_string(admin.site.path(&format!("content/posts/{slug}.md"))).unwrap();
    assert!(
        file.contains("aliases = [\"/posts/original-title/\"]"),
        "{file}"
    );

    // A file edit and an admin edit race: both are kept, the later one is live, and the
    // next PUT with the old ETag is refused.
    let edited = file.replace("Rewritten.", "Edited on disk.");
    admin
        .site
        .write(&format!("content/posts/{slug}.md"), &edited);
    s.wait_for("/posts/new-title/", |r| {
        r.text().contains("Edited on disk.")
    });
    let r = admin.call_with(
        "PUT",
        "/admin/api/posts/new-title",
        Auth::Token(&admin.token),
        Some(&body),
        &[("If-Match", &new_etag)],
    );
    assert_eq!(r.status, 412, "the file edit made this ETag stale");
    let revisions = admin.json(&admin.call(
        "GET",
        "/admin/api/posts/new-title/revisions",
        Auth::Token(&admin.token),
        None,
    ));
    let actors: Vec<&str> = revisions
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["actor"].as_str().unwrap())
        .collect();
    assert_eq!(
        actors,
        ["file", "token:ci", "token:ci"],
        "newest first: the file edit is a revision too"
    );
}

#[test]
fn delete_leaves_a_tombstone_and_revisions_restore() {
    let admin = Admin::start();
    let (slug, etag) = admin.create("posts", "Keep me", &["t"]);
    let path = format!("/admin/api/posts/{slug}");
    let v2 = json!({"title": "Keep me", "body": "Second version."});
    assert_eq!(
        admin
            .call_with(
                "PUT",
                &path,
                Auth::Token(&admin.token),
                Some(&v2),
                &[("If-Match", &etag)]
            )
            .status,
        200
    );
    let revs = admin.json(&admin.call(
        "GET",
        &format!("{path}/revisions"),
        Auth::Token(&admin.token),
        None,
    ));
    let first = revs.as_array().unwrap().last().unwrap()["seq"]
        .as_i64()
        .unwrap();

    // Restore the first version as a new revision.
    let r = admin.call(
        "POST",
        &format!("{path}/revisions/{first}/restore"),
        Auth::Token(&admin.token),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        admin
            .server
            .get(&format!("/posts/{slug}/"))
            .text()
            .contains("Text of Keep me.")
    );
    let revs = admin.json(&admin.call(
        "GET",
        &format!("{path}/revisions"),
        Auth::Token(&admin.token),
        None,
    ));
    assert_eq!(revs.as_array().unwrap().len(), 3);

    // Delete: gone from the site and the disk, but its history stays.
    assert_eq!(
        admin
            .call("DELETE", &path, Auth::Token(&admin.token), None)
            .status,
        204
    );
    assert_eq!(admin.server.get(&format!("/posts/{slug}/")).status, 404);
    assert!(!admin.server.get("/atom.xml").text().contains("Keep me"));
    assert!(
        !admin
            .site
            .path(&format!("content/posts/{slug}.md"))
            .exists()
    );
    assert_eq!(
        admin
            .call("GET", &path, Auth::Token(&admin.token), None)
            .status,
        404
    );
    let revs = admin.json(&admin.call(
        "GET",
        &format!("{path}/revisions"),
        Auth::Token(&admin.token),
        None,
    ));
    assert_eq!(revs[0]["kind"], "entry.delete.v1");

    // And restore brings it back.
    let r = admin.call(
        "POST",
        &format!("{path}/revisions/{first}/restore"),
        Auth::Token(&admin.token),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        admin
            .server
            .get(&format!("/posts/{slug}/"))
            .text()
            .contains("Text of Keep me.")
    );
    assert!(
        admin
            .site
            .path(&format!("content/posts/{slug}.md"))
            .exists()
    );
}

#[test]
fn lists_filter_by_status_tag_and_text() {
    let admin = Admin::start();
    admin.create("posts", "Alpha news", &["news"]);
    admin.create("posts", "Beta notes", &["notes"]);
    let draft = json!({"title": "Gamma draft", "body": "secret word", "draft": true});
    assert_eq!(
        admin
            .call(
                "POST",
                "/admin/api/posts",
                Auth::Token(&admin.token),
                Some(&draft)
            )
            .status,
        201
    );
    let future = json!({"title": "Delta later", "body": "x", "date": "2099-01-01"});
    assert_eq!(
        admin
            .call(
                "POST",
                "/admin/api/posts",
                Auth::Token(&admin.token),
                Some(&future)
            )
            .status,
        201
    );
    let titles = |query: &str| -> Vec<String> {
        let v = admin.json(&admin.call(
            "GET",
            &format!("/admin/api/posts{query}"),
            Auth::Token(&admin.token),
            None,
        ));
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(titles("?status=draft"), ["Gamma draft"]);
    assert_eq!(titles("?status=scheduled"), ["Delta later"]);
    assert_eq!(titles("?tag=news"), ["Alpha news"]);
    assert_eq!(titles("?q=SECRET"), ["Gamma draft"]);
    assert_eq!(titles("?per_page=1&page=2").len(), 1);
    let v = admin.json(&admin.call(
        "GET",
        "/admin/api/posts?per_page=1",
        Auth::Token(&admin.token),
        None,
    ));
    assert_eq!(v["total"], 4);
    assert_eq!(
        admin.server.get("/posts/gamma-draft/").status,
        404,
        "drafts stay private"
    );
}

#[test]
fn concurrent_writes_share_commits() {
    let admin = Admin::start();
    let writes = 32;
    std::thread::scope(|scope| {
        for i in 0..writes {
            let admin = &admin;
            scope.spawn(move || admin.create("posts", &format!("Concurrent {i}"), &["load"]));
        }
    });
    let total = admin.json(&admin.call(
        "GET",
        "/admin/api/posts?per_page=1",
        Auth::Token(&admin.token),
        None,
    ))["total"]
        .clone();
    assert_eq!(total, writes);
    // Each batch logs "N admin changes saved"; fewer batches than writes means shared fsyncs.
    let batches = admin
        .server
        .logs()
        .iter()
        .filter(|l| l.contains("admin changes saved"))
        .count();
    assert!(
        batches < writes,
        "{batches} commits for {writes} concurrent writes"
    );
}

/// Polls the log until an event about `subject` is there; returns the whole log.
fn wait_for_event(admin: &Admin, subject: &str) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let events =
            admin.json(&admin.call("GET", "/admin/api/events", Auth::Token(&admin.token), None));
        let found = events["items"]
            .as_array()
            .is_some_and(|items| items.iter().any(|e| e["subject"] == subject));
        if found {
            return events;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no event about {subject}: {events}"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn huge_page_numbers_get_an_empty_page_or_a_400_never_a_panic() {
    let admin = Admin::start();
    admin.create("posts", "Only one", &[]);
    let list = |query: &str| {
        admin.call(
            "GET",
            &format!("/admin/api/posts{query}"),
            Auth::Token(&admin.token),
            None,
        )
    };
    for query in [
        "?page=18446744073709551615",
        "?page=18446744073709551615&per_page=18446744073709551615",
        "?page=9223372036854775807&per_page=100",
    ] {
        let r = list(query);
        assert_eq!(r.status, 200, "{query}: {}", r.text());
        assert_eq!(admin.json(&r)["items"], json!([]), "{query}");
    }
    for query in ["?page=18446744073709551616", "?page=-1", "?per_page=x"] {
        assert_eq!(list(query).status, 400, "{query}");
    }
    let events = |query: &str| {
        admin
            .call(
                "GET",
                &format!("/admin/api/events{query}"),
                Auth::Token(&admin.token),
                None,
            )
            .status
    };
    assert_eq!(events("?after=9223372036854775807&limit=4294967295"), 200);
    assert_eq!(events("?after=-9223372036854775808"), 200);
    assert_eq!(events("?limit=4294967296"), 400);
    // The server is still whole afterwards.
    assert_eq!(list("").status, 200);
}

#[test]
fn if_match_with_a_weak_etag_gets_412() {
    let admin = Admin::start();
    let (slug, etag) = admin.create("posts", "Strong only", &[]);
    let path = format!("/admin/api/posts/{slug}");
    let weak = format!("W/{etag}");
    let edit = json!({"title": "Changed", "body": "x"});
    let r = admin.call_with(
        "PUT",
        &path,
        Auth::Token(&admin.token),
        Some(&edit),
        &[("If-Match", weak.as_str())],
    );
    assert_eq!(r.status, 412, "{}", r.text());
    let r = admin.call_with(
        "DELETE",
        &path,
        Auth::Token(&admin.token),
        None,
        &[("If-Match", weak.as_str())],
    );
    assert_eq!(r.status, 412, "{}", r.text());
    // The strong tag still works.
    let r = admin.call_with(
        "PUT",
        &path,
        Auth::Token(&admin.token),
        Some(&edit),
        &[("If-Match", etag.as_str())],
    );
    assert_eq!(r.status, 200, "{}", r.text());
}
