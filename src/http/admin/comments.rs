//! `/admin/api/comments`: the moderation queue and every comment, and a moderator's decisions
//! (approve, reject, mark as spam, delete), each an event in the log.

use actix_web::{HttpResponse, delete, get, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::submit;
use crate::admin::{AdminError, AdminReply, AdminRequest, field_error};
use crate::comments::CommentRequest;
use crate::http::AppState;
use crate::http::auth::Authed;
use crate::http::error::{ErrorBody, admin_error};
use crate::site::Site;
use crate::site::comments::{Comment, CommentStatus};

/// Comments per page of the list, at most.
const MAX_PER_PAGE: usize = 200;

/// One comment as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentOut {
    pub id: u64,
    /// `pending`, `approved`, `rejected` or `spam`.
    pub status: String,
    /// The post's URL path and title.
    pub post: String,
    pub post_title: String,
    pub parent: Option<u64>,
    pub author: String,
    /// The markdown as written, and as shown (sanitized HTML).
    pub body: String,
    pub html: String,
    pub created: DateTime<Utc>,
    pub edited: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentList {
    pub items: Vec<CommentOut>,
    pub page: usize,
    pub per_page: usize,
    pub total: usize,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct CommentQuery {
    /// Only comments with this status.
    pub status: Option<String>,
    /// 1-based.
    pub page: Option<usize>,
    pub per_page: Option<usize>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ModerationInput {
    /// `approved`, `rejected`, `spam` or `pending`.
    pub status: String,
}

pub fn comment_out(site: &Site, comment: &Comment) -> CommentOut {
    let entry = site.entry(&comment.post);
    CommentOut {
        id: comment.id,
        status: comment.status.name().to_owned(),
        post: entry.map(|e| e.url_path()).unwrap_or_default(),
        post_title: entry.map(|e| e.title.clone()).unwrap_or_default(),
        parent: comment.parent,
        author: comment.author.clone(),
        body: comment.body.clone(),
        html: crate::content::comment_body::clean(&comment.html),
        created: comment.created,
        edited: comment.edited,
    }
}

/// Every comment, newest first, optionally only one status (`pending` is the queue).
#[utoipa::path(tag = "comments", params(CommentQuery), responses(
    (status = 200, body = CommentList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
#[get("/comments")]
pub async fn comments_list(
    state: web::Data<AppState>,
    query: web::Query<CommentQuery>,
) -> HttpResponse {
    let status = match query.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(name) => match CommentStatus::parse(name) {
            Some(status) => Some(status),
            None => {
                return admin_error(field_error(
                    "status",
                    "use pending, approved, rejected or spam",
                ));
            }
        },
    };
    let snapshot = state.published.load();
    let all: Vec<_> = snapshot
        .site
        .all_comments()
        .into_iter()
        .filter(|c| status.is_none_or(|s| c.status == s))
        .collect();
    let per_page = query.per_page.unwrap_or(50).clamp(1, MAX_PER_PAGE);
    let page = query.page.unwrap_or(1).max(1);
    let items = all
        .iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|c| comment_out(&snapshot.site, c))
        .collect();
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(CommentList {
            items,
            page,
            per_page,
            total: all.len(),
        })
}

/// Approve, reject, mark as spam, or send back to the queue. The post's page shows the change
/// before this answers.
#[utoipa::path(tag = "comments", params(("id" = u64, Path,)), request_body = ModerationInput, responses(
    (status = 200, body = CommentOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
#[put("/comments/{id}")]
pub async fn comments_moderate(
    state: web::Data<AppState>,
    authed: web::ReqData<Authed>,
    id: web::Path<u64>,
    input: web::Json<ModerationInput>,
) -> HttpResponse {
    let Some(status) = CommentStatus::parse(&input.status) else {
        return admin_error(field_error(
            "status",
            "use approved, rejected, spam or pending",
        ));
    };
    let request = CommentRequest::Moderate {
        id: id.into_inner(),
        status,
    };
    match submit(&state, &authed, AdminRequest::Comment(request)).await {
        Ok(AdminReply::Comment { comment, .. }) => HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(comment_out(&state.published.load().site, &comment)),
        Ok(_) => admin_error(AdminError::Internal("unexpected reply".to_owned())),
        Err(response) => response,
    }
}

/// Deletes a comment and its replies.
#[utoipa::path(tag = "comments", params(("id" = u64, Path,)), responses(
    (status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/comments/{id}")]
pub async fn comments_delete(
    state: web::Data<AppState>,
    authed: web::ReqData<Authed>,
    id: web::Path<u64>,
) -> HttpResponse {
    let request = CommentRequest::Delete {
        id: id.into_inner(),
    };
    match submit(&state, &authed, AdminRequest::Comment(request)).await {
        Ok(_) => HttpResponse::NoContent().finish(),
        Err(response) => response,
    }
}
