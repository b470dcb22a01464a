//! Site-wide admin routes: preview, settings, the event log and the OpenAPI document.

use actix_web::{HttpResponse, get, post, put, web};

use super::submit;
use super::types::{
    EventList, EventsQuery, PreviewInput, PreviewOut, SettingsInput, SettingsOut, event_out,
    settings_out,
};
use crate::admin::{AdminRequest, MAX_BODY_BYTES, field_error};
use crate::change::EventSeq;
use crate::http::auth::Authed;
use crate::http::error::{ErrorBody, admin_error, internal};
use crate::http::{AppState, with_db};

const DEFAULT_EVENTS: u32 = 100;
const MAX_EVENTS: u32 = 500;

/// Render markdown exactly as the site would, without saving anything.
#[utoipa::path(tag = "preview", request_body = PreviewInput, responses(
    (status = 200, body = PreviewOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/preview")]
pub async fn preview(state: web::Data<AppState>, input: web::Json<PreviewInput>) -> HttpResponse {
    if input.body.len() > MAX_BODY_BYTES {
        return admin_error(field_error("body", "body is too large"));
    }
    let snapshot = state.published.load_full();
    let markdown = state.markdown.clone();
    let PreviewInput { title, body } = input.into_inner();
    let title = title
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "Preview".to_owned());
    // Markdown and templates are CPU work: off the async workers.
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
        Ok((_, Err(e))) => internal(e),
        Err(e) => internal(e),
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
    let request = AdminRequest::PutSettings {
        input: input.into_inner().into(),
    };
    match submit(&state, &authed, request).await {
        Ok(_) => HttpResponse::Ok().json(settings_out(&state.published.load().site.config)),
        Err(response) => response,
    }
}

/// The log: who (user, token or file) changed what, and when.
#[utoipa::path(tag = "events", params(EventsQuery), responses(
    (status = 200, body = EventList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
#[get("/events")]
pub async fn events_list(
    state: web::Data<AppState>,
    query: web::Query<EventsQuery>,
) -> HttpResponse {
    let after = EventSeq(query.after.unwrap_or(0));
    let limit = query.limit.unwrap_or(DEFAULT_EVENTS).clamp(1, MAX_EVENTS);
    match with_db(&state, move |db| db.events_after(after, limit)).await {
        Ok(Ok(rows)) => {
            let next_after = rows.last().map_or(after, |e| e.seq).0;
            HttpResponse::Ok()
                .insert_header(("Cache-Control", "no-store"))
                .json(EventList {
                    items: rows.into_iter().map(event_out).collect(),
                    next_after,
                })
        }
        Ok(Err(e)) => internal(e),
        Err(response) => response,
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
