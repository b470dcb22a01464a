//! Who is calling the admin API: session cookies and bearer tokens, CSRF checks, client
//! addresses behind trusted proxies. Every admin route but login passes through `require_auth`.

use std::net::IpAddr;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest, web};

use super::error::{json_error, unauthorized};
use super::{AppState, with_db};
use crate::auth::secret_hash;
use crate::change::Actor;

pub const SESSION_COOKIE: &str = "quire_session";
pub const LOGIN_PATH: &str = "/admin/api/session";

/// The authenticated caller, put in the request's extensions by `require_auth`.
#[derive(Debug, Clone)]
pub struct Authed {
    pub actor: Actor,
    /// The session id's hash, when authenticated by cookie.
    pub session: Option<String>,
}

pub async fn require_auth(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if req.path() == LOGIN_PATH && req.method() == Method::POST {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(req.into_response(unauthorized()).map_into_right_body());
    };
    let authed = match authenticate(req.request(), &state).await {
        Some(a) => a,
        None => return Ok(req.into_response(unauthorized()).map_into_right_body()),
    };
    if authed.session.is_some() && !is_safe(req.method()) && !same_origin(req.request(), &state) {
        let response = json_error(
            StatusCode::FORBIDDEN,
            "csrf",
            "cross-site request refused: a cookie-authenticated change must come from this site's pages",
        );
        return Ok(req.into_response(response).map_into_right_body());
    }
    req.extensions_mut().insert(authed);
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

async fn authenticate(req: &HttpRequest, state: &web::Data<AppState>) -> Option<Authed> {
    let now = state.clock.now().timestamp();
    if let Some(value) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        // A bearer request is judged by its token alone, even if a cookie came along too.
        let token = value
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|t| !t.is_empty())?;
        let hash = secret_hash(token);
        let name = with_db(state, move |db| db.token_by_hash(&hash, now))
            .await
            .ok()?
            .ok()
            .flatten()?;
        return Some(Authed {
            actor: Actor::Token(name),
            session: None,
        });
    }
    let (user, hash) = session_user(req, state).await?;
    Some(Authed {
        actor: Actor::User(user),
        session: Some(hash),
    })
}

/// The user of the request's session cookie, with the session id's hash, if the session lives.
pub(in crate::http) async fn session_user(
    req: &HttpRequest,
    state: &web::Data<AppState>,
) -> Option<(String, String)> {
    let now = state.clock.now().timestamp();
    let id = session_cookie(req)?;
    let hash = secret_hash(&id);
    let config = state.published.load().site.config.clone();
    let idle = i64::try_from(config.admin.idle().as_secs()).unwrap_or(i64::MAX);
    let absolute = i64::try_from(config.admin.absolute().as_secs()).unwrap_or(i64::MAX);
    let lookup = hash.clone();
    let user = with_db(state, move |db| {
        db.session_user(&lookup, now, idle, absolute)
    })
    .await
    .ok()?
    .ok()
    .flatten()?;
    Some((user, hash))
}

pub fn session_cookie(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

/// CSRF: the request must say it comes from this site. `Sec-Fetch-Site: same-origin` (sent by
/// browsers) or an `Origin` equal to the site's (or to the Host it was sent to) will do.
pub(in crate::http) fn same_origin(req: &HttpRequest, state: &AppState) -> bool {
    let headers = req.headers();
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("same-origin") {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let base = state.published.load().renderer.base_url.clone();
    if origin_of(&base).is_some_and(|o| o == origin) {
        return true;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(|o| !host.is_empty() && o == host)
}

/// `https://example.com/blog` -> `https://example.com`.
fn origin_of(url: &str) -> Option<&str> {
    let scheme_end = url.find("://")? + 3;
    let end = url[scheme_end..]
        .find('/')
        .map_or(url.len(), |i| scheme_end + i);
    Some(&url[..end])
}

/// The client's address: the peer, or for a trusted proxy the last address it forwarded.
pub fn client_ip(req: &HttpRequest, trusted: &[IpAddr]) -> IpAddr {
    let peer = req
        .peer_addr()
        .map(|a| a.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    if !trusted.contains(&peer) {
        return peer;
    }
    req.headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.rsplit(',')
                .map(str::trim)
                .find_map(|a| a.parse::<IpAddr>().ok().filter(|ip| !trusted.contains(ip)))
        })
        .unwrap_or(peer)
}

pub fn cookie_header(value: &str, max_age_secs: u64, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={value}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn origins() {
        assert_eq!(
            origin_of("https://example.com/blog"),
            Some("https://example.com")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8080"),
            Some("http://127.0.0.1:8080")
        );
    }
}
