//! The editor: create, save, preview and delete, all as plain form posts that work without
//! JavaScript. Every write is the writer command the JSON API sends; a stale ETag is shown as
//! a message, and the text typed is kept.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use tera::Context;

use super::dashboard::Line;
use super::entries::{kind_of, known_tags, not_found, notice, plural};
use super::page::{DoneQuery, Frame, Session, render, see_other};
use crate::admin::{AdminError, AdminReply, AdminRequest, EntryFields, SaveEntry};
use crate::http::admin::{SubmitError, submit, submit_raw};
use crate::http::{AppState, with_db};
use crate::site::entry::{Entry, EntryKind};

/// The editor's fields, as a form sends them and as the page shows them.
#[derive(Deserialize, Serialize, Default)]
pub struct EditorForm {
    #[serde(default, skip_serializing)]
    csrf: Option<String>,
    #[serde(default)]
    etag: String,
    /// Minutes east of UTC of the date field (the browser's, or the post's own).
    #[serde(default)]
    tz_offset: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    tags: String,
    /// `YYYY-MM-DDTHH:MM`, as `<input type=datetime-local>` sends it.
    #[serde(default)]
    date: String,
    #[serde(default, skip_deserializing)]
    date_iso: String,
    #[serde(default, deserialize_with = "checkbox")]
    draft: bool,
    #[serde(default)]
    description: String,
    /// The cover image, as the front matter's `image` has it.
    #[serde(default)]
    image: String,
    #[serde(default, skip_serializing)]
    action: String,
}

fn checkbox<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let value: Option<String> = Option::deserialize(d)?;
    Ok(value.is_some_and(|v| !v.is_empty()))
}

impl EditorForm {
    fn of(entry: &Entry, body: String) -> EditorForm {
        let date = entry
            .date
            .map(|d| crate::render::view::DateView::new(d, entry.date_offset));
        EditorForm {
            etag: crate::etag::of_entry(entry),
            tz_offset: entry
                .date_offset
                .map(|s| (s / 60).to_string())
                .unwrap_or_default(),
            title: entry.title.clone(),
            body,
            slug: entry.slug.to_string(),
            tags: entry
                .tags
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            date: date
                .as_ref()
                .and_then(|d| d.iso.get(..16))
                .unwrap_or_default()
                .to_owned(),
            date_iso: date.map(|d| d.iso).unwrap_or_default(),
            draft: entry.draft,
            description: entry.description.clone().unwrap_or_default(),
            image: entry
                .extra
                .get("image")
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned(),
            ..EditorForm::default()
        }
    }

    /// The fields as the writer takes them. A date with an offset is stored with it; without
    /// one (no JavaScript), it is read in the site's time zone.
    fn fields(&self) -> EntryFields {
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let date = text(&self.date).map(|local| match self.tz_offset.trim().parse::<i32>() {
            Ok(minutes) if minutes.abs() < 24 * 60 => {
                let sign = if minutes < 0 { '-' } else { '+' };
                let m = minutes.abs();
                // `YYYY-MM-DDTHH:MM`, or with `:SS` when the field allows seconds.
                let seconds = if local.len() == 16 { ":00" } else { "" };
                format!("{local}{seconds}{sign}{:02}:{:02}", m / 60, m % 60)
            }
            _ => local.replace('T', " "),
        });
        EntryFields {
            title: self.title.clone(),
            body: self.body.replace("\r\n", "\n"),
            tags: self
                .tags
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            draft: self.draft,
            date,
            slug: text(&self.slug),
            description: text(&self.description),
            image: Some(self.image.trim().to_owned()),
        }
    }
}

/// One showing of the editor: for `kind`, the entry `slug` (`None` for a new one), with the
/// form as filled in, and what to say about the last action.
struct EditorPage<'a> {
    kind: EntryKind,
    slug: Option<&'a str>,
    form: &'a EditorForm,
    status: StatusCode,
    notice: Option<String>,
    problem: Option<String>,
    preview: Option<String>,
    /// After a conflict: the other version against the text in the form, word by word.
    conflict: Option<String>,
}

