//! Posts and pages: one implementation, registered twice (`/posts…` and `/pages…`), because
//! the OpenAPI document needs one annotated handler per route.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};

use super::submit;
use super::types::{EntryList, ListQuery, entry_out, entry_summary, revision};
use crate::admin::{AdminError, AdminReply, AdminRequest, EntryFields, SaveEntry};
use crate::change::EventSeq;
use crate::content::slug::tag_slug;
use crate::http::auth::Authed;
use crate::http::error::{admin_error, internal};
use crate::http::{AppState, with_db};
use crate::site::entry::{Entry, EntryKind};
use crate::snapshot::Snapshot;

const MAX_PER_PAGE: usize = 100;

fn base_path(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Post => "/admin/api/posts",
        EntryKind::Page => "/admin/api/pages",
    }
}

fn if_match(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn no_store(status: StatusCode) -> actix_web::HttpResponseBuilder {
    let mut builder = HttpResponse::build(status);
    builder.insert_header(("Cache-Control", "no-store"));
    builder
}

fn entry_response(state: &AppState, status: StatusCode, reply: AdminReply) -> HttpResponse {
    let AdminReply::Entry {
        entry, source_text, ..
    } = reply
    else {
        return HttpResponse::NoContent().finish();
    };
    let mut builder = no_store(status);
    builder.insert_header((header::ETAG, crate::etag::of_entry(&entry)));
    if status == StatusCode::CREATED {
        let location = format!("{}/{}", base_path(entry.kind), entry.slug);
        builder.insert_header((header::LOCATION, location));
    }
    builder.json(entry_out(
        &state.published.load().site,
        &entry,
        &source_text,
    ))
}

/// The entries of one kind that pass the query's filters, newest first (undated last).
pub(in crate::http) fn matching<'a>(
    snapshot: &'a Snapshot,
    kind: EntryKind,
    query: &ListQuery,
) -> Vec<&'a Entry> {
    let site = &snapshot.site;
    // Words, through the site's search index (stemming, typos, the last word as a prefix).
    let hits: Option<std::collections::BTreeSet<_>> = query
        .q
        .as_deref()
        .filter(|q| !q.trim().is_empty())
        .map(|q| {
            site.search_everything(q)
                .into_iter()
                .map(|e| e.source.clone())
                .collect()
        });
    let tag = query.tag.as_deref().map(tag_slug);
    let mut found: Vec<&Entry> = site
        .entries()
        .map(|e| e.as_ref())
        .filter(|e| e.kind == kind)
        .filter(|e| {
            let status = site.status(e).name();
            query.status.as_deref().is_none_or(|s| s == status)
        })
        .filter(|e| {
            tag.as_ref()
                .is_none_or(|t| e.tags.iter().any(|x| &x.slug == t))
        })
        .filter(|e| hits.as_ref().is_none_or(|h| h.contains(&e.source)))
        .collect();
    found.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
    found
}

pub fn list(state: &AppState, kind: EntryKind, query: &ListQuery) -> HttpResponse {
    let snapshot = state.published.load();
    let found = matching(&snapshot, kind, query);
    let per_page = query.per_page.unwrap_or(20).clamp(1, MAX_PER_PAGE);
    let page = query.page.unwrap_or(1).max(1);
    // A page far past the end is empty, never an overflow.
    let skip = (page - 1).saturating_mul(per_page);
    let items = found
        .iter()
        .skip(skip)
        .take(per_page)
        .map(|e| entry_summary(&snapshot.site, e))
        .collect();
    no_store(StatusCode::OK).json(EntryList {
        items,
        page,
        per_page,
        total: found.len(),
    })
}

pub async fn get_one(state: web::Data<AppState>, kind: EntryKind, slug: &str) -> HttpResponse {
    let snapshot = state.published.load_full();
    let Some(entry) = snapshot.site.find(kind, slug).cloned() else {
        return admin_error(AdminError::not_found(kind, slug));
    };
    let source = entry.source.clone();
    match with_db(&state, move |db| db.latest_source(&source)).await {
        Ok(text) => {
            let text = text.ok().flatten().unwrap_or_default();
            no_store(StatusCode::OK)
                .insert_header((header::ETAG, crate::etag::of_entry(&entry)))
                .json(entry_out(&snapshot.site, &entry, &text))
        }
        Err(response) => response,
    }
}

