//! `/admin/api/session`: log in, who am I, log out. The login itself is `auth::login`.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};

use super::types::{LoginInput, SessionOut};
use crate::auth::LoginError;
use crate::change::Actor;
use crate::http::AppState;
use crate::http::auth::{Authed, client_ip, cookie_header};
use crate::http::error::{ErrorBody, internal, json_error};

fn secure_cookies(state: &AppState) -> bool {
    state
        .published
        .load()
        .renderer
        .base_url
        .starts_with("https://")
}

/// Log in; sets the session cookie.
#[utoipa::path(
    tag = "session",
    request_body = LoginInput,
    security(()),
    responses(
        (status = 200, description = "Logged in; the session cookie is set", body = SessionOut),
        (status = 401, description = "Wrong username, password or code; or `second_factor_required`: the account uses two-factor login and `code` is missing", body = ErrorBody),
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
    let LoginInput {
        username,
        password,
        code,
    } = input.into_inner();
    let now = state.clock.now().timestamp();
    let worker = state.clone();
    let name = username.clone();
    let result = web::block(move || {
        let credentials = crate::auth::Credentials {
            username: &name,
            password: &password,
            code: code.as_deref(),
            address: ip,
        };
        crate::auth::login(&worker.db, &worker.limiter, &credentials, false, now)
    })
    .await;
    match result {
        // Without `two_step`, a login never waits: it is a session or an error.
        Ok(Ok(crate::auth::Login::Session(id) | crate::auth::Login::CodeNeeded(id))) => {
            HttpResponse::Ok()
                .insert_header((
                    header::SET_COOKIE,
                    cookie_header(
                        &id,
                        config.admin.absolute().as_secs(),
                        secure_cookies(&state),
                    ),
                ))
                .insert_header(("Cache-Control", "no-store"))
                .json(SessionOut {
                    username,
                    via: "session".to_owned(),
                })
        }
        Ok(Err(e @ LoginError::RateLimited(wait))) => {
            let mut response =
                json_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited", e.to_string());
            if let Ok(value) = header::HeaderValue::from_str(&wait.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Ok(Err(e @ LoginError::SecondFactorRequired)) => json_error(
            StatusCode::UNAUTHORIZED,
            "second_factor_required",
            e.to_string(),
        ),
        Ok(Err(e @ LoginError::Invalid)) => json_error(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            e.to_string(),
        ),
        Ok(Err(e @ LoginError::Internal(_))) => internal(e),
        Err(e) => internal(e),
    }
}

/// Who is logged in.
#[utoipa::path(tag = "session", responses((status = 200, body = SessionOut), (status = 401, body = ErrorBody)))]
#[get("/session")]
pub async fn session_get(authed: web::ReqData<Authed>) -> HttpResponse {
    let (username, via) = match &authed.actor {
        Actor::User(name) => (name.clone(), "session"),
        Actor::Token(name) => (name.clone(), "token"),
        // Not reachable: an authenticated request is a user's or a token's.
        Actor::File | Actor::Visitor => (String::new(), "file"),
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
    if let Some(hash) = authed.session.clone() {
        let _ = crate::http::with_db(&state, move |db| db.delete_session(&hash)).await;
    }
    HttpResponse::NoContent()
        .insert_header((
            header::SET_COOKIE,
            cookie_header("", 0, secure_cookies(&state)),
        ))
        .finish()
}
