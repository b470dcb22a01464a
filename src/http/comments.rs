//! Comments from readers: the form token, posting with or without JavaScript, the author's own
//! edit and delete, and the live section a static export fetches. Writes go to the writer.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, web};
use serde::Deserialize;

use super::AppState;
use super::admin::{SubmitError, submit_as};
use crate::admin::{AdminError, AdminReply, AdminRequest};
use crate::change::Actor;
use crate::comments::{CommentRequest, TokenCheck};
use crate::content::comment_body;
use crate::render::comment_pages::{self, Draft};
use crate::render::comments_island::{self, Target};
use crate::site::route::COMMENT_RESULT_PATH;

/// Largest form accepted: the longest comment, with room for the other fields.
const FORM_LIMIT: usize = 64 * 1024;

pub fn scope() -> actix_web::Scope {
    web::scope("/comments")
        .app_data(web::FormConfig::default().limit(FORM_LIMIT))
        .route("", web::post().to(create))
        .route("/token", web::get().to(token))
        .route("/section", web::get().to(section))
        .route("/{id}/edit", web::post().to(edit))
}

#[derive(Deserialize)]
pub struct PostQuery {
    #[serde(default)]
    post: String,
}

#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    post: String,
    #[serde(default)]
    parent: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    body: String,
    /// The honeypot: hidden from people, filled by robots.
    #[serde(default)]
    url: String,
    #[serde(default)]
    token: String,
    /// The key a browser keeps across comments (JavaScript only), to recognise a returning
    /// commenter; only its hash is stored.
    #[serde(default)]
    commenter: String,
}

#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    action: String,
}

fn wants_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// CORS for a static export's pages: they live on the site's own address and talk to this
/// server when `[comments] origin` names it.
fn with_cors(state: &AppState, mut builder: HttpResponseBuilder) -> HttpResponseBuilder {
    if let Some(site_origin) = cors_origin(state) {
        builder.insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, site_origin));
        builder.insert_header((header::VARY, "Origin"));
    }
    builder.insert_header((header::CACHE_CONTROL, "no-store"));
    builder
}

/// `https://example.com/blog` -> `https://example.com`.
fn origin_of(url: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(slash) => url[..after_scheme + slash].to_owned(),
        None => url.to_owned(),
    }
}

fn json(state: &AppState, status: StatusCode, value: serde_json::Value) -> HttpResponse {
    with_cors(state, HttpResponseBuilder::new(status)).json(value)
}

fn json_problem(state: &AppState, status: StatusCode, code: &str, message: &str) -> HttpResponse {
    json(
        state,
        status,
        serde_json::json!({"error": {"code": code, "message": message}}),
    )
}

/// The theme's `/comments/` page with `inner` in its island.
fn page(state: &AppState, status: StatusCode, inner: String) -> HttpResponse {
    let snapshot = state.published.load();
    let html = match snapshot
        .pages
        .pages
        .get(COMMENT_RESULT_PATH)
        .map(|s| s.as_ref())
    {
        Some(crate::render::page::Served::Page(p)) => match &p.islands {
            Some(islands) => islands.assemble(|hole| match hole.name.as_str() {
                "comment_result" => inner.clone(),
                _ => String::new(),
            }),
            None => inner,
        },
        _ => inner,
    };
    with_cors(state, HttpResponseBuilder::new(status))
        .content_type("text/html; charset=utf-8")
        .body(html)
}

pub async fn token(state: web::Data<AppState>, query: web::Query<PostQuery>) -> HttpResponse {
    let token = state.comment_guard.issue(&query.post, state.clock.now());
    let min_seconds = state.published.load().site.config.comments.min_seconds;
    json(
        &state,
        StatusCode::OK,
        serde_json::json!({"token": token, "min_seconds": min_seconds}),
    )
}