pub async fn create(
    state: web::Data<AppState>,
    authed: &Authed,
    kind: EntryKind,
    input: EntryFields,
) -> HttpResponse {
    let request = AdminRequest::SaveEntry(SaveEntry {
        kind,
        slug: None,
        if_match: None,
        input,
    });
    match submit(&state, authed, request).await {
        Ok(reply) => entry_response(&state, StatusCode::CREATED, reply),
        Err(response) => response,
    }
}

pub async fn update(
    req: &HttpRequest,
    state: web::Data<AppState>,
    authed: &Authed,
    kind: EntryKind,
    slug: String,
    input: EntryFields,
) -> HttpResponse {
    let request = AdminRequest::SaveEntry(SaveEntry {
        kind,
        slug: Some(slug),
        if_match: if_match(req),
        input,
    });
    match submit(&state, authed, request).await {
        Ok(reply) => entry_response(&state, StatusCode::OK, reply),
        Err(response) => response,
    }
}

pub async fn remove(
    req: &HttpRequest,
    state: web::Data<AppState>,
    authed: &Authed,
    kind: EntryKind,
    slug: String,
) -> HttpResponse {
    let request = AdminRequest::DeleteEntry {
        kind,
        slug,
        if_match: if_match(req),
    };
    match submit(&state, authed, request).await {
        Ok(_) => HttpResponse::NoContent().finish(),
        Err(response) => response,
    }
}

pub async fn revisions(state: web::Data<AppState>, kind: EntryKind, slug: String) -> HttpResponse {
    let live = state
        .published
        .load()
        .site
        .find(kind, &slug)
        .map(|e| e.source.clone());
    let history = with_db(&state, move |db| {
        let source = match live {
            Some(source) => Some(source),
            None => db.deleted_source(&slug, kind)?,
        };
        match source {
            Some(source) => db.history(&source).map(Ok),
            None => Ok(Err(AdminError::not_found(kind, &slug))),
        }
    })
    .await;
    match history {
        Ok(Ok(Ok(rows))) => {
            no_store(StatusCode::OK).json(rows.into_iter().map(revision).collect::<Vec<_>>())
        }
        Ok(Ok(Err(not_found))) => admin_error(not_found),
        Ok(Err(e)) => internal(e),
        Err(response) => response,
    }
}

pub async fn restore(
    state: web::Data<AppState>,
    authed: &Authed,
    kind: EntryKind,
    slug: String,
    seq: i64,
) -> HttpResponse {
    let request = AdminRequest::RestoreRevision {
        kind,
        slug,
        seq: EventSeq(seq),
    };
    match submit(&state, authed, request).await {
        Ok(reply) => entry_response(&state, StatusCode::OK, reply),
        Err(response) => response,
    }
}

