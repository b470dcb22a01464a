//! Comment moderation: the queue first, then every comment by status; approve, reject, mark as
//! spam or delete, through the same writer commands as `/admin/api/comments`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use tera::Context;

use super::page::{Frame, Session, render, see_other};
use crate::admin::{AdminError, AdminRequest};
use crate::comments::CommentRequest;
use crate::http::AppState;
use crate::http::admin::{SubmitError, submit_raw};
use crate::site::Site;
use crate::site::comments::{Comment, CommentStatus};

const PER_PAGE: usize = 50;
const TABS: &[&str] = &["pending", "approved", "spam", "rejected"];

/// One comment as the moderation page shows it.
#[derive(Serialize)]
pub struct CommentLine {
    pub id: u64,
    pub author: String,
    pub status: &'static str,
    pub when: String,
    pub iso: String,
    pub post_title: String,
    pub post_url: String,
    /// Sanitized when written, cleaned again here.
    pub html: String,
    pub reply: bool,
}

impl CommentLine {
    pub fn of(site: &Site, comment: &Comment) -> CommentLine {
        let entry = site.entry(&comment.post);
        let date = crate::render::view::DateView::new(comment.created, None);
        CommentLine {
            id: comment.id,
            author: if comment.author.is_empty() {
                "Anonymous".to_owned()
            } else {
                comment.author.clone()
            },
            status: comment.status.name(),
            when: format!(
                "{} {}",
                date.display,
                date.iso.get(11..16).unwrap_or_default()
            ),
            iso: date.iso,
            post_title: entry.map(|e| e.title.clone()).unwrap_or_default(),
            post_url: entry.map(|e| e.url_path()).unwrap_or_default(),
            html: crate::content::comment_body::clean(&comment.html),
            reply: comment.parent.is_some(),
        }
    }
}

#[derive(Deserialize)]
pub struct ListParams {
    #[serde(default)]
    status: String,
    page: Option<usize>,
    done: Option<String>,
}

#[derive(Serialize)]
struct Tab {
    name: &'static str,
    count: usize,
    current: bool,
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> HttpResponse {
    let session = match Session::of(&req, &state).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let status = CommentStatus::parse(&params.status).unwrap_or(CommentStatus::Pending);
    let snapshot = state.published.load_full();
    let all = snapshot.site.all_comments();
    let tabs: Vec<Tab> = TABS
        .iter()
        .map(|name| Tab {
            name,
            count: all.iter().filter(|c| c.status.name() == *name).count(),
            current: status.name() == *name,
        })
        .collect();
    let shown: Vec<_> = all.iter().filter(|c| c.status == status).collect();
    let pages = shown.len().div_ceil(PER_PAGE).max(1);
    let page = params.page.unwrap_or(1).clamp(1, pages);
    let lines: Vec<CommentLine> = shown
        .iter()
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(|c| CommentLine::of(&snapshot.site, c))
        .collect();
    let notice = params.done.as_deref().and_then(|done| {
        let text = match done {
            "approved" => "Comment approved: it is on the post now.",
            "rejected" => "Comment rejected.",
            "spam" => "Comment marked as spam.",
            "pending" => "Comment sent back to the queue.",
            "deleted" => "Comment deleted.",
            _ => return None,
        };
        Some(text.to_owned())
    });
    let mut data = Context::new();
    data.insert("tabs", &tabs);
    data.insert("status", status.name());
    data.insert("comments", &lines);
    data.insert("page", &page);
    data.insert("pages", &pages);
    let frame = Frame::of(&session, "Comments", "comments", notice, None);
    render(&state, StatusCode::OK, "comments.html", frame, data).await
}

#[derive(Deserialize)]
pub struct ModerateForm {
    csrf: Option<String>,
    #[serde(default)]
    action: String,
    /// The tab to return to.
    #[serde(default)]
    back: String,
}

pub async fn moderate(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<u64>,
    form: web::Form<ModerateForm>,
) -> HttpResponse {
    let session = match Session::for_form(&req, &state, form.csrf.as_deref()).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let id = id.into_inner();
    let (request, done) = match form.action.as_str() {
        "delete" => (CommentRequest::Delete { id }, "deleted"),
        action => match CommentStatus::parse(action) {
            Some(status) => (CommentRequest::Moderate { id, status }, status.name()),
            None => return HttpResponse::BadRequest().body("unknown action\n"),
        },
    };
    let back = CommentStatus::parse(&form.back).unwrap_or(CommentStatus::Pending);
    match submit_raw(&state, &session.authed(), AdminRequest::Comment(request)).await {
        Ok(_) => see_other(&format!(
            "/admin/comments?status={}&done={done}",
            back.name()
        )),
        Err(SubmitError::Refused(AdminError::NotFound(_))) => {
            see_other(&format!("/admin/comments?status={}", back.name()))
        }
        Err(SubmitError::Refused(e)) => crate::http::error::admin_error(e),
        Err(SubmitError::Unavailable(m)) => crate::http::error::internal(m),
    }
}
