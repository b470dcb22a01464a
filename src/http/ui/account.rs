//! The logged-in user's account: change the password (which ends every session of theirs).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use tera::Context;

use super::page::{Frame, Session, render};
use crate::auth::{MIN_PASSWORD_CHARS, check_login, hash_password};
use crate::http::auth::cookie_header;
use crate::http::{AppState, with_db};

/// What the two-factor section shows besides its state: an enrolment in progress (its key), or
/// the recovery codes just made.
#[derive(Default)]
struct TwoFactorView {
    key: Option<String>,
    recovery: Vec<String>,
}

async fn page(
    state: &web::Data<AppState>,
    session: &Session,
    status: StatusCode,
    problem: Option<String>,
) -> HttpResponse {
    page_with(state, session, status, problem, TwoFactorView::default()).await
}

async fn page_with(
    state: &web::Data<AppState>,
    session: &Session,
    status: StatusCode,
    problem: Option<String>,
    view: TwoFactorView,
) -> HttpResponse {
    let user = session.user.clone();
    let found = with_db(state, move |db| {
        Ok::<_, crate::store::StoreError>((
            db.totp(&user)?.is_some(),
            db.recovery_codes_left(&user)?,
        ))
    })
    .await;
    let (totp_on, left) = match found {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => return crate::http::error::internal(e),
        Err(response) => return response,
    };
    let mut data = Context::new();
    data.insert("min_chars", &MIN_PASSWORD_CHARS);
    data.insert("totp_on", &totp_on);
    data.insert("recovery_left", &left);
    data.insert("recovery", &view.recovery);
    if let Some(key) = &view.key {
        let title = state.published.load().site.config.title.clone();
        let uri = crate::totp::uri(&title, &session.user, key);
        data.insert("key", key);
        data.insert("qr", &crate::totp::qr_svg(&uri));
    }
    let frame = Frame::of(session, "Account", "account", None, problem);
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

#[derive(Deserialize)]
pub struct TokenForm {
    csrf: Option<String>,
}

/// Starts enrolment: a new secret, shown as a QR code and a key.
pub async fn start_two_factor(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<TokenForm>,
) -> HttpResponse {
    let session = match Session::for_form(&req, &state, form.csrf.as_deref()).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let (worker, user) = (state.clone(), session.user.clone());
    match web::block(move || crate::auth::begin_enrolment(&worker.db, &user)).await {
        Ok(Ok(key)) => {
            let view = TwoFactorView {
                key: Some(key),
                ..TwoFactorView::default()
            };
            page_with(&state, &session, StatusCode::OK, None, view).await
        }
        Ok(Err(e)) => crate::http::error::internal(e),
        Err(e) => crate::http::error::internal(e),
    }
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    csrf: Option<String>,
    #[serde(default)]
    code: String,
}

/// Confirms enrolment with a code from the app; shows the recovery codes once.
pub async fn confirm_two_factor(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<ConfirmForm>,
) -> HttpResponse {
    let session = match Session::for_form(&req, &state, form.csrf.as_deref()).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let now = state.clock.now().timestamp();
    let (worker, user, code, keep) = (
        state.clone(),
        session.user.clone(),
        form.code.clone(),
        session.id_hash.clone(),
    );
    let result =
        web::block(move || crate::auth::confirm_enrolment(&worker.db, &user, &code, &keep, now))
            .await;
    match result {
        Ok(Ok(recovery)) => {
            let view = TwoFactorView {
                recovery,
                ..TwoFactorView::default()
            };
            page_with(&state, &session, StatusCode::OK, None, view).await
        }
        Ok(Err(crate::auth::LoginError::Invalid)) => {
            let pending = {
                let user = session.user.clone();
                with_db(&state, move |db| db.totp_pending(&user))
                    .await
                    .ok()
                    .and_then(|r| r.ok().flatten())
            };
            let view = TwoFactorView {
                key: pending,
                ..TwoFactorView::default()
            };
            let problem = "That code is not the one the app shows now: check the app's clock, and try the next code.".to_owned();
            page_with(
                &state,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(problem),
                view,
            )
            .await
        }
        Ok(Err(e)) => crate::http::error::internal(e),
        Err(e) => crate::http::error::internal(e),
    }
}
