//! Snapshot tests: the rendered HTML of every sample post and page, the feeds, the sitemap
//! and the admin API's OpenAPI document. (`quire check`'s report is snapshotted in `cli.rs`.)

use crate::support::{TestSite, tree};

#[test]
fn sample_posts_render_as_recorded() {
    let site = TestSite::sample();
    let out = site.root().join("public");
    site.build(&out);
    let files = tree(&out);
    let mut pages: Vec<(&String, &Vec<u8>)> = files
        .iter()
        .filter(|(path, _)| {
            (path.starts_with("posts/") || path.as_str() == "about/index.html")
                && path.ends_with("/index.html")
        })
        .collect();
    pages.sort();
    assert_eq!(pages.len(), 10, "9 published posts and the about page");
    for (path, bytes) in pages {
        let name = path.trim_end_matches("/index.html").replace('/', "__");
        insta::assert_snapshot!(name, String::from_utf8_lossy(bytes));
    }
}

#[test]
fn sample_feeds_and_sitemap_are_as_recorded() {
    let site = TestSite::sample();
    let out = site.root().join("public");
    site.build(&out);
    let files = tree(&out);
    for name in [
        "atom.xml",
        "rss.xml",
        "feed.json",
        "sitemap.xml",
        "robots.txt",
    ] {
        let bytes = files
            .get(name)
            .unwrap_or_else(|| panic!("{name} is missing"));
        insta::assert_snapshot!(name.replace('.', "_"), String::from_utf8_lossy(bytes));
    }
}

#[test]
fn openapi_document_is_as_recorded() {
    let admin = crate::admin_api::Admin::start();
    let response = admin.call(
        "GET",
        "/admin/api/openapi.json",
        crate::admin_api::Auth::Token(&admin.token),
        None,
    );
    assert_eq!(response.status, 200);
    insta::assert_snapshot!("openapi_json", response.text());
}
