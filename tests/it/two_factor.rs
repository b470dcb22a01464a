//! Two-factor login (TOTP, RFC 6238) and the regression test for its bypasses: once a user has
//! enrolled, no route and no kind of session works with the password alone.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use crate::admin_api::PASSWORD;
use crate::admin_ui::{Browser, site};

/// What an authenticator app shows for `key` (base32) now, or `steps` later.
fn code(key: &str, steps: i64) -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut secret, mut buffer, mut bits) = (Vec::new(), 0u32, 0);
    for c in key.bytes() {
        buffer = (buffer << 5) | alphabet.iter().position(|a| *a == c).unwrap() as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            secret.push((buffer >> bits) as u8);
        }
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(&secret).unwrap();
    mac.update(&(now / 30 + steps).to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = (hash[19] & 0x0f) as usize;
    let word = u32::from_be_bytes(hash[offset..offset + 4].try_into().unwrap()) & 0x7fff_ffff;
    format!("{:06}", word % 1_000_000)
}

fn value_after<'a>(html: &'a str, marker: &str) -> &'a str {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in {html}"))
        + marker.len();
    html[at..].split('"').next().unwrap()
}

#[test]
fn after_enrolment_nothing_works_with_the_password_alone() {
    let (site, server) = site();
    let mut browser = Browser::new(&server);
    browser.login();
    // Another browser logged in before enrolment: its session must end.
    let mut other = Browser::new(&server);
    other.login();

    let token = browser.token("/admin/account");
    let started = browser.post("/admin/account/2fa/start", &[("csrf", &token)]);
    assert_eq!(started.status, 200);
    let html = started.text();
    assert!(html.contains("<svg"), "a QR code, drawn by the server");
    let key = value_after(&html, "id=\"key\" class=\"copy\" readonly value=\"").to_owned();
    let wrong = browser.post(
        "/admin/account/2fa/confirm",
        &[("csrf", &token), ("code", "000000")],
    );
    assert_eq!(wrong.status, 422);
    let confirmed = browser.post(
        "/admin/account/2fa/confirm",
        &[("csrf", &token), ("code", &code(&key, 0))],
    );
    assert_eq!(confirmed.status, 200, "{}", confirmed.text());
    let recovery: Vec<String> = confirmed
        .text()
        .match_indices("<li><code>")
        .map(|(i, _)| confirmed.text()[i + 10..i + 19].to_owned())
        .collect();
    assert_eq!(recovery.len(), 10);
    assert_eq!(
        browser.get("/admin/").status,
        200,
        "the enrolling session stays"
    );
    assert_eq!(
        other.get("/admin/").status,
        303,
        "every other session ended"
    );

    // The form login with the password alone: a cookie that opens nothing.
    let mut half = Browser::new(&server);
    let step_one = half.post(
        "/admin/login",
        &[("username", "alice"), ("password", PASSWORD)],
    );
    assert_eq!(step_one.status, 200);
    assert!(step_one.text().contains("Two-factor code"));
    assert!(!half.cookie.is_empty());
    for path in ["/admin/", "/admin/posts", "/admin/account", "/admin/tokens"] {
        assert_eq!(
            half.get(path).status,
            303,
            "{path} opened by a half-done login"
        );
    }
    let api = server.request("GET", "/admin/api/posts", &[("Cookie", &half.cookie)]);
    assert_eq!(api.status, 401, "the API takes no half-done login");
    let form = half.post(
        "/admin/posts/new",
        &[("csrf", "x"), ("title", "Sneaky"), ("action", "save")],
    );
    assert_eq!(form.status, 401);
    // The API login: a password alone is refused, and says why.
    let json = |body: &str| {
        server.send(
            "POST",
            "/admin/api/session",
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        )
    };
    let no_code = json(&format!(
        "{{\"username\":\"alice\",\"password\":\"{PASSWORD}\"}}"
    ));
    assert_eq!(no_code.status, 401);
    assert!(
        no_code.text().contains("second_factor_required") && no_code.header("set-cookie").is_none()
    );
    let bad_code = json(&format!(
        "{{\"username\":\"alice\",\"password\":\"{PASSWORD}\",\"code\":\"123456\"}}"
    ));
    assert_eq!(bad_code.status, 401);

    // The code step: a wrong code fails; the right one makes a new session (a new id).
    let wrong = half.post("/admin/login/code", &[("code", "000000")]);
    assert_eq!(wrong.status, 401);
    let pending = half.cookie.clone();
    // One code, kept: replaying the same string must fail even if a step passes meanwhile.
    let login_code = code(&key, 1);
    let done = half.post(
        "/admin/login/code",
        &[("code", &login_code), ("next", "/admin/posts")],
    );
    assert_eq!(done.status, 303, "{}", done.text());
    assert_eq!(done.header("location"), Some("/admin/posts"));
    assert_ne!(half.cookie, pending, "the waiting login's id is not reused");
    assert_eq!(half.get("/admin/").status, 200);
    assert_eq!(
        server
            .request("GET", "/admin/", &[("Cookie", &pending)])
            .status,
        303
    );

    // A code works once; a recovery code works once too.
    let replay = json(&format!(
        "{{\"username\":\"alice\",\"password\":\"{PASSWORD}\",\"code\":\"{}\"}}",
        login_code
    ));
    assert_eq!(replay.status, 401, "a used code is refused");
    let rescue = json(&format!(
        "{{\"username\":\"alice\",\"password\":\"{PASSWORD}\",\"code\":\"{}\"}}",
        recovery[0]
    ));
    assert_eq!(rescue.status, 200, "{}", rescue.text());
    let again = json(&format!(
        "{{\"username\":\"alice\",\"password\":\"{PASSWORD}\",\"code\":\"{}\"}}",
        recovery[0]
    ));
    assert_eq!(again.status, 401);

    // A lost device: the command line turns 2FA off, and the password works alone again.
    let root = site.root().to_str().unwrap().to_owned();
    let out = site.quire(&["user", "2fa-reset", "alice", "--root", &root]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(half.get("/admin/").status, 303, "a reset ends the sessions");
    let mut after = Browser::new(&server);
    after.login();
}
