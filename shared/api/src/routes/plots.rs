//! `GET /v1/calc/:id/download_png/:name`: hazard pictures drawn from the datastore by
//! `oqcloud-plot`, the same code as the client's `oqcloud plot`. The reference serves PNGs its
//! calculators stored; oqcloud draws them on request: `hcurves.png` (mean curves of the first
//! site and IMT), `hmaps.png` (mean maps of the first IMT) and `uhs.png` (mean spectra of the
//! first site).

use std::path::PathBuf;

use async_trait::async_trait;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use oqcloud_plot::{ExtractSource, PlotError};

use super::results::local_datastore;
use super::{parse_calc_id, readable_job};
use crate::caller::Caller;
use crate::response::{ApiError, ApiResult, with_type};
use crate::state::AppState;

/// The images, the plot spec of each and the output a calculation needs for it.
const IMAGES: [(&str, &str, &str); 3] = [
    ("hcurves.png", "hcurves?kind=mean", "hcurves"),
    ("hmaps.png", "hmaps?kind=mean", "hmaps"),
    ("uhs.png", "uhs?kind=mean", "uhs"),
];

/// The names of the images a calculation with these outputs has.
pub(crate) fn images_of<'a>(output_types: impl IntoIterator<Item = &'a str>) -> Vec<&'static str> {
    let output_types: Vec<&str> = output_types.into_iter().collect();
    IMAGES
        .iter()
        .filter(|(_, _, needs)| output_types.contains(needs))
        .map(|(image, _, _)| *image)
        .collect()
}

/// `GET /v1/calc/:id/download_png/:name`: `image/png`; 404 for an unknown calculation or one
/// without a datastore, 400 naming the images for an unknown name or what the calculation
/// lacks for the picture.
pub async fn download_png(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, name)): Path<(String, String)>,
) -> ApiResult {
    let job = readable_job(&state, &caller, parse_calc_id(&id)?).await?;
    let Some((_, spec, _)) = IMAGES.iter().find(|(image, _, _)| *image == name) else {
        let names: Vec<&str> = IMAGES.iter().map(|(image, _, _)| *image).collect();
        return Err(ApiError::BadRequest(format!(
            "no image '{name}': the images are {}",
            names.join(", ")
        )));
    };
    let datastore = local_datastore(&state, &job).await?;
    let source = Datastore {
        path: datastore.path().to_path_buf(),
    };
    let png = oqcloud_plot::plot(&source, spec, oqcloud_plot::DEFAULT_SIZE)
        .await
        .map_err(|e| match e {
            PlotError::Draw(_) | PlotError::Data(_) => ApiError::Internal(e.to_string()),
            _ => ApiError::BadRequest(format!("{name}: {e}")),
        })?;
    Ok(with_type(StatusCode::OK, "image/png", png))
}

/// The extract API over a local datastore file.
struct Datastore {
    path: PathBuf,
}

#[async_trait]
impl ExtractSource for Datastore {
    async fn extract(&self, what: &str, params: &[(String, String)]) -> Result<Vec<u8>, PlotError> {
        let (path, what, params) = (self.path.clone(), what.to_owned(), params.to_vec());
        tokio::task::spawn_blocking(move || {
            let ds = oqcloud_datastore::Datastore::open(&path)
                .map_err(|e| PlotError::Extract(e.to_string()))?;
            oqcloud_extract::extract(&ds, &what, &params)
                .map_err(|e| PlotError::Extract(e.to_string()))?
                .to_bytes()
                .map_err(PlotError::Extract)
        })
        .await
        .map_err(|e| PlotError::Extract(format!("extracting: {e}")))?
    }
}
