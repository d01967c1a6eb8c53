//! Getting results out: `export` (outputs in a format, zips unpacked), `extract` (an
//! `.npz`) and `plot` (a PNG drawn from extracts by `oqcloud-plot`).

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use async_trait::async_trait;
use oqcloud_plot::{ExtractSource, PlotError};
use reqwest::Method;
use serde_json::Value;

use super::http::{Connection, HttpError, attachment_name, safe_file_name};

/// Exports every output of calculation `id` that has `format` into `dir`; returns the files
/// written.
pub async fn export_calculation(
    connection: &Connection,
    id: i64,
    format: &str,
    dir: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    let outputs = connection
        .get_json(&format!("/v1/calc/{id}/results"))
        .await?;
    let outputs = outputs.as_array().map(Vec::as_slice).unwrap_or_default();
    let has = |output: &Value| {
        output["outtypes"]
            .as_array()
            .is_some_and(|types| types.iter().any(|t| t == format))
    };
    let chosen: Vec<i64> = outputs
        .iter()
        .filter(|o| has(o))
        .filter_map(|o| o["id"].as_i64())
        .collect();
    if chosen.is_empty() {
        let mut formats: Vec<&str> = outputs
            .iter()
            .flat_map(|o| o["outtypes"].as_array().into_iter().flatten())
            .filter_map(Value::as_str)
            .collect();
        formats.sort();
        formats.dedup();
        bail!(
            "calculation {id} has no output exportable as '{format}' (formats: {})",
            if formats.is_empty() {
                "none".to_owned()
            } else {
                formats.join(", ")
            }
        );
    }
    let mut written = Vec::new();
    for result_id in chosen {
        written.extend(export_result(connection, result_id, format, dir).await?);
    }
    Ok(written)
}

/// Exports output `result_id` as `format` into `dir`; a zip of several files is unpacked.
pub async fn export_result(
    connection: &Connection,
    result_id: i64,
    format: &str,
    dir: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    let path = format!("/v1/calc/result/{result_id}");
    let response = connection
        .send(Method::GET, &path, |b| b.query(&[("export_type", format)]))
        .await?;
    let name = attachment_name(&response).unwrap_or_else(|| format!("output-{result_id}.{format}"));
    let zipped = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .is_some_and(|t| t == "application/x-zip")
        && format != "zip";
    let bytes = response.bytes().await.context("reading the export")?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    if zipped {
        unzip(&bytes, dir).with_context(|| format!("unpacking {name}"))
    } else {
        let target = dir.join(name);
        write(&target, &bytes)?;
        Ok(vec![target])
    }
}

/// Unpacks the files of a zip into `dir` under their plain names.
fn unzip(bytes: &[u8], dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))?;
    let mut written = Vec::new();
    for i in 0..archive.len() {
        let mut member = archive.by_index(i)?;
        if member.is_dir() {
            continue;
        }
        let name = safe_file_name(member.name())
            .with_context(|| format!("unsafe member name '{}'", member.name()))?;
        let mut content = Vec::new();
        member.read_to_end(&mut content)?;
        let target = dir.join(name);
        write(&target, &content)?;
        written.push(target);
    }
    Ok(written)
}

fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

/// Writes the `.npz` of `extract/<spec>` of calculation `id` to `output` (default: the name
/// the server gives); returns the path written.
pub async fn extract(
    connection: &Connection,
    id: i64,
    spec: &str,
    output: Option<&Path>,
) -> anyhow::Result<PathBuf> {
    let response = connection
        .get(&format!("/v1/calc/{id}/extract/{spec}"))
        .await?;
    let target = match output {
        Some(path) => path.to_path_buf(),
        None => PathBuf::from(attachment_name(&response).unwrap_or_else(|| {
            let what = spec.split('?').next().unwrap_or(spec).replace('/', "-");
            format!("{what}_{id}.npz")
        })),
    };
    let bytes = response.bytes().await.context("reading the extract")?;
    write(&target, &bytes)?;
    Ok(target)
}

/// The extract API of one calculation on a server, for the plots.
pub struct RemoteExtract<'a> {
    pub connection: &'a Connection,
    pub id: i64,
}

#[async_trait]
impl ExtractSource for RemoteExtract<'_> {
    async fn extract(&self, what: &str, params: &[(String, String)]) -> Result<Vec<u8>, PlotError> {
        let path = format!("/v1/calc/{}/extract/{what}", self.id);
        let response = self
            .connection
            .send(Method::GET, &path, |b| b.query(params))
            .await
            .map_err(|e| match e.downcast_ref::<HttpError>() {
                // the server's own words, without the request line
                Some(http) if !http.body.trim().is_empty() && http.status < 500 => {
                    PlotError::Extract(http.body.lines().next().unwrap_or_default().to_owned())
                }
                _ => PlotError::Extract(format!("{e:#}")),
            })?;
        let bytes = response
            .bytes()
            .await
            .map_err(|e| PlotError::Extract(format!("reading extract/{what}: {e}")))?;
        Ok(bytes.to_vec())
    }
}

/// Draws `spec` for calculation `id` into the PNG `output` of `size` pixels.
pub async fn plot(
    connection: &Connection,
    id: i64,
    spec: &str,
    output: &Path,
    size: (u32, u32),
) -> anyhow::Result<()> {
    let source = RemoteExtract { connection, id };
    let png = oqcloud_plot::plot(&source, spec, size)
        .await
        .with_context(|| format!("plot {spec} of calculation {id}"))?;
    write(output, &png)
}
