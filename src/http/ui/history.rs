//! An entry's history from the log (file edits included, as `file`), and restoring any version
//! as a new revision.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use tera::Context;

use super::editor::{DoneQuery, problem_of};
use super::entries::{kind_of, not_found, notice, plural};
use super::page::{Frame, Session, render, see_other};
use crate::admin::{AdminReply, AdminRequest};
use crate::change::EventSeq;
use crate::http::admin::{SubmitError, submit_raw};
use crate::http::auth::Authed;
use crate::http::{AppState, with_db};

#[derive(Serialize)]
struct RevisionLine {
    seq: i64,
    at: String,
    actor: String,
    what: &'static str,
    restorable: bool,
    restore_url: String,
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<DoneQuery>,
) -> HttpResponse {
    let (kind, slug) = path.into_inner();
    let Some(kind) = kind_of(&kind) else {
        return not_found();
    };
    let session = match Session::of(&req, &state).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let live = state.published.load().site.find(kind, &slug).cloned();
    let title = live
        .as_ref()
        .map(|e| e.title.clone())
        .unwrap_or_else(|| slug.clone());
    let source = live.map(|e| e.source.clone());
    let lookup = slug.clone();
    let rows = with_db(&state, move |db| {
        let source = match source {
            Some(s) => Some(s),
            None => db.deleted_source(&lookup, kind).ok().flatten(),
        };
        source.map(|s| db.history(&s))
    })
    .await;
    let rows = match rows {
        Ok(Some(Ok(rows))) => rows,
        Ok(None) => return not_found(),
        Ok(Some(Err(e))) => return crate::http::error::internal(e),
        Err(response) => return response,
    };
    let base = format!("/admin/{}/{slug}", plural(kind));
    let revisions: Vec<RevisionLine> = rows
        .into_iter()
        .map(|r| {
            let version = r.kind == crate::change::event_kind::ENTRY_UPSERT;
            RevisionLine {
                seq: r.seq.0,
                at: r.at,
                actor: r.actor,
                what: if version { "version" } else { "deleted" },
                restorable: version,
                restore_url: format!("{base}/restore/{}", r.seq.0),
            }
        })
        .collect();
    let mut data = Context::new();
    data.insert("entry_title", &title);
    data.insert("edit_url", &base);
    data.insert("revisions", &revisions);
    let frame = Frame {
        title: "History",
        section: plural(kind),
        user: Some(&session.user),
        csrf: &session.csrf,
        notice: notice(query.done.as_deref()),
        problem: None,
    };
    render(&state, StatusCode::OK, "history.html", frame, data).await
}

#[derive(Deserialize)]
pub struct TokenForm {
    csrf: Option<String>,
}

pub async fn restore(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String, i64)>,
    form: web::Form<TokenForm>,
) -> HttpResponse {
    let (kind, slug, seq) = path.into_inner();
    let Some(kind) = kind_of(&kind) else {
        return not_found();
    };
    let session = match Session::for_form(&req, &state, form.csrf.as_deref()).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let authed = Authed {
        actor: crate::change::Actor::User(session.user.clone()),
        session: Some(session.id_hash.clone()),
    };
    let request = AdminRequest::RestoreRevision {
        kind,
        slug,
        seq: EventSeq(seq),
    };
    match submit_raw(&state, &authed, request).await {
        Ok(AdminReply::Entry { entry, .. }) => see_other(&format!(
            "/admin/{}/{}?done=restored",
            plural(kind),
            entry.slug
        )),
        Ok(_) => crate::http::error::internal("unexpected reply to a restore"),
        Err(SubmitError::Unavailable(m)) => HttpResponse::ServiceUnavailable().body(m),
        Err(SubmitError::Refused(e)) => {
            let (status, problem) = problem_of(&e, kind);
            HttpResponse::build(status)
                .content_type("text/plain; charset=utf-8")
                .body(format!("{problem}\n"))
        }
    }
}
