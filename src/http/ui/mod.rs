//! The admin web UI at `/admin/`: server-rendered pages from an embedded admin theme, forms that
//! work without JavaScript and send the same writer commands as the JSON API. One file per
//! screen: `login`, `dashboard`, `entries` (lists), `editor`, `history`, `media`, `settings`, `activity`, `tokens`, `account`;
//! `page.rs` renders and guards them.

mod account;
mod activity;
mod chart;
mod comments;
mod dashboard;
mod diff;
mod editor;
mod entries;
mod history;
mod login;
mod media;
mod page;
mod settings;
mod tokens;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpResponse, Scope, middleware, web};

pub use page::Ui;

/// The Content-Security-Policy of every admin response: only this origin's own scripts, styles,
/// images and forms, and never in a frame.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Headers every admin response carries, the JSON API's included.
pub fn security_headers() -> middleware::DefaultHeaders {
    middleware::DefaultHeaders::new()
        .add(("Content-Security-Policy", CSP))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("Cache-Control", "no-store"))
        .add(("X-Frame-Options", "DENY"))
}

/// The admin UI's routes, under `/admin` (the JSON API's scope, `/admin/api`, is matched first).
pub fn scope() -> Scope<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    web::scope("/admin")
        .wrap(security_headers())
        .route("", web::get().to(|| async { page::see_other("/admin/") }))
        .route("/", web::get().to(dashboard::show))
        .route("/login", web::get().to(login::form))
        .route("/login", web::post().to(login::submit))
        .route("/login/code", web::post().to(login::code))
        .route("/logout", web::post().to(login::logout))
        .route("/static/{file}", web::get().to(page::asset))
        .route("/media", web::get().to(media::show))
        .route("/media", web::post().to(media::upload))
        .route("/media/{hash}/delete", web::post().to(media::delete))
        .route("/activity", web::get().to(activity::show))
        .route("/comments", web::get().to(comments::show))
        .route("/comments/{id}", web::post().to(comments::moderate))
        .route("/tokens", web::get().to(tokens::show))
        .route("/tokens", web::post().to(tokens::create))
        .route("/tokens/revoke", web::post().to(tokens::revoke))
        .route("/account", web::get().to(account::show))
        .route("/account/password", web::post().to(account::password))
        .route(
            "/account/2fa/start",
            web::post().to(account::start_two_factor),
        )
        .route(
            "/account/2fa/confirm",
            web::post().to(account::confirm_two_factor),
        )
        .route("/settings", web::get().to(settings::show))
        .route("/settings", web::post().to(settings::save))
        .route("/{kind}", web::get().to(entries::list))
        .route("/{kind}/new", web::get().to(editor::new))
        .route("/{kind}/new", web::post().to(editor::create))
        .route("/{kind}/{slug}", web::get().to(editor::edit))
        .route("/{kind}/{slug}", web::post().to(editor::update))
        .route("/{kind}/{slug}/history", web::get().to(history::show))
        .route("/{kind}/{slug}/diff/{seq}", web::get().to(diff::show))
        .route(
            "/{kind}/{slug}/restore/{seq}",
            web::post().to(history::restore),
        )
        .default_service(web::to(|| async {
            HttpResponse::NotFound().body("Not found\n")
        }))
}
