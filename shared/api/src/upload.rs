//! Reading a job submission: the multipart form, and unpacking its files into a scratch
//! directory with every path and size checked before anything is stored.

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use axum::extract::Multipart;
use axum::http::StatusCode;

/// The fields of a submission (`POST /v1/calc/run`, `validate_zip`).
#[derive(Debug, Default)]
pub struct SubmitForm {
    /// Uploaded files in upload order: `(file name, bytes)`.
    pub files: Vec<(String, Vec<u8>)>,
    /// Suffix that picks the ini file (`job_ini`).
    pub job_ini: Option<String>,
    /// Parent calculation (`hazard_job_id`, or the seed's `hazard_result`).
    pub hazard_job_id: Option<String>,
    /// Owner to record instead of the caller (`job_owner`).
    pub job_owner: Option<String>,
    /// Key of an archive uploaded to a presigned URL, instead of files (`upload_key`).
    pub upload_key: Option<String>,
}

/// Why a submission was refused: a 400 (bad input) or 413 (too large) with a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub status: StatusCode,
    pub message: String,
    /// Line of the input file the message is about, when known.
    pub line: Option<usize>,
}

impl Rejection {
    /// A 400 with a message.
    pub fn bad(message: impl Into<String>) -> Self {
        Rejection {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            line: None,
        }
    }

    /// A 413 naming the limit.
    pub fn too_large(limit: u64) -> Self {
        Rejection {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            message: format!("the upload is larger than the limit of {limit} bytes"),
            line: None,
        }
    }
}

/// File field names that carry job files: the reference's `archive`, and the seed
/// documentation's `job_config` and `input_model_N`.
fn is_file_field(name: &str) -> bool {
    name == "archive"
        || name.starts_with("archive[")
        || name == "job_config"
        || name.starts_with("input_model")
}

/// Reads the multipart form; a body over the limit is a 413.
pub async fn read_form(mut multipart: Multipart, limit: u64) -> Result<SubmitForm, Rejection> {
    let mut form = SubmitForm::default();
    let mut total: u64 = 0;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => return Err(multipart_rejection(&error, limit)),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field
            .bytes()
            .await
            .map_err(|error| multipart_rejection(&error, limit))?;
        total += bytes.len() as u64;
        if total > limit {
            return Err(Rejection::too_large(limit));
        }
        let text = || String::from_utf8_lossy(&bytes).trim().to_owned();
        match (name.as_str(), file_name) {
            (field_name, Some(file_name)) if is_file_field(field_name) => {
                form.files.push((file_name, bytes.to_vec()));
            }
            ("job_ini", _) => form.job_ini = Some(text()),
            ("hazard_job_id" | "hazard_result", _) => {
                form.hazard_job_id = Some(text()).filter(|v| !v.is_empty());
            }
            ("job_owner", _) => form.job_owner = Some(text()).filter(|v| !v.is_empty()),
            ("upload_key", _) => form.upload_key = Some(text()).filter(|v| !v.is_empty()),
            _ => {}
        }
    }
    Ok(form)
}

fn multipart_rejection(error: &axum::extract::multipart::MultipartError, limit: u64) -> Rejection {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Rejection::too_large(limit)
    } else {
        Rejection::bad(format!("malformed multipart body: {}", error.body_text()))
    }
}

/// The uploaded files unpacked into a scratch directory.
#[derive(Debug)]
pub struct Unpacked {
    pub dir: tempfile::TempDir,
    /// Relative paths (`/`-separated): upload order for plain files, sorted for archives.
    pub files: Vec<String>,
    /// Whether the files came out of a zip archive.
    pub from_zip: bool,
}

impl Unpacked {
    /// The first file whose name ends with `suffix` (OpenQuake's rule for picking the ini).
    pub fn find_ini(&self, suffix: &str) -> Result<&str, Rejection> {
        self.files
            .iter()
            .map(String::as_str)
            .find(|name| name.ends_with(suffix))
            .ok_or_else(|| Rejection::bad(format!("There are no {suffix} files in the archive")))
    }
}

