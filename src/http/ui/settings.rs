//! Site settings in the admin: title, description, author, posts per page. Saved as a settings
//! event over `quire.toml`; the site re-renders before the page comes back.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use tera::Context;

use super::page::{DoneQuery, Frame, Session, render, see_other};
use crate::admin::{AdminRequest, SettingsChange};
use crate::http::AppState;
use crate::http::admin::types::settings_out;
use crate::http::admin::{SubmitError, submit_raw};

#[derive(Deserialize)]
pub struct SettingsForm {
    csrf: Option<String>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    author: String,
    #[serde(default)]
    posts_per_page: String,
    /// One link a line: `Name | /address/`.
    #[serde(default)]
    nav: String,
}

/// `About | /about/` lines, in order; blank lines are skipped.
fn parse_nav(text: &str) -> Result<Vec<crate::change::NavLink>, String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (name, url) = line.rsplit_once('|').ok_or_else(|| {
                format!("navigation: {line:?} needs a | between the name and the address")
            })?;
            Ok(crate::change::NavLink {
                name: name.trim().to_owned(),
                url: url.trim().to_owned(),
            })
        })
        .collect()
}

async fn page(
    state: &web::Data<AppState>,
    session: &Session,
    status: StatusCode,
    notice: Option<String>,
    problem: Option<String>,
) -> HttpResponse {
    let mut data = Context::new();
    let settings = settings_out(&state.published.load().site.config);
    let nav: Vec<String> = settings
        .nav
        .iter()
        .map(|link| format!("{} | {}", link.name, link.url))
        .collect();
    data.insert("nav", &nav.join("\n"));
    data.insert("settings", &settings);
    let frame = Frame::of(session, "Settings", "settings", notice, problem);
    render(state, status, "settings.html", frame, data).await
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
    let notice = (query.done.as_deref() == Some("saved"))
        .then(|| "Settings saved; the site shows them.".to_owned());
    page(&state, &session, StatusCode::OK, notice, None).await
}

pub async fn save(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<SettingsForm>,
) -> HttpResponse {
    let session = match Session::for_form(&req, &state, form.csrf.as_deref()).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let Ok(posts_per_page) = form.posts_per_page.trim().parse::<usize>() else {
        let problem = "posts per page: give a number from 1 to 100".to_owned();
        return page(
            &state,
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(problem),
        )
        .await;
    };
    let nav = match parse_nav(&form.nav) {
        Ok(nav) => nav,
        Err(problem) => {
            return page(
                &state,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(problem),
            )
            .await;
        }
    };
    let input = SettingsChange {
        nav: Some(nav),
        title: Some(form.title.clone()),
        description: Some(form.description.clone()),
        author: Some(form.author.clone()),
        posts_per_page: Some(posts_per_page),
    };
    let authed = session.authed();
    match submit_raw(&state, &authed, AdminRequest::PutSettings { input }).await {
        Ok(_) => see_other("/admin/settings?done=saved"),
        Err(SubmitError::Refused(crate::admin::AdminError::Invalid(fields))) => {
            let problem = fields
                .iter()
                .map(|(f, m)| format!("{f}: {m}"))
                .collect::<Vec<_>>()
                .join("\n");
            page(
                &state,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(problem),
            )
            .await
        }
        Err(SubmitError::Refused(e)) => crate::http::error::internal(e),
        Err(SubmitError::Unavailable(m)) => HttpResponse::ServiceUnavailable().body(m),
    }
}
