//! The admin JSON API under `/admin/api/`. Reads come from the published snapshot (and the log
//! for history); writes go to the single writer and are answered once durable and live.

use std::collections::BTreeMap;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use chrono::{SecondsFormat, Utc};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::auth::{Authed, client_ip, cookie_header};
use super::error::{ErrorBody, admin_error, json_error};
use crate::admin::{AdminCommand, AdminReply, AdminRequest, EntryInput, SettingsInput};
use crate::auth::{check_login, random_secret, secret_hash};
use crate::change::MediaInfo;
use crate::content::front_matter;
use crate::site::entry::{Entry, EntryKind};
use crate::store::EventRow;
use crate::writer::{Input, entry_etag};

// ---------- types ----------

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginInput {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    pub username: String,
    /// `session` or `token`.
    pub via: String,
}

/// An entry with its markdown source, as the editor needs it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryOut {
    pub kind: String,
    pub slug: String,
    pub title: String,
    /// Markdown, without front matter.
    pub body: String,
    pub tags: Vec<String>,
    pub draft: bool,
    pub date: Option<String>,
    pub updated: Option<String>,
    pub description: Option<String>,
    /// `draft`, `scheduled` or `published`.
    pub status: String,
    /// Path on the public site.
    pub url: String,
    /// Send as If-Match to replace this version.
    pub etag: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntrySummary {
    pub kind: String,
    pub slug: String,
    pub title: String,
    pub tags: Vec<String>,
    pub draft: bool,
    pub date: Option<String>,
    pub status: String,
    pub url: String,
    pub etag: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryList {
    pub items: Vec<EntrySummary>,
    pub page: usize,
    pub per_page: usize,
    pub total: usize,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// `draft`, `scheduled` or `published`.
    pub status: Option<String>,
    /// A tag's name or slug.
    pub tag: Option<String>,
    /// Words to find in the title or the text.
    pub q: Option<String>,
    /// 1-based.
    pub page: Option<usize>,
    /// At most 100; default 20.
    pub per_page: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Revision {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    /// `entry.upsert.v1` (a version) or `entry.delete.v1` (a deletion).
    pub kind: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PreviewInput {
    #[serde(default)]
    pub title: Option<String>,
    pub body: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewOut {
    /// The rendered markdown.
    pub html: String,
    /// The whole page as the theme renders it.
    pub page: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MediaOut {
    pub hash: String,
    /// Public URL path; served with immutable caching.
    pub url: String,
    pub content_type: String,
    pub size: u64,
    pub file_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsOut {
    pub title: String,
    pub description: String,
    pub author: String,
    pub posts_per_page: usize,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct EventsQuery {
    /// Only events with a larger sequence number.
    pub after: Option<i64>,
    /// At most 500; default 100.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventList {
    pub items: Vec<EventRow>,
    /// Pass as `after` for the next page.
    pub next_after: i64,
}

// ---------- helpers ----------

fn kind_name(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Post => "post",
        EntryKind::Page => "page",
    }
}

fn status_of(entry: &Entry, now: chrono::DateTime<Utc>) -> &'static str {
    if entry.draft {
        "draft"
    } else if entry.date.is_some_and(|d| d > now) {
        "scheduled"
    } else {
        "published"
    }
}

fn iso(d: chrono::DateTime<Utc>) -> String {
    d.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn entry_out(entry: &Entry, source_text: &str) -> EntryOut {
    let body = front_matter::split(source_text)
        .map(|f| f.body.trim_start_matches('\n').to_owned())
        .unwrap_or_default();
    EntryOut {
        kind: kind_name(entry.kind).to_owned(),
        slug: entry.slug.clone(),
        title: entry.title.clone(),
        body,
        tags: entry.tags.iter().map(|t| t.name.clone()).collect(),
        draft: entry.draft,
        date: entry.date.map(iso),
        updated: entry.updated.map(iso),
        description: entry.description.clone(),
        status: status_of(entry, Utc::now()).to_owned(),
        url: entry.url_path(),
        etag: entry_etag(entry),
    }
}

fn base_path(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Post => "/admin/api/posts",
        EntryKind::Page => "/admin/api/pages",
    }
}

/// Sends a write to the writer and waits until it is durable and published.
async fn submit(
    state: &AppState,
    authed: &Authed,
    request: AdminRequest,
) -> Result<AdminReply, HttpResponse> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    let command = AdminCommand {
        actor: authed.actor.clone(),
        request,
        reply,
    };
    if state.writer.send(Input::Admin(Box::new(command))).is_err() {
        return Err(json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the server is shutting down",
        ));
    }
    match answer.await {
        Ok(Ok(reply)) => Ok(reply),
        Ok(Err(e)) => Err(admin_error(e)),
        Err(_) => Err(json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the writer stopped",
        )),
    }
}

fn if_match(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn entry_response(status: StatusCode, kind: EntryKind, reply: AdminReply) -> HttpResponse {
    match reply {
        AdminReply::Entry {
            entry, source_text, ..
        } => {
            let mut builder = HttpResponse::build(status);
            builder
                .insert_header((header::ETAG, entry_etag(&entry)))
                .insert_header(("Cache-Control", "no-store"));
            if status == StatusCode::CREATED {
                builder.insert_header((
                    header::LOCATION,
                    format!("{}/{}", base_path(kind), entry.slug),
                ));
            }
            builder.json(entry_out(&entry, &source_text))
        }
        _ => HttpResponse::NoContent().finish(),
    }
}

// ---------- session ----------

/// Log in; sets the session cookie.
#[utoipa::path(
    tag = "session",
    request_body = LoginInput,
    security(()),
    responses(
        (status = 200, description = "Logged in; the session cookie is set", body = SessionOut),
        (status = 401, description = "Wrong username or password", body = ErrorBody),
        (status = 429, description = "Too many failed logins; see Retry-After", body = ErrorBody),
    )
)]
#[post("/session")]
pub async fn session_create(
    req: HttpRequest,
    state: web::Data<AppState>,
    input: web::Json<LoginInput>,
) -> HttpResponse {
    let config = state.published.load().site.config.clone();
    let ip = client_ip(&req, &config.admin.trusted_proxies);
    let LoginInput { username, password } = input.into_inner();
    if let Err(wait) = state.limiter.check(&username, ip) {
        return HttpResponse::TooManyRequests()
            .insert_header((header::RETRY_AFTER, wait.to_string()))
            .json(ErrorBody {
                error: super::error::ErrorDetail {
                    code: "rate_limited".to_owned(),
                    message: format!("too many failed logins; try again in {wait} seconds"),
                    fields: BTreeMap::new(),
                },
            });
    }
    let stored = state.db().password_hash(&username).ok().flatten();
    let (password_ok, username) =
        match web::block(move || (check_login(&password, stored.as_deref()), username)).await {
            Ok(result) => result,
            Err(_) => {
                return admin_error(crate::admin::AdminError::Internal(
                    "login check failed".to_owned(),
                ));
            }
        };
    if !password_ok {
        state.limiter.record_failure(&username, ip);
        return json_error(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "wrong username or password",
        );
    }
    let Ok(id) = random_secret() else {
        return admin_error(crate::admin::AdminError::Internal(
            "no randomness".to_owned(),
        ));
    };
    if let Err(e) = state
        .db()
        .create_session(&secret_hash(&id), &username, Utc::now().timestamp())
    {
        return admin_error(crate::admin::AdminError::Internal(e.to_string()));
    }
    let secure = state
        .published
        .load()
        .renderer
        .base_url
        .starts_with("https://");
    HttpResponse::Ok()
        .insert_header((
            header::SET_COOKIE,
            cookie_header(&id, config.admin.absolute().as_secs(), secure),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .json(SessionOut {
            username,
            via: "session".to_owned(),
        })
}

/// Who is logged in.
#[utoipa::path(tag = "session", responses((status = 200, body = SessionOut), (status = 401, body = ErrorBody)))]
#[get("/session")]
pub async fn session_get(authed: web::ReqData<Authed>) -> HttpResponse {
    let (username, via) = match &authed.actor {
        crate::change::Actor::User(name) => (name.clone(), "session"),
        crate::change::Actor::Token(name) => (name.clone(), "token"),
        crate::change::Actor::File => (String::new(), "file"),
    };
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(SessionOut {
            username,
            via: via.to_owned(),
        })
}

/// Log out: ends the session and clears the cookie.
#[utoipa::path(tag = "session", responses((status = 204), (status = 401, body = ErrorBody)))]
#[delete("/session")]
pub async fn session_delete(
    state: web::Data<AppState>,
    authed: web::ReqData<Authed>,
) -> HttpResponse {
    if let Some(hash) = &authed.session {
        let _ = state.db().delete_session(hash);
    }
    let secure = state
        .published
        .load()
        .renderer
        .base_url
        .starts_with("https://");
    HttpResponse::NoContent()
        .insert_header((header::SET_COOKIE, cookie_header("", 0, secure)))
        .finish()
}

// ---------- entries (shared by posts and pages) ----------

fn list(state: &AppState, kind: EntryKind, query: &ListQuery) -> HttpResponse {
    let snapshot = state.published.load();
    let now = Utc::now();
    let needle = query
        .q
        .as_deref()
        .map(str::to_lowercase)
        .filter(|q| !q.trim().is_empty());
    let tag = query.tag.as_deref().map(crate::content::slug::slugify);
    let mut matching: Vec<&std::sync::Arc<Entry>> = snapshot
        .site
        .entries()
        .filter(|e| e.kind == kind)
        .filter(|e| {
            query
                .status
                .as_deref()
                .is_none_or(|s| s == status_of(e, now))
        })
        .filter(|e| {
            tag.as_ref()
                .is_none_or(|t| e.tags.iter().any(|x| &x.slug == t))
        })
        .filter(|e| {
            needle.as_ref().is_none_or(|q| {
                e.title.to_lowercase().contains(q.as_str())
                    || e.body.html.to_lowercase().contains(q.as_str())
            })
        })
        .collect();
    // Newest first; undated last.
    matching.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
    let per_page = query.per_page.unwrap_or(20).clamp(1, 100);
    let page = query.page.unwrap_or(1).max(1);
    let items = matching
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|e| EntrySummary {
            kind: kind_name(e.kind).to_owned(),
            slug: e.slug.clone(),
            title: e.title.clone(),
            tags: e.tags.iter().map(|t| t.name.clone()).collect(),
            draft: e.draft,
            date: e.date.map(iso),
            status: status_of(e, now).to_owned(),
            url: e.url_path(),
            etag: entry_etag(e),
        })
        .collect();
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(EntryList {
            items,
            page,
            per_page,
            total: matching.len(),
        })
}

fn find<'a>(
    snapshot: &'a crate::writer::Snapshot,
    kind: EntryKind,
    slug: &str,
) -> Option<&'a std::sync::Arc<Entry>> {
    let url = match kind {
        EntryKind::Post => format!("/posts/{slug}/"),
        EntryKind::Page => format!("/{slug}/"),
    };
    snapshot
        .site
        .owner_of(&url)
        .and_then(|s| snapshot.site.entry(s))
        .filter(|e| e.kind == kind)
}

