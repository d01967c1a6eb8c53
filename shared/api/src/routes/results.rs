//! Outputs of a calculation: the results list, exports, extracts and the datastore (spec §6).

use std::collections::HashMap;
use std::io::Write;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use oqcloud_model::{Job, OutputKind, OutputRecord, output_kind};
use oqcloud_store::{BlobMeta, Download, LocalFile, blob_keys};
use serde_json::Value;
use tokio_util::io::ReaderStream;

use super::{PRESIGNED_URL_TTL, parse_calc_id, random_bytes, random_token, readable_job};
use crate::caller::Caller;
use crate::response::{ApiError, ApiResult, attachment, content_disposition, json};
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
    let items: Vec<Value> = visible_outputs(&state, &caller, &job)
        .await?
        .iter()
        .map(|(output, kind)| result_item(output, kind, &base))
        .collect();
    if items.is_empty() {
        return Err(ApiError::NotFound);
    }
    Ok(json(StatusCode::OK, &items))
}

/// The job's exportable outputs the caller may see (hidden ones only for advanced users),
/// each with its kind.
pub(crate) async fn visible_outputs(
    state: &AppState,
    caller: &Caller,
    job: &Job,
) -> ApiResult<Vec<(OutputRecord, &'static OutputKind)>> {
    let outputs = state.jobs.outputs(job.id).await?;
    Ok(outputs
        .into_iter()
        .filter_map(|output| {
            let kind = output_kind(&output.output_type)?;
            (!kind.hidden || caller.is_advanced()).then_some((output, kind))
        })
        .collect())
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
            send_blob(&state, file, content_type, &filename, false).await
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
            send_bytes(&state, bytes, "application/x-zip", &filename).await
        }
    }
}

/// `GET /v1/calc/:id/datastore`: the HDF5 datastore as `calc_<id>.hdf5`, always redirected
/// to a presigned URL where the store offers them (it outgrows any response limit).
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
    let blob = state.blobs.head(&key).await?.ok_or(ApiError::NotFound)?;
    let filename = format!("calc_{}.hdf5", job.id);
    send_blob(&state, &blob, "application/x-hdf", &filename, true).await
}

/// Sends a stored blob as an attachment: redirected to a presigned URL when the store offers
/// one and the blob is larger than the inline limit (or `always_redirect`), else streamed
/// from its local file or read into memory.
async fn send_blob(
    state: &AppState,
    blob: &BlobMeta,
    content_type: &'static str,
    filename: &str,
    always_redirect: bool,
) -> ApiResult {
    if always_redirect || blob.size > state.config.limits.max_inline_bytes {
        let url = presigned_download(state, &blob.key, content_type, filename).await?;
        if let Some(url) = url {
            return Ok(Redirect::temporary(&url).into_response());
        }
    }
    if let Some(path) = state.blobs.local_path(&blob.key).await? {
        let file = tokio::fs::File::open(&path)
            .await
            .map_err(|_| ApiError::NotFound)?;
        let len = file
            .metadata()
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?
            .len();
        let body = Body::from_stream(ReaderStream::new(file));
        return Ok(attachment(content_type, filename, body, len));
    }
    let bytes = state
        .blobs
        .get(&blob.key)
        .await?
        .ok_or(ApiError::NotFound)?;
    let len = bytes.len() as u64;
    Ok(attachment(content_type, filename, Body::from(bytes), len))
}

/// A presigned URL of the blob under `key` that downloads it as `filename`, if the store
/// presigns URLs.
async fn presigned_download(
    state: &AppState,
    key: &str,
    content_type: &str,
    filename: &str,
) -> ApiResult<Option<String>> {
    let disposition = content_disposition(filename);
    let download = Download {
        content_type,
        content_disposition: &disposition,
    };
    let url = state.blobs.presigned_get(key, &download, PRESIGNED_URL_TTL);
    Ok(url.await?)
}

/// Sends a download made for this request: inline up to the inline limit or where the store
/// has no presigned URLs, else written under a temporary key and redirected to a presigned
/// URL of it.
async fn send_bytes(
    state: &AppState,
    bytes: Vec<u8>,
    content_type: &'static str,
    filename: &str,
) -> ApiResult {
    let len = bytes.len() as u64;
    if len > state.config.limits.max_inline_bytes {
        let key = blob_keys::temporary_download_key(&random_token()?, filename);
        let url = presigned_download(state, &key, content_type, filename).await?;
        if let Some(url) = url {
            state.blobs.put(&key, bytes.into()).await?;
            return Ok(Redirect::temporary(&url).into_response());
        }
    }
    Ok(attachment(content_type, filename, Body::from(bytes), len))
}

/// Specs every user who may read a calculation may extract (the reference's
/// `EXTRACTABLE_RESOURCES`); the others need level 2.
const EXTRACTABLE: &[&str] = &[
    "agg_curves",
    "agg_damages",
    "agg_losses",
    "agg_risk",
    "aggrisk_tags",
    "asset_risk",
    "asset_tags",
    "composite_risk_model",
    "damages-rlzs",
    "damages-stats",
    "disagg_layer",
    "events",
    "exposure_metadata",
    "exposure_by_location",
    "exposure_by_lse?secondary_peril=liquefaction",
    "exposure_by_lse?secondary_peril=landslide",
    "gmf_data",
    "hcurves",
    "hmaps",
    "losses_by_asset",
    "losses_by_location",
    "losses_by_site",
    "mmi_tags",
    "oqparam",
    "realizations",
    "risk_by_event",
    "rupture_info",
    "sitecol",
    "uhs",
];

