//! The logged-in user's account: change the password (which ends every session of theirs).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use tera::Context;

use super::page::{Frame, Session, render};
use crate::auth::{MIN_PASSWORD_CHARS, check_login, hash_password};
use crate::http::auth::cookie_header;
use crate::http::{AppState, with_db};

async fn page(
    state: &web::Data<AppState>,
    session: &Session,
    status: StatusCode,
    problem: Option<String>,
) -> HttpResponse {
    let mut data = Context::new();
    data.insert("min_chars", &MIN_PASSWORD_CHARS);
    let frame = Frame {
        title: "Account",
        section: "account",
        user: Some(&session.user),
        csrf: &session.csrf,
        notice: None,
        problem,
    };
    render(state, status, "account.html", frame, data).await
}

pub async fn show(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    match Session::of(&req, &state).await {
        Ok(session) => page(&state, &session, StatusCode::OK, None).await,
        Err(response) => response,
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: Option<String>,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    again: String,
}

pub async fn password(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<PasswordForm>,
) -> HttpResponse {
    let session = match Session::for_form(&req, &state, form.csrf.as_deref()).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    if form.new.chars().count() < MIN_PASSWORD_CHARS {
        let problem = format!("The new password needs at least {MIN_PASSWORD_CHARS} characters.");
        return page(
            &state,
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(problem),
        )
        .await;
    }
    if form.new != form.again {
        let problem = "The two new passwords differ; nothing was changed.".to_owned();
        return page(
            &state,
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(problem),
        )
        .await;
    }
    let (user, current, new) = (session.user.clone(), form.current.clone(), form.new.clone());
    // Argon2 twice: on the blocking pool, like every login.
    let changed = with_db(&state, move |db| {
        let stored = db.password_hash(&user).ok().flatten();
        if !check_login(&current, stored.as_deref()) {
            return Ok(false);
        }
        let hash = hash_password(&new).map_err(|e| e.to_string())?;
        db.set_password(&user, &hash).map_err(|e| e.to_string())
    })
    .await;
    match changed {
        Ok(Ok(true)) => {
            let secure = state
                .published
                .load()
                .renderer
                .base_url
                .starts_with("https://");
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/admin/login?next=%2Fadmin%2F"))
                .insert_header((header::SET_COOKIE, cookie_header("", 0, secure)))
                .finish()
        }
        Ok(Ok(false)) => {
            let problem = "The current password is wrong; nothing was changed.".to_owned();
            page(
                &state,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(problem),
            )
            .await
        }
        Ok(Err(e)) => crate::http::error::internal(e),
        Err(response) => response,
    }
}
