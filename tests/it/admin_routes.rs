//! The admin API's route table: every route without auth, with a token, with a session, with
//! bad input and with a cookie from a foreign Origin (CSRF); and the OpenAPI document vs the
//! table.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;

use serde_json::{Value, json};

use crate::admin_api::{Admin, Auth, png};
use crate::support::Response;

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
            route: "/admin/api/comments",
            good: Box::new(|_| Call::new("GET", "/admin/api/comments?status=pending")),
            ok: 200,
            bad: Box::new(|_| Call::new("GET", "/admin/api/comments?status=lost")),
            bad_status: 422,
        },
        Scenario {
            method: "PUT",
            route: "/admin/api/comments/{id}",
            good: Box::new(|a| {
                let id = a.comment();
                Call::new("PUT", format!("/admin/api/comments/{id}"))
                    .body(json!({"status": "approved"}))
            }),
            ok: 200,
            bad: Box::new(|a| {
                let id = a.comment();
                Call::new("PUT", format!("/admin/api/comments/{id}"))
                    .body(json!({"status": "maybe"}))
            }),
            bad_status: 422,
        },
        Scenario {
            method: "DELETE",
            route: "/admin/api/comments/{id}",
            good: Box::new(|a| {
                let id = a.comment();
                Call::new("DELETE", format!("/admin/api/comments/{id}"))
            }),
            ok: 204,
            bad: Box::new(|_| Call::new("DELETE", "/admin/api/comments/999999")),
            bad_status: 404,
        },
        Scenario {
            method: "GET",
            route: "/admin/api/views",
            good: Box::new(|_| Call::new("GET", "/admin/api/views?days=7")),
            ok: 200,
            bad: Box::new(|_| Call::new("GET", "/admin/api/views?days=many")),
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
    let admin = Admin::start_for_comments();
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
