//! Logging in: cookie flags, logout, expiry, rate limits, no user enumeration, and accounts and
//! tokens changed from the command line while the server runs.

use std::time::Instant;

use serde_json::json;

use crate::admin_api::{Admin, Auth, PASSWORD};
use crate::support::{BASE_URL, TestSite};

fn login(admin: &Admin, user: &str, password: &str) -> crate::support::Response {
    admin.call(
        "POST",
        "/admin/api/session",
        Auth::None,
        Some(&json!({"username": user, "password": password})),
    )
}

#[test]
fn session_cookie_flags_and_logout() {
    let admin = Admin::start();
    let r = login(&admin, "alice", PASSWORD);
    assert_eq!(r.status, 200);
    let cookie = r.header("set-cookie").unwrap().to_owned();
    let value = cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned();
    assert_eq!(value.len(), 64, "256 random bits, hex");
    for flag in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/admin",
        "Secure",
        "Max-Age=2592000",
    ] {
        assert!(cookie.contains(flag), "{flag} missing in {cookie}");
    }
    let me = admin.call("GET", "/admin/api/session", Auth::Session(&value), None);
    assert_eq!(admin.json(&me)["username"], "alice");
    assert_eq!(admin.json(&me)["via"], "session");

    let out = admin.call("DELETE", "/admin/api/session", Auth::Session(&value), None);
    assert_eq!(out.status, 204);
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_eq!(
        admin
            .call("GET", "/admin/api/session", Auth::Session(&value), None)
            .status,
        401,
        "logged out server-side"
    );

    // Sessions live in SQLite, so they survive a restart.
    let value = admin.login();
    let Admin { site, server, .. } = admin;
    server.stop();
    let server = site.serve();
    let r = server.request(
        "GET",
        "/admin/api/session",
        &[("Cookie", &format!("quire_session={value}"))],
    );
    assert_eq!(r.status, 200);
}

#[test]
fn plain_http_sites_do_not_mark_the_cookie_secure() {
    let site = TestSite::empty();
    site.write("quire.toml", "base_url = \"http://blog.local\"\n");
    let admin = Admin::start_with(site);
    let cookie = login(&admin, "alice", PASSWORD)
        .header("set-cookie")
        .unwrap()
        .to_owned();
    assert!(!cookie.contains("Secure"), "{cookie}");
}

#[test]
fn failed_logins_are_rate_limited_per_account() {
    let admin = Admin::start();
    for _ in 0..5 {
        assert_eq!(login(&admin, "alice", "wrong password").status, 401);
    }
    let r = login(&admin, "alice", PASSWORD);
    assert_eq!(r.status, 429, "even the right password waits");
    let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!(wait > 0 && wait <= 900, "{wait}");
    assert_eq!(admin.json(&r)["error"]["code"], "rate_limited");
}

#[test]
fn failed_logins_are_rate_limited_per_address_and_forwarded_for_is_ignored_by_default() {
    let admin = Admin::start();
    for i in 0..20 {
        // Spoofed X-Forwarded-For headers must not spread the failures over fake addresses.
        let forwarded = format!("10.0.0.{i}");
        let r = admin.call_with(
            "POST",
            "/admin/api/session",
            Auth::None,
            Some(&json!({"username": format!("user{i}"), "password": "x"})),
            &[("X-Forwarded-For", &forwarded)],
        );
        assert_eq!(r.status, 401);
    }
    let r = login(&admin, "someone-else", "x");
    assert_eq!(r.status, 429);
}

#[test]
fn forwarded_for_is_trusted_from_configured_proxies() {
    let site = TestSite::empty();
    site.write(
        "quire.toml",
        &format!("base_url = \"{BASE_URL}\"\n[admin]\ntrusted_proxies = [\"127.0.0.1\"]\n"),
    );
    let admin = Admin::start_with(site);
    for i in 0..25 {
        let forwarded = format!("203.0.113.{i}");
        let r = admin.call_with(
            "POST",
            "/admin/api/session",
            Auth::None,
            Some(&json!({"username": format!("user{i}"), "password": "x"})),
            &[("X-Forwarded-For", &forwarded)],
        );
        assert_eq!(
            r.status, 401,
            "each client behind the proxy has its own budget"
        );
    }
}

#[test]
fn unknown_users_and_wrong_passwords_look_the_same() {
    let admin = Admin::start();
    let time = |user: &str| {
        let started = Instant::now();
        let r = login(&admin, user, "not the password");
        (started.elapsed(), r.status, r.body)
    };
    let (known_time, known_status, known_body) = time("alice");
    let (unknown_time, unknown_status, unknown_body) = time("mallory");
    assert_eq!((known_status, &known_body), (unknown_status, &unknown_body));
    // Both paths run one argon2id verification; an unknown user is not answered early.
    assert!(
        unknown_time * 3 > known_time,
        "unknown {unknown_time:?} vs known {known_time:?}"
    );
}

#[test]
fn users_and_tokens_changed_from_the_cli_apply_at_once() {
    let admin = Admin::start();
    let root = admin.site.root().to_str().unwrap().to_owned();
    // A new token works at once, and so does its revocation.
    let token = admin.site.add_token("deploy");
    assert_eq!(
        admin
            .call("GET", "/admin/api/session", Auth::Token(&token), None)
            .status,
        200
    );
    let list =
        String::from_utf8(admin.site.quire(&["token", "list", "--root", &root]).stdout).unwrap();
    assert!(
        list.contains("deploy") && !list.contains(&token),
        "the secret is never stored or shown again"
    );
    assert!(
        admin
            .site
            .quire(&["token", "revoke", "deploy", "--root", &root])
            .status
            .success()
    );
    assert_eq!(
        admin
            .call("GET", "/admin/api/session", Auth::Token(&token), None)
            .status,
        401
    );
    // An expired token is refused.
    let out = admin
        .site
        .quire(&["token", "create", "old", "--expires", "0", "--root", &root]);
    let expired = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_owned();
    assert_eq!(
        admin
            .call("GET", "/admin/api/session", Auth::Token(&expired), None)
            .status,
        401
    );
    // A new user can log in; a password change ends their sessions; removal ends access.
    admin.site.add_user("bob", "bobs password 1");
    let r = login(&admin, "bob", "bobs password 1");
    assert_eq!(r.status, 200);
    let cookie = r
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned();
    let out = admin.site.quire_with_input(
        &["user", "passwd", "bob", "--password-stdin", "--root", &root],
        "another password 2\n",
    );
    assert!(out.status.success());
    assert_eq!(
        admin
            .call("GET", "/admin/api/session", Auth::Session(&cookie), None)
            .status,
        401
    );
    assert!(
        admin
            .site
            .quire(&["user", "remove", "bob", "--root", &root])
            .status
            .success()
    );
    assert_eq!(login(&admin, "bob", "another password 2").status, 401);
    let users =
        String::from_utf8(admin.site.quire(&["user", "list", "--root", &root]).stdout).unwrap();
    assert!(users.contains("alice") && !users.contains("bob"));
    // Short passwords are refused.
    let out = admin.site.quire_with_input(
        &["user", "add", "carol", "--password-stdin", "--root", &root],
        "short\n",
    );
    assert!(!out.status.success());
}

#[test]
fn serve_without_users_says_how_to_create_one() {
    let site = TestSite::empty();
    let server = site.serve();
    assert!(
        server
            .logs()
            .iter()
            .any(|l| l.contains("no admin users yet; create one with: quire user add NAME"))
    );
    let r = server.request("GET", "/admin/api/posts", &[]);
    assert_eq!(r.status, 401, "no default account, no open door");
}