/// A post's comment section as it is now, for a static export's pages to show live.
pub async fn section(state: web::Data<AppState>, query: web::Query<PostQuery>) -> HttpResponse {
    let snapshot = state.published.load();
    let origin = snapshot
        .site
        .config
        .comments
        .origin
        .trim_end_matches('/')
        .to_owned();
    let html = comments_island::section(
        &snapshot.site,
        &query.post,
        &Target {
            origin: &origin,
            open: true,
        },
    );
    with_cors(&state, HttpResponseBuilder::new(StatusCode::OK))
        .content_type("text/html; charset=utf-8")
        .body(html)
}

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<CommentForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let json_wanted = wants_json(&req);
    let now = state.clock.now();
    let parent = form.parent.trim().parse::<u64>().ok();
    if !form.url.trim().is_empty() {
        // A robot filled the hidden field: it is told "received", and nothing is stored.
        tracing::info!(
            "comment on {} dropped: the honeypot field was filled",
            form.post
        );
        return if json_wanted {
            json(
                &state,
                StatusCode::ACCEPTED,
                serde_json::json!({"status": "received"}),
            )
        } else {
            page(
                &state,
                StatusCode::OK,
                comment_pages::problem("Thank you", "Your comment was received.", Some(&form.post)),
            )
        };
    }
    let draft = Draft {
        post_url: &form.post,
        parent,
        name: &form.name,
        body: &form.body,
    };
    let min_seconds = i64::from(state.published.load().site.config.comments.min_seconds);
    match state
        .comment_guard
        .check(&form.token, &form.post, now, min_seconds)
    {
        TokenCheck::Fine => {}
        check => return unripe(&state, json_wanted, check, &draft, now, min_seconds),
    }
    let address = super::auth::client_ip(
        &req,
        &state.published.load().site.config.admin.trusted_proxies,
    );
    if let Err(wait) = state.comment_guard.allow(address, &form.post, now) {
        let message = format!(
            "Too many comments for now; try again in {} minutes.",
            (wait + 59) / 60
        );
        let response = if json_wanted {
            json_problem(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                &message,
            )
        } else {
            page(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                comment_pages::problem("Please wait", &message, Some(&form.post)),
            )
        };
        let mut response = response;
        if let Ok(value) = header::HeaderValue::from_str(&wait.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return response;
    }
    let returning =
        (!form.commenter.is_empty()).then(|| crate::comments::key_hash(&form.commenter));
    let request = CommentRequest::Post {
        post_url: form.post.clone(),
        parent,
        author: form.name.clone(),
        body: form.body.clone(),
        returning,
    };
    let reply = submit_as(&state, Actor::Visitor, AdminRequest::Comment(request)).await;
    match reply {
        Ok(AdminReply::Comment { comment, key }) => received(
            &state,
            json_wanted,
            &comment,
            &key.unwrap_or_default(),
            &form.post,
        ),
        Ok(_) => super::error::internal("unexpected reply to a comment"),
        Err(error) => refused(&state, json_wanted, error, &draft, now),
    }
}

/// No token, or one sent too soon. A script is told how long to wait; a person without
/// JavaScript sees the comment back with a fresh token, and sending it again after reading it
/// is the proof of a person.
fn unripe(
    state: &AppState,
    json_wanted: bool,
    check: TokenCheck,
    draft: &Draft<'_>,
    now: chrono::DateTime<chrono::Utc>,
    min_seconds: i64,
) -> HttpResponse {
    if json_wanted {
        let wait = match check {
            TokenCheck::TooSoon(s) => s,
            _ => min_seconds,
        };
        return json(
            state,
            StatusCode::BAD_REQUEST,
            serde_json::json!({"error": {"code": "token", "message": "fetch a form token from /comments/token and send it a few seconds later", "retry_after": wait}}),
        );
    }
    let fresh = state.comment_guard.issue(draft.post_url, now);
    let problems = crate::comments::check_fields(draft.name, draft.body);
    let preview = comment_body::render(draft.body);
    page(
        state,
        StatusCode::OK,
        comment_pages::confirm(draft, &preview, &fresh, &problems),
    )
}

/// A new comment was stored: its card and edit key for the script, or the thank-you page.
fn received(
    state: &AppState,
    json_wanted: bool,
    comment: &crate::site::comments::Comment,
    key: &str,
    post_url: &str,
) -> HttpResponse {
    let edit_minutes = state.published.load().site.config.comments.edit_minutes;
    if !json_wanted {
        return page(
            state,
            StatusCode::CREATED,
            comment_pages::received(comment, post_url, key, edit_minutes),
        );
    }
    let mut card = String::new();
    comments_island::write_comment(comment, &mut card);
    let until = comment.created + chrono::Duration::minutes(i64::from(edit_minutes));
    json(
        state,
        StatusCode::CREATED,
        serde_json::json!({
            "id": comment.id,
            "status": comment.status.name(),
            "key": key,
            "html": card,
            "edit_until": until.to_rfc3339(),
        }),
    )
}

