//! Reading calculations: list, status, record, traceback, log (spec §5).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use oqcloud_model::Job;
use oqcloud_store::{JobFilter, OrderBy};
use serde_json::{Value, json};

use super::{parse_calc_id, readable_job};
use crate::caller::Caller;
use crate::response::{ApiError, ApiResult, json};
use crate::state::AppState;
use crate::views::{BaseUrl, job_info, list_item};
use crate::wire::log_time;

/// `GET /v1/calc/list`: the caller's visible jobs, newest first unless told otherwise.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    base: BaseUrl,
    Query(params): Query<Vec<(String, String)>>,
) -> ApiResult {
    let jobs = visible_jobs(&state, &caller, &params).await?;
    let items: Vec<Value> = jobs.iter().map(|job| list_item(job, &base)).collect();
    Ok(json(StatusCode::OK, &items))
}

/// The jobs the caller sees that match the list filters of spec §5.1 (`limit`, `offset`,
/// `order_by`, ...); a malformed filter is a 400 naming it.
pub(crate) async fn visible_jobs(
    state: &AppState,
    caller: &Caller,
    params: &[(String, String)],
) -> ApiResult<Vec<Job>> {
    let filter = list_filter(params, caller)?;
    if filter_by_tag(params) {
        // No job carries a tag in this installation, so a tag filter matches nothing.
        return Ok(Vec::new());
    }
    Ok(state.jobs.list_jobs(&filter).await?)
}

/// Whether the query filters by tag (`filter_by_tag` other than `0`, or `preferred_only=1`).
fn filter_by_tag(params: &[(String, String)]) -> bool {
    params.iter().any(|(key, value)| {
        (key == "filter_by_tag" && !value.is_empty() && value != "0")
            || (key == "preferred_only" && value == "1")
    })
}

/// Reads the list filters of spec §5.1; a malformed value is a 400 naming it.
fn list_filter(params: &[(String, String)], caller: &Caller) -> ApiResult<JobFilter> {
    let mut filter = JobFilter {
        owners: caller.listed_owners(),
        ..JobFilter::default()
    };
    for (key, value) in params {
        match key.as_str() {
            "calculation_mode" => filter.calculation_mode = Some(value.clone()),
            "is_running" => filter.is_running = Some(parse_bool(key, value)?),
            "user_name_like" => filter.user_name_like = Some(value.clone()),
            "start_time" => filter.start_time_from = Some(value.clone()),
            "include_shared" => filter.include_shared = parse_bool(key, value)?,
            "preferred_only" => {
                parse_int(key, value)?;
            }
            "limit" => filter.limit = parse_int(key, value)?,
            "offset" => filter.offset = parse_int(key, value)?,
            "order_by" => filter.order_by = OrderBy::from_query(value),
            "order_dir" => filter.descending = !value.eq_ignore_ascii_case("asc"),
            _ => {}
        }
    }
    Ok(filter)
}

fn parse_bool(key: &str, value: &str) -> ApiResult<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" | "" => Ok(false),
        _ => Err(ApiError::BadRequest(format!(
            "Not a boolean: {value} (query parameter {key})"
        ))),
    }
}

fn parse_int(key: &str, value: &str) -> ApiResult<u64> {
    value.parse().map_err(|_| {
        ApiError::BadRequest(format!(
            "Not a non-negative integer: {value} (query parameter {key})"
        ))
    })
}

/// `GET /v1/calc/:id/status`: the job's list element; 404 when unknown or not visible.
pub async fn status(
    State(state): State<AppState>,
    caller: Caller,
    base: BaseUrl,
    Path(id): Path<String>,
) -> ApiResult {
    let id = parse_calc_id(&id)?;
    match state.jobs.get_job(id).await? {
        Some(job) if caller.can_view(&job) => Ok(json(StatusCode::OK, &list_item(&job, &base))),
        _ => Err(ApiError::NotFound),
    }
}

/// `GET /v1/calc/:id`: the job record.
pub async fn info(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult {
    let job = readable_job(&state, &caller, parse_calc_id(&id)?).await?;
    Ok(json(StatusCode::OK, &job_info(&job)))
}

/// `GET /v1/calc/:id/traceback`: the last `ERROR` log row split into lines; `[]` when there
/// is none, including for unknown ids (as OpenQuake).
pub async fn traceback(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let id = parse_calc_id(&id)?;
    let lines: Vec<String> = state
        .jobs
        .last_error(id)
        .await?
        .map(|message| message.lines().map(str::to_owned).collect())
        .unwrap_or_default();
    Ok(json(StatusCode::OK, &lines))
}

/// `GET /v1/calc/:id/log/<start>:<stop>`: log rows `[timestamp, level, process, message]`.
pub async fn log(
    State(state): State<AppState>,
    Path((id, range)): Path<(String, String)>,
) -> ApiResult {
    let id = parse_calc_id(&id)?;
    if range == "size" {
        return log_size(&state, id).await;
    }
    let (start, stop) = parse_log_range(&range)?;
    let rows = state.jobs.log_slice(id, start, stop).await?;
    let body: Vec<Value> = rows
        .iter()
        .map(|row| {
            json!([
                log_time(&row.timestamp),
                row.level.as_str(),
                row.process,
                row.message
            ])
        })
        .collect();
    Ok(json(StatusCode::OK, &body))
}

/// `GET /v1/calc/:id/log/size`: the number of log rows as a bare JSON integer
/// (the reference answers 500 here, a bug; this is what it intends).
async fn log_size(state: &AppState, id: i64) -> ApiResult<Response> {
    let size = state.jobs.log_size(id).await?;
    Ok(json(StatusCode::OK, &size))
}

/// Parses `start:stop` (each optional digits). Empty or zero `stop`, or `stop < start`, means
/// to the end, as OpenQuake's negative SQL limit does.
fn parse_log_range(range: &str) -> ApiResult<(u64, Option<u64>)> {
    let (start, stop) = range.split_once(':').ok_or(ApiError::NotFound)?;
    let number = |text: &str| -> ApiResult<Option<u64>> {
        if text.is_empty() {
            return Ok(None);
        }
        if !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::NotFound);
        }
        text.parse().map(Some).map_err(|_| ApiError::NotFound)
    };
    let start = number(start)?.unwrap_or(0);
    let stop = number(stop)?.filter(|&stop| stop != 0 && stop >= start);
    Ok((start, stop))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ranges() {
        assert_eq!(parse_log_range(":").unwrap(), (0, None));
        assert_eq!(parse_log_range("0:5").unwrap(), (0, Some(5)));
        assert_eq!(parse_log_range(":3").unwrap(), (0, Some(3)));
        assert_eq!(parse_log_range("5:").unwrap(), (5, None));
        assert_eq!(parse_log_range("5:2").unwrap(), (5, None));
        assert_eq!(parse_log_range("5:0").unwrap(), (5, None));
        assert!(parse_log_range("5").is_err());
        assert!(parse_log_range("-1:").is_err());
        assert!(parse_log_range("a:b").is_err());
    }
}