fn not_found(kind: EntryKind, slug: &str) -> HttpResponse {
    json_error(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no {} with the slug {slug:?}", kind_name(kind)),
    )
}

fn get_one(state: &AppState, kind: EntryKind, slug: &str) -> HttpResponse {
    let snapshot = state.published.load();
    let Some(entry) = find(&snapshot, kind, slug) else {
        return not_found(kind, slug);
    };
    let source = state
        .db()
        .latest_source(entry.source.as_str())
        .ok()
        .flatten()
        .map(|(_, s)| s)
        .unwrap_or_default();
    HttpResponse::Ok()
        .insert_header((header::ETAG, entry_etag(entry)))
        .insert_header(("Cache-Control", "no-store"))
        .json(entry_out(entry, &source))
}

async fn create(
    state: &AppState,
    authed: &Authed,
    kind: EntryKind,
    input: EntryInput,
) -> HttpResponse {
    match submit(
        state,
        authed,
        AdminRequest::SaveEntry {
            kind,
            slug: None,
            if_match: None,
            input,
        },
    )
    .await
    {
        Ok(reply) => entry_response(StatusCode::CREATED, kind, reply),
        Err(response) => response,
    }
}

async fn update(
    req: &HttpRequest,
    state: &AppState,
    authed: &Authed,
    kind: EntryKind,
    slug: String,
    input: EntryInput,
) -> HttpResponse {
    let request = AdminRequest::SaveEntry {
        kind,
        slug: Some(slug),
        if_match: if_match(req),
        input,
    };
    match submit(state, authed, request).await {
        Ok(reply) => entry_response(StatusCode::OK, kind, reply),
        Err(response) => response,
    }
}

