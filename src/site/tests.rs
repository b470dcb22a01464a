//! The site model's incremental impact rules, on made-up entries.

use super::*;
use crate::site::entry::RenderedMarkdown;
use chrono::TimeZone;

fn post(name: &str, day: u32, tags: &[&str]) -> Entry {
    let source = SourcePath::new(&format!("posts/{name}.md")).unwrap_or_else(|| unreachable!());
    Entry {
        kind: source.kind(),
        source,
        slug: entry::Slug::from_slugified(name.to_owned()),
        title: name.to_owned(),
        date: Utc.with_ymd_and_hms(2024, 1, day, 0, 0, 0).single(),
        date_offset: None,
        updated_offset: None,
        updated: None,
        draft: false,
        tags: tags
            .iter()
            .map(|t| Tag {
                slug: (*t).to_owned(),
                name: (*t).to_owned(),
            })
            .collect(),
        description: None,
        aliases: Vec::new(),
        template: None,
        extra: Default::default(),
        body: RenderedMarkdown {
            html: String::new(),
            summary_html: None,
            toc: Vec::new(),
            excerpt: String::new(),
            word_count: 0,
            reading_minutes: 1,
        },
        source_hash: String::new(),
    }
}

fn site(n: u32) -> Site {
    let config = Arc::new(Config {
        posts_per_page: 2,
        feed_limit: 2,
        ..Config::default()
    });
    let now = Utc
        .with_ymd_and_hms(2024, 6, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    Site::from_entries(
        config,
        (1..=n).map(|d| post(&format!("p{d}"), d, &["t"])),
        now,
    )
    .0
}

#[test]
fn body_edit_touches_only_its_page_and_list_page() {
    let mut s = site(6);
    let mut e = post("p1", 1, &["t"]);
    e.body.html = "changed".to_owned();
    let impact = s.upsert(e).unwrap_or_default();
    // p1 is the oldest: position 5, on home page 3 and tag page 3; not in the feeds.
    let expected: BTreeSet<Route> = [
        Route::Entry(SourcePath::new("posts/p1.md").unwrap_or_else(|| unreachable!())),
        Route::Home { page: 3 },
        Route::Tag {
            slug: "t".to_owned(),
            page: 3,
        },
    ]
    .into_iter()
    .collect();
    assert_eq!(impact.render, expected);
    assert!(impact.removed_paths.is_empty());
}

#[test]
fn new_post_shifts_lists_and_feeds() {
    let mut s = site(4);
    let impact = s.upsert(post("p9", 9, &["u"])).unwrap_or_default();
    assert!(impact.render.contains(&Route::Feeds));
    assert!(
        impact.render.contains(&Route::Home { page: 3 }),
        "5 posts need a third page"
    );
    assert!(impact.render.contains(&Route::TagIndex));
    assert!(impact.render.contains(&Route::TagFeed {
        slug: "u".to_owned()
    }));
}

#[test]
fn removal_drops_pages_that_no_longer_exist() {
    let mut s = site(3);
    let impact = s.remove(&SourcePath::new("posts/p3.md").unwrap_or_else(|| unreachable!()));
    assert!(impact.removed_paths.contains("/posts/p3/"));
    assert!(impact.removed_paths.contains("/page/2/"));
    assert!(impact.removed_paths.contains("/tags/t/page/2/"));
}

#[test]
fn slug_clash_is_refused() {
    let mut s = site(1);
    let mut other = post("p1", 3, &[]);
    other.source = SourcePath::new("posts/other.md").unwrap_or_else(|| unreachable!());
    assert!(matches!(s.upsert(other), Err(Conflict::UrlTaken { .. })));
}

#[test]
fn scheduled_posts_appear_when_due() {
    let mut s = site(1);
    let mut future = post("later", 1, &[]);
    future.date = Utc.with_ymd_and_hms(2024, 7, 1, 0, 0, 0).single();
    let impact = s.upsert(future).unwrap_or_default();
    assert!(impact.render.is_empty());
    assert_eq!(s.published_count(), 1);
    let impact = s.advance_clock(
        Utc.with_ymd_and_hms(2024, 7, 2, 0, 0, 0)
            .single()
            .unwrap_or_default(),
    );
    assert_eq!(s.published_count(), 2);
    assert!(impact.render.contains(&Route::Feeds));
}
