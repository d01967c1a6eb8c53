//! The web pages, at the URLs of OpenQuake's WebUI: `/` redirects to `/engine/`, the
//! calculation list (`/engine/`), a calculation's page (`/engine/<id>/outputs`), the submit
//! form (`/engine/submit`) and the license (`/engine/license`).
//!
//! Plain server-rendered HTML over the same queries and permission checks as the JSON API;
//! one static script (`/static/oqcloud.js`) follows a running calculation's status and log
//! and sends the forms to the API (`POST /v1/calc/run`, `/abort`, `/remove`).

mod assets;
mod calc;
mod html;
mod license;
mod list;
mod submit;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::AppState;

/// The routes of the web pages and their static files.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(root))
        .route("/engine/", get(list::page))
        .route("/engine/submit", get(submit::page))
        .route("/engine/license", get(license::page))
        .route("/engine/{id}/outputs", get(calc::page))
        .route("/static/oqcloud.js", get(assets::script))
        .route("/static/oqcloud.css", get(assets::stylesheet))
}

/// `GET /`: `301 Location: /engine/`, as the reference.
async fn root() -> Response {
    (
        StatusCode::MOVED_PERMANENTLY,
        [(header::LOCATION, "/engine/")],
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    //! The pages' permission checks with callers other than the default superuser (the
    //! embedded server has no logins yet, so the socket tests in `tests/web.rs` cannot make
    //! them).
    use std::collections::HashMap;
    use std::sync::Arc;

    use async_trait::async_trait;
    use axum::extract::{Path, Query, State};
    use oqcloud_model::NewJob;
    use oqcloud_store::JobInfo;
    use oqcloud_store::local::LocalStores;

    use super::*;
    use crate::caller::Caller;
    use crate::state::{ApiConfig, EngineInfo};

    struct Engine;

    #[async_trait]
    impl EngineInfo for Engine {
        fn engine_version(&self) -> String {
            "3.26.2".into()
        }
        async fn available_gsims(&self) -> Vec<String> {
            Vec::new()
        }
    }

    fn state(dir: &std::path::Path) -> AppState {
        let stores = LocalStores::open(dir).expect("stores");
        AppState {
            jobs: stores.jobs,
            blobs: stores.blobs,
            queue: stores.queue,
            engine: Arc::new(Engine),
            datastores: oqcloud_store::BlobCache::new(dir.join("scratch"), 0),
            config: Arc::new(ApiConfig {
                host_name: "test".into(),
                default_user: "root".into(),
                limits: crate::state::Limits::with_max_upload(
                    crate::state::Limits::DEFAULT_MAX_UPLOAD_BYTES,
                ),
                data_dir: dir.to_path_buf(),
                storage_root: dir.display().to_string(),
                scratch_dir: dir.join("scratch"),
            }),
        }
    }

    fn user(name: &str) -> Caller {
        Caller {
            user_name: name.into(),
            is_superuser: false,
            level: 1,
            valid_users: vec![name.into()],
        }
    }

    async fn job_of(state: &AppState, owner: &str) -> i64 {
        let new = NewJob {
            user_name: owner.into(),
            host: "test".into(),
        };
        let job = state.jobs.create_job(new).await.expect("job");
        let info = JobInfo {
            calculation_mode: "classical".into(),
            description: format!("the job of {owner}"),
            hazard_calculation_id: None,
            job_ini: "job.ini".into(),
        };
        state.jobs.set_info(job.id, &info).await.expect("info");
        job.id
    }

    async fn text(response: Response) -> (u16, String) {
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        (status, String::from_utf8(bytes.to_vec()).expect("utf-8"))
    }

    #[tokio::test]
    async fn users_see_only_the_calculations_the_api_shows_them() {
        let dir = tempfile::tempdir().unwrap();
        let state = state(dir.path());
        let alices = job_of(&state, "alice").await;
        let bobs = job_of(&state, "bob").await;

        let list = list::page(State(state.clone()), user("bob"), Query(HashMap::new())).await;
        let (status, html) = text(list).await;
        assert_eq!(status, 200);
        assert!(html.contains("the job of bob"), "{html}");
        assert!(!html.contains("the job of alice"), "{html}");
        assert!(
            !html.contains(&format!("data-calc-id=\"{alices}\"")),
            "{html}"
        );

        // another user's calculation is a 403, an unknown one a 404, as in the API
        let page = |caller: Caller, id: i64| {
            calc::page(State(state.clone()), caller, Path(id.to_string()))
        };
        assert_eq!(text(page(user("bob"), alices).await).await.0, 403);
        assert_eq!(text(page(user("bob"), 9999).await).await.0, 404);
        let (status, html) = text(page(user("bob"), bobs).await).await;
        assert_eq!(status, 200);
        assert!(
            html.contains("id=\"remove\""),
            "the owner may remove: {html}"
        );
        assert!(html.contains("id=\"abort\""), "the owner may abort: {html}");

        // a superuser sees and may abort every calculation, but removes only its own
        let root = Caller::default_user("root");
        let (status, html) = text(page(root.clone(), alices).await).await;
        assert_eq!(status, 200);
        assert!(html.contains("the job of alice"), "{html}");
        assert!(html.contains("id=\"abort\""), "{html}");
        assert!(!html.contains("id=\"remove\""), "{html}");
        let list = list::page(State(state.clone()), root, Query(HashMap::new())).await;
        let (_, html) = text(list).await;
        assert!(html.contains("the job of alice") && html.contains("the job of bob"));
    }
}
