//! The only module that knows HTTP: the route table, the public site and the admin API.

mod admin_api;
pub mod auth;
mod error;
mod public;

use std::sync::{Arc, Mutex, MutexGuard};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{App, Error, middleware, web};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{InfoBuilder, OpenApi, SecurityRequirement};
use utoipa_actix_web::{AppExt, scope};

use crate::auth::LoginLimiter;
use crate::content::markdown::Markdown;
use crate::store::Store;
use crate::writer::{Input, Published};

/// Largest JSON body the admin API reads; larger gets 413 before parsing.
const JSON_LIMIT: usize = 4 * 1024 * 1024;

/// What handlers share. Built once; cloned cheaply into each worker.
pub struct AppState {
    pub published: Published,
    pub writer: std::sync::mpsc::Sender<Input>,
    /// A connection for admin reads (sessions, tokens, history); writes of content go to the writer.
    db: Mutex<Store>,
    pub limiter: LoginLimiter,
    pub markdown: Arc<Markdown>,
    /// The OpenAPI document, serialized once.
    pub openapi: String,
}

impl AppState {
    pub fn new(
        published: Published,
        writer: std::sync::mpsc::Sender<Input>,
        db: Store,
        markdown: Arc<Markdown>,
    ) -> AppState {
        AppState {
            published,
            writer,
            db: Mutex::new(db),
            limiter: LoginLimiter::default(),
            markdown,
            openapi: openapi_json(),
        }
    }

    pub fn db(&self) -> MutexGuard<'_, Store> {
        self.db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The admin API's routes. Registered through utoipa, so the OpenAPI document is derived from
/// exactly this list.
fn admin_scope() -> utoipa_actix_web::scope::Scope<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    scope::scope("/admin/api")
        .wrap(middleware::from_fn(auth::require_auth))
        .service(admin_api::session_create)
        .service(admin_api::session_get)
        .service(admin_api::session_delete)
        .service(admin_api::posts_list)
        .service(admin_api::posts_create)
        .service(admin_api::posts_get)
        .service(admin_api::posts_update)
        .service(admin_api::posts_delete)
        .service(admin_api::posts_revisions)
        .service(admin_api::posts_restore)
        .service(admin_api::pages_list)
        .service(admin_api::pages_create)
        .service(admin_api::pages_get)
        .service(admin_api::pages_update)
        .service(admin_api::pages_delete)
        .service(admin_api::pages_revisions)
        .service(admin_api::pages_restore)
        .service(admin_api::preview)
        .service(admin_api::media_list)
        .service(admin_api::media_upload)
        .service(admin_api::media_delete)
        .service(admin_api::settings_get)
        .service(admin_api::settings_put)
        .service(admin_api::events_list)
        .service(admin_api::openapi)
        .default_service(web::to(|| async {
            error::json_error(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such admin API route; see /admin/api/openapi.json",
            )
        }))
}

/// The whole application: the admin API, then the public site for every other path.
pub fn app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    let json = web::JsonConfig::default()
        .limit(JSON_LIMIT)
        .error_handler(|err, _req| {
            let (status, code) = match &err {
                actix_web::error::JsonPayloadError::OverflowKnownLength { .. }
                | actix_web::error::JsonPayloadError::Overflow { .. } => {
                    (StatusCode::PAYLOAD_TOO_LARGE, "too_large")
                }
                actix_web::error::JsonPayloadError::ContentType => {
                    (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_type")
                }
                _ => (StatusCode::BAD_REQUEST, "bad_json"),
            };
            let message = format!("the request body is not acceptable JSON: {err}");
            actix_web::error::InternalError::from_response(
                err,
                error::json_error(status, code, message),
            )
            .into()
        });
    let query = web::QueryConfig::default().error_handler(|err, _req| {
        let response = error::json_error(
            StatusCode::BAD_REQUEST,
            "bad_query",
            format!("invalid query parameters: {err}"),
        );
        actix_web::error::InternalError::from_response(err, response).into()
    });
    let path = web::PathConfig::default().error_handler(|err, _req| {
        let response = error::json_error(
            StatusCode::BAD_REQUEST,
            "bad_path",
            format!("invalid path: {err}"),
        );
        actix_web::error::InternalError::from_response(err, response).into()
    });
    let (app, _) = App::new()
        .into_utoipa_app()
        .app_data(state.clone())
        .app_data(web::Data::new(state.published.clone()))
        .app_data(json)
        .app_data(query)
        .app_data(path)
        .service(admin_scope())
        .split_for_parts();
    app.default_service(web::to(public::serve))
}

/// The OpenAPI 3.1 document, collected from the registered handlers and their types.
pub fn openapi_document() -> OpenApi {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .service(admin_scope())
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
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(auth::SESSION_COOKIE))),
    );
    api.security = Some(vec![
        SecurityRequirement::new("bearer", Vec::<String>::new()),
        SecurityRequirement::new("session", Vec::<String>::new()),
    ]);
    api
}

fn openapi_json() -> String {
    openapi_document()
        .to_pretty_json()
        .unwrap_or_else(|_| "{}".to_owned())
}
