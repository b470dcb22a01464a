//! The media library: upload (a plain file input), every file with its type and size, the
//! markdown to use it, and delete.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use tera::Context;

use super::page::{DoneQuery, Frame, Session, render, see_other};
use crate::admin::{AdminError, AdminRequest};
use crate::change::MediaHash;
use crate::http::admin::media::read_upload;
use crate::http::admin::{SubmitError, submit_raw};
use crate::http::{AppState, with_db};

#[derive(Serialize)]
struct FileLine {
    hash: String,
    url: String,
    file_name: String,
    content_type: String,
    size: String,
    is_image: bool,
    /// The entries whose text links to the file.
    used_by: Vec<super::dashboard::Line>,
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{:.0} KB", b as f64 / 1024.0),
        b => format!("{b} bytes"),
    }
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
    let notice = match query.done.as_deref() {
        Some("uploaded") => Some("Uploaded.".to_owned()),
        Some("deleted") => Some("Deleted.".to_owned()),
        _ => None,
    };
    page(&state, &session, StatusCode::OK, notice, None).await
}

async fn page(
    state: &web::Data<AppState>,
    session: &Session,
    status: StatusCode,
    notice: Option<String>,
    problem: Option<String>,
) -> HttpResponse {
    page_confirming(state, session, status, notice, problem, None).await
}

/// The library; `confirm` names a file in use whose delete button now confirms.
async fn page_confirming(
    state: &web::Data<AppState>,
    session: &Session,
    status: StatusCode,
    notice: Option<String>,
    problem: Option<String>,
    confirm: Option<String>,
) -> HttpResponse {
    let files = match with_db(state, |db| db.media_list()).await {
        Ok(Ok(list)) => list,
        Ok(Err(e)) => return crate::http::error::internal(e),
        Err(response) => return response,
    };
    let snapshot = state.published.load_full();
    let site = &snapshot.site;
    let files: Vec<FileLine> = files
        .iter()
        .map(|m| FileLine {
            used_by: site
                .entries()
                .filter(|e| e.body.html.contains(&m.url_path()))
                .map(|e| super::dashboard::Line::of(site, e))
                .collect(),
            hash: m.hash.to_string(),
            url: m.url_path(),
            file_name: m.file_name.clone(),
            content_type: m.content_type.clone(),
            size: human_size(m.size),
            is_image: m.content_type.starts_with("image/"),
        })
        .collect();
    let mut data = Context::new();
    data.insert("files", &files);
    data.insert("confirm", &confirm.unwrap_or_default());
    let frame = Frame::of(session, "Media", "media", notice, problem);
    render(state, status, "media.html", frame, data).await
}

pub async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: Multipart,
) -> HttpResponse {
    let limit = state.published.load().site.config.admin.max_upload_bytes();
    // The form sends its token before the file, so it is checked before anything is stored.
    let upload = match read_upload(&req, payload, limit).await {
        Ok(upload) => upload,
        Err(response) => {
            return match Session::of(&req, &state).await {
                Ok(session) => {
                    let problem = format!(
                        "The upload was refused: the file is missing, empty or larger than {} MiB.",
                        limit / (1024 * 1024)
                    );
                    page(&state, &session, response.status(), None, Some(problem)).await
                }
                Err(login) => login,
            };
        }
    };
    let token = upload.fields.get("csrf").map(String::as_str);
    let session = match Session::for_form(&req, &state, token).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let request = AdminRequest::AddMedia {
        file_name: upload.file_name,
        bytes: upload.bytes.into(),
    };
    match submit_raw(&state, &session.authed(), request).await {
        Ok(_) => see_other("/admin/media?done=uploaded"),
        Err(SubmitError::Refused(AdminError::UnsupportedType(m))) => {
            page(
                &state,
                &session,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                None,
                Some(m),
            )
            .await
        }
        Err(SubmitError::Refused(e)) => {
            page(
                &state,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(e.to_string()),
            )
            .await
        }
        Err(SubmitError::Unavailable(m)) => HttpResponse::ServiceUnavailable().body(m),
    }
}

#[derive(Deserialize)]
pub struct DeleteForm {
    csrf: Option<String>,
    /// Set when the person saw that the file is in use and deletes it anyway.
    #[serde(default)]
    confirm: String,
}

pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    hash: web::Path<String>,
    form: web::Form<DeleteForm>,
) -> HttpResponse {
    let session = match Session::for_form(&req, &state, form.csrf.as_deref()).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let Some(hash) = MediaHash::parse(&hash) else {
        return HttpResponse::NotFound().body("No such file\n");
    };
    // A file still linked from posts is deleted only once the person has seen where.
    let url_prefix = format!("/media/{hash}.");
    let users: Vec<String> = state
        .published
        .load()
        .site
        .entries()
        .filter(|e| e.body.html.contains(&url_prefix))
        .map(|e| e.title.clone())
        .collect();
    if !users.is_empty() && form.confirm != "yes" {
        let problem = format!(
            "This file is used by: {}. Those pages will show a broken link. Press its delete button again to delete it anyway.",
            users.join(", ")
        );
        return page_confirming(
            &state,
            &session,
            StatusCode::CONFLICT,
            None,
            Some(problem),
            Some(hash.to_string()),
        )
        .await;
    }
    match submit_raw(
        &state,
        &session.authed(),
        AdminRequest::DeleteMedia { hash },
    )
    .await
    {
        Ok(_) => see_other("/admin/media?done=deleted"),
        Err(SubmitError::Refused(e)) => {
            page(
                &state,
                &session,
                StatusCode::NOT_FOUND,
                None,
                Some(e.to_string()),
            )
            .await
        }
        Err(SubmitError::Unavailable(m)) => HttpResponse::ServiceUnavailable().body(m),
    }
}
