//! The JSON shapes of jobs and outputs, field for field and in OpenQuake's key order.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use oqcloud_model::{Job, OutputKind, OutputRecord};
use serde_json::{Value, json};

use crate::wire::{aware_time, iso_seconds, list_time, naive_time};

/// `<scheme>://<Host header>`, the base of the `url` fields.
#[derive(Debug, Clone, PartialEq)]
pub struct BaseUrl(pub String);

impl<S: Send + Sync> FromRequestParts<S> for BaseUrl {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        let scheme = parts
            .headers
            .get("x-forwarded-proto")
            .and_then(|h| h.to_str().ok())
            .unwrap_or("http");
        Ok(BaseUrl(format!("{scheme}://{host}")))
    }
}

/// An element of `GET /v1/calc/list`, also the body of `GET /v1/calc/:id/status`.
pub fn list_item(job: &Job, base: &BaseUrl) -> Value {
    json!({
        "id": job.id,
        "owner": job.user_name,
        "calculation_mode": job.calculation_mode,
        "status": job.status.as_str(),
        "is_running": job.is_running(),
        "description": job.description,
        "url": format!("{}/v1/calc/{}", base.0, job.id),
        "parent_id": job.hazard_calculation_id,
        "abortable": job.is_running(),
        "size_mb": job.size_mb,
        "start_time": list_time(&job.start_time),
        "relevant": job.relevant,
        "tags": Value::Null,
    })
}

/// The body of `GET /v1/calc/:id`: the job record with stringified times
/// (`stop_time` is the string `"None"` while the job has not ended, as in OpenQuake).
pub fn job_info(job: &Job) -> Value {
    let start_time = if job.has_started() {
        aware_time(&job.start_time)
    } else {
        naive_time(&job.start_time)
    };
    json!({
        "id": job.id,
        "description": job.description,
        "user_name": job.user_name,
        "calculation_mode": job.calculation_mode,
        "hazard_calculation_id": job.hazard_calculation_id,
        "status": job.status.as_str(),
        "is_running": job.is_running(),
        "start_time": start_time,
        "stop_time": job.stop_time.as_ref().map_or_else(|| "None".to_owned(), aware_time),
        "relevant": job.relevant,
        "size_mb": job.size_mb,
        "host": job.host,
        "workflow_id": job.workflow_id,
    })
}

/// The body of a successful `POST /v1/calc/run`: the new job record, `job_id` last.
pub fn run_response(job: &Job, ds_calc_dir: &str) -> Value {
    json!({
        "description": job.description,
        "user_name": job.user_name,
        "calculation_mode": job.calculation_mode,
        "hazard_calculation_id": job.hazard_calculation_id,
        "status": job.status.as_str(),
        "is_running": job.is_running(),
        "start_time": iso_seconds(&job.start_time),
        "stop_time": job.stop_time.as_ref().map(iso_seconds),
        "relevant": job.relevant,
        "ds_calc_dir": ds_calc_dir,
        "pid": job.pid,
        "size_mb": job.size_mb,
        "host": job.host,
        "workflow_id": job.workflow_id,
        "job_id": job.id,
    })
}

/// An element of `GET /v1/calc/:id/results`.
pub fn result_item(output: &OutputRecord, kind: &OutputKind, base: &BaseUrl) -> Value {
    json!({
        "id": output.id,
        "name": output.display_name,
        "type": output.output_type,
        "outtypes": kind.formats,
        "url": format!("{}/v1/calc/result/{}?export_type={}", base.0, output.id, kind.formats[0]),
        "size_mb": output.size_mb.unwrap_or(-1.0),
    })
}
