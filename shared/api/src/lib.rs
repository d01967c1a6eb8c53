//! The OpenQuake Engine Server WebAPI as one axum [`Router`], built by [`app`], with the
//! web pages of its WebUI (`/engine/`, see `web`).
//!
//! The same router serves the embedded server (`axum::serve`) and each Lambda
//! (`lambda_http::run`); handlers see storage only through the traits of `oqcloud-store`,
//! so they do not know which deployment they run in.
//!
//! Invariants:
//! - this crate is the only one that knows the wire format (JSON shapes and key order,
//!   time formats, status codes, content types): see [`wire`], [`views`], [`response`];
//! - a rejected submission stores nothing (no job, no files);
//! - every response under `/v1/` carries OpenQuake's CORS headers.
//!
//! Deliberate differences from the reference server are listed in `docs/compatibility.md`.

pub mod caller;
pub mod response;
mod routes;
pub mod state;
mod upload;
pub mod views;
mod web;
pub mod wire;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{MethodRouter, get, post};

pub use caller::Caller;
pub use state::{ApiConfig, AppState, EngineInfo, Limits};

use routes::{manage, plots, query, results, submit, utility};

/// The router of every endpoint, over the given state.
pub fn app(state: AppState) -> Router {
    let body_limit = usize::try_from(state.config.limits.max_upload_bytes).unwrap_or(usize::MAX);
    let routes = Router::new()
        .route("/v1/engine_version", cors(get(utility::engine_version)))
        .route(
            "/v1/engine_latest_version",
            cors(get(utility::engine_latest_version)),
        )
        .route("/v1/available_gsims", cors(get(utility::available_gsims)))
        .route("/v1/ini_defaults", cors(get(utility::ini_defaults)))
        .route("/v1/on_same_fs", cors(post(utility::on_same_fs)))
        .route("/v1/valid/", cors(post(utility::valid)))
        .route("/v1/valid/{*rest}", cors(post(utility::valid)))
        .route("/v1/calc/list", get(query::list))
        .route("/v1/calc/run", cors(post(submit::run)))
        .route("/v1/calc/validate_zip", cors(post(submit::validate_zip)))
        .route("/v1/calc/upload_url", cors(post(submit::upload_url)))
        .route("/v1/calc/result/{rid}", cors(get(results::export)))
        .route("/v1/calc/{id}", get(query::info))
        .route("/v1/calc/{id}/status", get(query::status))
        .route("/v1/calc/{id}/traceback", get(query::traceback))
        .route("/v1/calc/{id}/log/{range}", get(query::log))
        .route("/v1/calc/{id}/results", get(results::results))
        .route("/v1/calc/{id}/result/list", get(results::results))
        .route("/v1/calc/{id}/datastore", cors(get(results::datastore)))
        .route("/v1/calc/{id}/extract/{*spec}", cors(get(results::extract)))
        .route(
            "/v1/calc/{id}/download_png/{name}",
            get(plots::download_png),
        )
        .route("/v1/calc/{id}/abort", cors(post(manage::abort)))
        .route("/v1/calc/{id}/remove", cors(post(manage::remove)))
        .merge(web::routes())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state);
    // The conventions wrap the whole router, so they see the answers axum completes after
    // the routes' own layers (such as the `Allow` header of a 405).
    Router::new()
        .fallback_service(routes)
        .layer(middleware::from_fn(openquake_conventions))
}

/// Answers `OPTIONS` with an empty 200, for the views whose CORS wrapper is outermost in
/// the reference (the others answer `OPTIONS` with 405).
fn cors(route: MethodRouter<AppState>) -> MethodRouter<AppState> {
    route.options(|| async { response::empty(StatusCode::OK) })
}

async fn not_found() -> Response {
    response::empty(StatusCode::NOT_FOUND)
}

/// Paths that accept `HEAD` in the reference (downloads); elsewhere `HEAD` is a 405.
fn accepts_head(path: &str) -> bool {
    path.starts_with("/v1/calc/result/") || path.contains("/extract/")
}

/// Conventions of the reference server applied to every response: CORS headers on the API,
/// `HEAD` only where downloads are, Django's content type on empty 405s.
async fn openquake_conventions(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = if request.method() == Method::HEAD && !accepts_head(&path) {
        let mut refused = response::empty(StatusCode::METHOD_NOT_ALLOWED);
        refused
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET"));
        refused
    } else {
        next.run(request).await
    };
    let status = response.status();
    let headers = response.headers_mut();
    if status == StatusCode::METHOD_NOT_ALLOWED {
        if !headers.contains_key(header::CONTENT_TYPE) {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(response::HTML),
            );
        }
        // The reference's `Allow` names the view's methods only, not OPTIONS or HEAD.
        if let Some(allow) = headers.get(header::ALLOW).and_then(|v| v.to_str().ok()) {
            let methods: Vec<&str> = allow
                .split(',')
                .map(str::trim)
                .filter(|m| *m != "OPTIONS" && *m != "HEAD")
                .collect();
            if let Ok(value) = HeaderValue::from_str(&methods.join(", ")) {
                headers.insert(header::ALLOW, value);
            }
        }
    }
    if path.starts_with("/v1/") {
        for (name, value) in [
            ("access-control-allow-origin", "*"),
            ("access-control-allow-methods", "GET, POST, OPTIONS"),
            ("access-control-max-age", "1000"),
            ("access-control-allow-headers", "*"),
        ] {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    response
}