async fn remove(
    req: &HttpRequest,
    state: &AppState,
    authed: &Authed,
    kind: EntryKind,
    slug: String,
) -> HttpResponse {
    match submit(
        state,
        authed,
        AdminRequest::DeleteEntry {
            kind,
            slug,
            if_match: if_match(req),
        },
    )
    .await
    {
        Ok(_) => HttpResponse::NoContent().finish(),
        Err(response) => response,
    }
}

fn revisions(state: &AppState, kind: EntryKind, slug: &str) -> HttpResponse {
    let snapshot = state.published.load();
    let db = state.db();
    let source = match find(&snapshot, kind, slug) {
        Some(e) => Some(e.source.clone()),
        None => db.deleted_source(slug, kind_name(kind)).ok().flatten(),
    };
    let Some(source) = source else {
        return not_found(kind, slug);
    };
    match db.history(source.as_str()) {
        Ok(rows) => HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(
                rows.into_iter()
                    .map(|r| Revision {
                        seq: r.seq,
                        at: r.at,
                        actor: r.actor,
                        kind: r.kind,
                    })
                    .collect::<Vec<_>>(),
            ),
        Err(e) => admin_error(crate::admin::AdminError::Internal(e.to_string())),
    }
}

async fn restore(
    state: &AppState,
    authed: &Authed,
    kind: EntryKind,
    slug: String,
    seq: i64,
) -> HttpResponse {
    match submit(
        state,
        authed,
        AdminRequest::RestoreRevision { kind, slug, seq },
    )
    .await
    {
        Ok(reply) => entry_response(StatusCode::OK, kind, reply),
        Err(response) => response,
    }
}

