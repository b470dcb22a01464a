//! Errors as JSON: `{"error": {"code", "message", "fields"}}` with the right status.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, HttpResponseBuilder};
use serde::Serialize;

use crate::admin::AdminError;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable: `unauthorized`, `validation_failed`, `not_found`, ...
    pub code: String,
    /// For people.
    pub message: String,
    /// Per-field problems, for `validation_failed`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

pub fn json_error(status: StatusCode, code: &str, message: impl Into<String>) -> HttpResponse {
    HttpResponseBuilder::new(status)
        .insert_header(("Cache-Control", "no-store"))
        .json(ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message: message.into(),
                fields: BTreeMap::new(),
            },
        })
}

pub fn admin_error(error: AdminError) -> HttpResponse {
    match error {
        AdminError::NotFound(m) => json_error(StatusCode::NOT_FOUND, "not_found", m),
        AdminError::PreconditionFailed => json_error(
            StatusCode::PRECONDITION_FAILED,
            "precondition_failed",
            error.to_string(),
        ),
        AdminError::PreconditionRequired => json_error(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
            error.to_string(),
        ),
        AdminError::Invalid(fields) => HttpResponse::UnprocessableEntity()
            .insert_header(("Cache-Control", "no-store"))
            .json(ErrorBody {
                error: ErrorDetail {
                    code: "validation_failed".to_owned(),
                    message: "some fields are invalid; see `fields`".to_owned(),
                    fields,
                },
            }),
        AdminError::Forbidden(m) => json_error(StatusCode::FORBIDDEN, "forbidden", m),
        AdminError::UnsupportedType(m) => {
            json_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_type", m)
        }
        AdminError::Internal(m) => {
            tracing::error!("admin API: {m}");
            json_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "something went wrong; the server log says more",
            )
        }
    }
}

/// A 500 whose cause goes to the log, not to the client.
pub fn internal(cause: impl std::fmt::Display) -> HttpResponse {
    admin_error(AdminError::Internal(cause.to_string()))
}

pub fn unauthorized() -> HttpResponse {
    json_error(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "log in (POST /admin/api/session) or send Authorization: Bearer <token>",
    )
}
