//! The static files of the pages, compiled in: no build step, no files to install.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

use crate::response::with_type;

/// `GET /static/oqcloud.js`.
pub async fn script() -> Response {
    cached(with_type(
        StatusCode::OK,
        "text/javascript; charset=utf-8",
        include_str!("assets/oqcloud.js"),
    ))
}

/// `GET /static/oqcloud.css`.
pub async fn stylesheet() -> Response {
    cached(with_type(
        StatusCode::OK,
        "text/css; charset=utf-8",
        include_str!("assets/oqcloud.css"),
    ))
}

/// Lets browsers keep a file for an hour (they change only with the server).
fn cached(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}
