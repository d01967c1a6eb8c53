//! Building responses with OpenQuake's status codes, content types and headers.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::wire::python_json;

/// `text/html; charset=utf-8`: Django's type for bodies without an explicit one.
pub const HTML: &str = "text/html; charset=utf-8";

/// A JSON body written as Python's `json.dumps` writes it, `Content-Type: application/json`.
pub fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    raw_json(status, python_json(value))
}

/// An already-encoded JSON body.
pub fn raw_json(status: StatusCode, body: String) -> Response {
    with_type(status, "application/json", body)
}

/// A body with an explicit content type.
pub fn with_type(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Body>,
) -> Response {
    let mut response = (status, body.into()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// An empty-bodied answer (`404`, `403`, ...) typed `text/html; charset=utf-8` as Django does.
pub fn empty(status: StatusCode) -> Response {
    with_type(status, HTML, Body::empty())
}

/// A `text/plain` body (no charset, as OpenQuake's explicit text answers).
pub fn text(status: StatusCode, body: impl Into<String>) -> Response {
    with_type(status, "text/plain", body.into())
}

/// `attachment; filename=<name>`, the name unquoted as the reference writes it.
pub fn content_disposition(filename: &str) -> String {
    format!("attachment; filename={filename}")
}

/// A file download: `Content-Disposition` as [`content_disposition`] and an explicit length.
pub fn attachment(content_type: &'static str, filename: &str, body: Body, len: u64) -> Response {
    let mut response = with_type(StatusCode::OK, content_type, body);
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&content_disposition(filename)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    response
}

/// A failure a handler answers with; every variant maps to the reference's answer.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 404 with an empty body.
    #[error("not found")]
    NotFound,
    /// 403 with an empty body.
    #[error("forbidden")]
    Forbidden,
    /// 400 with a `text/plain` message.
    #[error("{0}")]
    BadRequest(String),
    /// 500 with a `text/plain` message: a storage or internal failure.
    #[error("{0}")]
    Internal(String),
}

impl From<oqcloud_store::StoreError> for ApiError {
    fn from(error: oqcloud_store::StoreError) -> Self {
        ApiError::Internal(error.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::NotFound => empty(StatusCode::NOT_FOUND),
            ApiError::Forbidden => empty(StatusCode::FORBIDDEN),
            ApiError::BadRequest(message) => text(StatusCode::BAD_REQUEST, message),
            ApiError::Internal(message) => {
                tracing::error!("internal error: {message}");
                text(StatusCode::INTERNAL_SERVER_ERROR, message)
            }
        }
    }
}

/// Result of a handler.
pub type ApiResult<T = Response> = Result<T, ApiError>;
