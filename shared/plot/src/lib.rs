//! Hazard pictures as PNG, drawn from what the extract API returns, so that the command-line
//! client (over HTTP, against oqcloud or the reference OpenQuake server) and the server itself
//! (`download_png`, straight from the datastore) draw the same images.
//!
//! [`plot`] takes a spec in the grammar of OpenQuake's `oq plot`:
//! `hcurves?kind=mean&imt=PGA&site_id=0` (hazard curves on log axes, one line per kind),
//! `hmaps?kind=mean&imt=PGA` (the sites coloured by value with a colour bar, one panel per
//! kind and PoE) and `uhs?kind=mean&site_id=0` (uniform hazard spectra). `kind` is repeatable
//! and may be a statistic (`mean`, `quantile-0.15`), `stats`, `rlzs` or `rlz-N`; realizations
//! and statistics may be mixed. A kind the calculation does not have is an error naming the
//! kinds it has. `disagg?kind=Mag_Dist&imt=PGA&site_id=0&poe_id=0&spec=rlzs` draws a
//! disaggregation output of one or two axes (bars, or a heat map). Text is drawn with an embedded font (DejaVu Sans), so no system font is needed.

mod canvas;
mod curves;
mod disagg;
mod job;
mod kinds;
mod maps;
pub mod npz;
mod spec;
mod spectra;

use async_trait::async_trait;

pub use spec::{Family, PlotSpec};

/// Width and height of the images, in pixels, unless asked otherwise.
pub const DEFAULT_SIZE: (u32, u32) = (1000, 700);

/// Where the arrays come from: a server's extract API, or a datastore read in-process.
#[async_trait]
pub trait ExtractSource: Sync {
    /// The `.npz` archive of `extract/<what>` with these query parameters (repeatable names
    /// in order); [`PlotError::Extract`] with the server's message when it refuses.
    async fn extract(&self, what: &str, params: &[(String, String)]) -> Result<Vec<u8>, PlotError>;
}

/// Why no picture could be drawn.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// The plot spec is malformed or names something the calculation does not have.
    #[error("{0}")]
    Spec(String),
    /// A plot this library does not draw.
    #[error("{0}")]
    Unsupported(String),
    /// The extract request failed; the message is the server's.
    #[error("{0}")]
    Extract(String),
    /// The extracted arrays are not what a plot needs.
    #[error("unexpected extract data: {0}")]
    Data(String),
    /// Drawing or encoding the image failed.
    #[error("drawing failed: {0}")]
    Draw(String),
}

impl<E: std::error::Error + Send + Sync> From<plotters::drawing::DrawingAreaErrorKind<E>>
    for PlotError
{
    fn from(e: plotters::drawing::DrawingAreaErrorKind<E>) -> PlotError {
        PlotError::Draw(e.to_string())
    }
}

/// Draws `spec` (e.g. `hcurves?kind=mean&imt=PGA&site_id=0`) as a PNG of `size` pixels.
pub async fn plot(
    source: &dyn ExtractSource,
    spec: &str,
    size: (u32, u32),
) -> Result<Vec<u8>, PlotError> {
    let spec = PlotSpec::parse(spec)?;
    let job = job::Job::fetch(source).await?;
    let param = |name: &str, value: String| (name.to_owned(), value);
    match spec.family {
        Family::Curves => {
            let imt = job.imt(spec.imt.as_deref())?;
            let site = job.site(spec.site_id.unwrap_or(0))?;
            let params = [
                param("imt", imt.name.clone()),
                param("site_id", site.id.to_string()),
            ];
            let series = kinds::fetch(source, spec.family, &spec.kinds, &params).await?;
            canvas::render(size, |root| curves::draw(root, &job, &imt, &site, &series))
        }
        Family::Maps => {
            let imt = job.imt(spec.imt.as_deref())?;
            let params = [param("imt", imt.name.clone())];
            let series = kinds::fetch(source, spec.family, &spec.kinds, &params).await?;
            canvas::render(size, |root| maps::draw(root, &job, &imt, &series))
        }
        Family::Uhs => {
            let site = job.site(spec.site_id.unwrap_or(0))?;
            let params = [param("site_id", site.id.to_string())];
            let series = kinds::fetch(source, spec.family, &spec.kinds, &params).await?;
            canvas::render(size, |root| spectra::draw(root, &job, &site, &series))
        }
        Family::Disagg => {
            let imt = job.imt(spec.imt.as_deref())?;
            let site = job.site(spec.site_id.unwrap_or(0))?;
            let poe_id = spec.poe_id.unwrap_or(0);
            let poe = *job.poes.get(poe_id).ok_or_else(|| {
                PlotError::Spec(format!(
                    "poe_id: {poe_id} is out of range (the calculation has {} poes)",
                    job.poes.len()
                ))
            })?;
            let (kind, disagg_spec) = (&spec.kinds[0], spec.disagg_spec.unwrap_or_default());
            let params = [
                param("kind", kind.clone()),
                param("imt", imt.name.clone()),
                param("site_id", site.id.to_string()),
                param("poe_id", poe_id.to_string()),
                param("spec", disagg_spec.clone()),
            ];
            let file = npz::NpzFile::read(&source.extract("disagg", &params).await?)?;
            let request = disagg::Request {
                job: &job,
                imt: &imt,
                site: &site,
                kind,
                spec: &disagg_spec,
                poe,
            };
            canvas::render(size, |root| disagg::draw(root, &request, &file))
        }
    }
}