/// Most entries an archive may hold.
const MAX_ENTRIES: usize = 10_000;

/// Unpacks the uploaded files: `.zip` uploads are extracted (`__MACOSX` skipped), others are
/// copied under their names. Absolute paths, `..`, links and archives that unpack to more
/// than `limit` bytes are refused before anything is kept.
pub fn unpack(
    files: &[(String, Vec<u8>)],
    scratch: &Path,
    limit: u64,
) -> Result<Unpacked, Rejection> {
    std::fs::create_dir_all(scratch)
        .map_err(|e| Rejection::bad(format!("cannot create the upload directory: {e}")))?;
    let dir = tempfile::Builder::new()
        .prefix("upload-")
        .tempdir_in(scratch)
        .map_err(|e| Rejection::bad(format!("cannot create the upload directory: {e}")))?;
    let mut unpacked = Unpacked {
        dir,
        files: Vec::new(),
        from_zip: false,
    };
    let mut written: u64 = 0;
    for (name, bytes) in files {
        if name.to_ascii_lowercase().ends_with(".zip") {
            unpacked.from_zip = true;
            let mut entries = extract_zip(name, bytes, unpacked.dir.path(), limit, &mut written)?;
            unpacked.files.append(&mut entries);
        } else {
            let relative = safe_relative_path(name, name)?;
            if relative.contains('/') {
                return Err(Rejection::bad(format!(
                    "{name}: uploaded file names must not contain directories"
                )));
            }
            written += bytes.len() as u64;
            if written > limit {
                return Err(Rejection::too_large(limit));
            }
            write_file(&unpacked.dir.path().join(&relative), bytes)?;
            unpacked.files.push(relative);
        }
    }
    if unpacked.from_zip {
        unpacked.files.sort();
    }
    Ok(unpacked)
}

fn extract_zip(
    archive_name: &str,
    bytes: &[u8],
    dest: &Path,
    limit: u64,
    written: &mut u64,
) -> Result<Vec<String>, Rejection> {
    let bad_zip = |e: zip::result::ZipError| Rejection::bad(format!("{archive_name}: {e}"));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(bad_zip)?;
    if archive.len() > MAX_ENTRIES {
        return Err(Rejection::bad(format!(
            "{archive_name}: more than {MAX_ENTRIES} entries"
        )));
    }
    // Check every entry before writing any.
    let mut declared: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).map_err(bad_zip)?;
        safe_relative_path(archive_name, entry.name())?;
        if entry.is_symlink() {
            return Err(Rejection::bad(format!(
                "{archive_name}: entry '{}' is a link; links are not accepted",
                entry.name()
            )));
        }
        declared = declared.saturating_add(entry.size());
    }
    if written.saturating_add(declared) > limit {
        return Err(Rejection::too_large(limit));
    }
    let mut names = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(bad_zip)?;
        let relative = safe_relative_path(archive_name, entry.name())?;
        if entry.is_dir() || relative.split('/').any(|part| part == "__MACOSX") {
            continue;
        }
        // Read at most what is left of the limit, whatever the header declared.
        let budget = limit - *written;
        let mut content = Vec::new();
        (&mut entry)
            .take(budget + 1)
            .read_to_end(&mut content)
            .map_err(|e| Rejection::bad(format!("{archive_name}: {}: {e}", entry.name())))?;
        if content.len() as u64 > budget {
            return Err(Rejection::too_large(limit));
        }
        *written += content.len() as u64;
        write_file(&dest.join(&relative), &content)?;
        names.push(relative);
    }
    Ok(names)
}

