//! API tokens: create (shown once), list, revoke. Like `quire token`, these write the tokens
//! table directly: credentials are not content and are not kept in the append-only log.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use tera::Context;

use super::page::{DoneQuery, Frame, Session, render, see_other};
use crate::auth::{random_secret, secret_hash, valid_name};
use crate::http::{AppState, with_db};

#[derive(Serialize)]
struct TokenLine {
    name: String,
    created: String,
    expires: String,
}

fn day(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

async fn page(
    state: &web::Data<AppState>,
    session: &Session,
    status: StatusCode,
    notice: Option<String>,
    problem: Option<String>,
    created: Option<(String, String)>,
) -> HttpResponse {
    let tokens = match with_db(state, |db| db.tokens()).await {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => return crate::http::error::internal(e),
        Err(response) => return response,
    };
    let lines: Vec<TokenLine> = tokens
        .into_iter()
        .map(|t| TokenLine {
            name: t.name,
            created: day(t.created_at),
            expires: t.expires_at.map(day).unwrap_or_else(|| "never".to_owned()),
        })
        .collect();
    let mut data = Context::new();
    data.insert("tokens", &lines);
    if let Some((name, secret)) = created {
        data.insert("secret_name", &name);
        data.insert("secret", &secret);
    }
    let frame = Frame::of(session, "API tokens", "tokens", notice, problem);
    render(state, status, "tokens.html", frame, data).await
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<DoneQuery>,
) -> HttpResponse {
    let session = match Session::of(&req, &state).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let notice = (query.done.as_deref() == Some("revoked")).then(|| "Token revoked.".to_owned());
    page(&state, &session, StatusCode::OK, notice, None, None).await
}

#[derive(Deserialize)]
pub struct CreateForm {
    csrf: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    expires: String,
}

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<CreateForm>,
) -> HttpResponse {
    let session = match Session::for_form(&req, &state, form.csrf.as_deref()).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let name = form.name.trim().to_owned();
    let expires = match form.expires.trim() {
        "" => Ok(None),
        days => days
            .parse::<u16>()
            .ok()
            .filter(|d| *d > 0)
            .map(Some)
            .ok_or(()),
    };
    let problem = if !valid_name(&name) {
        Some("name: letters, digits and - _ . @, at most 64")
    } else if expires.is_err() {
        Some("expires: a number of days from 1 to 3650, or empty for never")
    } else {
        None
    };
    if let Some(problem) = problem {
        return page(
            &state,
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(problem.to_owned()),
            None,
        )
        .await;
    }
    let Ok(secret) = random_secret().map(|s| format!("qt_{s}")) else {
        return crate::http::error::internal("no randomness");
    };
    let now = state.clock.now().timestamp();
    let expires_at = expires
        .ok()
        .flatten()
        .map(|days| now + i64::from(days) * 86_400);
    let (hash, stored_name) = (secret_hash(&secret), name.clone());
    match with_db(&state, move |db| {
        db.add_token(&stored_name, &hash, now, expires_at)
    })
    .await
    {
        Ok(Ok(())) => {
            page(
                &state,
                &session,
                StatusCode::CREATED,
                None,
                None,
                Some((name, secret)),
            )
            .await
        }
        Ok(Err(crate::store::StoreError::Exists(_))) => {
            let problem = format!("name: there is already a token called {name:?}");
            page(
                &state,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(problem),
                None,
            )
            .await
        }
        Ok(Err(e)) => crate::http::error::internal(e),
        Err(response) => response,
    }
}

#[derive(Deserialize)]
pub struct RevokeForm {
    csrf: Option<String>,
    #[serde(default)]
    name: String,
}

pub async fn revoke(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<RevokeForm>,
) -> HttpResponse {
    if let Err(response) = Session::for_form(&req, &state, form.csrf.as_deref()).await {
        return response;
    }
    let name = form.name.clone();
    match with_db(&state, move |db| db.revoke_token(&name)).await {
        Ok(Ok(_)) => see_other("/admin/tokens?done=revoked"),
        Ok(Err(e)) => crate::http::error::internal(e),
        Err(response) => response,
    }
}