impl<'a> EditorPage<'a> {
    fn new(kind: EntryKind, slug: Option<&'a str>, form: &'a EditorForm) -> EditorPage<'a> {
        EditorPage {
            kind,
            slug,
            form,
            status: StatusCode::OK,
            notice: None,
            problem: None,
            preview: None,
            conflict: None,
        }
    }
}

/// Renders the editor.
async fn editor(
    state: &web::Data<AppState>,
    session: &Session,
    page: EditorPage<'_>,
) -> HttpResponse {
    let EditorPage {
        kind,
        slug,
        form,
        status,
        notice,
        problem,
        preview,
        conflict,
    } = page;
    let snapshot = state.published.load_full();
    let base = format!("/admin/{}", plural(kind));
    let entry = slug.and_then(|s| snapshot.site.find(kind, s)).cloned();
    let mut data = Context::new();
    data.insert("form", form);
    data.insert("kind", plural(kind));
    data.insert("singular", kind.name());
    data.insert("slug", slug.unwrap_or_default());
    data.insert("is_new", &slug.is_none());
    data.insert(
        "action_url",
        &match slug {
            Some(s) => format!("{base}/{s}"),
            None => format!("{base}/new"),
        },
    );
    data.insert("known_tags", &known_tags(&snapshot.site));
    data.insert("preview", &preview);
    data.insert("conflict", &conflict);
    if let Some(entry) = &entry {
        data.insert("public_url", &entry.url_path());
        data.insert("status", snapshot.site.status(entry).name());
        data.insert("when", &Line::of(&snapshot.site, entry).when);
        data.insert("history_url", &format!("{base}/{}/history", entry.slug));
    }
    let zone = snapshot.site.config.timezone.clone();
    data.insert(
        "zone_hint",
        &if zone.is_empty() {
            "Without JavaScript, the time is read as UTC.".to_owned()
        } else {
            format!("Without JavaScript, the time is read in {zone}.")
        },
    );
    let title = if slug.is_none() { "New" } else { "Edit" };
    let frame = Frame::of(session, title, plural(kind), notice, problem);
    render(state, status, "editor.html", frame, data).await
}

pub async fn new(
    req: HttpRequest,
    state: web::Data<AppState>,
    kind: web::Path<String>,
) -> HttpResponse {
    let Some(kind) = kind_of(&kind) else {
        return not_found();
    };
    let session = match Session::of(&req, &state).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let form = EditorForm::default();
    editor(&state, &session, EditorPage::new(kind, None, &form)).await
}

pub async fn edit(
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
    let Some(entry) = state.published.load().site.find(kind, &slug).cloned() else {
        return not_found();
    };
    let source = entry.source.clone();
    let text = with_db(&state, move |db| db.latest_source(&source))
        .await
        .ok()
        .and_then(|r| r.ok().flatten())
        .unwrap_or_default();
    let body = crate::content::front_matter::split(&text)
        .map(|f| f.body.trim_start_matches('\n').to_owned())
        .unwrap_or_default();
    let form = EditorForm::of(&entry, body);
    let notice = notice(query.done.as_deref());
    editor(
        &state,
        &session,
        EditorPage {
            notice,
            ..EditorPage::new(kind, Some(&slug), &form)
        },
    )
    .await
}

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    kind: web::Path<String>,
    form: web::Form<EditorForm>,
) -> HttpResponse {
    let Some(kind) = kind_of(&kind) else {
        return not_found();
    };
    save(req, state, kind, None, form.into_inner()).await
}

pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<EditorForm>,
) -> HttpResponse {
    let (kind, slug) = path.into_inner();
    let Some(kind) = kind_of(&kind) else {
        return not_found();
    };
    save(req, state, kind, Some(slug), form.into_inner()).await
}

