//! Outputs of a calculation: the results list, exports and the datastore (spec §6).

use std::collections::HashMap;
use std::io::Write;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use oqcloud_model::output_kind;
use oqcloud_store::{BlobLocation, blob_keys};
use serde_json::Value;
use tokio_util::io::ReaderStream;

use super::{parse_calc_id, readable_job};
use crate::caller::Caller;
use crate::response::{ApiError, ApiResult, attachment, json};
use crate::state::AppState;
use crate::views::{BaseUrl, result_item};

/// `GET /v1/calc/:id/results` (and `result/list`): the exportable outputs; 404 when the job
/// has none (running, failed, aborted), as OpenQuake.
pub async fn results(
    State(state): State<AppState>,
    caller: Caller,
    base: BaseUrl,
    Path(id): Path<String>,
) -> ApiResult {
    let job = readable_job(&state, &caller, parse_calc_id(&id)?).await?;
    let outputs = state.jobs.outputs(job.id).await?;
    let items: Vec<Value> = outputs
        .iter()
        .filter_map(|output| {
            let kind = output_kind(&output.output_type)?;
            (!kind.hidden || caller.is_advanced()).then(|| result_item(output, kind, &base))
        })
        .collect();
    if items.is_empty() {
        return Err(ApiError::NotFound);
    }
    Ok(json(StatusCode::OK, &items))
}

/// `GET|HEAD /v1/calc/result/:rid?export_type=`: one output exported in one format.
/// One file is sent as it is; several are zipped. An unknown output or a format the output
/// does not offer is a 404 (the reference's 500 for a bad format is a bug).
pub async fn export(
    State(state): State<AppState>,
    caller: Caller,
    Path(rid): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult {
    let rid = parse_calc_id(&rid)?;
    let output = state.jobs.output(rid).await?.ok_or(ApiError::NotFound)?;
    let job = readable_job(&state, &caller, output.calc_id).await?;
    let kind = output_kind(&output.output_type).ok_or(ApiError::NotFound)?;
    if kind.hidden && !caller.is_advanced() {
        return Err(ApiError::Forbidden);
    }
    let format = query.get("export_type").map_or("xml", String::as_str);
    if !kind.formats.contains(&format) {
        return Err(ApiError::NotFound);
    }
    let prefix = blob_keys::export_prefix(job.id, &output.output_type, format);
    let files = state.blobs.list(&prefix).await?;
    match files.as_slice() {
        [] => Err(ApiError::NotFound),
        [file] => {
            let basename = &file.key[prefix.len()..];
            let filename = format!("output-{rid}-{basename}");
            let content_type = match format {
                "xml" => "application/xml",
                "geojson" => "application/json",
                _ => "text/plain",
            };
            send_blob(&state, &file.key, content_type, &filename).await
        }
        several => {
            let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            for file in several {
                let bytes = state
                    .blobs
                    .get(&file.key)
                    .await?
                    .ok_or(ApiError::NotFound)?;
                zip.start_file(&file.key[prefix.len()..], options)
                    .and_then(|()| zip.write_all(&bytes).map_err(Into::into))
                    .map_err(|e| ApiError::Internal(format!("zipping the export: {e}")))?;
            }
            let bytes = zip
                .finish()
                .map_err(|e| ApiError::Internal(format!("zipping the export: {e}")))?
                .into_inner();
            let filename = format!("output-{rid}-{}-{format}.zip", output.output_type);
            let len = bytes.len() as u64;
            Ok(attachment(
                "application/x-zip",
                &filename,
                Body::from(bytes),
                len,
            ))
        }
    }
}

/// `GET /v1/calc/:id/datastore`: the HDF5 datastore as `calc_<id>.hdf5`.
pub async fn datastore(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult {
    let job = readable_job(&state, &caller, parse_calc_id(&id)?).await?;
    if !caller.is_advanced() {
        return Err(ApiError::Forbidden);
    }
    let key = blob_keys::datastore_key(job.id);
    send_blob(
        &state,
        &key,
        "application/x-hdf",
        &format!("calc_{}.hdf5", job.id),
    )
    .await
}

/// Sends a blob as an attachment: streamed from a local file, redirected to a presigned URL,
/// or read into memory, whichever the store offers.
async fn send_blob(
    state: &AppState,
    key: &str,
    content_type: &'static str,
    filename: &str,
) -> ApiResult {
    match state.blobs.locate(key).await? {
        Some(BlobLocation::File(path)) => {
            let file = tokio::fs::File::open(&path)
                .await
                .map_err(|_| ApiError::NotFound)?;
            let len = file
                .metadata()
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))?
                .len();
            let body = Body::from_stream(ReaderStream::new(file));
            Ok(attachment(content_type, filename, body, len))
        }
        Some(BlobLocation::Url(url)) => Ok(Redirect::to(&url).into_response()),
        None => {
            let bytes = state.blobs.get(key).await?.ok_or(ApiError::NotFound)?;
            let len = bytes.len() as u64;
            Ok(attachment(content_type, filename, Body::from(bytes), len))
        }
    }
}
