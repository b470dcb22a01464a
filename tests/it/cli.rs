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
    site.write(
        "content/odd.md",
        "+++\ntitle = \"Odd\"\ntemplate = \"nope.html\"\n+++\n",
    );
    let out = site.quire(&["check", "--root", site.root().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    insta::assert_snapshot!(
        "check_report",
        format!(
            "{stdout}--- stderr ---\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    );
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
    // Walks the command tree from `quire --help` itself, so a new command or subcommand
    // (`user add`, `token revoke`, ...) is covered without editing this list.
    let site = TestSite::empty();
    let mut pending: Vec<Vec<String>> = vec![Vec::new()];
    let mut seen = 0;
    while let Some(path) = pending.pop() {
        let mut args = path.clone();
        args.push("--help".to_owned());
        let args_ref: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = site.quire(&args_ref);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{args:?}");
        assert!(text.contains("Usage:"), "{args:?}: {text}");
        seen += 1;
        for sub in subcommands(&text) {
            let mut next = path.clone();
            next.push(sub);
            pending.push(next);
        }
    }
    // quire, 7 commands, user's 4 and token's 3.
    assert!(seen >= 15, "only {seen} commands were found");
}

/// The names listed under `Commands:` in a clap help text, without `help`.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim() != "Commands:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}
