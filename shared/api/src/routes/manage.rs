//! Managing calculations: abort and remove (spec §7).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use oqcloud_model::{Job, JobStatus};
use oqcloud_store::{AbortOutcome, TransitionFields, blob_keys};
use serde_json::json;

use super::parse_calc_id;
use crate::caller::Caller;
use crate::response::{ApiResult, json};
use crate::state::AppState;

/// `POST /v1/calc/:id/abort`. Always JSON; the checks and messages are OpenQuake's.
/// A queued job is aborted at once; a running one is signalled and its worker stops it,
/// kills its processes and records `aborted`.
pub async fn abort(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult {
    let id = parse_calc_id(&id)?;
    let Some(job) = state.jobs.get_job(id).await? else {
        return Ok(json(
            StatusCode::OK,
            &json!({"error": format!("Unknown job {id}")}),
        ));
    };
    if !job.is_running() {
        return Ok(json(
            StatusCode::OK,
            &json!({"error": format!("Job {id} is not running")}),
        ));
    }
    if !caller.can_abort(&job) {
        let message = format!(
            "User {} has no permission to abort job {id}",
            caller.user_name
        );
        return Ok(json(StatusCode::FORBIDDEN, &json!({"error": message})));
    }
    stop(&state, &job).await?;
    Ok(json(
        StatusCode::OK,
        &json!({"success": format!("Killing job {id}")}),
    ))
}

/// Stops a job: a queued one moves to `aborted` now; a running one is signalled.
async fn stop(state: &AppState, job: &Job) -> ApiResult<()> {
    let signalled = state.queue.abort(job.id).await? == AbortOutcome::Signalled;
    if !signalled || job.status != JobStatus::Executing {
        // Nothing runs it here (queued, or its worker is gone): record the abort directly.
        // A worker that picks it up later is refused the move to `executing`.
        state
            .jobs
            .transition(job.id, JobStatus::Aborted, TransitionFields::default())
            .await?;
    }
    Ok(())
}

/// `POST /v1/calc/:id/remove`: deletes the job record, its log, outputs, inputs, exports and
/// datastore. Only the owner may remove a job, and not while other jobs depend on it.
/// A running job is aborted first (the reference leaves it running as an orphan).
pub async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult {
    let id = parse_calc_id(&id)?;
    let refuse = |reason: String| {
        Ok(json(
            StatusCode::FORBIDDEN,
            &json!({"error": format!("Cannot delete calculation {id}: {reason}")}),
        ))
    };
    let Some(job) = state.jobs.get_job(id).await? else {
        return refuse("ID does not exist".into());
    };
    if !caller.can_remove(&job) {
        return refuse(format!(
            "it belongs to {} and you are {}",
            job.user_name, caller.user_name
        ));
    }
    let children = state.jobs.children(id).await?;
    if !children.is_empty() {
        let list: Vec<String> = children.iter().map(i64::to_string).collect();
        return refuse(format!(
            "there are calculations dependent from it: [{}]",
            list.join(", ")
        ));
    }
    if job.is_running() {
        stop(&state, &job).await?;
    }
    let datastore = blob_keys::datastore_key(id);
    let datastore_path = match state.blobs.local_path(&datastore).await? {
        Some(path) => path.display().to_string(),
        None => datastore.clone(),
    };
    if let Err(error) = state.blobs.delete_prefix(&blob_keys::calc_prefix(id)).await {
        let message = format!("Could not remove {datastore_path}: {error}");
        return Ok(json(StatusCode::FORBIDDEN, &json!({"error": message})));
    }
    state.jobs.delete_job(id).await?;
    Ok(json(
        StatusCode::OK,
        &json!({"success": id.to_string(), "hdf5paths": [datastore_path]}),
    ))
}
