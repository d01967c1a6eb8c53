//! `GET /engine/<id>/outputs`: a calculation's page: its record, abort and remove buttons
//! where the caller may use them, its outputs with a download link per export format, its
//! plots once it is complete, and its log (loaded, and followed while the calculation runs,
//! by `/static/oqcloud.js`).

use std::fmt::Write;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use oqcloud_model::{Job, JobStatus, OutputKind, OutputRecord};

use super::html::{error_page, escape, page as html_page, time};
use crate::caller::Caller;
use crate::response::ApiResult;
use crate::routes::plots::images_of;
use crate::routes::results::visible_outputs;
use crate::routes::{parse_calc_id, readable_job};
use crate::state::AppState;

/// The calculation page; the API's 404 or 403 (as an HTML page) when the calculation is
/// unknown or the caller may not read it.
pub async fn page(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Response {
    render(&state, &caller, &id)
        .await
        .unwrap_or_else(error_page)
}

async fn render(state: &AppState, caller: &Caller, id: &str) -> ApiResult<Response> {
    let job = readable_job(state, caller, parse_calc_id(id)?).await?;
    let outputs = visible_outputs(state, caller, &job).await?;
    let mut body = String::new();
    record(&mut body, &job);
    actions(&mut body, caller, &job);
    outputs_table(&mut body, &job, &outputs);
    if job.status == JobStatus::Complete {
        plots(&mut body, &job, &outputs);
    }
    body.push_str(
        "<h2>Log</h2>\n<p class=\"note\" id=\"log-note\"></p>\n\
         <pre class=\"log\" id=\"log\" aria-live=\"polite\"></pre>\n",
    );
    let title = format!("Calculation {}", job.id);
    Ok(html_page(StatusCode::OK, &title, &body))
}

/// The job record; `#calc` carries what the script needs (id, whether it still runs).
fn record(body: &mut String, job: &Job) {
    let status = job.status.as_str();
    let stopped = job.stop_time.as_ref().map_or_else(String::new, time);
    let parent = job.hazard_calculation_id.map_or_else(String::new, |p| {
        format!("<a href=\"/engine/{p}/outputs\">{p}</a>")
    });
    let _ = writeln!(
        body,
        "<dl class=\"record\" id=\"calc\" data-calc-id=\"{id}\" data-running=\"{running}\">\n\
         <dt>Description</dt><dd id=\"description\">{description}</dd>\n\
         <dt>Status</dt><dd><span id=\"status\" class=\"status status-{status}\" \
         data-status=\"{status}\">{status}</span></dd>\n\
         <dt>Calculation mode</dt><dd>{mode}</dd>\n\
         <dt>Owner</dt><dd>{owner}</dd>\n\
         <dt>Parent calculation</dt><dd>{parent}</dd>\n\
         <dt>Started</dt><dd>{started}</dd>\n\
         <dt>Stopped</dt><dd id=\"stop-time\">{stopped}</dd>\n</dl>",
        id = job.id,
        running = job.is_running(),
        description = escape(&job.description),
        mode = escape(&job.calculation_mode),
        owner = escape(&job.user_name),
        started = time(&job.start_time),
    );
}

/// Abort (a running job the caller may abort) and remove (the owner's job) buttons: forms
/// posting to the API, sent by the script.
fn actions(body: &mut String, caller: &Caller, job: &Job) {
    let mut buttons = String::new();
    if job.is_running() && caller.can_abort(job) {
        let _ = write!(
            buttons,
            "<form class=\"action\" method=\"post\" action=\"/v1/calc/{id}/abort\" \
             data-confirm=\"Abort calculation {id}?\" data-then=\"reload\">\
             <button type=\"submit\" id=\"abort\">Abort</button></form>",
            id = job.id
        );
    }
    if caller.can_remove(job) {
        let _ = write!(
            buttons,
            "<form class=\"action\" method=\"post\" action=\"/v1/calc/{id}/remove\" \
             data-confirm=\"Remove calculation {id} and all its results?\" \
             data-then=\"/engine/\"><button type=\"submit\" id=\"remove\" class=\"danger\">\
             Remove</button></form>",
            id = job.id
        );
    }
    if !buttons.is_empty() {
        let _ = writeln!(
            body,
            "<div class=\"actions\">{buttons}<span class=\"note\" id=\"action-result\" \
             role=\"status\"></span></div>"
        );
    }
}

/// The outputs, each with a download link per export format.
fn outputs_table(body: &mut String, job: &Job, outputs: &[(OutputRecord, &OutputKind)]) {
    body.push_str("<h2>Outputs</h2>\n");
    if outputs.is_empty() {
        let why = if job.is_running() {
            "The outputs appear when the calculation completes."
        } else {
            "This calculation has no outputs."
        };
        let _ = writeln!(body, "<p class=\"empty\" id=\"no-outputs\">{why}</p>");
        return;
    }
    body.push_str(
        "<table class=\"outputs\">\n<thead><tr><th>Output</th><th>Type</th><th>Size</th>\
         <th>Download</th></tr></thead>\n<tbody>\n",
    );
    for (output, kind) in outputs {
        let size = output
            .size_mb
            .map_or_else(String::new, |mb| format!("{mb:.3} MB"));
        let links: Vec<String> = kind
            .formats
            .iter()
            .map(|format| {
                format!(
                    "<a class=\"download\" data-format=\"{format}\" \
                     href=\"/v1/calc/result/{rid}?export_type={format}&amp;dload=true\">\
                     {format}</a>",
                    rid = output.id
                )
            })
            .collect();
        let _ = writeln!(
            body,
            "<tr data-output-type=\"{output_type}\"><td>{name}</td><td>{output_type}</td>\
             <td>{size}</td><td>{links}</td></tr>",
            name = escape(&output.display_name),
            output_type = escape(&output.output_type),
            links = links.join(" "),
        );
    }
    body.push_str("</tbody>\n</table>\n");
}

/// The hazard pictures the calculation's outputs allow, drawn by `download_png`.
fn plots(body: &mut String, job: &Job, outputs: &[(OutputRecord, &OutputKind)]) {
    let images = images_of(
        outputs
            .iter()
            .map(|(output, _)| output.output_type.as_str()),
    );
    if images.is_empty() {
        return;
    }
    body.push_str("<h2>Plots</h2>\n<div class=\"plots\">\n");
    for image in images {
        let _ = writeln!(
            body,
            "<figure><img class=\"plot\" src=\"/v1/calc/{id}/download_png/{image}\" \
             alt=\"{image} of calculation {id}\"><figcaption><a \
             href=\"/v1/calc/{id}/download_png/{image}\">{image}</a></figcaption></figure>",
            id = job.id
        );
    }
    body.push_str("</div>\n");
}