// ---------- posts ----------

/// List posts, newest first.
#[utoipa::path(tag = "posts", params(ListQuery), responses((status = 200, body = EntryList), (status = 401, body = ErrorBody)))]
#[get("/posts")]
pub async fn posts_list(state: web::Data<AppState>, query: web::Query<ListQuery>) -> HttpResponse {
    list(&state, EntryKind::Post, &query)
}

/// Create a post. Answers once it is durable and live.
#[utoipa::path(tag = "posts", request_body = EntryInput, responses(
    (status = 201, description = "Created; Location and ETag are set", body = EntryOut),
    (status = 401, body = ErrorBody), (status = 403, description = "Cross-site request", body = ErrorBody),
    (status = 422, description = "Invalid fields", body = ErrorBody)))]
#[post("/posts")]
pub async fn posts_create(
    state: web::Data<AppState>,
    authed: web::ReqData<Authed>,
    input: web::Json<EntryInput>,
) -> HttpResponse {
    create(&state, &authed, EntryKind::Post, input.into_inner()).await
}

/// One post with its markdown.
#[utoipa::path(tag = "posts", params(("slug" = String, Path,)), responses(
    (status = 200, body = EntryOut), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/posts/{slug}")]
pub async fn posts_get(state: web::Data<AppState>, slug: web::Path<String>) -> HttpResponse {
    get_one(&state, EntryKind::Post, &slug)
}

/// Replace a post. Needs If-Match with its ETag. A new slug leaves the old URL redirecting.
#[utoipa::path(tag = "posts", params(("slug" = String, Path,), ("If-Match" = String, Header,)), request_body = EntryInput, responses(
    (status = 200, body = EntryOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 412, description = "Stale ETag", body = ErrorBody),
    (status = 422, body = ErrorBody), (status = 428, description = "If-Match missing", body = ErrorBody)))]
