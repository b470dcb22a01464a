//! Snapshot tests of the rendered HTML of every sample post and page.

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