/// Whether the caller may extract `resource` (the spec, with or without its query): it is
/// one of [`EXTRACTABLE`] or below one (`/` or `.` separated), or the caller is advanced.
fn can_extract(caller: &Caller, resource: &str) -> bool {
    caller.is_advanced()
        || EXTRACTABLE.iter().any(|allowed| {
            resource == *allowed
                || resource
                    .strip_prefix(allowed)
                    .is_some_and(|rest| rest.starts_with('/') || rest.starts_with('.'))
        })
}

/// `GET|HEAD /v1/calc/:id/extract/*spec`: named arrays read from the datastore, as an `.npz`
/// archive (`application/x-zip`, `<spec>XXXXXXXX.npz` as the reference names it). A bad spec
/// or parameter is a 400 naming it (the reference answers 500); a job without a datastore
/// is a 404.
pub async fn extract(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, what)): Path<(String, String)>,
    Query(params): Query<Vec<(String, String)>>,
) -> ApiResult {
    let job = readable_job(&state, &caller, parse_calc_id(&id)?).await?;
    // the reference's route pattern for the spec: [-/_.\w]+
    if what.is_empty()
        || !what
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '/' | '_' | '.'))
    {
        return Err(ApiError::NotFound);
    }
    let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let with_query = if query.is_empty() {
        what.clone()
    } else {
        format!("{what}?{}", query.join("&"))
    };
    if !can_extract(&caller, &what) && !can_extract(&caller, &with_query) {
        return Err(ApiError::Forbidden);
    }
    let datastore = local_datastore(&state, &job).await?;
    let spec = what.clone();
    let extracted = tokio::task::spawn_blocking(move || {
        let ds = oqcloud_datastore::Datastore::open(datastore.path())?;
        let npz = oqcloud_extract::extract(&ds, &spec, &params)?;
        npz.to_bytes()
            .map_err(|e| ApiError::Internal(format!("writing the npz: {e}")))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("extracting: {e}")))?;
    let filename = format!("{}{}.npz", what.replace('/', "-"), random_suffix()?);
    send_bytes(&state, extracted?, "application/x-zip", &filename).await
}

/// The calculation's datastore as a local file (the embedded store's own, or a copy from
/// the cache of the state), valid while the returned value lives; 404 when there is none.
pub(crate) async fn local_datastore(state: &AppState, job: &Job) -> ApiResult<LocalFile> {
    let key = blob_keys::datastore_key(job.id);
    let file = state
        .datastores
        .local_file(state.blobs.as_ref(), &key)
        .await?;
    match file {
        Some(file) if file.path().is_file() => Ok(file),
        _ => Err(ApiError::NotFound),
    }
}

impl From<oqcloud_datastore::Error> for ApiError {
    fn from(error: oqcloud_datastore::Error) -> Self {
        ApiError::Internal(error.to_string())
    }
}

impl From<oqcloud_extract::ExtractError> for ApiError {
    fn from(error: oqcloud_extract::ExtractError) -> Self {
        use oqcloud_extract::ExtractError;
        match error {
            ExtractError::BadRequest(_) | ExtractError::Unsupported(_) => {
                ApiError::BadRequest(error.to_string())
            }
            ExtractError::Datastore(error) => ApiError::Internal(error.to_string()),
        }
    }
}

/// Eight characters of `[a-z0-9_]`, as Python's `tempfile.mkstemp` puts in its names.
fn random_suffix() -> ApiResult<String> {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789_";
    let bytes = random_bytes::<8>()?;
    Ok(bytes
        .iter()
        .map(|b| char::from(CHARS[usize::from(*b) % CHARS.len()]))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(level: u8) -> Caller {
        Caller {
            user_name: "carol".into(),
            is_superuser: false,
            level,
            valid_users: vec!["carol".into()],
        }
    }

    #[test]
    fn extract_permissions_are_the_references() {
        let simplified = caller(1);
        for allowed in [
            "realizations",
            "events",
            "hcurves",
            "agg_losses/structural",
            "composite_risk_model.attrs",
            "exposure_by_lse?secondary_peril=landslide",
        ] {
            assert!(can_extract(&simplified, allowed), "{allowed}");
        }
        for refused in [
            "assets",
            "hcurves-stats",
            "weights",
            "eventsx",
            "exposure_by_lse",
        ] {
            assert!(!can_extract(&simplified, refused), "{refused}");
        }
        assert!(can_extract(&caller(2), "assets"));
    }

    #[test]
    fn npz_names_carry_eight_random_characters() {
        let suffix = random_suffix().unwrap();
        assert_eq!(suffix.len(), 8);
        assert!(
            suffix
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        );
    }
}
