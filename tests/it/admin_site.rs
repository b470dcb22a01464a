//! Media, settings, preview and a site without `content/`, through the admin API.

use serde_json::json;

use crate::admin_api::{Admin, Auth, png};
use crate::support::{BASE_URL, TestSite};

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
            .contains("<link rel=\"stylesheet\" href=\"/style.")
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
