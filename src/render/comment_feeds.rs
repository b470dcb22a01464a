//! Atom feeds of approved comments: one per post (`/posts/<slug>/comments.xml`) and one for the
//! whole site (`/comments.xml`), newest first, written directly so they are always well-formed.

use std::fmt::Write;

use chrono::SecondsFormat;

use crate::escape::escape;
use crate::site::Site;
use crate::site::comments::{Comment, CommentStatus};
use crate::site::entry::SourcePath;

/// Comments a feed carries, at most.
const FEED_LIMIT: usize = 50;

/// The feed of one post's approved comments, or of every post's when `post` is `None`.
pub fn atom(site: &Site, base_url: &str, post: Option<&SourcePath>) -> String {
    let mut comments: Vec<&Comment> = match post {
        Some(source) => site
            .thread(source)
            .map(|t| t.values().map(|c| c.as_ref()).collect())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let all;
    if post.is_none() {
        all = site.all_comments();
        comments = all.iter().map(|c| c.as_ref()).collect();
    }
    comments.retain(|c| c.status == CommentStatus::Approved);
    comments.sort_by_key(|c| std::cmp::Reverse(c.id));
    comments.truncate(FEED_LIMIT);
    let entry = post.and_then(|p| site.entry(p));
    let (title, page_url, self_path) = match entry {
        Some(e) => (
            format!("Comments on “{}” · {}", e.title, site.config.title),
            format!("{base_url}{}#comments", e.url_path()),
            format!("{}comments.xml", e.url_path()),
        ),
        None => (
            format!("Comments · {}", site.config.title),
            format!("{base_url}/"),
            "/comments.xml".to_owned(),
        ),
    };
    // Updated is the newest comment's time (not the clock), so two builds agree.
    let updated = comments
        .iter()
        .map(|c| c.edited.unwrap_or(c.created))
        .max()
        .unwrap_or(chrono::DateTime::UNIX_EPOCH)
        .to_rfc3339_opts(SecondsFormat::Secs, true);
    let mut out = String::with_capacity(2048 + comments.len() * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        out,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        escape(&site.config.language)
    );
    let _ = writeln!(out, "  <title>{}</title>", escape(&title));
    let _ = writeln!(
        out,
        "  <link href=\"{}{}\" rel=\"self\" type=\"application/atom+xml\"/>",
        escape(base_url),
        escape(&self_path)
    );
    let _ = writeln!(
        out,
        "  <link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>",
        escape(&page_url)
    );
    let _ = writeln!(out, "  <id>{}{}</id>", escape(base_url), escape(&self_path));
    let _ = writeln!(out, "  <updated>{updated}</updated>");
    for comment in comments {
        let on = site.entry(&comment.post);
        let link = on
            .map(|e| format!("{base_url}{}#comment-{}", e.url_path(), comment.id))
            .unwrap_or_default();
        let author = if comment.author.is_empty() {
            "Anonymous"
        } else {
            &comment.author
        };
        let heading = match on {
            Some(e) => format!("{author} on “{}”", e.title),
            None => author.to_owned(),
        };
        let _ = writeln!(out, "  <entry>");
        let _ = writeln!(out, "    <title>{}</title>", escape(&heading));
        let _ = writeln!(out, "    <link href=\"{}\"/>", escape(&link));
        let _ = writeln!(out, "    <id>{}</id>", escape(&link));
        let _ = writeln!(
            out,
            "    <published>{}</published>",
            comment.created.to_rfc3339_opts(SecondsFormat::Secs, true)
        );
        let _ = writeln!(
            out,
            "    <updated>{}</updated>",
            comment
                .edited
                .unwrap_or(comment.created)
                .to_rfc3339_opts(SecondsFormat::Secs, true)
        );
        let _ = writeln!(out, "    <author><name>{}</name></author>", escape(author));
        let _ = writeln!(
            out,
            "    <content type=\"html\">{}</content>",
            escape(&crate::content::comment_body::clean(&comment.html))
        );
        let _ = writeln!(out, "  </entry>");
    }
    out.push_str("</feed>\n");
    out
}
