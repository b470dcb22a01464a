//! An entry's history from the log (file edits included, as `file`), and restoring any version
//! as a new revision.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use tera::Context;

use super::editor::problem_of;
use super::entries::{kind_of, not_found, notice, plural};
use super::page::{DoneQuery, Frame, Session, render, see_other};
use crate::admin::{AdminReply, AdminRequest};
use crate::change::EventSeq;
use crate::http::admin::{SubmitError, submit_raw};
use crate::http::{AppState, with_db};

#[derive(Serialize)]
struct RevisionLine {
    seq: i64,
    at: String,
    actor: String,
    what: String,
    restorable: bool,
    restore_url: String,
    diff_url: String,
    /// The earlier saves of the same session, newest first, each restorable.
    earlier: Vec<Save>,
}

#[derive(Serialize)]
struct Save {
    seq: i64,
    at: String,
    restore_url: String,
    diff_url: String,
}

/// Saves by one person less than this apart are one session in the history (autosave writes
/// every pause in typing to the log; each stays there, restorable, but is not a row of its own).
const SESSION_GAP_SECONDS: i64 = 10 * 60;

/// Groups the log's rows (newest first) into what a person calls revisions: a run of versions
/// by the same actor, each within `SESSION_GAP_SECONDS` of the next, is one row; it restores
/// to its newest version.
fn coalesce(rows: Vec<crate::store::EventRow>, base: &str) -> Vec<RevisionLine> {
    let time = |at: &str| {
        chrono::DateTime::parse_from_rfc3339(at)
            .map(|t| t.timestamp())
            .ok()
    };
    let mut lines: Vec<(RevisionLine, usize, Option<i64>)> = Vec::new();
    for r in rows {
        let version = r.kind == crate::change::event_kind::ENTRY_UPSERT;
        let at = time(&r.at);
        if let Some((line, count, oldest)) = lines.last_mut()
            && version
            && line.restorable
            && line.actor == r.actor
            && matches!((*oldest, at), (Some(o), Some(a)) if o - a <= SESSION_GAP_SECONDS)
        {
            *count += 1;
            *oldest = at;
            line.what = format!("{count} saves, the last shown");
            line.earlier.push(Save {
                seq: r.seq.0,
                at: r.at,
                restore_url: format!("{base}/restore/{}", r.seq.0),
                diff_url: format!("{base}/diff/{}", r.seq.0),
            });
            continue;
        }
        lines.push((
            RevisionLine {
                seq: r.seq.0,
                at: r.at,
                actor: r.actor,
                what: if version { "version" } else { "deleted" }.to_owned(),
                restorable: version,
                restore_url: format!("{base}/restore/{}", r.seq.0),
                diff_url: format!("{base}/diff/{}", r.seq.0),
                earlier: Vec::new(),
            },
            1,
            at,
        ));
    }
    lines.into_iter().map(|(line, _, _)| line).collect()
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
    let revisions = coalesce(rows, &base);
    let mut data = Context::new();
    data.insert("entry_title", &title);
    data.insert("edit_url", &base);
    data.insert("revisions", &revisions);
    let frame = Frame::of(
        &session,
        "History",
        plural(kind),
        notice(query.done.as_deref()),
        None,
    );
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
    let authed = session.authed();
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

#[cfg(test)]
mod tests {
    use super::coalesce;
    use crate::change::EventSeq;
    use crate::store::EventRow;

    fn row(seq: i64, at: &str, actor: &str, kind: &str) -> EventRow {
        EventRow {
            seq: EventSeq(seq),
            at: at.to_owned(),
            actor: actor.to_owned(),
            kind: kind.to_owned(),
            subject: "posts/a.md".to_owned(),
        }
    }

    #[test]
    fn a_typing_session_is_one_revision_and_restores_to_its_last_save() {
        let upsert = crate::change::event_kind::ENTRY_UPSERT;
        let rows = vec![
            row(9, "2026-01-01T10:20:00.000Z", "user:ada", upsert),
            row(8, "2026-01-01T10:12:00.000Z", "user:ada", upsert),
            row(7, "2026-01-01T10:11:30.000Z", "user:ada", upsert),
            row(6, "2026-01-01T10:00:00.000Z", "file", upsert),
            row(5, "2026-01-01T09:00:00.000Z", "user:ada", upsert),
        ];
        let lines = coalesce(rows, "/admin/posts/a");
        let seqs: Vec<i64> = lines.iter().map(|l| l.seq).collect();
        assert_eq!(
            seqs,
            [9, 6, 5],
            "ada's three saves are one row; a file edit breaks the run"
        );
        assert_eq!(lines[0].what, "3 saves, the last shown");
        assert_eq!(lines[0].restore_url, "/admin/posts/a/restore/9");
        let earlier: Vec<i64> = lines[0].earlier.iter().map(|s| s.seq).collect();
        assert_eq!(earlier, [8, 7], "every save stays restorable");
    }
}
