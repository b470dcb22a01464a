//! Atom, RSS 2.0, JSON Feed 1.1, sitemap and robots.txt, written directly so they are always
//! well-formed whatever the theme does.

use std::fmt::Write;
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};

use super::urls::resolve_all;
use crate::escape::escape;
use crate::site::Site;
use crate::site::entry::Entry;
use crate::site::route;

fn rfc3339(date: DateTime<Utc>) -> String {
    date.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The feed's "last updated": the newest change among its posts, so two builds agree.
fn newest(posts: &[Arc<Entry>]) -> DateTime<Utc> {
    posts
        .iter()
        .filter_map(|p| p.last_changed())
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

pub struct FeedInfo<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// Absolute URL of the HTML page the feed mirrors.
    pub home_url: String,
    /// Absolute URL of the feed itself.
    pub self_url: String,
}

pub fn atom(site: &Site, base_url: &str, info: &FeedInfo<'_>, posts: &[Arc<Entry>]) -> String {
    let author = if site.config.author.is_empty() {
        &site.config.title
    } else {
        &site.config.author
    };
    let mut out = String::with_capacity(4096 + posts.len() * 4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        out,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        escape(&site.config.language)
    );
    let _ = writeln!(out, "  <title>{}</title>", escape(info.title));
    if !info.description.is_empty() {
        let _ = writeln!(out, "  <subtitle>{}</subtitle>", escape(info.description));
    }
    let _ = writeln!(
        out,
        "  <link href=\"{}\" rel=\"self\" type=\"application/atom+xml\"/>",
        escape(&info.self_url)
    );
    let _ = writeln!(
        out,
        "  <link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>",
        escape(&info.home_url)
    );
    let _ = writeln!(out, "  <id>{}</id>", escape(&info.self_url));
    let _ = writeln!(out, "  <updated>{}</updated>", rfc3339(newest(posts)));
    let _ = writeln!(out, "  <author><name>{}</name></author>", escape(author));
    let _ = writeln!(
        out,
        "  <generator version=\"{}\">Quire</generator>",
        env!("CARGO_PKG_VERSION")
    );
    for post in posts {
        let link = format!("{base_url}{}", post.url_path());
        out.push_str("  <entry>\n");
        let _ = writeln!(out, "    <title>{}</title>", escape(&post.title));
        let _ = writeln!(
            out,
            "    <link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>",
            escape(&link)
        );
        let _ = writeln!(out, "    <id>{}</id>", escape(&link));
        let published = post.date.unwrap_or(DateTime::UNIX_EPOCH);
        let _ = writeln!(out, "    <published>{}</published>", rfc3339(published));
        let _ = writeln!(
            out,
            "    <updated>{}</updated>",
            rfc3339(post.updated.unwrap_or(published))
        );
        for tag in &post.tags {
            let _ = writeln!(
                out,
                "    <category term=\"{}\" label=\"{}\"/>",
                escape(&tag.slug),
                escape(&tag.name)
            );
        }
        if let Some(summary) = post.description.as_deref() {
            let _ = writeln!(out, "    <summary>{}</summary>", escape(summary));
        }
        let _ = writeln!(
            out,
            "    <content type=\"html\" xml:base=\"{}\">{}</content>",
            escape(&link),
            escape(&resolve_all(&post.body.html, &link))
        );
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

pub fn rss(site: &Site, base_url: &str, info: &FeedInfo<'_>, posts: &[Arc<Entry>]) -> String {
    let mut out = String::with_capacity(4096 + posts.len() * 4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n");
    let _ = writeln!(out, "  <title>{}</title>", escape(info.title));
    let _ = writeln!(out, "  <link>{}</link>", escape(&info.home_url));
    let _ = writeln!(
        out,
        "  <description>{}</description>",
        escape(info.description)
    );
    let _ = writeln!(
        out,
        "  <language>{}</language>",
        escape(&site.config.language)
    );
    let _ = writeln!(
        out,
        "  <atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>",
        escape(&info.self_url)
    );
    let _ = writeln!(
        out,
        "  <lastBuildDate>{}</lastBuildDate>",
        newest(posts).to_rfc2822()
    );
    let _ = writeln!(
        out,
        "  <generator>Quire {}</generator>",
        env!("CARGO_PKG_VERSION")
    );
    for post in posts {
        let link = format!("{base_url}{}", post.url_path());
        out.push_str("  <item>\n");
        let _ = writeln!(out, "    <title>{}</title>", escape(&post.title));
        let _ = writeln!(out, "    <link>{}</link>", escape(&link));
        let _ = writeln!(
            out,
            "    <guid isPermaLink=\"true\">{}</guid>",
            escape(&link)
        );
        if let Some(date) = post.date {
            let _ = writeln!(out, "    <pubDate>{}</pubDate>", date.to_rfc2822());
        }
        for tag in &post.tags {
            let _ = writeln!(out, "    <category>{}</category>", escape(&tag.name));
        }
        let _ = writeln!(
            out,
            "    <description>{}</description>",
            escape(&resolve_all(&post.body.html, &link))
        );
        out.push_str("  </item>\n");
    }
    out.push_str("</channel>\n</rss>\n");
    out
}

pub fn json_feed(site: &Site, base_url: &str, info: &FeedInfo<'_>, posts: &[Arc<Entry>]) -> String {
    let items: Vec<serde_json::Value> = posts
        .iter()
        .map(|post| {
            let link = format!("{base_url}{}", post.url_path());
            let mut item = serde_json::json!({
                "id": link,
                "url": link,
                "title": post.title,
                "content_html": resolve_all(&post.body.html, &link),
            });
            if let Some(d) = post.date {
                item["date_published"] = rfc3339(d).into();
            }
            if let Some(d) = post.updated {
                item["date_modified"] = rfc3339(d).into();
            }
            if let Some(s) = &post.description {
                item["summary"] = s.clone().into();
            }
            if !post.tags.is_empty() {
                item["tags"] = post
                    .tags
                    .iter()
                    .map(|t| t.name.clone())
                    .collect::<Vec<_>>()
                    .into();
            }
            item
        })
        .collect();
    let mut feed = serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": info.title,
        "home_page_url": info.home_url,
        "feed_url": info.self_url,
        "language": site.config.language,
        "items": items,
    });
    if !info.description.is_empty() {
        feed["description"] = info.description.into();
    }
    if !site.config.author.is_empty() {
        feed["authors"] = serde_json::json!([{ "name": site.config.author }]);
    }
    let mut text = serde_json::to_string_pretty(&feed).unwrap_or_default();
    text.push('\n');
    text
}

/// Lists every public URL; `lastmod` comes from front matter so builds are reproducible.
pub fn sitemap(site: &Site, base_url: &str) -> String {
    let mut out = String::with_capacity(256 + site.entry_count() * 128);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut url = |path: &str, lastmod: Option<DateTime<Utc>>| {
        let _ = write!(
            out,
            "  <url><loc>{}</loc>",
            escape(&format!("{base_url}{path}"))
        );
        if let Some(d) = lastmod {
            let _ = write!(out, "<lastmod>{}</lastmod>", rfc3339(d));
        }
        out.push_str("</url>\n");
    };
    let newest_post = site.published_posts().next().and_then(|p| p.last_changed());
    url("/", newest_post);
    for entry in site.entries().filter(|e| site.is_published(e)) {
        url(&entry.url_path(), entry.last_changed());
    }
    url(route::ARCHIVE_PATH, newest_post);
    url(route::TAGS_PATH, newest_post);
    for tag in site.tags() {
        url(&route::tag_path(&tag.tag.slug, 1), None);
    }
    out.push_str("</urlset>\n");
    out
}

pub fn robots(base_url: &str) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {base_url}{}\n",
        route::SITEMAP_PATH
    )
}
