//! The admin API, route by route: without auth, with a token, with a session, with bad input,
//! and with a cookie from a foreign Origin (CSRF). Plus the OpenAPI document vs the route table.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use crate::support::{BASE_URL, Response, Server, TestSite};

pub const PASSWORD: &str = "correct horse battery";

/// A running site with an account and a token.
pub struct Admin {
    pub site: TestSite,
    pub server: Server,
    pub token: String,
    counter: AtomicUsize,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Auth<'a> {
    None,
    Token(&'a str),
    /// A session cookie, sent from the site's own origin.
    Session(&'a str),
    /// A session cookie, sent from another site's page.
    Foreign(&'a str),
}

impl Admin {
    pub fn start() -> Admin {
        Admin::start_with(TestSite::empty())
    }

    pub fn start_with(site: TestSite) -> Admin {
        site.add_user("alice", PASSWORD);
        let token = site.add_token("ci");
        let server = site.serve();
        Admin {
            site,
            server,
            token,
            counter: AtomicUsize::new(0),
        }
    }

    pub fn unique(&self, prefix: &str) -> String {
        format!("{prefix}-{}", self.counter.fetch_add(1, Ordering::Relaxed))
    }

    /// Logs in and returns the session cookie's value.
    pub fn login(&self) -> String {
        let r = self.call(
            "POST",
            "/admin/api/session",
            Auth::None,
            Some(&json!({"username": "alice", "password": PASSWORD})),
        );
        assert_eq!(r.status, 200, "login: {}", r.text());
        let cookie = r.header("set-cookie").unwrap();
        cookie
            .split(';')
            .next()
            .unwrap()
            .split_once('=')
            .unwrap()
            .1
            .to_owned()
    }

    pub fn call(&self, method: &str, path: &str, auth: Auth<'_>, body: Option<&Value>) -> Response {
        self.call_with(method, path, auth, body, &[])
    }

    pub fn call_with(
        &self,
        method: &str,
        path: &str,
        auth: Auth<'_>,
        body: Option<&Value>,
        extra: &[(&str, &str)],
    ) -> Response {
        let bearer;
        let cookie;
        let mut headers: Vec<(&str, &str)> = extra.to_vec();
        match auth {
            Auth::None => {}
            Auth::Token(t) => {
                bearer = format!("Bearer {t}");
                headers.push(("Authorization", &bearer));
            }
            Auth::Session(c) => {
                cookie = format!("quire_session={c}");
                headers.push(("Cookie", &cookie));
                headers.push(("Origin", BASE_URL));
            }
            Auth::Foreign(c) => {
                cookie = format!("quire_session={c}");
                headers.push(("Cookie", &cookie));
                headers.push(("Origin", "https://evil.example"));
            }
        }
        let body = body
            .map(|b| serde_json::to_vec(b).unwrap())
            .unwrap_or_default();
        if !body.is_empty() {
            headers.push(("Content-Type", "application/json"));
        }
        self.server.send(method, path, &headers, &body)
    }

    pub fn json(&self, r: &Response) -> Value {
        serde_json::from_slice(&r.body)
            .unwrap_or_else(|_| panic!("not JSON ({}): {}", r.status, r.text()))
    }

    /// Creates an entry through the API with the token; returns (slug, etag).
    pub fn create(&self, kind: &str, title: &str, tags: &[&str]) -> (String, String) {
        let r = self.call(
            "POST",
            &format!("/admin/api/{kind}"),
            Auth::Token(&self.token),
            Some(&json!({"title": title, "body": format!("Text of {title}."), "tags": tags})),
        );
        assert_eq!(r.status, 201, "create: {}", r.text());
        let v = self.json(&r);
        (
            v["slug"].as_str().unwrap().to_owned(),
            v["etag"].as_str().unwrap().to_owned(),
        )
    }

    /// Uploads bytes as multipart field `file`.
    pub fn upload(&self, auth: Auth<'_>, name: &str, bytes: &[u8]) -> Response {
        let boundary = "quire-test-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={boundary}");
        let bearer;
        let cookie;
        let mut headers = vec![("Content-Type", content_type.as_str())];
        match auth {
            Auth::Token(t) => {
                bearer = format!("Bearer {t}");
                headers.push(("Authorization", &bearer));
            }
            Auth::Session(c) | Auth::Foreign(c) => {
                cookie = format!("quire_session={c}");
                headers.push(("Cookie", &cookie));
                headers.push((
                    "Origin",
                    if matches!(auth, Auth::Session(_)) {
                        BASE_URL
                    } else {
                        "https://evil.example"
                    },
                ));
            }
            Auth::None => {}
        }
        self.server
            .send("POST", "/admin/api/media", &headers, &body)
    }
}

/// A minimal valid PNG: signature plus an IHDR chunk; `seed` makes distinct files.
pub fn png(seed: u8) -> Vec<u8> {
    let mut bytes = vec![
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
    ];
    bytes.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, seed, 0, 0, 0]);
    bytes
}