fn refused(
    state: &AppState,
    json_wanted: bool,
    error: SubmitError,
    draft: &Draft<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> HttpResponse {
    let error = match error {
        SubmitError::Refused(e) => e,
        SubmitError::Unavailable(m) => AdminError::Internal(m.to_owned()),
    };
    if json_wanted {
        let mut response = super::error::admin_error(error);
        if let Some(builder_origin) = cors_origin(state)
            && let Ok(value) = header::HeaderValue::from_str(&builder_origin)
        {
            response
                .headers_mut()
                .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        }
        return response;
    }
    match error {
        AdminError::Invalid(fields) => {
            let fresh = state.comment_guard.issue(draft.post_url, now);
            let preview = comment_body::render(draft.body);
            page(
                state,
                StatusCode::UNPROCESSABLE_ENTITY,
                comment_pages::confirm(draft, &preview, &fresh, &fields),
            )
        }
        AdminError::NotFound(m) => page(
            state,
            StatusCode::NOT_FOUND,
            comment_pages::problem("Not found", &m, None),
        ),
        AdminError::Forbidden(m) => page(
            state,
            StatusCode::FORBIDDEN,
            comment_pages::problem("Not allowed", &m, Some(draft.post_url)),
        ),
        other => {
            tracing::error!("comment: {other}");
            page(
                state,
                StatusCode::INTERNAL_SERVER_ERROR,
                comment_pages::problem(
                    "Something went wrong",
                    "The comment was not saved; please try again.",
                    Some(draft.post_url),
                ),
            )
        }
    }
}

/// The site's own origin, allowed to call these routes when `[comments] origin` is set.
fn cors_origin(state: &AppState) -> Option<String> {
    let snapshot = state.published.load();
    let config = &snapshot.site.config;
    (!config.comments.origin.is_empty() && !config.base_url.is_empty())
        .then(|| origin_of(&config.base_url))
}

pub async fn edit(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<u64>,
    form: web::Form<EditForm>,
) -> HttpResponse {
    let id = id.into_inner();
    let form = form.into_inner();
    let json_wanted = wants_json(&req);
    let post_url = {
        let snapshot = state.published.load();
        snapshot
            .site
            .comment(id)
            .and_then(|c| snapshot.site.entry(&c.post).map(|e| e.url_path()))
            .unwrap_or_else(|| "/".to_owned())
    };
    let request = if form.action == "delete" {
        CommentRequest::DeleteOwn {
            id,
            key: form.key.clone(),
        }
    } else {
        CommentRequest::EditOwn {
            id,
            key: form.key.clone(),
            author: form.name.clone(),
            body: form.body.clone(),
        }
    };
    let reply = submit_as(&state, Actor::Visitor, AdminRequest::Comment(request)).await;
    let edit_minutes = state.published.load().site.config.comments.edit_minutes;
    match reply {
        Ok(AdminReply::Comment { comment, .. }) => {
            if json_wanted {
                let mut card = String::new();
                comments_island::write_comment(&comment, &mut card);
                json(
                    &state,
                    StatusCode::OK,
                    serde_json::json!({"id": id, "status": comment.status.name(), "html": card}),
                )
            } else {
                page(
                    &state,
                    StatusCode::OK,
                    comment_pages::received(&comment, &post_url, &form.key, edit_minutes),
                )
            }
        }
        Ok(_) => {
            if json_wanted {
                json(
                    &state,
                    StatusCode::OK,
                    serde_json::json!({"id": id, "deleted": true}),
                )
            } else {
                page(
                    &state,
                    StatusCode::OK,
                    comment_pages::problem("Deleted", "Your comment is deleted.", Some(&post_url)),
                )
            }
        }
        Err(error) => {
            let draft = Draft {
                post_url: &post_url,
                parent: None,
                name: &form.name,
                body: &form.body,
            };
            refused(&state, json_wanted, error, &draft, state.clock.now())
        }
    }
}