#[put("/posts/{slug}")]
pub async fn posts_update(
    req: HttpRequest,
    state: web::Data<AppState>,
    authed: web::ReqData<Authed>,
    slug: web::Path<String>,
    input: web::Json<EntryInput>,
) -> HttpResponse {
    update(
        &req,
        &state,
        &authed,
        EntryKind::Post,
        slug.into_inner(),
        input.into_inner(),
    )
    .await
}

/// Delete a post (a tombstone in the log; restore it from its revisions).
#[utoipa::path(tag = "posts", params(("slug" = String, Path,)), responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/posts/{slug}")]
pub async fn posts_delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    authed: web::ReqData<Authed>,
    slug: web::Path<String>,
) -> HttpResponse {
    remove(&req, &state, &authed, EntryKind::Post, slug.into_inner()).await
}

/// The post's history from the log, newest first (file edits included).
#[utoipa::path(tag = "posts", params(("slug" = String, Path,)), responses(
    (status = 200, body = Vec<Revision>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/posts/{slug}/revisions")]
pub async fn posts_revisions(state: web::Data<AppState>, slug: web::Path<String>) -> HttpResponse {
    revisions(&state, EntryKind::Post, &slug)
}

/// Restore a revision as a new version (also brings back a deleted post).
#[utoipa::path(tag = "posts", params(("slug" = String, Path,), ("seq" = i64, Path,)), responses(
    (status = 200, body = EntryOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/posts/{slug}/revisions/{seq}/restore")]
pub async fn posts_restore(
    state: web::Data<AppState>,
    authed: web::ReqData<Authed>,
    path: web::Path<(String, i64)>,
) -> HttpResponse {
    let (slug, seq) = path.into_inner();
    restore(&state, &authed, EntryKind::Post, slug, seq).await
}

// ---------- pages ----------

/// List pages.
#[utoipa::path(tag = "pages", params(ListQuery), responses((status = 200, body = EntryList), (status = 401, body = ErrorBody)))]
#[get("/pages")]
pub async fn pages_list(state: web::Data<AppState>, query: web::Query<ListQuery>) -> HttpResponse {
    list(&state, EntryKind::Page, &query)
}

/// Create a page.
#[utoipa::path(tag = "pages", request_body = EntryInput, responses(
    (status = 201, body = EntryOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/pages")]
pub async fn pages_create(
    state: web::Data<AppState>,
    authed: web::ReqData<Authed>,
    input: web::Json<EntryInput>,
) -> HttpResponse {
    create(&state, &authed, EntryKind::Page, input.into_inner()).await
}

/// One page with its markdown.
#[utoipa::path(tag = "pages", params(("slug" = String, Path,)), responses(
    (status = 200, body = EntryOut), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/pages/{slug}")]
pub async fn pages_get(state: web::Data<AppState>, slug: web::Path<String>) -> HttpResponse {
    get_one(&state, EntryKind::Page, &slug)
}

/// Replace a page. Needs If-Match.
#[utoipa::path(tag = "pages", params(("slug" = String, Path,), ("If-Match" = String, Header,)), request_body = EntryInput, responses(
    (status = 200, body = EntryOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 412, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
#[put("/pages/{slug}")]
pub async fn pages_update(
    req: HttpRequest,
    state: web::Data<AppState>,
    authed: web::ReqData<Authed>,
    slug: web::Path<String>,
    input: web::Json<EntryInput>,
) -> HttpResponse {
    update(
        &req,
        &state,
        &authed,
        EntryKind::Page,
        slug.into_inner(),
        input.into_inner(),
    )
    .await
}

/// Delete a page.
#[utoipa::path(tag = "pages", params(("slug" = String, Path,)), responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/pages/{slug}")]
pub async fn pages_delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    authed: web::ReqData<Authed>,
    slug: web::Path<String>,
) -> HttpResponse {
    remove(&req, &state, &authed, EntryKind::Page, slug.into_inner()).await
}

/// The page's history from the log.
#[utoipa::path(tag = "pages", params(("slug" = String, Path,)), responses(
    (status = 200, body = Vec<Revision>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/pages/{slug}/revisions")]
pub async fn pages_revisions(state: web::Data<AppState>, slug: web::Path<String>) -> HttpResponse {
    revisions(&state, EntryKind::Page, &slug)
}

/// Restore a page revision as a new version.
#[utoipa::path(tag = "pages", params(("slug" = String, Path,), ("seq" = i64, Path,)), responses(
    (status = 200, body = EntryOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/pages/{slug}/revisions/{seq}/restore")]
pub async fn pages_restore(
    state: web::Data<AppState>,
    authed: web::ReqData<Authed>,
    path: web::Path<(String, i64)>,
) -> HttpResponse {
    let (slug, seq) = path.into_inner();
    restore(&state, &authed, EntryKind::Page, slug, seq).await
}

// ---------- preview ----------

/// Render markdown exactly as the site would, without saving anything.
#[utoipa::path(tag = "preview", request_body = PreviewInput, responses(
    (status = 200, body = PreviewOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/preview")]
pub async fn preview(state: web::Data<AppState>, input: web::Json<PreviewInput>) -> HttpResponse {
    if input.body.len() > crate::admin::MAX_BODY_BYTES {
        return admin_error(crate::admin::field_error("body", "body is too large"));
    }
    let snapshot = state.published.load();
    let markdown = state.markdown.clone();
    let title = input
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "Preview".to_owned());
    let body = input.body.clone();
    let rendered = web::block(move || {
        let html = markdown.render(&body);
        let page = snapshot
            .renderer
            .render_preview(&snapshot.site, &title, &html);
        (html.html, page)
    })
    .await;
    match rendered {
        Ok((html, Ok(page))) => HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(PreviewOut { html, page }),
        Ok((_, Err(e))) => admin_error(crate::admin::AdminError::Internal(e.to_string())),
        Err(e) => admin_error(crate::admin::AdminError::Internal(e.to_string())),
    }
}

// ---------- media ----------

fn media_out(m: &MediaInfo) -> MediaOut {
    MediaOut {
        hash: m.hash.clone(),
        url: m.url_path(),
        content_type: m.content_type.clone(),
        size: m.size,
        file_name: m.file_name.clone(),
    }
}

/// Uploaded files, newest first.
#[utoipa::path(tag = "media", responses((status = 200, body = Vec<MediaOut>), (status = 401, body = ErrorBody)))]
#[get("/media")]
pub async fn media_list(state: web::Data<AppState>) -> HttpResponse {
    match state.db().media_list() {
        Ok(list) => HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(list.iter().map(media_out).collect::<Vec<_>>()),
        Err(e) => admin_error(crate::admin::AdminError::Internal(e.to_string())),
    }
}

/// Upload a file (multipart field `file`). Stored by content hash; the type is read from the bytes.
#[utoipa::path(tag = "media", request_body(content_type = "multipart/form-data", description = "a `file` field"), responses(
    (status = 201, body = MediaOut), (status = 200, description = "The same bytes were already uploaded", body = MediaOut),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, description = "Larger than admin.max_upload_mb", body = ErrorBody),
    (status = 415, description = "Type not allowed", body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/media")]
pub async fn media_upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    authed: web::ReqData<Authed>,
    mut payload: Multipart,
) -> HttpResponse {
    let limit = state.published.load().site.config.admin.max_upload_bytes();
    let too_large = || {
        json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!(
                "the file is larger than the limit of {} MiB (admin.max_upload_mb)",
                limit / (1024 * 1024)
            ),
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit.saturating_add(64 * 1024)) {
        return too_large();
    }
    let mut upload: Option<(String, Vec<u8>)> = None;
    while let Some(field) = payload.next().await {
        let Ok(mut field) = field else {
            return admin_error(crate::admin::field_error(
                "file",
                "the multipart body is malformed",
            ));
        };
        if field.name() != Some("file") {
            continue;
        }
        let name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .unwrap_or("upload")
            .to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let Ok(chunk) = chunk else {
                return admin_error(crate::admin::field_error(
                    "file",
                    "the upload was interrupted",
                ));
            };
            if bytes.len() + chunk.len() > limit {
                return too_large();
            }
            bytes.extend_from_slice(&chunk);
        }
        upload = Some((name, bytes));
        break;
    }
    let Some((file_name, bytes)) = upload else {
        return admin_error(crate::admin::field_error(
            "file",
            "send the file in a multipart field named `file`",
        ));
    };
    if bytes.is_empty() {
        return admin_error(crate::admin::field_error("file", "the file is empty"));
    }
    match submit(
        &state,
        &authed,
        AdminRequest::AddMedia {
            file_name,
            bytes: bytes.into(),
        },
    )
    .await
    {
        Ok(AdminReply::Media { media, created }) => {
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            HttpResponse::build(status)
                .insert_header((header::LOCATION, media.url_path()))
                .json(media_out(&media))
        }
        Ok(_) => admin_error(crate::admin::AdminError::Internal(
            "unexpected reply".to_owned(),
        )),
        Err(response) => response,
    }
}

/// Delete an uploaded file.
#[utoipa::path(tag = "media", params(("hash" = String, Path,)), responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/media/{hash}")]
pub async fn media_delete(
    state: web::Data<AppState>,
    authed: web::ReqData<Authed>,
    hash: web::Path<String>,
) -> HttpResponse {
    match submit(
        &state,
        &authed,
        AdminRequest::DeleteMedia {
            hash: hash.into_inner(),
        },
    )
    .await
    {
        Ok(_) => HttpResponse::NoContent().finish(),
        Err(response) => response,
    }
}

// ---------- settings ----------

fn settings_out(config: &crate::config::Config) -> SettingsOut {
    SettingsOut {
        title: config.title.clone(),
        description: config.description.clone(),
        author: config.author.clone(),
        posts_per_page: config.posts_per_page,
    }
}

/// The site's settings in force (quire.toml with admin changes over it).
#[utoipa::path(tag = "settings", responses((status = 200, body = SettingsOut), (status = 401, body = ErrorBody)))]
#[get("/settings")]
pub async fn settings_get(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(settings_out(&state.published.load().site.config))
}

/// Change settings; the site is re-rendered before this returns.
#[utoipa::path(tag = "settings", request_body = SettingsInput, responses(
    (status = 200, body = SettingsOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/settings")]
pub async fn settings_put(
    state: web::Data<AppState>,
    authed: web::ReqData<Authed>,
    input: web::Json<SettingsInput>,
) -> HttpResponse {
    match submit(
        &state,
        &authed,
        AdminRequest::PutSettings {
            input: input.into_inner(),
        },
    )
    .await
    {
        Ok(_) => HttpResponse::Ok().json(settings_out(&state.published.load().site.config)),
        Err(response) => response,
    }
}

// ---------- log ----------

/// The log: who (user, token or file) changed what, and when.
#[utoipa::path(tag = "events", params(EventsQuery), responses((status = 200, body = EventList), (status = 401, body = ErrorBody)))]
#[get("/events")]
pub async fn events_list(
    state: web::Data<AppState>,
    query: web::Query<EventsQuery>,
) -> HttpResponse {
    let after = query.after.unwrap_or(0);
    let limit = query.limit.unwrap_or(100).clamp(1, 500);
    match state.db().events_after(after, limit) {
        Ok(items) => {
            let next_after = items.last().map_or(after, |e| e.seq);
            HttpResponse::Ok()
                .insert_header(("Cache-Control", "no-store"))
                .json(EventList { items, next_after })
        }
        Err(e) => admin_error(crate::admin::AdminError::Internal(e.to_string())),
    }
}

/// This API's OpenAPI 3.1 document, generated from the handlers.
#[utoipa::path(tag = "meta", responses((status = 200, description = "OpenAPI 3.1 JSON"), (status = 401, body = ErrorBody)))]
#[get("/openapi.json")]
pub async fn openapi(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(state.openapi.clone())
}
