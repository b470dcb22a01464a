//! `quire build` writes what the server serves, byte for byte, and the same bytes every time.

use crate::support::{TestSite, tree};

#[test]
fn two_builds_are_byte_identical() {
    let site = TestSite::sample();
    let out_a = site.root().join("public-a");
    let out_b = site.root().join("public-b");
    site.build(&out_a);
    // A fresh data folder for the second build: identical output must not depend on the store.
    std::fs::remove_dir_all(site.data()).unwrap();
    site.build(&out_b);
    let (a, b) = (tree(&out_a), tree(&out_b));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(b[path] == *bytes, "{path} differs between builds");
    }
    for expected in [
        "index.html",
        "page/2/index.html",
        "posts/live-editing/index.html",
        "about/index.html",
        "archive/index.html",
        "tags/index.html",
        "tags/markdown/index.html",
        "tags/markdown/atom.xml",
        "atom.xml",
        "rss.xml",
        "feed.json",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "style.css",
        "syntax.css",
        "posts/a-post-with-pictures/diagram.svg",
        "blog/moving-house/index.html",
    ] {
        assert!(
            a.contains_key(expected),
            "{expected} missing from the export"
        );
    }
    assert!(
        String::from_utf8_lossy(&a["blog/moving-house/index.html"])
            .contains("url=/posts/moving-house/")
    );
    assert!(
        !a.keys()
            .any(|k| k.contains("unfinished-draft") || k.contains("scheduled-post"))
    );
}

#[test]
fn build_output_equals_what_the_server_serves() {
    let site = TestSite::sample();
    let out = site.root().join("public");
    site.build(&out);
    let server = site.serve();
    let files = tree(&out);
    let mut compared = 0;
    for (rel, bytes) in &files {
        if rel == ".quire-build"
            // The static search index is for an export only: the server searches itself.
            || rel.starts_with("search/index/")
            || rel == "page/1/index.html"
            || rel.starts_with("tags/") && rel.ends_with("page/1/index.html")
        {
            continue;
        }
        let path = match rel.strip_suffix("index.html") {
            Some(dir) => format!("/{dir}"),
            None => format!("/{rel}"),
        };
        let response = server.get(&path);
        if response.status == 301 {
            continue; // aliases are redirect pages on disk
        }
        // `/404.html` itself is a page like any other; unknown paths get it with a 404.
        assert_eq!(response.status, 200, "{path}");
        // Islands differ by design (see `without_islands`); everything else is the same.
        let (served, exported) = (
            xtask::gates::without_islands(&response.body),
            xtask::gates::without_islands(bytes),
        );
        assert!(served == exported, "{path} differs from {rel}");
        compared += 1;
    }
    assert!(compared >= 30, "compared only {compared} files");
    // The 404 page the server sends for unknown paths is the exported 404.html.
    assert_eq!(server.get("/missing/").body, files["404.html"]);
}

#[test]
fn build_refuses_to_overwrite_a_folder_it_did_not_write() {
    let site = TestSite::sample();
    let out = site.root().join("precious");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("thesis.txt"), "years of work").unwrap();
    let result = site.quire(&[
        "build",
        "--root",
        site.root().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!result.status.success());
    assert!(String::from_utf8_lossy(&result.stderr).contains("is not a previous Quire build"));
    assert_eq!(
        std::fs::read_to_string(out.join("thesis.txt")).unwrap(),
        "years of work"
    );
    // A previous build is replaced, stale files and all.
    let public = site.root().join("public");
    site.build(&public);
    std::fs::write(public.join("stale.html"), "old").unwrap();
    site.build(&public);
    assert!(!public.join("stale.html").exists());
}
