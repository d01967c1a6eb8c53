//! Submitting calculations: `POST /v1/calc/run` and `POST /v1/calc/validate_zip` (spec §4),
//! and `POST /v1/calc/upload_url` for archives too large for a request body.
//!
//! A submission is checked completely (files, paths, sizes, job.ini, parent job) before
//! anything is stored: a rejected one is a 400/403/413 that leaves no job and no files
//! behind. An archive uploaded to a presigned URL is named by the form's `upload_key` and
//! checked exactly as an uploaded job zip, up to its own size limit; only its uploader may
//! submit it, and a submission that stores it deletes the upload.

use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use oqcloud_model::jobini::JobIni;
use oqcloud_model::{CalcId, NewJob};
use oqcloud_store::{JobInfo, blob_keys};
use serde_json::json;

use crate::caller::Caller;
use crate::response::{self, ApiError, ApiResult, json};
use crate::routes::{PRESIGNED_URL_TTL, random_token};
use crate::state::AppState;
use crate::upload::{Rejection, SubmitForm, Unpacked, read_form, unpack};
use crate::views::run_response;

/// A submission that passed every check, ready to be stored.
struct CheckedJob {
    unpacked: Unpacked,
    job_ini: String,
    ini: JobIni,
    parent: Option<CalcId>,
}

