//! The only module that knows HTTP: the route table, the public site and the admin API.

mod admin;
pub mod auth;
mod comments;
mod error;
mod islands;
mod live;
mod public;
mod ui;
mod views;

use std::sync::{Arc, Mutex, MutexGuard};

use actix_web::HttpResponse;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{App, Error, web};
use utoipa_actix_web::AppExt;

use crate::auth::LoginLimiter;
use crate::clock::SharedClock;
use crate::content::markdown::Markdown;
use crate::snapshot::Published;
use crate::store::Store;
use crate::writer::Input;

/// Largest JSON body the admin API reads; larger gets 413 before parsing.
const JSON_LIMIT: usize = 4 * 1024 * 1024;

/// What handlers share. Built once; cloned cheaply into each worker.
pub struct AppState {
    pub published: Published,
    pub writer: std::sync::mpsc::Sender<Input>,
    /// A connection for admin reads (sessions, tokens, history); writes of content go to the
    /// writer. Used only on the blocking pool, through `with_db`.
    db: Mutex<Store>,
    pub limiter: LoginLimiter,
    /// Comment form tokens and rate windows.
    pub comment_guard: crate::comments::Guard,
    pub markdown: Arc<Markdown>,
    /// "Now" for sessions and tokens.
    pub clock: SharedClock,
    /// The admin web UI's templates.
    pub ui: ui::Ui,
    /// The OpenAPI document, serialized once.
    pub openapi: String,
    /// Where the writer announces changed pages, when live reload is on.
    pub live: Option<crate::snapshot::PageChanges>,
    /// Page views since the last batch.
    pub views: Arc<crate::views::Counter>,
}

impl AppState {
    pub fn new(
        published: Published,
        writer: std::sync::mpsc::Sender<Input>,
        db: Store,
        markdown: Arc<Markdown>,
        clock: SharedClock,
    ) -> AppState {
        let views = Arc::new(crate::views::Counter::new(Arc::clone(&clock)));
        AppState {
            published,
            writer,
            db: Mutex::new(db),
            limiter: LoginLimiter::default(),
            comment_guard: crate::comments::Guard::default(),
            markdown,
            clock,
            ui: ui::Ui::new(),
            openapi: admin::openapi_json(),
            live: None,
            views,
        }
    }

    fn db(&self) -> MutexGuard<'_, Store> {
        self.db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Runs `work` with the admin connection on the blocking thread pool, so a SQLite call never
/// holds up an async worker (and with it every request that worker serves).
pub async fn with_db<T: Send + 'static>(
    state: &web::Data<AppState>,
    work: impl FnOnce(&Store) -> T + Send + 'static,
) -> Result<T, HttpResponse> {
    let state = state.clone();
    web::block(move || work(&state.db()))
        .await
        .map_err(error::internal)
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
        .app_data(web::Data::from(state.views.clone()))
        .app_data(json)
        .app_data(query)
        .app_data(path)
        .service(admin::scope())
        .split_for_parts();
    app.service(ui::scope())
        .service(comments::scope())
        .service(live::scope())
        .default_service(web::to(public::serve))
}

#[cfg(test)]
mod tests;
