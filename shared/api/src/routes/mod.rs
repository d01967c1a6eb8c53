//! The handlers, one module per group of endpoints.

pub mod manage;
pub mod plots;
pub mod query;
pub mod results;
pub mod submit;
pub mod utility;

use std::time::Duration;

use oqcloud_model::{CalcId, Job};

use crate::caller::Caller;
use crate::response::{ApiError, ApiResult};
use crate::state::AppState;

/// Parses a calc id path segment: digits only, as OpenQuake's `\d+` route pattern.
pub fn parse_calc_id(segment: &str) -> ApiResult<CalcId> {
    if segment.is_empty() || !segment.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::NotFound);
    }
    segment.parse().map_err(|_| ApiError::NotFound)
}

/// The job with this id if the caller may read it: 404 if unknown, 403 if not permitted.
pub async fn readable_job(state: &AppState, caller: &Caller, id: CalcId) -> ApiResult<Job> {
    let job = state.jobs.get_job(id).await?.ok_or(ApiError::NotFound)?;
    if caller.can_view(&job) {
        Ok(job)
    } else {
        Err(ApiError::Forbidden)
    }
}

/// How long a presigned download or upload URL stays valid.
pub const PRESIGNED_URL_TTL: Duration = Duration::from_secs(15 * 60);

/// 128 random bits as 32 hex digits: a unique component of a temporary key.
pub fn random_token() -> ApiResult<String> {
    let bytes = random_bytes::<16>()?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// `N` bytes from the operating system's random source.
pub fn random_bytes<const N: usize>() -> ApiResult<[u8; N]> {
    let mut bytes = [0; N];
    getrandom::fill(&mut bytes)
        .map_err(|e| ApiError::Internal(format!("no random numbers: {e}")))?;
    Ok(bytes)
}