/// One request a scenario makes, prepared fresh for each kind of caller.
struct Call {
    method: &'static str,
    path: String,
    body: Option<Value>,
    headers: Vec<(String, String)>,
    upload: Option<Vec<u8>>,
}

impl Call {
    fn new(method: &'static str, path: impl Into<String>) -> Call {
        Call {
            method,
            path: path.into(),
            body: None,
            headers: Vec::new(),
            upload: None,
        }
    }
    fn body(mut self, body: Value) -> Call {
        self.body = Some(body);
        self
    }
    fn header(mut self, name: &str, value: &str) -> Call {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
    fn upload(mut self, bytes: Vec<u8>) -> Call {
        self.upload = Some(bytes);
        self
    }
}

fn run(admin: &Admin, call: &Call, auth: Auth<'_>) -> Response {
    if let Some(bytes) = &call.upload {
        return admin.upload(auth, "file.bin", bytes);
    }
    let headers: Vec<(&str, &str)> = call
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    admin.call_with(call.method, &call.path, auth, call.body.as_ref(), &headers)
}

/// A route: its OpenAPI form, how to make a good call and a bad one, and the statuses they get.
struct Scenario {
    method: &'static str,
    route: &'static str,
    good: Box<dyn Fn(&Admin) -> Call>,
    ok: u16,
    bad: Box<dyn Fn(&Admin) -> Call>,
    bad_status: u16,
}

fn entry_scenarios(kind: &'static str) -> Vec<Scenario> {
    let collection: &'static str = if kind == "posts" {
        "/admin/api/posts"
    } else {
        "/admin/api/pages"
    };
    let item: &'static str = if kind == "posts" {
        "/admin/api/posts/{slug}"
    } else {
        "/admin/api/pages/{slug}"
    };
    let revisions: &'static str = if kind == "posts" {
        "/admin/api/posts/{slug}/revisions"
    } else {
        "/admin/api/pages/{slug}/revisions"
    };
    let restore: &'static str = if kind == "posts" {
        "/admin/api/posts/{slug}/revisions/{seq}/restore"
    } else {
        "/admin/api/pages/{slug}/revisions/{seq}/restore"
    };
    vec![
        Scenario {
            method: "GET",
            route: collection,
            good: Box::new(move |_| {
                Call::new("GET", format!("{collection}?status=published&per_page=5"))
            }),
            ok: 200,
            bad: Box::new(move |_| Call::new("GET", format!("{collection}?per_page=many"))),
            bad_status: 400,
        },
        Scenario {
            method: "POST",
            route: collection,
            good: Box::new(move |a| {
                Call::new("POST", collection)
                    .body(json!({"title": a.unique("Created"), "body": "Hi"}))
            }),
            ok: 201,
            bad: Box::new(move |_| Call::new("POST", collection).body(json!({"body": "no title"}))),
            bad_status: 422,
        },
        Scenario {
            method: "GET",
            route: item,
            good: Box::new(move |a| {
                Call::new(
                    "GET",
                    format!("{collection}/{}", a.create(kind, &a.unique("Get"), &[]).0),
                )
            }),
            ok: 200,
            bad: Box::new(move |_| Call::new("GET", format!("{collection}/no-such-entry"))),
            bad_status: 404,
        },
        Scenario {
            method: "PUT",
            route: item,
            good: Box::new(move |a| {
                let (slug, etag) = a.create(kind, &a.unique("Put"), &[]);
                Call::new("PUT", format!("{collection}/{slug}"))
                    .header("If-Match", &etag)
                    .body(json!({"title": "Replaced", "body": "New"}))
            }),
            ok: 200,
            bad: Box::new(move |a| {
                let (slug, _) = a.create(kind, &a.unique("Put"), &[]);
                Call::new("PUT", format!("{collection}/{slug}"))
                    .body(json!({"title": "No If-Match", "body": "x"}))
            }),
            bad_status: 428,
        },
        Scenario {
            method: "DELETE",
            route: item,
            good: Box::new(move |a| {
                Call::new(
                    "DELETE",
                    format!(
                        "{collection}/{}",
                        a.create(kind, &a.unique("Delete"), &[]).0
                    ),
                )
            }),
            ok: 204,
            bad: Box::new(move |_| Call::new("DELETE", format!("{collection}/no-such-entry"))),
            bad_status: 404,
        },
        Scenario {
            method: "GET",
            route: revisions,
            good: Box::new(move |a| {
                Call::new(
                    "GET",
                    format!(
                        "{collection}/{}/revisions",
                        a.create(kind, &a.unique("Rev"), &[]).0
                    ),
                )
            }),
            ok: 200,
            bad: Box::new(move |_| {
                Call::new("GET", format!("{collection}/no-such-entry/revisions"))
            }),
            bad_status: 404,
        },
        Scenario {
            method: "POST",
            route: restore,
            good: Box::new(move |a| {
                let (slug, _) = a.create(kind, &a.unique("Restore"), &[]);
                let r = a.call(
                    "GET",
                    &format!("{collection}/{slug}/revisions"),
                    Auth::Token(&a.token),
                    None,
                );
                let seq = a.json(&r)[0]["seq"].as_i64().unwrap();
                Call::new(
                    "POST",
                    format!("{collection}/{slug}/revisions/{seq}/restore"),
                )
            }),
            ok: 200,
            bad: Box::new(move |a| {
                let (slug, _) = a.create(kind, &a.unique("Restore"), &[]);
                Call::new(
                    "POST",
                    format!("{collection}/{slug}/revisions/999999/restore"),
                )
            }),
            bad_status: 404,
        },
    ]
}

