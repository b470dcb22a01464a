//! Posts and pages in the admin: the lists with their filters, and what the editor and history
//! screens (`editor.rs`, `history.rs`) share: which kind a path names, and what a finished action
//! says.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use tera::Context;

use super::dashboard::Line;
use super::page::{Frame, Session, render};
use crate::http::AppState;
use crate::http::admin::entries::matching;
use crate::http::admin::types::ListQuery;
use crate::site::entry::EntryKind;

const PER_PAGE: usize = 25;

pub(super) fn kind_of(segment: &str) -> Option<EntryKind> {
    match segment {
        "posts" => Some(EntryKind::Post),
        "pages" => Some(EntryKind::Page),
        _ => None,
    }
}

pub(super) fn plural(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Post => "posts",
        EntryKind::Page => "pages",
    }
}

pub(super) fn not_found() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("Not found\n")
}

/// What a finished action says on the next page (`?done=saved`).
pub(super) fn notice(done: Option<&str>) -> Option<String> {
    Some(
        match done? {
            "saved" => "Saved.",
            "created" => "Created.",
            "deleted" => "Deleted. Its history is kept: restore it from the log any time.",
            "restored" => "Restored as a new revision.",
            _ => return None,
        }
        .to_owned(),
    )
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    tag: String,
    /// `newest` (the default), `oldest` or `title`.
    #[serde(default)]
    sort: String,
    page: Option<usize>,
    done: Option<String>,
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    kind: web::Path<String>,
    params: web::Query<ListParams>,
) -> HttpResponse {
    let Some(kind) = kind_of(&kind) else {
        return not_found();
    };
    let session = match Session::of(&req, &state).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let query = ListQuery {
        status: some(&params.status),
        tag: some(&params.tag),
        q: some(&params.q),
        page: None,
        per_page: None,
    };
    let snapshot = state.published.load_full();
    let mut found = matching(&snapshot, kind, &query);
    // `matching` gives newest first, undated last.
    match params.sort.as_str() {
        "oldest" => found.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.slug.cmp(&b.slug))),
        "title" => found.sort_by_cached_key(|e| e.title.to_lowercase()),
        _ => {}
    }
    let pages = found.len().div_ceil(PER_PAGE).max(1);
    let page = params.page.unwrap_or(1).clamp(1, pages);
    let items: Vec<Line> = found
        .iter()
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(|e| Line::of(&snapshot.site, e))
        .collect();
    let base = format!("/admin/{}", plural(kind));
    let link = |p: usize| {
        let encode = |s: &str| {
            percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
        };
        format!(
            "{base}?q={}&status={}&tag={}&sort={}&page={p}",
            encode(&params.q),
            encode(&params.status),
            encode(&params.tag),
            encode(&params.sort)
        )
    };
    let mut data = Context::new();
    data.insert(
        "heading",
        if kind == EntryKind::Post {
            "Posts"
        } else {
            "Pages"
        },
    );
    data.insert("singular", kind.name());
    data.insert("list_url", &base);
    data.insert("new_url", &format!("{base}/new"));
    data.insert("items", &items);
    data.insert("total", &found.len());
    data.insert("page", &page);
    data.insert("pages", &pages);
    data.insert("prev_url", &(page > 1).then(|| link(page - 1)));
    data.insert("next_url", &(page < pages).then(|| link(page + 1)));
    data.insert("tags", &known_tags(&snapshot.site));
    data.insert(
        "query",
        &serde_json::json!({"q": params.q, "status": params.status, "tag": params.tag, "sort": params.sort}),
    );
    let heading = if kind == EntryKind::Post {
        "Posts"
    } else {
        "Pages"
    };
    let frame = Frame::of(
        &session,
        heading,
        plural(kind),
        notice(params.done.as_deref()),
        None,
    );
    render(&state, StatusCode::OK, "list.html", frame, data).await
}

pub(super) fn known_tags(site: &crate::site::Site) -> Vec<String> {
    site.tags().map(|t| t.tag.name.clone()).collect()
}
