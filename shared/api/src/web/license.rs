//! `GET /engine/license`: what the server is and its license, as the reference's page.

use std::fmt::Write;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::html::{escape, page as html_page};
use crate::state::AppState;

/// The license page.
pub async fn page(State(state): State<AppState>) -> Response {
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<p>oqcloud {version} serves the REST API of the OpenQuake Engine {engine} and runs \
         its calculations.</p>\n\
         <p>oqcloud is free software: you can redistribute it and/or modify it under the \
         terms of the GNU Affero General Public License ({license}) as published by the \
         Free Software Foundation.</p>\n\
         <p>The OpenQuake Engine, whose calculations oqcloud reproduces and which it runs \
         for the calculations its own engine does not support, is © GEM Foundation, under \
         the same license.</p>",
        version = env!("CARGO_PKG_VERSION"),
        engine = escape(&state.engine.engine_version()),
        license = env!("CARGO_PKG_LICENSE"),
    );
    html_page(StatusCode::OK, "License", &body)
}
