//! The admin JSON API under `/admin/api/`: its route table (from which the OpenAPI document is
//! derived) and `submit`, the one way a handler hands a write to the writer. One file per
//! resource: `session`, `entries` (posts and pages), `media`, `site`, `comments`, `views`;
//! bodies in `types`.

pub(in crate::http) mod comments;
pub(in crate::http) mod entries;
pub(in crate::http) mod media;
mod session;
mod site;
pub(in crate::http) mod types;
pub(in crate::http) mod views;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{App, Error, HttpResponse, middleware, web};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{InfoBuilder, OpenApi, SecurityRequirement};
use utoipa_actix_web::AppExt;

use crate::admin::{AdminCommand, AdminError, AdminReply, AdminRequest};
use crate::http::AppState;
use crate::http::auth::Authed;
use crate::http::error::{admin_error, json_error};
use crate::writer::Input;

/// Why a write was not done.
pub(in crate::http) enum SubmitError {
    /// The writer checked it and said no (invalid fields, stale ETag, not found...).
    Refused(AdminError),
    /// The writer is gone: the server is shutting down.
    Unavailable(&'static str),
}

/// Sends a write to the writer and waits until it is durable and published.
pub(in crate::http) async fn submit_raw(
    state: &AppState,
    authed: &Authed,
    request: AdminRequest,
) -> Result<AdminReply, SubmitError> {
    submit_as(state, authed.actor.clone(), request).await
}

/// `submit_raw` for a given actor (a visitor's comment has no session).
pub(in crate::http) async fn submit_as(
    state: &AppState,
    actor: crate::change::Actor,
    request: AdminRequest,
) -> Result<AdminReply, SubmitError> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    let command = AdminCommand {
        actor,
        request,
        reply,
    };
    if state.writer.send(Input::Admin(Box::new(command))).is_err() {
        return Err(SubmitError::Unavailable("the server is shutting down"));
    }
    match answer.await {
        Ok(Ok(reply)) => Ok(reply),
        Ok(Err(e)) => Err(SubmitError::Refused(e)),
        Err(_) => Err(SubmitError::Unavailable("the writer stopped")),
    }
}

/// `submit_raw` for the JSON API: refusals as JSON errors, 503 when the writer is gone.
pub(in crate::http) async fn submit(
    state: &AppState,
    authed: &Authed,
    request: AdminRequest,
) -> Result<AdminReply, HttpResponse> {
    submit_raw(state, authed, request)
        .await
        .map_err(|e| match e {
            SubmitError::Refused(e) => admin_error(e),
            SubmitError::Unavailable(m) => {
                json_error(StatusCode::SERVICE_UNAVAILABLE, "unavailable", m)
            }
        })
}

/// The admin API's routes. Registered through utoipa, so the OpenAPI document is derived from
/// exactly this list.
pub fn scope() -> utoipa_actix_web::scope::Scope<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    utoipa_actix_web::scope::scope("/admin/api")
        .wrap(middleware::from_fn(crate::http::auth::require_auth))
        .wrap(crate::http::ui::security_headers())
        .service(session::session_create)
        .service(session::session_get)
        .service(session::session_delete)
        .service(entries::posts::list)
        .service(entries::posts::create)
        .service(entries::posts::get)
        .service(entries::posts::update)
        .service(entries::posts::delete)
        .service(entries::posts::revisions)
        .service(entries::posts::restore)
        .service(entries::pages::list)
        .service(entries::pages::create)
        .service(entries::pages::get)
        .service(entries::pages::update)
        .service(entries::pages::delete)
        .service(entries::pages::revisions)
        .service(entries::pages::restore)
        .service(site::preview)
        .service(media::media_list)
        .service(media::media_upload)
        .service(media::media_delete)
        .service(site::settings_get)
        .service(site::settings_put)
        .service(site::events_list)
        .service(comments::comments_list)
        .service(comments::comments_moderate)
        .service(comments::comments_delete)
        .service(views::views_get)
        .service(site::openapi)
        .default_service(web::to(|| async {
            crate::http::error::json_error(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such admin API route; see /admin/api/openapi.json",
            )
        }))
}

/// The OpenAPI 3.1 document, collected from the registered handlers and their types.
pub fn openapi_document() -> OpenApi {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .service(scope())
        .split_for_parts();
    api.info = InfoBuilder::new()
        .title("Quire admin API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(
            "Authenticated writes go through the same log as file edits; a 2xx means durable and live.",
        ))
        .build();
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("quire token create NAME"))
                .build(),
        ),
    );
    components.add_security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
            crate::http::auth::SESSION_COOKIE,
        ))),
    );
    api.security = Some(vec![
        SecurityRequirement::new("bearer", Vec::<String>::new()),
        SecurityRequirement::new("session", Vec::<String>::new()),
    ]);
    api
}

pub fn openapi_json() -> String {
    openapi_document()
        .to_pretty_json()
        .unwrap_or_else(|_| "{}".to_owned())
}