fn scenarios() -> Vec<Scenario> {
    let mut all = vec![
        Scenario {
            method: "GET",
            route: "/admin/api/session",
            good: Box::new(|_| Call::new("GET", "/admin/api/session")),
            ok: 200,
            bad: Box::new(|_| {
                Call::new("GET", "/admin/api/session").header("Authorization", "Bearer qt_wrong")
            }),
            bad_status: 401,
        },
        Scenario {
            method: "DELETE",
            route: "/admin/api/session",
            good: Box::new(|_| Call::new("DELETE", "/admin/api/session")),
            ok: 204,
            bad: Box::new(|_| {
                Call::new("DELETE", "/admin/api/session").header("Authorization", "Bearer ")
            }),
            bad_status: 401,
        },
        Scenario {
            method: "POST",
            route: "/admin/api/preview",
            good: Box::new(|_| {
                Call::new("POST", "/admin/api/preview").body(json!({"body": "# Hi\n\n*there*"}))
            }),
            ok: 200,
            bad: Box::new(|_| {
                Call::new("POST", "/admin/api/preview").body(json!({"title": "no body"}))
            }),
            bad_status: 400,
        },
        Scenario {
            method: "GET",
            route: "/admin/api/media",
            good: Box::new(|_| Call::new("GET", "/admin/api/media")),
            ok: 200,
            bad: Box::new(|_| {
                Call::new("GET", "/admin/api/media").header("Authorization", "Bearer qt_revoked")
            }),
            bad_status: 401,
        },
        Scenario {
            method: "POST",
            route: "/admin/api/media",
            good: Box::new(|a| {
                Call::new("POST", "/admin/api/media")
                    .upload(png(a.counter.fetch_add(1, Ordering::Relaxed) as u8))
            }),
            ok: 201,
            bad: Box::new(|_| {
                Call::new("POST", "/admin/api/media")
                    .upload(b"<html><script>alert(1)</script></html>".to_vec())
            }),
            bad_status: 415,
        },
        Scenario {
            method: "DELETE",
            route: "/admin/api/media/{hash}",
            good: Box::new(|a| {
                let r = a.upload(
                    Auth::Token(&a.token),
                    "x.png",
                    &png(200 + (a.counter.fetch_add(1, Ordering::Relaxed) % 50) as u8),
                );
                let hash = a.json(&r)["hash"].as_str().unwrap().to_owned();
                Call::new("DELETE", format!("/admin/api/media/{hash}"))
            }),
            ok: 204,
            bad: Box::new(|_| Call::new("DELETE", "/admin/api/media/0123456789abcdef")),
            bad_status: 404,
        },
        Scenario {
            method: "GET",
            route: "/admin/api/settings",
            good: Box::new(|_| Call::new("GET", "/admin/api/settings")),
            ok: 200,
            bad: Box::new(|_| {
                Call::new("GET", "/admin/api/settings")
                    .header("Authorization", "Basic YWxpY2U6eA==")
            }),
            bad_status: 401,
        },
        Scenario {
            method: "PUT",
            route: "/admin/api/settings",
            good: Box::new(|_| {
                Call::new("PUT", "/admin/api/settings").body(json!({"description": "Changed"}))
            }),
            ok: 200,
            bad: Box::new(|_| {
                Call::new("PUT", "/admin/api/settings").body(json!({"posts_per_page": 0}))
            }),
            bad_status: 422,
        },
        Scenario {
            method: "GET",
            route: "/admin/api/events",
            good: Box::new(|_| Call::new("GET", "/admin/api/events?after=0&limit=10")),
            ok: 200,
            bad: Box::new(|_| Call::new("GET", "/admin/api/events?after=yesterday")),
            bad_status: 400,
        },
        Scenario {
            method: "GET",
            route: "/admin/api/openapi.json",
            good: Box::new(|_| Call::new("GET", "/admin/api/openapi.json")),
            ok: 200,
            bad: Box::new(|_| {
                Call::new("GET", "/admin/api/openapi.json").header("Authorization", "Bearer")
            }),
            bad_status: 401,
        },
    ];
    all.extend(entry_scenarios("posts"));
    all.extend(entry_scenarios("pages"));
    all
}

