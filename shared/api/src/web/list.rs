//! `GET /engine/`: the calculations the caller sees, newest first, a page at a time
//! (`?page=N`, 1-based, `&limit=M` rows per page).

use std::collections::HashMap;
use std::fmt::Write;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use oqcloud_model::Job;

use super::html::{error_page, escape, page as html_page, time};
use crate::caller::Caller;
use crate::response::{ApiError, ApiResult};
use crate::routes::query::visible_jobs;
use crate::state::AppState;

/// Rows per page unless `limit` says otherwise.
const DEFAULT_LIMIT: u64 = 20;
/// The most rows a page shows.
const MAX_LIMIT: u64 = 500;

/// The list page, or an error page for a malformed `page` or `limit`.
pub async fn page(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    render(&state, &caller, &query)
        .await
        .unwrap_or_else(error_page)
}

async fn render(
    state: &AppState,
    caller: &Caller,
    query: &HashMap<String, String>,
) -> ApiResult<Response> {
    let number = |key: &str, default: u64, max: u64| -> ApiResult<u64> {
        match query.get(key) {
            None => Ok(default),
            Some(text) => text
                .parse()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "{key} must be a whole number from 1 to {max}, not '{text}'"
                    ))
                }),
        }
    };
    let limit = number("limit", DEFAULT_LIMIT, MAX_LIMIT)?;
    let page = number("page", 1, u64::MAX / MAX_LIMIT)?;
    // one row more than the page shows tells whether a next page exists
    let params = [
        ("limit".to_owned(), (limit + 1).to_string()),
        ("offset".to_owned(), ((page - 1) * limit).to_string()),
    ];
    let mut jobs = visible_jobs(state, caller, &params).await?;
    let has_next = jobs.len() as u64 > limit;
    jobs.truncate(limit as usize);

    let mut body = String::new();
    body.push_str("<p><a class=\"button\" href=\"/engine/submit\">Run a calculation</a></p>\n");
    if jobs.is_empty() {
        body.push_str("<p class=\"empty\">No calculations on this page.</p>\n");
    } else {
        body.push_str(
            "<table class=\"calcs\">\n<thead><tr><th>ID</th><th>Status</th>\
             <th>Calculation mode</th><th>Owner</th><th>Description</th><th>Started</th>\
             </tr></thead>\n<tbody>\n",
        );
        for job in &jobs {
            row(&mut body, job);
        }
        body.push_str("</tbody>\n</table>\n");
    }
    pagination(&mut body, page, limit, has_next);
    Ok(html_page(StatusCode::OK, "Calculations", &body))
}

/// One calculation's row, every field escaped.
fn row(body: &mut String, job: &Job) {
    let status = job.status.as_str();
    let _ = writeln!(
        body,
        "<tr data-calc-id=\"{id}\"><td><a href=\"/engine/{id}/outputs\">{id}</a></td>\
         <td><span class=\"status status-{status}\">{status}</span></td><td>{mode}</td>\
         <td>{owner}</td><td><a href=\"/engine/{id}/outputs\">{description}</a></td>\
         <td>{started}</td></tr>",
        id = job.id,
        mode = escape(&job.calculation_mode),
        owner = escape(&job.user_name),
        description = escape(&job.description),
        started = time(&job.start_time),
    );
}

/// Links to the newer and older pages, keeping the page size.
fn pagination(body: &mut String, page: u64, limit: u64, has_next: bool) {
    let size = if limit == DEFAULT_LIMIT {
        String::new()
    } else {
        format!("&amp;limit={limit}")
    };
    body.push_str("<nav class=\"pages\">");
    if page > 1 {
        let _ = write!(
            body,
            "<a rel=\"prev\" href=\"/engine/?page={}{size}\">&laquo; Newer</a> ",
            page - 1
        );
    }
    let _ = write!(body, "<span class=\"page\">Page {page}</span>");
    if has_next {
        let _ = write!(
            body,
            " <a rel=\"next\" href=\"/engine/?page={}{size}\">Older &raquo;</a>",
            page + 1
        );
    }
    body.push_str("</nav>\n");
}
