//! `/admin/api/media`: uploads stored by content hash, listed, and deleted.

use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use futures_util::StreamExt;

use super::submit;
use super::types::{MediaOut, media_out};
use crate::admin::{AdminError, AdminReply, AdminRequest, field_error};
use crate::change::MediaHash;
use crate::http::auth::Authed;
use crate::http::error::{ErrorBody, admin_error, internal, json_error};
use crate::http::{AppState, with_db};

/// Room for the multipart framing around a file of the largest allowed size.
const MULTIPART_OVERHEAD: usize = 64 * 1024;

/// Uploaded files, newest first.
#[utoipa::path(tag = "media", responses((status = 200, body = Vec<MediaOut>), (status = 401, body = ErrorBody)))]
#[get("/media")]
pub async fn media_list(state: web::Data<AppState>) -> HttpResponse {
    match with_db(&state, |db| db.media_list()).await {
        Ok(Ok(list)) => HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(list.iter().map(media_out).collect::<Vec<_>>()),
        Ok(Err(e)) => internal(e),
        Err(response) => response,
    }
}

/// An uploaded file, and the small text fields sent before it (a form's CSRF token).
pub(in crate::http) struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub fields: std::collections::BTreeMap<String, String>,
}

/// Text fields read before the file: few and short.
const MAX_TEXT_FIELDS: usize = 16;
const MAX_TEXT_FIELD_BYTES: usize = 4096;

/// Reads the multipart field `file` into memory, refusing more than `limit` bytes as soon as
/// they arrive. Returns the file, or the response to send.
pub(in crate::http) async fn read_upload(
    req: &HttpRequest,
    mut payload: Multipart,
    limit: usize,
) -> Result<Upload, HttpResponse> {
    let too_large = || {
        json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!(
                "the file is larger than the limit of {} MiB (admin.max_upload_mb)",
                limit / (1024 * 1024)
            ),
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit.saturating_add(MULTIPART_OVERHEAD)) {
        return Err(too_large());
    }
    let mut fields = std::collections::BTreeMap::new();
    while let Some(field) = payload.next().await {
        let Ok(mut field) = field else {
            return Err(admin_error(field_error(
                "file",
                "the multipart body is malformed",
            )));
        };
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = name == "file";
        let file_name = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .unwrap_or("upload")
            .to_owned();
        let cap = if is_file { limit } else { MAX_TEXT_FIELD_BYTES };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let Ok(chunk) = chunk else {
                return Err(admin_error(field_error(
                    "file",
                    "the upload was interrupted",
                )));
            };
            if bytes.len() + chunk.len() > cap {
                return Err(if is_file {
                    too_large()
                } else {
                    admin_error(field_error(&name, "this field is too long"))
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        if !is_file {
            if fields.len() < MAX_TEXT_FIELDS {
                fields.insert(name, String::from_utf8_lossy(&bytes).into_owned());
            }
            continue;
        }
        if bytes.is_empty() {
            return Err(admin_error(field_error("file", "the file is empty")));
        }
        return Ok(Upload {
            file_name,
            bytes,
            fields,
        });
    }
    Err(admin_error(field_error(
        "file",
        "send the file in a multipart field named `file`",
    )))
}

/// Upload a file (multipart field `file`). Stored by content hash; the type is read from the bytes.
#[utoipa::path(tag = "media", request_body(content_type = "multipart/form-data", description = "a `file` field"), responses(
    (status = 201, body = MediaOut), (status = 200, description = "The same bytes were already uploaded", body = MediaOut),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, description = "Larger than admin.max_upload_mb", body = ErrorBody),
    (status = 415, description = "Type not allowed", body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/media")]
pub async fn media_upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    authed: web::ReqData<Authed>,
    payload: Multipart,
) -> HttpResponse {
    let limit = state.published.load().site.config.admin.max_upload_bytes();
    let upload = match read_upload(&req, payload, limit).await {
        Ok(upload) => upload,
        Err(response) => return response,
    };
    let request = AdminRequest::AddMedia {
        file_name: upload.file_name,
        bytes: upload.bytes.into(),
    };
    match submit(&state, &authed, request).await {
        Ok(AdminReply::Media { media, created }) => {
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            HttpResponse::build(status)
                .insert_header((header::LOCATION, media.url_path()))
                .json(media_out(&media))
        }
        Ok(_) => internal("unexpected reply to an upload"),
        Err(response) => response,
    }
}

/// Delete an uploaded file.
#[utoipa::path(tag = "media", params(("hash" = String, Path,)), responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/media/{hash}")]
pub async fn media_delete(
    state: web::Data<AppState>,
    authed: web::ReqData<Authed>,
    hash: web::Path<String>,
) -> HttpResponse {
    let Some(hash) = MediaHash::parse(&hash) else {
        return admin_error(AdminError::NotFound(format!(
            "no media {:?}",
            hash.as_str()
        )));
    };
    match submit(&state, &authed, AdminRequest::DeleteMedia { hash }).await {
        Ok(_) => HttpResponse::NoContent().finish(),
        Err(response) => response,
    }
}