/// Checks an uploaded or archived path: relative, no `..`, no drive or root, no backslash
/// tricks. Returns it normalised with `/` separators.
fn safe_relative_path(context: &str, name: &str) -> Result<String, Rejection> {
    let refuse = || {
        Rejection::bad(format!(
            "{context}: unsafe path '{name}': paths must be relative and stay inside the archive"
        ))
    };
    if name.is_empty() || name.contains('\\') || name.contains('\0') || name.contains(':') {
        return Err(refuse());
    }
    let mut parts = Vec::new();
    for component in Path::new(name).components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str().ok_or_else(refuse)?),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                return Err(refuse());
            }
        }
    }
    if parts.is_empty() {
        return Err(refuse());
    }
    Ok(parts.join("/"))
}

fn write_file(path: &PathBuf, bytes: &[u8]) -> Result<(), Rejection> {
    let fail = |e: std::io::Error| Rejection::bad(format!("cannot store the upload: {e}"));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    let mut file = std::fs::File::create(path).map_err(fail)?;
    file.write_all(bytes).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            writer.write_all(bytes).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn refuses_unsafe_paths() {
        for name in [
            "../x",
            "/etc/passwd",
            "a/../../b",
            "C:\\x",
            "a\\..\\b",
            "",
            ".",
        ] {
            assert!(safe_relative_path("t", name).is_err(), "{name:?}");
        }
        assert_eq!(safe_relative_path("t", "./a/b.xml").unwrap(), "a/b.xml");
    }

    #[test]
    fn unpacks_zip_sorted_and_skips_macosx() {
        let scratch = tempfile::tempdir().unwrap();
        let zip = zip_of(&[
            ("job_risk.ini", b"x"),
            ("job_hazard.ini", b"y"),
            ("__MACOSX/._job.ini", b"z"),
        ]);
        let unpacked = unpack(&[("job.zip".into(), zip)], scratch.path(), 1000).unwrap();
        assert_eq!(unpacked.files, vec!["job_hazard.ini", "job_risk.ini"]);
        assert_eq!(unpacked.find_ini(".ini").unwrap(), "job_hazard.ini");
        assert_eq!(unpacked.find_ini("risk.ini").unwrap(), "job_risk.ini");
        assert!(unpacked.find_ini("nosuch.ini").is_err());
    }

    #[test]
    fn refuses_traversal_without_writing() {
        let scratch = tempfile::tempdir().unwrap();
        let zip = zip_of(&[("job.ini", b"x"), ("../evil.txt", b"y")]);
        let error = unpack(&[("job.zip".into(), zip)], scratch.path(), 1000).unwrap_err();
        assert_eq!(error.status, StatusCode::BAD_REQUEST);
        assert!(error.message.contains("../evil.txt"), "{}", error.message);
        assert!(!scratch.path().join("evil.txt").exists());
        let leftovers: Vec<_> = walk(scratch.path());
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn refuses_oversized_archives() {
        let scratch = tempfile::tempdir().unwrap();
        let zip = zip_of(&[("job.ini", &[b'a'; 600]), ("b.xml", &[b'b'; 600])]);
        let error = unpack(&[("job.zip".into(), zip)], scratch.path(), 1000).unwrap_err();
        assert_eq!(error.status, StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[test]
    fn plain_files_keep_upload_order() {
        let scratch = tempfile::tempdir().unwrap();
        let files = vec![
            ("source_model.xml".to_owned(), b"<nrml/>".to_vec()),
            ("job.ini".to_owned(), b"[general]".to_vec()),
        ];
        let unpacked = unpack(&files, scratch.path(), 1000).unwrap();
        assert_eq!(unpacked.files, vec!["source_model.xml", "job.ini"]);
        assert!(unpacked.dir.path().join("job.ini").exists());
        let nested = vec![("a/job.ini".to_owned(), b"x".to_vec())];
        assert!(unpack(&nested, scratch.path(), 1000).is_err());
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                found.extend(walk(&path));
            } else {
                found.push(path);
            }
        }
        found
    }
}