/// Save, preview or delete: the button pressed says which.
async fn save(
    req: HttpRequest,
    state: web::Data<AppState>,
    kind: EntryKind,
    slug: Option<String>,
    form: EditorForm,
) -> HttpResponse {
    let session = match Session::for_form(&req, &state, form.csrf.as_deref()).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let authed = session.authed();
    let base = format!("/admin/{}", plural(kind));
    match (form.action.as_str(), &slug) {
        ("preview", _) => {
            let markdown = state.markdown.clone();
            let body = form.body.clone();
            let html = web::block(move || markdown.render(&body).html)
                .await
                .unwrap_or_default();
            return editor(
                &state,
                &session,
                EditorPage {
                    preview: Some(html),
                    ..EditorPage::new(kind, slug.as_deref(), &form)
                },
            )
            .await;
        }
        ("delete", Some(current)) => {
            let request = AdminRequest::DeleteEntry {
                kind,
                slug: current.clone(),
                if_match: Some(form.etag.clone()),
            };
            return match submit(&state, &authed, request).await {
                Ok(_) => see_other(&format!("{base}?done=deleted")),
                Err(_) => {
                    let problem = "It could not be deleted: it changed since you opened it. Reload and try again.".to_owned();
                    editor(
                        &state,
                        &session,
                        EditorPage {
                            status: StatusCode::PRECONDITION_FAILED,
                            problem: Some(problem),
                            ..EditorPage::new(kind, slug.as_deref(), &form)
                        },
                    )
                    .await
                }
            };
        }
        _ => {}
    }
    let request = AdminRequest::SaveEntry(SaveEntry {
        kind,
        slug: slug.clone(),
        if_match: slug.as_ref().map(|_| form.etag.clone()),
        input: form.fields(),
    });
    let reply = submit_raw(&state, &authed, request).await;
    match reply {
        Ok(AdminReply::Entry { entry, .. }) => {
            let done = if slug.is_some() { "saved" } else { "created" };
            see_other(&format!("{base}/{}?done={done}", entry.slug))
        }
        Ok(_) => crate::http::error::internal("unexpected reply to a save"),
        Err(SubmitError::Unavailable(m)) => HttpResponse::ServiceUnavailable().body(m),
        Err(SubmitError::Refused(error)) => {
            let (status, problem) = problem_of(&error, kind);
            let conflict = match (&error, &slug) {
                (AdminError::PreconditionFailed, Some(current)) => {
                    other_version(&state, kind, current)
                        .await
                        .map(|theirs| super::diff::word_diff_html(&form.body, &theirs))
                }
                _ => None,
            };
            editor(
                &state,
                &session,
                EditorPage {
                    status,
                    problem: Some(problem),
                    conflict,
                    ..EditorPage::new(kind, slug.as_deref(), &form)
                },
            )
            .await
        }
    }
}

/// The text of the version saved meanwhile (what a conflict is with), without front matter.
async fn other_version(state: &web::Data<AppState>, kind: EntryKind, slug: &str) -> Option<String> {
    let source = state.published.load().site.find(kind, slug)?.source.clone();
    let text = with_db(state, move |db| db.latest_source(&source))
        .await
        .ok()?
        .ok()??;
    crate::content::front_matter::split(&text)
        .ok()
        .map(|f| f.body.trim_start_matches('\n').to_owned())
}

/// A writer's refusal, for a person: what is wrong and what to do.
pub(super) fn problem_of(error: &AdminError, kind: EntryKind) -> (StatusCode, String) {
    match error {
        AdminError::Invalid(fields) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            fields
                .iter()
                .map(|(field, message)| format!("{field}: {message}"))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        AdminError::PreconditionFailed | AdminError::PreconditionRequired => (
            StatusCode::PRECONDITION_FAILED,
            format!(
                "This {} changed since you opened it (in another tab, through the API or in its file). Your text is below and was not saved: copy what you need, then reload to see the other version.",
                kind.name()
            ),
        ),
        AdminError::NotFound(m) => (StatusCode::NOT_FOUND, m.clone()),
        other => (StatusCode::INTERNAL_SERVER_ERROR, other.to_string()),
    }
}
