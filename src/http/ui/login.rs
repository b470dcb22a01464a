//! Log in and out of the admin: the same rate limits and equal-work answers as the JSON API
//! (`auth::login`), then back to the page that was asked for, if it is a path on this site.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use tera::Context;

use super::page::{Frame, Session, render, see_other};
use crate::auth::{Credentials, Login, LoginError};
use crate::http::AppState;
use crate::http::auth::{client_ip, cookie_header, same_origin};

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

#[derive(Deserialize)]
pub struct TokenForm {
    csrf: Option<String>,
}

/// Where to go after logging in: a path on this site, never another site (no open redirect).
fn local_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.contains(['\r', '\n']) =>
        {
            path.to_owned()
        }
        _ => "/admin/".to_owned(),
    }
}

fn secure_cookies(state: &AppState) -> bool {
    state
        .published
        .load()
        .renderer
        .base_url
        .starts_with("https://")
}

async fn login_page(
    state: &web::Data<AppState>,
    status: StatusCode,
    next: &str,
    username: &str,
    problem: Option<String>,
) -> HttpResponse {
    let mut data = Context::new();
    data.insert("next", next);
    data.insert("username", username);
    let frame = Frame {
        title: "Log in",
        section: "login",
        user: None,
        csrf: "",
        notice: None,
        problem,
    };
    render(state, status, "login.html", frame, data).await
}

pub async fn form(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<NextQuery>,
) -> HttpResponse {
    let next = local_next(query.next.as_deref());
    if Session::of(&req, &state).await.is_ok() {
        return see_other(&next);
    }
    login_page(&state, StatusCode::OK, &next, "", None).await
}

pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let LoginForm {
        username,
        password,
        next,
    } = form.into_inner();
    let next = local_next(Some(&next));
    let says_origin = req.headers().contains_key(header::ORIGIN);
    if says_origin && !same_origin(&req, &state) {
        return HttpResponse::Forbidden()
            .body("This form was sent from another site, so it was refused.\n");
    }
    let config = state.published.load().site.config.clone();
    let ip = client_ip(&req, &config.admin.trusted_proxies);
    let now = state.clock.now().timestamp();
    let worker = state.clone();
    let name = username.clone();
    let result = web::block(move || {
        let credentials = Credentials {
            username: &name,
            password: &password,
            code: None,
            address: ip,
        };
        crate::auth::login(&worker.db, &worker.limiter, &credentials, true, now)
    })
    .await;
    let cookie = |id: &str| {
        cookie_header(
            id,
            config.admin.absolute().as_secs(),
            secure_cookies(&state),
        )
    };
    match result {
        Ok(Ok(Login::Session(id))) => HttpResponse::SeeOther()
            .insert_header((header::LOCATION, next))
            .insert_header((header::SET_COOKIE, cookie(&id)))
            .finish(),
        // The password was right and the account uses 2FA: this cookie opens nothing until the
        // code step turns it into a session.
        Ok(Ok(Login::CodeNeeded(pending))) => {
            let mut page = code_page(&state, StatusCode::OK, &next, None).await;
            if let Ok(value) = header::HeaderValue::from_str(&cookie(&pending)) {
                page.headers_mut().insert(header::SET_COOKIE, value);
            }
            page
        }
        Ok(Err(e)) => refused(&state, e, &next, &username, false).await,
        Err(e) => crate::http::error::internal(e),
    }
}

async fn code_page(
    state: &web::Data<AppState>,
    status: StatusCode,
    next: &str,
    problem: Option<String>,
) -> HttpResponse {
    let mut data = Context::new();
    data.insert("next", next);
    let frame = Frame {
        title: "Two-factor code",
        section: "login",
        user: None,
        csrf: "",
        notice: None,
        problem,
    };
    render(state, status, "login_code.html", frame, data).await
}

/// A refused login, said to a person (the same words whatever was wrong).
async fn refused(
    state: &web::Data<AppState>,
    error: LoginError,
    next: &str,
    username: &str,
    code_step: bool,
) -> HttpResponse {
    let (status, problem, wait) = match error {
        LoginError::RateLimited(wait) => (
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Too many failed logins. Try again in {} minutes.",
                wait.div_ceil(60)
            ),
            Some(wait),
        ),
        LoginError::Invalid | LoginError::SecondFactorRequired if code_step => (
            StatusCode::UNAUTHORIZED,
            "That code is not right, or your login took too long: try again.".to_owned(),
            None,
        ),
        LoginError::Invalid | LoginError::SecondFactorRequired => (
            StatusCode::UNAUTHORIZED,
            "Wrong user name or password.".to_owned(),
            None,
        ),
        e @ LoginError::Internal(_) => return crate::http::error::internal(e),
    };
    let mut page = if code_step {
        code_page(state, status, next, Some(problem)).await
    } else {
        login_page(state, status, next, username, Some(problem)).await
    };
    if let Some(value) = wait.and_then(|w| header::HeaderValue::from_str(&w.to_string()).ok()) {
        page.headers_mut().insert(header::RETRY_AFTER, value);
    }
    page
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

/// The second step: the waiting login's cookie and a code make a session.
pub async fn code(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<CodeForm>,
) -> HttpResponse {
    let next = local_next(Some(&form.next));
    if req.headers().contains_key(header::ORIGIN) && !same_origin(&req, &state) {
        return HttpResponse::Forbidden()
            .body("This form was sent from another site, so it was refused.\n");
    }
    let Some(pending) = crate::http::auth::session_cookie(&req) else {
        return see_other("/admin/login");
    };
    let config = state.published.load().site.config.clone();
    let ip = client_ip(&req, &config.admin.trusted_proxies);
    let now = state.clock.now().timestamp();
    let (worker, code) = (state.clone(), form.code.clone());
    let result = web::block(move || {
        crate::auth::finish_login(&worker.db, &worker.limiter, &pending, &code, ip, now)
    })
    .await;
    match result {
        Ok(Ok(id)) => HttpResponse::SeeOther()
            .insert_header((header::LOCATION, next))
            .insert_header((
                header::SET_COOKIE,
                cookie_header(
                    &id,
                    config.admin.absolute().as_secs(),
                    secure_cookies(&state),
                ),
            ))
            .finish(),
        Ok(Err(e)) => refused(&state, e, &next, "", true).await,
        Err(e) => crate::http::error::internal(e),
    }
}

pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<TokenForm>,
) -> HttpResponse {
    let session = match Session::for_form(&req, &state, form.csrf.as_deref()).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let hash = session.id_hash;
    let _ = crate::http::with_db(&state, move |db| db.delete_session(&hash)).await;
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/admin/login"))
        .insert_header((
            header::SET_COOKIE,
            cookie_header("", 0, secure_cookies(&state)),
        ))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::local_next;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(
            local_next(Some("/admin/posts?status=draft")),
            "/admin/posts?status=draft"
        );
        for hostile in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "javascript:x",
            "/x\r\nSet-Cookie: a=b",
        ] {
            assert_eq!(local_next(Some(hostile)), "/admin/", "{hostile}");
        }
        assert_eq!(local_next(None), "/admin/");
    }
}
