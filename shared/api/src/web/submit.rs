//! `GET /engine/submit`: the form that runs a calculation. It posts the chosen files as
//! the `archive` parts of `POST /v1/calc/run`, as the API takes them (a job.zip, or a job.ini
//! and its input files); the script sends it and opens the new calculation's page, or shows
//! the API's message when the submission is refused.

use std::fmt::Write;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::html::page as html_page;
use crate::state::AppState;

/// The submit form.
pub async fn page(State(state): State<AppState>) -> Response {
    let mut body = String::from(
        "<form id=\"submit-form\" method=\"post\" action=\"/v1/calc/run\" \
         enctype=\"multipart/form-data\">\n\
         <p><label for=\"archive\">A <code>job.zip</code>, or a <code>job.ini</code> and \
         every input file it names (select them together)</label></p>\n\
         <p><input type=\"file\" id=\"archive\" name=\"archive\" multiple required \
         accept=\".zip,.ini,.xml,.csv,.hdf5,.txt,.json,.geojson\"></p>\n\
         <p><button type=\"submit\" id=\"run\">Run</button></p>\n</form>\n\
         <p class=\"note\" id=\"submit-result\" role=\"status\"></p>\n",
    );
    let _ = writeln!(
        body,
        "<p class=\"note\">Uploads of up to {} MB are accepted.</p>",
        state.config.limits.max_upload_bytes / (1024 * 1024)
    );
    html_page(StatusCode::OK, "Run a calculation", &body)
}