/// `POST /v1/calc/run`: stores the job's inputs, creates the job and queues it.
/// Answers 200 with the new job record (and `Location: /v1/calc/<id>`).
pub async fn run(State(state): State<AppState>, caller: Caller, multipart: Multipart) -> ApiResult {
    let limit = state.config.limits.max_upload_bytes;
    let mut form = match read_form(multipart, limit).await {
        Ok(form) => form,
        Err(rejection) => return Ok(rejected(rejection)),
    };
    let owner = form.job_owner.clone().unwrap_or(caller.user_name.clone());
    let checked = match check(&state, &caller, &mut form).await {
        Ok(checked) => checked,
        Err(rejection) => return Ok(rejected(rejection)),
    };
    let new_job = NewJob {
        user_name: owner,
        host: state.config.host_name.clone(),
    };
    let job = state.jobs.create_job(new_job).await?;
    if let Err(error) = store_inputs(&state, job.id, &checked).await {
        // Leave nothing half-written behind.
        let _ = state
            .blobs
            .delete_prefix(&blob_keys::calc_prefix(job.id))
            .await;
        let _ = state.jobs.delete_job(job.id).await;
        return Err(error);
    }
    let job = state
        .jobs
        .get_job(job.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    state.queue.enqueue(job.id).await?;
    if let Some(key) = &form.upload_key
        && let Err(error) = state.blobs.delete_prefix(key).await
    {
        // The bucket's lifecycle rule deletes it in a day anyway.
        tracing::warn!("deleting the submitted upload {key}: {error}");
    }
    let ds_calc_dir = format!("{}/calcs/{}", state.config.storage_root, job.id);
    let mut response = json(StatusCode::OK, &run_response(&job, &ds_calc_dir));
    if let Ok(location) = HeaderValue::from_str(&format!("/v1/calc/{}", job.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// Stores the unpacked inputs and the parsed job description.
async fn store_inputs(state: &AppState, id: CalcId, checked: &CheckedJob) -> ApiResult<()> {
    for relative in &checked.unpacked.files {
        let path = checked.unpacked.dir.path().join(relative);
        state
            .blobs
            .put_file(&blob_keys::input_key(id, relative), &path)
            .await?;
    }
    let info = JobInfo {
        calculation_mode: checked.ini.calculation_mode().to_owned(),
        description: checked.ini.description().to_owned(),
        hazard_calculation_id: checked.parent,
        job_ini: checked.job_ini.clone(),
    };
    state.jobs.set_info(id, &info).await?;
    Ok(())
}

/// A refused submission: the status with `{"error": ..., "traceback": [...]}`, where the
/// traceback carries the message lines as OpenQuake's failure bodies do.
fn rejected(rejection: Rejection) -> Response {
    let lines: Vec<&str> = rejection.message.lines().collect();
    json(
        rejection.status,
        &json!({"error": rejection.message, "traceback": lines, "job_id": null}),
    )
}

/// Unpacks and checks a submission without storing anything (adding the archive its
/// `upload_key` names to its files).
async fn check(
    state: &AppState,
    caller: &Caller,
    form: &mut SubmitForm,
) -> Result<CheckedJob, Rejection> {
    let limit = add_staged_upload(state, caller, form).await?;
    if form.files.is_empty() {
        return Err(Rejection::bad(
            "no files were uploaded: send the job.ini and its inputs, or a job zip, in the field 'archive'",
        ));
    }
    let unpacked = unpack(&form.files, &state.config.scratch_dir, limit)?;
    let default_suffix = if form.hazard_job_id.is_some() {
        "risk.ini"
    } else {
        ".ini"
    };
    let suffix = form.job_ini.as_deref().unwrap_or(default_suffix);
    let job_ini = unpacked.find_ini(suffix)?.to_owned();
    let form_parent = match form.hazard_job_id.as_deref() {
        Some(text) => Some(parent_job(state, caller, text).await?),
        None => None,
    };
    // As OpenQuake's server, the form's parent (or its absence) replaces the ini's.
    let ini_path = unpacked.dir.path().join(&job_ini);
    let ini = JobIni::from_file_with_parent(&ini_path, Some(form_parent)).map_err(|error| {
        let root = format!("{}/", unpacked.dir.path().display());
        Rejection {
            status: StatusCode::BAD_REQUEST,
            message: error.to_string().replace(&root, ""),
            line: error.line,
        }
    })?;
    inputs_inside_upload(&ini, &unpacked, &job_ini)?;
    let parent = ini.hazard_calculation_id();
    if let Some(parent) = parent {
        parent_job(state, caller, &parent.to_string()).await?;
    }
    Ok(CheckedJob {
        unpacked,
        job_ini,
        ini,
        parent,
    })
}

/// Adds the archive named by the form's `upload_key` to its files, and returns the limit of
/// the submission's unpacked size: that of presigned uploads with an `upload_key`, that of
/// request bodies without. Only the caller's own uploads may be named.
async fn add_staged_upload(
    state: &AppState,
    caller: &Caller,
    form: &mut SubmitForm,
) -> Result<u64, Rejection> {
    let limits = state.config.limits;
    let Some(key) = form.upload_key.clone() else {
        return Ok(limits.max_upload_bytes);
    };
    if !form.files.is_empty() {
        return Err(Rejection::bad(
            "send the job's files or an upload_key, not both",
        ));
    }
    let own_prefix = blob_keys::upload_prefix(&caller.user_name);
    let own = key
        .strip_prefix(&own_prefix)
        .and_then(|rest| rest.strip_suffix(".zip"))
        .is_some_and(|token| !token.is_empty() && token.bytes().all(|b| b.is_ascii_hexdigit()));
    if !own {
        if key.starts_with(blob_keys::UPLOADS_PREFIX) && !key.starts_with(&own_prefix) {
            return Err(Rejection {
                status: StatusCode::FORBIDDEN,
                message: format!("upload_key {key}: the upload belongs to another user"),
                line: None,
            });
        }
        return Err(Rejection::bad(format!(
            "upload_key {key}: not a key given by POST /v1/calc/upload_url"
        )));
    }
    let store_failed = |error: oqcloud_store::StoreError| Rejection {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        message: format!("reading the upload {key}: {error}"),
        line: None,
    };
    let missing = || {
        Rejection::bad(format!(
            "upload_key {key}: nothing was uploaded there (PUT the job zip to the URL \
             POST /v1/calc/upload_url gave; uploads are deleted after a day)"
        ))
    };
    let blob = state.blobs.head(&key).await.map_err(store_failed)?;
    let blob = blob.ok_or_else(missing)?;
    if blob.size > limits.max_staged_upload_bytes {
        return Err(Rejection::too_large(limits.max_staged_upload_bytes));
    }
    let bytes = state.blobs.get(&key).await.map_err(store_failed)?;
    let bytes = bytes.ok_or_else(missing)?;
    form.files.push((key.clone(), Vec::from(bytes)));
    Ok(limits.max_staged_upload_bytes)
}

/// `POST /v1/calc/upload_url`: a presigned URL to PUT one job zip to (`url`, valid
/// `expires_in` seconds, at most `max_bytes`), and the `upload_key` that names it in the
/// form of `POST /v1/calc/run` or `validate_zip` instead of the files. Where the store has
/// no presigned URLs (the embedded server) a 404 says to send the files in the request.
pub async fn upload_url(State(state): State<AppState>, caller: Caller) -> ApiResult {
    let key = blob_keys::upload_key(&caller.user_name, &random_token()?);
    let url = state.blobs.presigned_put(&key, PRESIGNED_URL_TTL).await?;
    let Some(url) = url else {
        return Ok(response::text(
            StatusCode::NOT_FOUND,
            "this server takes job archives in the body of POST /v1/calc/run: \
             presigned uploads exist only where inputs are stored in S3",
        ));
    };
    let body = json!({
        "upload_key": key,
        "url": url,
        "method": "PUT",
        "expires_in": PRESIGNED_URL_TTL.as_secs(),
        "max_bytes": state.config.limits.max_staged_upload_bytes,
    });
    Ok(json(StatusCode::OK, &body))
}

/// Refuses job.ini inputs that point outside the uploaded files (`../x`, absolute paths).
fn inputs_inside_upload(ini: &JobIni, unpacked: &Unpacked, job_ini: &str) -> Result<(), Rejection> {
    let root = unpacked
        .dir
        .path()
        .canonicalize()
        .map_err(|e| Rejection::bad(format!("cannot read the upload: {e}")))?;
    for input in ini.input_files() {
        let inside = input
            .canonicalize()
            .is_ok_and(|path| path.starts_with(&root));
        if !inside {
            return Err(Rejection::bad(format!(
                "{job_ini}: the input file {} is outside the uploaded files",
                input.display()
            )));
        }
    }
    Ok(())
}

/// Checks `hazard_job_id`: a number naming a job the caller can read.
async fn parent_job(state: &AppState, caller: &Caller, text: &str) -> Result<CalcId, Rejection> {
    let id: CalcId = text.parse().map_err(|_| {
        Rejection::bad(format!(
            "{text}: could not convert to calculation: hazard_calculation_id={text}"
        ))
    })?;
    match state.jobs.get_job(id).await {
        Ok(Some(job)) if caller.can_view(&job) => Ok(id),
        Ok(_) => Err(Rejection::bad(format!(
            "calc_id={id} missing in the database"
        ))),
        Err(error) => Err(Rejection::bad(error.to_string())),
    }
}

/// `POST /v1/calc/validate_zip`: checks a job archive as `run` would, storing nothing.
/// Answers `{"error_msg", "error_line", "valid"}`; a good archive is valid (the reference
/// reports every archive invalid, a bug).
pub async fn validate_zip(
    State(state): State<AppState>,
    caller: Caller,
    multipart: Multipart,
) -> ApiResult {
    let mut form = match read_form(multipart, state.config.limits.max_upload_bytes).await {
        Ok(form) => form,
        Err(rejection) if rejection.status == StatusCode::PAYLOAD_TOO_LARGE => {
            return Ok(rejected(rejection));
        }
        Err(rejection) => return Ok(response::text(StatusCode::BAD_REQUEST, rejection.message)),
    };
    if form.files.is_empty() && form.upload_key.is_none() {
        return Ok(response::with_type(
            StatusCode::BAD_REQUEST,
            response::HTML,
            "Missing archive file",
        ));
    }
    let body = match check(&state, &caller, &mut form).await {
        Ok(_) => json!({"error_msg": null, "error_line": null, "valid": true}),
        Err(rejection) if rejection.status == StatusCode::PAYLOAD_TOO_LARGE => {
            return Ok(rejected(rejection));
        }
        Err(rejection) => {
            json!({"error_msg": rejection.message, "error_line": rejection.line, "valid": false})
        }
    };
    Ok(json(StatusCode::OK, &body))
}
