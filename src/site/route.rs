//! The site's addressable things (home pages, entries, tags, feeds) and their URL paths.

use crate::site::entry::SourcePath;

/// Something the renderer can produce. One route may own several URL paths (feeds).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Route {
    /// The home page list; `page` is 1-based.
    Home {
        page: usize,
    },
    /// A post or page, plus the files of its bundle.
    Entry(SourcePath),
    Archive,
    TagIndex,
    Tag {
        slug: String,
        page: usize,
    },
    TagFeed {
        slug: String,
    },
    /// `/atom.xml`, `/rss.xml` and `/feed.json`, which always change together.
    Feeds,
    Sitemap,
    Robots,
    NotFound,
    /// `/search/`: the form, its results an island filled per request.
    Search,
    /// `/comments/`: what happened to a comment sent without JavaScript, filled per request.
    CommentResult,
    /// `/posts/<slug>/comments.xml`: a post's approved comments, as Atom.
    CommentFeed(SourcePath),
    /// `/comments.xml`: every post's approved comments, as Atom.
    CommentsFeed,
}

pub fn home_path(page: usize) -> String {
    if page <= 1 {
        "/".to_owned()
    } else {
        format!("/page/{page}/")
    }
}

pub fn tag_path(slug: &str, page: usize) -> String {
    if page <= 1 {
        format!("/tags/{slug}/")
    } else {
        format!("/tags/{slug}/page/{page}/")
    }
}

pub fn tag_feed_path(slug: &str) -> String {
    format!("/tags/{slug}/atom.xml")
}

pub const ARCHIVE_PATH: &str = "/archive/";
pub const TAGS_PATH: &str = "/tags/";
pub const ATOM_PATH: &str = "/atom.xml";
pub const RSS_PATH: &str = "/rss.xml";
pub const JSON_FEED_PATH: &str = "/feed.json";
pub const SITEMAP_PATH: &str = "/sitemap.xml";
pub const ROBOTS_PATH: &str = "/robots.txt";
pub const NOT_FOUND_PATH: &str = "/404.html";
pub const SEARCH_PATH: &str = "/search/";
pub const COMMENT_RESULT_PATH: &str = "/comments/";
pub const COMMENTS_FEED_PATH: &str = "/comments.xml";

/// First path segments that belong to Quire's own routes; a page may not take them as its slug.
pub const RESERVED_SLUGS: &[&str] = &[
    "posts", "tags", "page", "archive", "admin", "assets", "static", "media", "404", "search",
    "comments",
];

/// How many list pages `count` items make; an empty list still has its first page.
pub fn page_count(count: usize, per_page: usize) -> usize {
    count.div_ceil(per_page.max(1)).max(1)
}
