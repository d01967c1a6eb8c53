//! Submitting a job (`POST /v1/calc/run`): a job archive as it is, or a job.ini with the
//! files of its directory zipped into one archive (sub-directories kept), in the `archive`
//! field the OpenQuake server reads, with `job_ini` naming the ini to run.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use reqwest::Method;
use reqwest::multipart::{Form, Part};

use super::http::Connection;

/// Submits `path` (a job.ini, a directory holding one, or a .zip); returns the job id.
pub async fn submit(connection: &Connection, path: &Path) -> anyhow::Result<i64> {
    let form = job_form(path)?;
    let response = connection
        .send(Method::POST, "/v1/calc/run", |b| b.multipart(form))
        .await?;
    let job: serde_json::Value = response
        .json()
        .await
        .context("the server's answer to the submission is not JSON")?;
    job["job_id"]
        .as_i64()
        .with_context(|| format!("the server's answer has no job_id: {job}"))
}

/// The multipart form for `path`.
fn job_form(path: &Path) -> anyhow::Result<Form> {
    let is_zip = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    if path.is_file() && is_zip {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        return Ok(Form::new().part("archive", Part::bytes(bytes).file_name(file_name(path))));
    }
    let ini = if path.is_dir() {
        find_ini(path)?
    } else if path.is_file() {
        path.to_path_buf()
    } else {
        bail!("{} does not exist", path.display());
    };
    let dir = ini
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let zip = zip_dir(dir)?;
    Ok(Form::new()
        .text("job_ini", file_name(&ini))
        .part("archive", Part::bytes(zip).file_name("job.zip")))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The job.ini of a directory: `job.ini`, or its only `*.ini`.
fn find_ini(dir: &Path) -> anyhow::Result<PathBuf> {
    let job_ini = dir.join("job.ini");
    if job_ini.is_file() {
        return Ok(job_ini);
    }
    let mut inis: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "ini"))
        .collect();
    inis.sort();
    match inis.as_slice() {
        [one] => Ok(one.clone()),
        [] => bail!("{} holds no .ini file", dir.display()),
        many => bail!(
            "{} holds several .ini files ({}): name the one to run",
            dir.display(),
            many.iter()
                .map(|p| file_name(p))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A zip of the files under `dir` (hidden files and directories left out).
fn zip_dir(dir: &Path) -> anyhow::Result<Vec<u8>> {
    let mut files = Vec::new();
    collect_files(dir, Path::new(""), &mut files)?;
    files.sort();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for relative in files {
        let bytes = std::fs::read(dir.join(&relative))
            .with_context(|| format!("reading {}", dir.join(&relative).display()))?;
        let name = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        zip.start_file(name, options)?;
        zip.write_all(&bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

fn collect_files(root: &Path, relative: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let dir = root.join(relative);
    for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = relative.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect_files(root, &path, out)?;
        } else if root.join(&path).is_file() {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_is_zipped_with_its_subdirectories() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("sources")).unwrap();
        std::fs::write(dir.path().join("job.ini"), "[general]\n").unwrap();
        std::fs::write(dir.path().join("sources/a.xml"), "<nrml/>").unwrap();
        std::fs::write(dir.path().join(".hidden"), "x").unwrap();
        let zip = zip_dir(dir.path()).unwrap();
        let archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let names: Vec<&str> = archive.file_names().collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names.contains(&"job.ini") && names.contains(&"sources/a.xml"));
    }

    #[test]
    fn an_ambiguous_or_empty_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let error = find_ini(dir.path()).unwrap_err().to_string();
        assert!(error.contains("no .ini file"), "{error}");
        std::fs::write(dir.path().join("job_hazard.ini"), "").unwrap();
        std::fs::write(dir.path().join("job_risk.ini"), "").unwrap();
        let error = find_ini(dir.path()).unwrap_err().to_string();
        assert!(error.contains("job_hazard.ini, job_risk.ini"), "{error}");
    }
}
