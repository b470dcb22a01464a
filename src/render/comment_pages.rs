//! What a reader sees after sending a comment without JavaScript: a check-and-confirm step, the
//! thank-you with the edit form, or what went wrong. Filled into the theme's `/comments/` page.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::content::comment_body::{MAX_BODY_CHARS, MAX_NAME_CHARS};
use crate::escape::escape;
use crate::site::comments::{Comment, CommentStatus};

/// What the reader sent, to show it again.
pub struct Draft<'a> {
    pub post_url: &'a str,
    pub parent: Option<u64>,
    pub name: &'a str,
    pub body: &'a str,
}

/// The fallback of the `comment_result` island: the page reached without sending anything.
pub fn fallback() -> String {
    "<p>This page shows what happened to a comment you sent. Comments are written under each post.</p>".to_owned()
}

fn back(post_url: &str) -> String {
    format!(
        r#"<p><a href="{}">Back to the post</a></p>"#,
        escape(post_url)
    )
}

/// "Check your comment": a preview and the form again, with a fresh token. Sending it a few
/// seconds later is what tells a person from a script when there is no JavaScript.
pub fn confirm(
    draft: &Draft<'_>,
    preview_html: &str,
    token: &str,
    problems: &BTreeMap<String, String>,
) -> String {
    let mut out = String::from("<h1>Check your comment</h1>");
    if problems.is_empty() {
        out.push_str("<p>This is how it will look. Send it when it reads well.</p>");
    } else {
        out.push_str(
            r#"<div class="comment-problems" role="alert"><p>Please fix this first:</p><ul>"#,
        );
        for (field, message) in problems {
            let _ = write!(out, "<li>{}: {}</li>", escape(field), escape(message));
        }
        out.push_str("</ul></div>");
    }
    if !preview_html.is_empty() {
        let _ = write!(
            out,
            r#"<div class="comment-preview comment-body">{preview_html}</div>"#
        );
    }
    let _ = write!(
        out,
        r#"<form class="comment-form" method="post" action="/comments">
<input type="hidden" name="post" value="{post}">{parent}<input type="hidden" name="token" value="{token}">
<p><label for="comment-name">Name <span class="optional">(optional)</span></label>
<input id="comment-name" name="name" maxlength="{MAX_NAME_CHARS}" autocomplete="nickname" value="{name}"></p>
<p><label for="comment-body">Comment</label>
<textarea id="comment-body" name="body" required maxlength="{MAX_BODY_CHARS}" rows="6">{body}</textarea></p>
<p><button type="submit">Post comment</button></p>
</form>{back}"#,
        post = escape(draft.post_url),
        parent = draft
            .parent
            .map(|p| format!(r#"<input type="hidden" name="parent" value="{p}">"#))
            .unwrap_or_default(),
        token = escape(token),
        name = escape(draft.name),
        body = escape(draft.body),
        back = back(draft.post_url),
    );
    out
}

/// The thank-you, with the comment as it will show and a form to change or delete it.
pub fn received(comment: &Comment, post_url: &str, key: &str, edit_minutes: u32) -> String {
    let mut out = String::from("<h1>Thank you</h1>");
    out.push_str(if comment.status == CommentStatus::Approved {
        "<p>Your comment is published.</p>"
    } else {
        "<p>Your comment will appear once it is approved.</p>"
    });
    let mut card = String::new();
    super::comments_island::write_comment(comment, &mut card);
    out.push_str(&card);
    let _ = write!(
        out,
        r#"<h2>Change it</h2><p>You can edit or delete it for {edit_minutes} minutes from this page.</p>
<form class="comment-form" method="post" action="/comments/{id}/edit">
<input type="hidden" name="key" value="{key}">
<p><label for="comment-name">Name <span class="optional">(optional)</span></label>
<input id="comment-name" name="name" maxlength="{MAX_NAME_CHARS}" autocomplete="nickname" value="{name}"></p>
<p><label for="comment-body">Comment</label>
<textarea id="comment-body" name="body" required maxlength="{MAX_BODY_CHARS}" rows="6">{body}</textarea></p>
<p><button type="submit" name="action" value="save">Save changes</button>
<button type="submit" name="action" value="delete" class="danger">Delete comment</button></p>
</form>{back}"#,
        id = comment.id,
        key = escape(key),
        name = escape(&comment.author),
        body = escape(&comment.body),
        back = back(post_url),
    );
    out
}

/// Something went wrong: what, and the way back.
pub fn problem(title: &str, message: &str, post_url: Option<&str>) -> String {
    format!(
        "<h1>{}</h1><p>{}</p>{}",
        escape(title),
        escape(message),
        post_url.map(back).unwrap_or_default()
    )
}