#[test]
fn every_route_with_every_kind_of_caller() {
    let admin = Admin::start();
    for s in scenarios() {
        let what = format!("{} {}", s.method, s.route);
        // No credentials: 401 on every route.
        let r = run(&admin, &(s.good)(&admin), Auth::None);
        assert_eq!(r.status, 401, "{what} without auth: {}", r.text());
        assert_eq!(admin.json(&r)["error"]["code"], "unauthorized", "{what}");
        // A token.
        let r = run(&admin, &(s.good)(&admin), Auth::Token(&admin.token));
        assert_eq!(r.status, s.ok, "{what} with a token: {}", r.text());
        // A session from the site's own pages.
        let cookie = admin.login();
        let r = run(&admin, &(s.good)(&admin), Auth::Session(&cookie));
        assert_eq!(r.status, s.ok, "{what} with a session: {}", r.text());
        // Bad input.
        let r = run(&admin, &(s.bad)(&admin), Auth::Token(&admin.token));
        assert_eq!(
            r.status,
            s.bad_status,
            "{what} with bad input: {}",
            r.text()
        );
        assert!(
            admin.json(&r)["error"]["code"].is_string(),
            "{what}: errors are JSON"
        );
        // The session cookie sent from a foreign page: refused for changes, allowed for reads.
        let cookie = admin.login();
        let r = run(&admin, &(s.good)(&admin), Auth::Foreign(&cookie));
        if s.method == "GET" {
            assert_eq!(r.status, s.ok, "{what}: a read is not a CSRF risk");
        } else {
            assert_eq!(r.status, 403, "{what} with a foreign Origin: {}", r.text());
            assert_eq!(admin.json(&r)["error"]["code"], "csrf");
        }
    }
}

