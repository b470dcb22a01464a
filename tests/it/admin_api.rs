//! The admin API's test harness: a running site with an account and a token, and a client
//! that calls it as a script (token), a browser (session) or another site (CSRF).

use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use crate::support::{BASE_URL, Response, Server, TestSite};

pub const PASSWORD: &str = "correct horse battery";

/// A running site with an account and a token.
pub struct Admin {
    pub site: TestSite,
    pub server: Server,
    pub token: String,
    pub counter: AtomicUsize,
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

    /// `start`, with comments that can be sent at once, from any address a test names.
    pub fn start_for_comments() -> Admin {
        let site = TestSite::empty();
        let config = std::fs::read_to_string(site.path("quire.toml")).unwrap();
        site.write(
            "quire.toml",
            &format!(
                "{config}[comments]\nmin_seconds = 0\n[admin]\ntrusted_proxies = [\"127.0.0.1\"]\n"
            ),
        );
        Admin::start_with(site)
    }

    /// A new pending comment on the post `/posts/talk/` (made on first use); returns its id.
    pub fn comment(&self) -> u64 {
        if self.server.get("/posts/talk/").status != 200 {
            let r = self.call(
                "POST",
                "/admin/api/posts",
                Auth::Token(&self.token),
                Some(&json!({"title": "Talk", "slug": "talk", "body": "Say something."})),
            );
            assert_eq!(r.status, 201, "{}", r.text());
        }
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let token = self.server.get("/comments/token?post=/posts/talk/");
        let token = self.json(&token)["token"].as_str().unwrap().to_owned();
        let address = format!("10.9.{}.{}", n / 250, n % 250 + 1);
        let r = self.server.send(
            "POST",
            "/comments",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Accept", "application/json"),
                ("X-Forwarded-For", &address),
            ],
            format!("post=%2Fposts%2Ftalk%2F&body=hello+{n}&token={token}").as_bytes(),
        );
        assert_eq!(r.status, 201, "{}", r.text());
        self.json(&r)["id"].as_u64().unwrap()
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
