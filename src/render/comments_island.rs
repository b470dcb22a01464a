//! The `comments` and `comment_count` islands' HTML: a post's approved comments with one level
//! of replies, the form that works without JavaScript, and the count list pages show.

use std::fmt::Write as _;

use super::view::DateView;
use crate::content::comment_body::{MAX_BODY_CHARS, MAX_NAME_CHARS};
use crate::escape::escape;
use crate::site::Site;
use crate::site::comments::{Comment, CommentStatus};

/// Where forms send comments: this server, or for a static export the configured origin.
pub struct Target<'a> {
    /// `""` for the same origin.
    pub origin: &'a str,
    /// A static export without an origin shows comments but takes none.
    pub open: bool,
}

/// A post's comment section, for the post at URL path `post_url`.
pub fn section(site: &Site, post_url: &str, target: &Target<'_>) -> String {
    let Some(entry) = site.entry_at(post_url) else {
        return String::new();
    };
    let open = site.comments_open(entry) && target.open;
    let approved: Vec<&Comment> = site
        .thread(&entry.source)
        .map(|t| {
            t.values()
                .map(|c| c.as_ref())
                .filter(|c| c.status == CommentStatus::Approved)
                .collect()
        })
        .unwrap_or_default();
    if approved.is_empty() && !open {
        return String::new();
    }
    let mut out = String::with_capacity(1024 + approved.len() * 512);
    let _ = write!(
        out,
        r#"<section class="comments" id="comments" aria-labelledby="comments-title" data-post="{}"{}>
<h2 id="comments-title">{}</h2>
"#,
        escape(post_url),
        if target.origin.is_empty() {
            String::new()
        } else {
            format!(r#" data-origin="{}""#, escape(target.origin))
        },
        count_words(approved.len(), "Comments")
    );
    if !approved.is_empty() {
        let _ = write!(
            out,
            r#"<p class="comments-feed"><a href="{}comments.xml">Follow these comments (Atom)</a></p>"#,
            escape(post_url)
        );
    }
    let top: Vec<&&Comment> = approved.iter().filter(|c| c.parent.is_none()).collect();
    if top.is_empty() {
        out.push_str(
            r#"<p class="comments-empty">No comments yet.</p><ol class="comment-list"></ol>"#,
        );
    } else {
        out.push_str(r#"<ol class="comment-list">"#);
        for comment in top {
            out.push_str(r#"<li class="comment" id="comment-"#);
            let _ = write!(out, "{}\">", comment.id);
            write_comment(comment, &mut out);
            let replies: Vec<&&Comment> = approved
                .iter()
                .filter(|c| c.parent == Some(comment.id))
                .collect();
            out.push_str(r#"<ol class="comment-replies">"#);
            for reply in replies {
                let _ = write!(out, r#"<li class="comment" id="comment-{}">"#, reply.id);
                write_comment(reply, &mut out);
                out.push_str("</li>");
            }
            out.push_str("</ol>");
            if open {
                let _ = write!(
                    out,
                    r#"<details class="comment-reply"><summary>Reply to {}</summary>"#,
                    escape(author(comment))
                );
                form(post_url, Some(comment.id), target, &mut out);
                out.push_str("</details>");
            }
            out.push_str("</li>");
        }
        out.push_str("</ol>");
    }
    if open {
        out.push_str(r#"<h3 class="comment-form-title">Leave a comment</h3>"#);
        form(post_url, None, target, &mut out);
    }
    out.push_str("</section>");
    out
}

/// " · 3 comments" linking to the post's comments (for a list's meta line); nothing when
/// there are none.
pub fn count(site: &Site, post_url: &str) -> String {
    let Some(entry) = site.entry_at(post_url) else {
        return String::new();
    };
    match site.approved_count(&entry.source) {
        0 => String::new(),
        n => format!(
            r##" · <a class="comment-count" href="{}#comments">{}</a>"##,
            escape(post_url),
            count_words(n, "")
        ),
    }
}

fn count_words(n: usize, none: &str) -> String {
    match n {
        0 if !none.is_empty() => none.to_owned(),
        1 => "1 comment".to_owned(),
        n => format!("{n} comments"),
    }
}

fn author(comment: &Comment) -> &str {
    if comment.author.is_empty() {
        "Anonymous"
    } else {
        &comment.author
    }
}

/// One comment: who, when (a link to itself), and the sanitized body.
pub fn write_comment(comment: &Comment, out: &mut String) {
    let date = DateView::new(comment.created, None);
    let _ = write!(
        out,
        r##"<article class="comment-card"><p class="comment-meta"><b class="comment-author">{}</b> · <a href="#comment-{}"><time datetime="{}">{}</time></a>{}</p><div class="comment-body">{}</div></article>"##,
        escape(author(comment)),
        comment.id,
        date.iso,
        date.display,
        if comment.edited.is_some() {
            " · edited"
        } else {
            ""
        },
        // Sanitized when written; cleaned again here, so a stored record can never carry markup
        // past today's allow-list.
        crate::content::comment_body::clean(&comment.html)
    );
}

fn form(post_url: &str, parent: Option<u64>, target: &Target<'_>, out: &mut String) {
    let id = parent.map_or_else(|| "new".to_owned(), |p| p.to_string());
    let _ = write!(
        out,
        r#"<form class="comment-form" method="post" action="{origin}/comments">
<input type="hidden" name="post" value="{post}">{parent}
<p><label for="comment-name-{id}">Name <span class="optional">(optional)</span></label>
<input id="comment-name-{id}" name="name" maxlength="{MAX_NAME_CHARS}" autocomplete="nickname"></p>
<p><label for="comment-body-{id}">Comment</label>
<textarea id="comment-body-{id}" name="body" required maxlength="{MAX_BODY_CHARS}" rows="5"></textarea></p>
<p class="comment-trap" aria-hidden="true"><label for="comment-url-{id}">Leave this field empty</label>
<input id="comment-url-{id}" name="url" tabindex="-1" autocomplete="off"></p>
<p class="comment-help">Markdown works: *emphasis*, `code`, [links](https://example.com). Comments appear once approved.</p>
<p><button type="submit">Post comment</button></p>
</form>"#,
        origin = escape(target.origin),
        post = escape(post_url),
        parent = parent
            .map(|p| format!(r#"<input type="hidden" name="parent" value="{p}">"#))
            .unwrap_or_default(),
    );
}
