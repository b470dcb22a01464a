//! Comment commands in the writer: a visitor's new comment, its author's edit or deletion
//! within the edit window, and moderation. Each is an event committed with its batch; the
//! post's islands are filled again, and no template runs.

use std::sync::Arc;

use super::{Batch, Writer};
use crate::admin::{AdminError, AdminReply, field_error};
use crate::change::{Actor, Change};
use crate::comments::{self, CommentRequest};
use crate::content::comment_body;
use crate::site::Site;
use crate::site::comments::{Comment, CommentStatus};

fn not_found(id: u64) -> AdminError {
    AdminError::NotFound(format!("no comment with the id {id}"))
}

impl Writer {
    pub(super) fn comment_command(
        &mut self,
        working: &mut Site,
        actor: &Actor,
        request: CommentRequest,
        batch: &mut Batch,
    ) -> Result<AdminReply, AdminError> {
        let now = self.clock.now();
        let edit_window =
            chrono::Duration::minutes(i64::from(working.config.comments.edit_minutes));
        let (comment, key) = match request {
            CommentRequest::Post {
                post_url,
                parent,
                author,
                body,
                returning,
            } => {
                let (comment, key) =
                    new_comment(working, &post_url, parent, author, body, returning, now)?;
                (Some(comment), Some(key))
            }
            CommentRequest::EditOwn {
                id,
                key,
                author,
                body,
            } => {
                let current = working.comment(id).cloned().ok_or_else(|| not_found(id))?;
                own(&current, &key, now, edit_window)?;
                let fields = comments::check_fields(&author, &body);
                if !fields.is_empty() {
                    return Err(AdminError::Invalid(fields));
                }
                let comment = Comment {
                    author: comments::clean_name(&author),
                    html: comment_body::render(&body),
                    body,
                    edited: Some(now),
                    ..(*current).clone()
                };
                (Some(comment), None)
            }
            CommentRequest::DeleteOwn { id, key } => {
                let current = working.comment(id).cloned().ok_or_else(|| not_found(id))?;
                own(&current, &key, now, edit_window)?;
                return Ok(remove(working, actor, current, batch));
            }
            CommentRequest::Moderate { id, status } => {
                let current = working.comment(id).cloned().ok_or_else(|| not_found(id))?;
                let comment = Comment {
                    status,
                    ..(*current).clone()
                };
                (Some(comment), None)
            }
            CommentRequest::Delete { id } => {
                let current = working.comment(id).cloned().ok_or_else(|| not_found(id))?;
                return Ok(remove(working, actor, current, batch));
            }
        };
        let Some(comment) = comment else {
            return Err(AdminError::Internal("no comment to store".to_owned()));
        };
        batch.impact.merge(working.put_comment(comment.clone()));
        let stored = Arc::new(comment.clone());
        batch.changes.push((
            actor.clone(),
            Change::CommentPut {
                comment: Box::new(comment),
            },
        ));
        Ok(AdminReply::Comment {
            comment: stored,
            key,
        })
    }
}

/// Whether `key` is this comment's edit key and its edit window is still open.
fn own(
    comment: &Comment,
    key: &str,
    now: chrono::DateTime<chrono::Utc>,
    window: chrono::Duration,
) -> Result<(), AdminError> {
    if !comments::key_matches(key, &comment.edit_key) {
        return Err(AdminError::Forbidden(
            "this key does not belong to that comment".to_owned(),
        ));
    }
    if now - comment.created > window {
        return Err(AdminError::Forbidden(format!(
            "a comment can be changed by its author for {} minutes only",
            window.num_minutes()
        )));
    }
    Ok(())
}

fn remove(
    working: &mut Site,
    actor: &Actor,
    comment: Arc<Comment>,
    batch: &mut Batch,
) -> AdminReply {
    batch.impact.merge(working.remove_comment(comment.id));
    batch.changes.push((
        actor.clone(),
        Change::CommentDeleted {
            id: comment.id,
            post: comment.post.clone(),
        },
    ));
    AdminReply::Deleted
}

/// A visitor's new comment, checked against the post and its thread; with its edit key.
fn new_comment(
    working: &Site,
    post_url: &str,
    parent: Option<u64>,
    author: String,
    body: String,
    returning: Option<String>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Comment, String), AdminError> {
    let entry = working
        .entry_at(post_url)
        .filter(|e| working.is_published(e))
        .cloned()
        .ok_or_else(|| AdminError::NotFound(format!("no post at {post_url}")))?;
    if !working.comments_open(&entry) {
        return Err(AdminError::Forbidden(
            "comments are closed on this post".to_owned(),
        ));
    }
    let fields = comments::check_fields(&author, &body);
    if !fields.is_empty() {
        return Err(AdminError::Invalid(fields));
    }
    // One level of replies: an answer to a reply answers its parent.
    let parent = match parent {
        None => None,
        Some(id) => {
            let answered = working
                .comment(id)
                .filter(|c| c.post == entry.source && c.status == CommentStatus::Approved)
                .ok_or_else(|| field_error("parent", "that comment is not on this post"))?;
            Some(answered.parent.unwrap_or(answered.id))
        }
    };
    let key = crate::auth::random_secret().map_err(|e| AdminError::Internal(e.to_string()))?;
    let commenter = returning.unwrap_or_default();
    let status = if working.config.comments.auto_approve_returning
        && working.is_returning_commenter(&commenter)
    {
        CommentStatus::Approved
    } else {
        CommentStatus::Pending
    };
    let comment = Comment {
        id: working.next_comment_id(),
        post: entry.source.clone(),
        parent,
        author: comments::clean_name(&author),
        html: comment_body::render(&body),
        body,
        created: now,
        edited: None,
        status,
        edit_key: comments::key_hash(&key),
        commenter,
        imported_from: None,
    };
    Ok((comment, key))
}
