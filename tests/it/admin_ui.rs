//! The admin web UI over plain HTTP, as a browser without JavaScript uses it: forms, redirects,
//! cookies. Security: no page without a session, no form without its token or from another
//! site, the CSP on every admin response, visitor-supplied strings shown as text.

use crate::admin_api::PASSWORD;
use crate::support::{Response, Server, TestSite};

const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

fn encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let v: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    b' ' => "+".to_owned(),
                    b => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A browser without JavaScript: one session cookie, this site's Origin on every post.
pub struct Browser<'a> {
    pub server: &'a Server,
    pub cookie: String,
    pub origin: String,
}

impl<'a> Browser<'a> {
    pub fn new(server: &'a Server) -> Browser<'a> {
        Browser {
            server,
            cookie: String::new(),
            origin: format!("http://{}", server.addr),
        }
    }

    pub fn get(&self, path: &str) -> Response {
        self.server
            .request("GET", path, &[("Cookie", &self.cookie)])
    }

    pub fn post(&mut self, path: &str, pairs: &[(&str, &str)]) -> Response {
        let body = encode(pairs);
        let r = self.server.send(
            "POST",
            path,
            &[FORM, ("Cookie", &self.cookie), ("Origin", &self.origin)],
            body.as_bytes(),
        );
        if let Some(set) = r.header("set-cookie") {
            self.cookie = set.split(';').next().unwrap_or_default().to_owned();
        }
        r
    }

    pub fn login(&mut self) {
        let r = self.post(
            "/admin/login",
            &[
                ("username", "alice"),
                ("password", PASSWORD),
                ("next", "/admin/posts"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.text());
        assert_eq!(r.header("location"), Some("/admin/posts"));
    }

    /// The form token of the page at `path`.
    pub fn token(&self, path: &str) -> String {
        let html = self.get(path).text();
        let at = html.find("name=\"csrf\" value=\"").expect("a form token") + 19;
        html[at..at + 64].to_owned()
    }
}

pub fn site() -> (TestSite, Server) {
    let site = TestSite::empty();
    site.add_user("alice", PASSWORD);
    let server = site.serve();
    (site, server)
}

#[test]
fn serve_logs_the_admin_url() {
    let (_site, server) = site();
    server.wait_for_log("admin at http://", std::time::Duration::from_secs(5));
}

#[test]
fn a_post_is_written_published_and_restored_without_javascript() {
    let (site, server) = site();
    let mut browser = Browser::new(&server);
    // A wrong password first: the same answer as the API, and no session.
    let wrong = browser.post(
        "/admin/login",
        &[("username", "alice"), ("password", "nope nope nope")],
    );
    assert_eq!(wrong.status, 401);
    assert!(wrong.text().contains("Wrong user name or password."));
    assert!(browser.cookie.is_empty());
    browser.login();

    let token = browser.token("/admin/posts/new");
    let draft = browser.post(
        "/admin/posts/new",
        &[
            ("csrf", &token),
            ("title", "Written in the admin"),
            ("body", "First *words*."),
            ("tags", "admin, forms"),
            ("draft", "on"),
            ("action", "save"),
        ],
    );
    assert_eq!(draft.status, 303, "{}", draft.text());
    let editor_url = draft.header("location").unwrap().to_owned();
    assert_eq!(editor_url, "/admin/posts/written-in-the-admin?done=created");
    let editor = browser.get(&editor_url).text();
    assert!(editor.contains("Created.") && editor.contains("Draft: not on the site"));
    assert_eq!(
        server.get("/posts/written-in-the-admin/").status,
        404,
        "a draft is not public"
    );

    // Preview renders with the site's pipeline and saves nothing.
    let etag_at = editor.find("name=\"etag\" value=\"").unwrap() + 19;
    let etag = editor[etag_at..]
        .split('"')
        .next()
        .unwrap()
        .replace("&quot;", "\"");
    let preview = browser.post(
        "/admin/posts/written-in-the-admin",
        &[
            ("csrf", &token),
            ("etag", &etag),
            ("title", "Written in the admin"),
            ("body", "## Preview me"),
            ("action", "preview"),
        ],
    );
    assert_eq!(preview.status, 200);
    assert!(
        preview.text().contains("<h2 id=\"preview-me\">"),
        "{}",
        preview.text()
    );

    // Publish: the same form without the draft box.
    let published = browser.post(
        "/admin/posts/written-in-the-admin",
        &[
            ("csrf", &token),
            ("etag", &etag),
            ("title", "Written in the admin"),
            ("body", "Second words."),
            ("tags", "admin"),
            ("action", "save"),
        ],
    );
    assert_eq!(published.status, 303, "{}", published.text());
    let page = server.get("/posts/written-in-the-admin/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Second words."));
    assert!(
        server
            .get("/atom.xml")
            .text()
            .contains("Written in the admin")
    );
    assert!(
        site.path("content/posts/written-in-the-admin.md").exists(),
        "written back to its file"
    );

    // Saving with the first ETag again is a conflict, shown to a person, and nothing is lost.
    let stale = browser.post(
        "/admin/posts/written-in-the-admin",
        &[
            ("csrf", &token),
            ("etag", &etag),
            ("title", "Written in the admin"),
            ("body", "Stale words."),
            ("action", "save"),
        ],
    );
    assert_eq!(stale.status, 412);
    assert!(
        stale.text().contains("changed since you opened it")
            && stale.text().contains("Stale words.")
    );
    let conflict = stale.text();
    assert!(
        conflict.contains("What changed meanwhile"),
        "the other version is shown"
    );
    assert!(
        conflict.contains("<del>Stale</del>") && conflict.contains("<ins>Second</ins>"),
        "{conflict}"
    );
    assert!(
        server
            .get("/posts/written-in-the-admin/")
            .text()
            .contains("Second words.")
    );

    // History lists both versions; restoring the first brings its text back as a new revision.
    let history = browser
        .get("/admin/posts/written-in-the-admin/history")
        .text();
    // The oldest version: the smallest revision number (saves of one session share a row).
    let restore_path = history
        .match_indices("action=\"/admin/posts/written-in-the-admin/restore/")
        .map(|(i, _)| history[i + 8..].split('"').next().unwrap().to_owned())
        .min_by_key(|path| path.rsplit('/').next().unwrap().parse::<i64>().unwrap())
        .expect("a restore form");
    // Any revision compares with the current one, word by word.
    let compare = browser
        .get(&restore_path.replace("/restore/", "/diff/"))
        .text();
    assert!(
        compare.contains("<del>First</del>") || compare.contains("<del>First "),
        "{compare}"
    );
    assert!(compare.contains("<ins>"), "{compare}");
    let restored = browser.post(&restore_path, &[("csrf", &token)]);
    assert_eq!(restored.status, 303, "{}", restored.text());
    let editor = browser.get(restored.header("location").unwrap()).text();
    assert!(editor.contains("Restored as a new revision."));
    assert!(editor.contains("First *words*."), "{editor}");

    // Log out: the session is gone.
    let out = browser.post("/admin/logout", &[("csrf", &token)]);
    assert_eq!(out.status, 303);
    assert_eq!(browser.get("/admin/").status, 303);
}

#[test]
fn no_admin_page_without_a_session_and_no_form_without_its_token() {
    let (_site, server) = site();
    for path in [
        "/admin/",
        "/admin/posts",
        "/admin/pages",
        "/admin/posts/new",
        "/admin/media",
        "/admin/settings",
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 303, "{path}");
        assert!(
            r.header("location")
                .unwrap()
                .starts_with("/admin/login?next="),
            "{path}"
        );
    }
    let origin = format!("http://{}", server.addr);
    for path in [
        "/admin/posts/new",
        "/admin/settings",
        "/admin/logout",
        "/admin/posts/x/restore/1",
    ] {
        let r = server.send(
            "POST",
            path,
            &[FORM, ("Origin", &origin)],
            b"title=x&csrf=x&action=save",
        );
        assert_eq!(r.status, 401, "{path}: {}", r.text());
    }
    let mut browser = Browser::new(&server);
    browser.login();
    let token = browser.token("/admin/posts/new");
    // The right session, but no token, a wrong token, or another site's page: refused.
    for (fields, origin) in [
        (
            vec![("title", "x"), ("action", "save")],
            browser.origin.clone(),
        ),
        (
            vec![("csrf", "0000"), ("title", "x"), ("action", "save")],
            browser.origin.clone(),
        ),
        (
            vec![("csrf", token.as_str()), ("title", "x"), ("action", "save")],
            "https://evil.example".to_owned(),
        ),
    ] {
        let body = encode(&fields);
        let r = server.send(
            "POST",
            "/admin/posts/new",
            &[FORM, ("Cookie", &browser.cookie), ("Origin", &origin)],
            body.as_bytes(),
        );
        assert_eq!(r.status, 403, "{fields:?} from {origin}");
    }
    assert_eq!(server.get("/posts/x/").status, 404, "nothing was created");
    // An old browser that sends no Origin still gets in with the token.
    let body = encode(&[("csrf", &token), ("title", "No origin"), ("action", "save")]);
    let r = server.send(
        "POST",
        "/admin/posts/new",
        &[FORM, ("Cookie", &browser.cookie)],
        body.as_bytes(),
    );
    assert_eq!(r.status, 303, "{}", r.text());
}

#[test]
fn every_admin_response_carries_the_security_headers() {
    let (_site, server) = site();
    let mut browser = Browser::new(&server);
    browser.login();
    for path in [
        "/admin/login",
        "/admin/",
        "/admin/posts",
        "/admin/posts/new",
        "/admin/media",
        "/admin/settings",
        "/admin/static/admin.css",
        "/admin/nope",
        "/admin/api/session",
    ] {
        let r = browser.get(path);
        let csp = r
            .header("content-security-policy")
            .unwrap_or_else(|| panic!("{path} has no CSP"));
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(r.header("referrer-policy"), Some("same-origin"), "{path}");
        assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
    }
    let html = browser.get("/admin/").text();
    assert!(
        !html.contains("<script>") && !html.contains("style=\""),
        "no inline script or style"
    );
}

#[test]
fn login_returns_only_to_a_local_path() {
    let (_site, server) = site();
    let mut browser = Browser::new(&server);
    let r = browser.post(
        "/admin/login",
        &[
            ("username", "alice"),
            ("password", PASSWORD),
            ("next", "https://evil.example/"),
        ],
    );
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/admin/"));
}

#[test]
fn hostile_strings_are_shown_as_text_everywhere_in_the_admin() {
    let (site, server) = site();
    site.write(
        "content/posts/hostile.md",
        "+++\ntitle = \"<script>alert('title')</script>\"\ntags = [\"<img src=x onerror=alert(1)>\"]\ndescription = \"\\\"><svg onload=alert(2)>\"\n+++\nx\n",
    );
    server.wait_for("/posts/hostile/", |r| r.status == 200);
    let mut browser = Browser::new(&server);
    browser.login();
    for path in [
        "/admin/",
        "/admin/posts",
        "/admin/posts/hostile",
        "/admin/posts?tag=%3Cimg",
    ] {
        let html = browser.get(path).text();
        assert!(!html.contains("<script>alert"), "{path}");
        assert!(!html.contains("<img src=x"), "{path}");
        assert!(!html.contains("<svg onload"), "{path}");
    }
    assert!(
        browser
            .get("/admin/posts")
            .text()
            .contains("&lt;script&gt;alert")
    );
}
