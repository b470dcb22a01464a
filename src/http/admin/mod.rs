//! The admin JSON API under `/admin/api/`: its route table (from which the OpenAPI document is
//! derived) and `submit`, the one way a handler hands a write to the writer. One file per
//! resource: `session`, `entries` (posts and pages), `media`, `site`; bodies in `types`.

mod entries;
mod media;
mod session;
mod site;
mod types;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{App, Error, HttpResponse, middleware, web};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{InfoBuilder, OpenApi, SecurityRequirement};
use utoipa_actix_web::AppExt;

use crate::admin::{AdminCommand, AdminReply, AdminRequest};
use crate::http::AppState;
use crate::http::auth::Authed;
use crate::http::error::{admin_error, json_error};
use crate::writer::Input;

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
