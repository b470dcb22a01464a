//! Rendering and guarding admin pages: the embedded admin theme compiled once into a Tera, pages
//! rendered on the blocking pool, the session every page needs (or a redirect to the login),
//! and the CSRF check every form post passes.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use tera::{Context, Tera};

use crate::http::AppState;
use crate::http::auth::{same_origin, session_cookie, session_user};

#[derive(rust_embed::Embed)]
#[folder = "admin/"]
struct AdminTheme;

/// The admin theme: templates compiled once, and its static files.
pub struct Ui {
    tera: Tera,
}

impl Ui {
    pub fn new() -> Ui {
        let mut tera = Tera::new();
        let templates: Vec<(String, String)> = AdminTheme::iter()
            .filter_map(|path| {
                let name = path.strip_prefix("templates/")?.to_owned();
                let file = AdminTheme::get(&path)?;
                Some((name, String::from_utf8_lossy(&file.data).into_owned()))
            })
            .collect();
        // The templates are part of the binary and covered by tests; a broken one is a build bug.
        if let Err(e) =
            tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        {
            tracing::error!("admin templates: {e}");
        }
        Ui { tera }
    }
}

impl Default for Ui {
    fn default() -> Self {
        Ui::new()
    }
}

/// A 303 to `location`: after a form post, and to send a visitor to the login.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// `/admin/static/<file>`: the admin's own CSS and JS.
pub async fn asset(file: web::Path<String>) -> HttpResponse {
    let Some(found) = AdminTheme::get(&format!("static/{file}")) else {
        return HttpResponse::NotFound().finish();
    };
    let content_type = mime_guess::from_path(file.as_str()).first_or_octet_stream();
    HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            format!("{content_type}; charset=utf-8"),
        ))
        .body(found.data.into_owned())
}

/// `?done=…`: what the action before a redirect did, for the page after it to say.
#[derive(serde::Deserialize)]
pub struct DoneQuery {
    pub done: Option<String>,
}

/// The logged-in user of a request, and the form token of their session.
pub struct Session {
    pub user: String,
    pub csrf: String,
    /// The session id's hash, to end it at logout.
    pub id_hash: String,
}

/// The CSRF token of a session: derived from its secret id, so it needs no storage and only
/// the holder of the session cookie (or the server) can know it.
fn csrf_token(session_id: &str) -> String {
    blake3::derive_key("quire admin form token v1", session_id.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Session {
    /// The session, or a redirect to the login that comes back here.
    pub async fn of(
        req: &HttpRequest,
        state: &web::Data<AppState>,
    ) -> Result<Session, HttpResponse> {
        let found = match session_cookie(req) {
            Some(id) => session_user(req, state)
                .await
                .map(|(user, hash)| (id, user, hash)),
            None => None,
        };
        match found {
            Some((id, user, id_hash)) => Ok(Session {
                user,
                csrf: csrf_token(&id),
                id_hash,
            }),
            None => {
                let next = req
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_default();
                let query = percent_encoding::utf8_percent_encode(
                    &next,
                    percent_encoding::NON_ALPHANUMERIC,
                );
                Err(see_other(&format!("/admin/login?next={query}")))
            }
        }
    }

    /// For a form post: the session, from this site (Origin), carrying the session's token.
    pub async fn for_form(
        req: &HttpRequest,
        state: &web::Data<AppState>,
        token: Option<&str>,
    ) -> Result<Session, HttpResponse> {
        let session = match Session::of(req, state).await {
            Ok(s) => s,
            // A form without a session is refused, never silently redirected and replayed.
            Err(_) => {
                return Err(refused(
                    StatusCode::UNAUTHORIZED,
                    "Your session has ended: log in again.",
                ));
            }
        };
        let says_origin = req.headers().contains_key(header::ORIGIN)
            || req.headers().contains_key("sec-fetch-site");
        if says_origin && !same_origin(req, state) {
            return Err(refused(
                StatusCode::FORBIDDEN,
                "This form was sent from another site, so it was refused.",
            ));
        }
        if token != Some(session.csrf.as_str()) {
            return Err(refused(
                StatusCode::FORBIDDEN,
                "This form has expired. Reload the page and try again.",
            ));
        }
        Ok(session)
    }
}

fn refused(status: StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/plain; charset=utf-8")
        .body(format!("{message}\n"))
}

/// What every admin page's template sees, besides its own data.
#[derive(Serialize)]
pub struct Frame<'a> {
    pub title: &'a str,
    pub section: &'a str,
    pub user: Option<&'a str>,
    pub csrf: &'a str,
    pub notice: Option<String>,
    pub problem: Option<String>,
}

impl<'a> Frame<'a> {
    /// The frame of a logged-in page.
    pub fn of(
        session: &'a Session,
        title: &'a str,
        section: &'a str,
        notice: Option<String>,
        problem: Option<String>,
    ) -> Frame<'a> {
        Frame {
            title,
            section,
            user: Some(&session.user),
            csrf: &session.csrf,
            notice,
            problem,
        }
    }
}

impl Session {
    /// Who the writer records for this session's changes: `user:NAME`.
    pub fn authed(&self) -> crate::http::auth::Authed {
        crate::http::auth::Authed {
            actor: crate::change::Actor::User(self.user.clone()),
            session: Some(self.id_hash.clone()),
        }
    }
}

/// Renders `template` on the blocking pool (templates are CPU work; async workers serve the
/// public site) with `frame` and `data` merged.
pub async fn render(
    state: &web::Data<AppState>,
    status: StatusCode,
    template: &'static str,
    frame: Frame<'_>,
    data: Context,
) -> HttpResponse {
    let mut ctx = match Context::from_serialize(&frame) {
        Ok(ctx) => ctx,
        Err(e) => return crate::http::error::internal(e),
    };
    ctx.extend(data);
    ctx.insert(
        "site_title",
        &state.published.load().site.config.title.clone(),
    );
    let worker = state.clone();
    let html = web::block(move || worker.ui.tera.render(template, &ctx)).await;
    match html {
        Ok(Ok(html)) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(html),
        Ok(Err(e)) => crate::http::error::internal(format!("{template}: {e}")),
        Err(e) => crate::http::error::internal(e),
    }
}
