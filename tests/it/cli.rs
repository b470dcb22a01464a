//! The command line: check, init, new and --help.

use crate::support::TestSite;

#[test]
fn check_reports_every_problem_with_path_and_line() {
    let site = TestSite::empty();
    site.post("good", "Good", "2024-01-01", &[], "fine");
    site.write(
        "content/posts/bad-date.md",
        "+++\ntitle = \"Bad\"\ndate = \"yesterday\"\n+++\n",
    );
    site.write("content/posts/no-title.md", "---\ndate: 2024-01-01\n---\n");
    site.write(
        "content/posts/twin.md",
        "+++\ntitle = \"Twin\"\nslug = \"good\"\n+++\n",
    );
    site.write("content/tags.md", "+++\ntitle = \"Tags page\"\n+++\n");
    let out = site.quire(&["check", "--root", site.root().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "content/posts/bad-date.md:3: `date` \"yesterday\" is not a valid date",
        "content/posts/no-title.md:1: `title` is required",
        "content/posts/twin.md:3: /posts/good/ is already used by content/posts/good.md",
        "content/tags.md:1: the slug \"tags\" is reserved",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    let sample = TestSite::sample();
    let out = sample.quire(&["check", "--root", sample.root().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn init_creates_a_site_that_serves() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("blog");
    let site = TestSite::empty();
    let out = site.quire(&["init", root.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(root.join("quire.toml").exists() && root.join("content/posts/hello-world.md").exists());
    let server = crate::support::Server::start(&root, &root.join(".quire"));
    assert!(
        server
            .get("/posts/hello-world/")
            .text()
            .contains("Hello, world")
    );
    let again = site.quire(&["init", root.to_str().unwrap()]);
    assert!(!again.status.success(), "init refuses a non-empty folder");
}

#[test]
fn new_creates_a_draft_with_a_transliterated_slug() {
    let site = TestSite::empty();
    let out = site.quire(&[
        "new",
        "Café déjà vu",
        "--root",
        site.root().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(site.path("content/posts/cafe-deja-vu.md")).unwrap();
    assert!(text.contains("title = \"Café déjà vu\"") && text.contains("draft = true"));
    let again = site.quire(&[
        "new",
        "Café déjà vu",
        "--root",
        site.root().to_str().unwrap(),
    ]);
    assert!(!again.status.success(), "never overwrites");
    let check = site.quire(&["check", "--root", site.root().to_str().unwrap()]);
    assert!(check.status.success());
}

#[test]
fn every_command_has_help() {
    let site = TestSite::empty();
    for cmd in [
        &["--help"][..],
        &["serve", "--help"],
        &["build", "--help"],
        &["init", "--help"],
        &["new", "--help"],
        &["check", "--help"],
    ] {
        let out = site.quire(cmd);
        assert!(out.status.success(), "{cmd:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage:"),
            "{cmd:?}"
        );
    }
}