#[test]
fn openapi_document_matches_the_route_table_and_nothing_is_open() {
    let admin = Admin::start();
    let r = admin.call(
        "GET",
        "/admin/api/openapi.json",
        Auth::Token(&admin.token),
        None,
    );
    assert_eq!(r.status, 200);
    let doc = admin.json(&r);
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "OpenAPI 3.1"
    );
    assert!(
        doc["components"]["schemas"]["EntryInput"].is_object(),
        "schemas come from the handlers' types"
    );
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let mut tested: BTreeSet<(String, String)> = scenarios()
        .iter()
        .map(|s| (s.method.to_owned(), s.route.to_owned()))
        .collect();
    tested.insert(("POST".to_owned(), "/admin/api/session".to_owned()));
    assert_eq!(
        documented, tested,
        "every documented route has a scenario, and every scenario is documented"
    );

    // Routes that do not exist are not a way around authentication either.
    assert_eq!(
        admin
            .call("GET", "/admin/api/nope", Auth::None, None)
            .status,
        401
    );
    let r = admin.call("GET", "/admin/api/nope", Auth::Token(&admin.token), None);
    assert_eq!(
        (r.status, admin.json(&r)["error"]["code"].as_str()),
        (404, Some("not_found"))
    );

    // Every documented route answers 401 without credentials, except logging in.
    for (method, path) in &documented {
        let concrete = path
            .replace("{slug}", "some-slug")
            .replace("{seq}", "1")
            .replace("{hash}", "abc");
        let r = admin.call(method, &concrete, Auth::None, Some(&json!({})));
        if (method.as_str(), path.as_str()) == ("POST", "/admin/api/session") {
            assert_ne!(r.status, 401, "login must be reachable");
            continue;
        }
        assert_eq!(r.status, 401, "{method} {path} without credentials");
    }
}

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
fn media_is_content_addressed_checked_by_content_and_limited_in_size() {
    let site = TestSite::empty();
    site.write(
        "quire.toml",
        &format!("base_url = \"{BASE_URL}\"\n[admin]\nmax_upload_mb = 1\n"),
    );
    let admin = Admin::start_with(site);
    let image = png(7);
    let r = admin.upload(Auth::Token(&admin.token), "photo.png", &image);
    assert_eq!(r.status, 201, "{}", r.text());
    let v = admin.json(&r);
    let url = v["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("/media/") && url.ends_with(".png"), "{url}");
    let served = admin.server.get(&url);
    assert_eq!(served.body, image);
    assert_eq!(served.header("content-type"), Some("image/png"));
    assert_eq!(
        served.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(
        admin
            .upload(Auth::Token(&admin.token), "again.png", &image)
            .status,
        200,
        "same bytes, same file"
    );
    // Named like an image, but HTML inside: refused by content.
    let r = admin.upload(
        Auth::Token(&admin.token),
        "evil.png",
        b"<html><script>alert(1)</script></html>",
    );
    assert_eq!(r.status, 415);
    // Over the configured limit.
    let mut big = png(8);
    big.resize(1024 * 1024 + 10, 0);
    assert_eq!(
        admin
            .upload(Auth::Token(&admin.token), "big.png", &big)
            .status,
        413
    );
    let list = admin.json(&admin.call("GET", "/admin/api/media", Auth::Token(&admin.token), None));
    assert_eq!(list.as_array().unwrap().len(), 1);
    let hash = v["hash"].as_str().unwrap();
    assert_eq!(
        admin
            .call(
                "DELETE",
                &format!("/admin/api/media/{hash}"),
                Auth::Token(&admin.token),
                None
            )
            .status,
        204
    );
    assert_eq!(admin.server.get(&url).status, 404);
}

#[test]
fn settings_re_render_the_site_and_preview_saves_nothing() {
    let admin = Admin::start();
    admin.create("posts", "Some post", &[]);
    let r = admin.call(
        "PUT",
        "/admin/api/settings",
        Auth::Token(&admin.token),
        Some(&json!({"title": "Renamed by API"})),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(admin.json(&r)["title"], "Renamed by API");
    assert!(
        admin
            .server
            .get("/")
            .text()
            .contains("<title>Renamed by API</title>")
    );
    assert!(
        admin
            .server
            .get("/posts/some-post/")
            .text()
            .contains("Renamed by API")
    );

    let before = admin.json(&admin.call(
        "GET",
        "/admin/api/events",
        Auth::Token(&admin.token),
        None,
    ))["items"]
        .as_array()
        .unwrap()
        .len();
    let r = admin.call(
        "POST",
        "/admin/api/preview",
        Auth::Token(&admin.token),
        Some(&json!({"title": "Draft", "body": "## Head\n\n```rust\nfn x() {}\n```"})),
    );
    assert_eq!(r.status, 200);
    let v = admin.json(&r);
    assert!(v["html"].as_str().unwrap().contains("<h2 id=\"head\">"));
    assert!(
        v["html"].as_str().unwrap().contains("class=\"hl-"),
        "highlighted as the site would"
    );
    assert!(
        v["page"]
            .as_str()
            .unwrap()
            .contains("<link rel=\"stylesheet\" href=\"/style.css\">")
    );
    let after = admin.json(&admin.call(
        "GET",
        "/admin/api/events",
        Auth::Token(&admin.token),
        None,
    ))["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after, "preview writes nothing");
}

#[test]
fn a_site_without_a_content_folder_runs_on_the_log_alone() {
    let site = TestSite::empty();
    std::fs::remove_dir_all(site.path("content")).unwrap();
    let admin = Admin::start_with(site);
    let (slug, _) = admin.create("posts", "Log only", &[]);
    assert!(
        admin
            .server
            .get(&format!("/posts/{slug}/"))
            .text()
            .contains("Log only")
    );
    assert!(!admin.site.path("content").exists(), "no folder is created");
    admin.server.stop();
    let server = admin.site.serve();
    assert!(
        server
            .get(&format!("/posts/{slug}/"))
            .text()
            .contains("Log only"),
        "kept across a restart"
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