/// The seven routes of one entry kind, each a thin annotated handler over the functions above.
macro_rules! entry_routes {
    ($module:ident, $kind:expr, $tag:literal, $plural:literal, $singular:literal,
     $list:literal, $one:literal, $revisions:literal, $restore:literal) => {
        pub mod $module {
            use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};

            use crate::http::AppState;
            use crate::http::admin::types::{EntryInput, EntryList, EntryOut, ListQuery, Revision};
            use crate::http::auth::Authed;
            use crate::http::error::ErrorBody;
            use crate::site::entry::EntryKind;

            const KIND: EntryKind = $kind;

            #[doc = concat!("List ", $plural, ", newest first.")]
            #[utoipa::path(tag = $tag, operation_id = concat!($tag, "_list"), params(ListQuery), responses(
                (status = 200, body = EntryList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
            #[get($list)]
            pub async fn list(state: web::Data<AppState>, query: web::Query<ListQuery>) -> HttpResponse {
                super::list(&state, KIND, &query)
            }

            #[doc = concat!("Create a ", $singular, ". Answers once it is durable and live.")]
            #[utoipa::path(tag = $tag, operation_id = concat!($tag, "_create"), request_body = EntryInput, responses(
                (status = 201, description = "Created; Location and ETag are set", body = EntryOut),
                (status = 401, body = ErrorBody), (status = 403, description = "Cross-site request", body = ErrorBody),
                (status = 422, description = "Invalid fields", body = ErrorBody)))]
            #[post($list)]
            pub async fn create(
                state: web::Data<AppState>,
                authed: web::ReqData<Authed>,
                input: web::Json<EntryInput>,
            ) -> HttpResponse {
                super::create(state, &authed, KIND, input.into_inner().into()).await
            }

            #[doc = concat!("One ", $singular, " with its markdown.")]
            #[utoipa::path(tag = $tag, operation_id = concat!($tag, "_get"), params(("slug" = String, Path,)), responses(
                (status = 200, body = EntryOut), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
            #[get($one)]
            pub async fn get(state: web::Data<AppState>, slug: web::Path<String>) -> HttpResponse {
                super::get_one(state, KIND, &slug).await
            }

            #[doc = concat!("Replace a ", $singular, ". Needs If-Match with its ETag (strong); a new slug leaves the old URL redirecting.")]
            #[utoipa::path(tag = $tag, operation_id = concat!($tag, "_update"), params(("slug" = String, Path,), ("If-Match" = String, Header,)), request_body = EntryInput, responses(
                (status = 200, body = EntryOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
                (status = 404, body = ErrorBody), (status = 412, description = "Stale or weak ETag", body = ErrorBody),
                (status = 422, body = ErrorBody), (status = 428, description = "If-Match missing", body = ErrorBody)))]
            #[put($one)]
            pub async fn update(
                req: HttpRequest,
                state: web::Data<AppState>,
                authed: web::ReqData<Authed>,
                slug: web::Path<String>,
                input: web::Json<EntryInput>,
            ) -> HttpResponse {
                super::update(&req, state, &authed, KIND, slug.into_inner(), input.into_inner().into()).await
            }

            #[doc = concat!("Delete a ", $singular, " (a tombstone in the log; restore it from its revisions).")]
            #[utoipa::path(tag = $tag, operation_id = concat!($tag, "_delete"), params(("slug" = String, Path,)), responses(
                (status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
                (status = 412, body = ErrorBody)))]
            #[delete($one)]
            pub async fn delete(
                req: HttpRequest,
                state: web::Data<AppState>,
                authed: web::ReqData<Authed>,
                slug: web::Path<String>,
            ) -> HttpResponse {
                super::remove(&req, state, &authed, KIND, slug.into_inner()).await
            }

            #[doc = concat!("The ", $singular, "'s history from the log, newest first (file edits included).")]
            #[utoipa::path(tag = $tag, operation_id = concat!($tag, "_revisions"), params(("slug" = String, Path,)), responses(
                (status = 200, body = Vec<Revision>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
            #[get($revisions)]
            pub async fn revisions(state: web::Data<AppState>, slug: web::Path<String>) -> HttpResponse {
                super::revisions(state, KIND, slug.into_inner()).await
            }

            #[doc = concat!("Restore a revision as a new version (also brings back a deleted ", $singular, ").")]
            #[utoipa::path(tag = $tag, operation_id = concat!($tag, "_restore"), params(("slug" = String, Path,), ("seq" = i64, Path,)), responses(
                (status = 200, body = EntryOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
                (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
            #[post($restore)]
            pub async fn restore(
                state: web::Data<AppState>,
                authed: web::ReqData<Authed>,
                path: web::Path<(String, i64)>,
            ) -> HttpResponse {
                let (slug, seq) = path.into_inner();
                super::restore(state, &authed, KIND, slug, seq).await
            }
        }
    };
}

entry_routes!(
    posts,
    EntryKind::Post,
    "posts",
    "posts",
    "post",
    "/posts",
    "/posts/{slug}",
    "/posts/{slug}/revisions",
    "/posts/{slug}/revisions/{seq}/restore"
);
entry_routes!(
    pages,
    EntryKind::Page,
    "pages",
    "pages",
    "page",
    "/pages",
    "/pages/{slug}",
    "/pages/{slug}/revisions",
    "/pages/{slug}/revisions/{seq}/restore"
);
