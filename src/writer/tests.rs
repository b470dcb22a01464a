//! The writer in process, on a real site folder and a real SQLite file, with a hand-moved
//! clock: scheduling is tested without sleeping.

use chrono::{DateTime, Duration, Utc};

use super::{Mode, Writer};
use crate::clock::ManualClock;
use crate::paths::SitePaths;

fn at(text: &str) -> DateTime<Utc> {
    text.parse()
        .unwrap_or_else(|_| unreachable!("a valid test date"))
}

fn write(root: &std::path::Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
}

fn home_text(writer: &Writer) -> String {
    let snapshot = writer.published().load_full();
    match snapshot.pages.lookup("/").map(|s| s.as_ref()) {
        Some(crate::render::page::Served::Page(page)) => {
            String::from_utf8_lossy(&page.identity).into_owned()
        }
        _ => String::new(),
    }
}

#[test]
fn a_scheduled_post_is_published_when_the_clock_reaches_its_date() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    write(
        root,
        "quire.toml",
        "title = \"T\"\nbase_url = \"https://example.com\"\n",
    );
    write(
        root,
        "content/posts/now.md",
        "+++\ntitle = \"Already here\"\ndate = 2030-01-01T08:00:00Z\n+++\nx\n",
    );
    write(
        root,
        "content/posts/soon.md",
        "+++\ntitle = \"Coming soon\"\ndate = 2030-01-01T10:00:00Z\n+++\nx\n",
    );
    let clock = ManualClock::new(at("2030-01-01T09:00:00Z"));
    let paths = SitePaths::new(root.to_owned(), None);
    let mut writer = Writer::load(paths, String::new(), Mode::Serve, clock.clone(), None)
        .unwrap_or_else(|e| panic!("{e}"));
    writer.reconcile();
    let published = writer.published();
    assert!(published.load().pages.lookup("/posts/soon/").is_none());
    assert!(home_text(&writer).contains("Already here"));
    assert!(!home_text(&writer).contains("Coming soon"));

    clock.advance(Duration::minutes(59));
    writer.publish_due();
    assert!(
        published.load().pages.lookup("/posts/soon/").is_none(),
        "not a minute early"
    );

    clock.advance(Duration::minutes(1));
    writer.publish_due();
    assert!(published.load().pages.lookup("/posts/soon/").is_some());
    assert!(home_text(&writer).contains("Coming soon"));
}
