//! Utility endpoints: versions, GSIMs, ini defaults, NRML validation, `on_same_fs` (spec §9).

use std::collections::HashMap;
use std::path::Path;

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{StatusCode, header};
use oqcloud_model::jobini::ini_defaults_json;
use serde_json::json;

use crate::response::{self, ApiError, ApiResult, HTML, json, raw_json, with_type};
use crate::state::AppState;

/// `GET /v1/engine_version`: the OpenQuake version this server is compatible with, as text.
pub async fn engine_version(State(state): State<AppState>) -> ApiResult {
    Ok(with_type(
        StatusCode::OK,
        HTML,
        state.engine.engine_version(),
    ))
}

/// `GET /v1/engine_latest_version`: `None` (the check for a newer release is not made: the
/// server does not call out to the internet), as the reference answers when its check fails.
pub async fn engine_latest_version() -> ApiResult {
    Ok(with_type(StatusCode::OK, HTML, "None"))
}

/// `GET /v1/available_gsims`: the sorted GSIM names this installation can run.
pub async fn available_gsims(State(state): State<AppState>) -> ApiResult {
    Ok(json(StatusCode::OK, &state.engine.available_gsims().await))
}

/// `GET /v1/ini_defaults`: every job.ini parameter with a default, as OpenQuake lists them.
pub async fn ini_defaults() -> ApiResult {
    Ok(raw_json(StatusCode::OK, ini_defaults_json()))
}

/// The text fields of a form sent urlencoded or as multipart.
pub struct FormFields(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequest<S> for FormFields {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let mut fields = HashMap::new();
        if content_type.starts_with("multipart/form-data") {
            let mut multipart = Multipart::from_request(request, state)
                .await
                .map_err(|e| ApiError::BadRequest(e.body_text()))?;
            while let Some(field) = multipart
                .next_field()
                .await
                .map_err(|e| ApiError::BadRequest(e.body_text()))?
            {
                let name = field.name().unwrap_or_default().to_owned();
                let value = field
                    .text()
                    .await
                    .map_err(|e| ApiError::BadRequest(e.body_text()))?;
                fields.insert(name, value);
            }
        } else {
            let body = Bytes::from_request(request, state)
                .await
                .map_err(|e| ApiError::BadRequest(e.body_text()))?;
            for (key, value) in urlencoded_pairs(&body) {
                fields.insert(key, value);
            }
        }
        Ok(FormFields(fields))
    }
}

/// Decodes `application/x-www-form-urlencoded` pairs (`+` is a space, `%XX` a byte).
fn urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    body.split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let mut parts = pair.splitn(2, |&b| b == b'=');
            let key = percent_decode(parts.next().unwrap_or_default());
            let value = percent_decode(parts.next().unwrap_or_default());
            (key, value)
        })
        .collect()
}

fn percent_decode(text: &[u8]) -> String {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < text.len() => {
                let hex = std::str::from_utf8(&text[i + 1..i + 3]).unwrap_or("zz");
                match u8::from_str_radix(hex, 16) {
                    Ok(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `POST /v1/valid/`: validates the NRML document in `xml_text`.
pub async fn valid(form: Result<FormFields, ApiError>) -> ApiResult {
    // An unreadable or empty form is answered like a missing field, as the reference does.
    let fields = form.map(|FormFields(fields)| fields).unwrap_or_default();
    let Some(xml_text) = fields.get("xml_text").filter(|text| !text.is_empty()) else {
        return Ok(with_type(
            StatusCode::BAD_REQUEST,
            HTML,
            "Please provide the \"xml_text\" parameter",
        ));
    };
    let outcome = oqcloud_nrml::validate(xml_text, "xml_text.xml");
    Ok(json(
        StatusCode::OK,
        &json!({"error_msg": outcome.error_msg, "error_line": outcome.error_line,
                "valid": outcome.valid}),
    ))
}

/// `POST /v1/on_same_fs`: whether `filename` is readable here and the Adler-32 (started at 0)
/// of its first 32 bytes equals `checksum`. Only files inside the data directory are read.
pub async fn on_same_fs(
    State(state): State<AppState>,
    FormFields(fields): FormFields,
) -> ApiResult {
    let (Some(filename), Some(checksum)) = (fields.get("filename"), fields.get("checksum")) else {
        return Ok(response::text(
            StatusCode::BAD_REQUEST,
            "the form fields 'filename' and 'checksum' are required",
        ));
    };
    let same = match (
        read_head_inside(&state.config.data_dir, Path::new(filename)),
        checksum.trim().parse::<u64>(),
    ) {
        (Some(head), Ok(expected)) => u64::from(adler32_from_zero(&head)) == expected,
        _ => false,
    };
    Ok(json(StatusCode::OK, &json!({"success": same})))
}

/// The first 32 bytes of `path`, if it resolves to a file inside `root`.
fn read_head_inside(root: &Path, path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let root = root.canonicalize().ok()?;
    let path = path.canonicalize().ok()?;
    if !path.starts_with(&root) || !path.is_file() {
        return None;
    }
    let mut head = Vec::with_capacity(32);
    std::fs::File::open(&path)
        .ok()?
        .take(32)
        .read_to_end(&mut head)
        .ok()?;
    Some(head)
}

/// Adler-32 with initial value 0, as Python's `zlib.adler32(data, 0)`.
fn adler32_from_zero(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (0u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % MOD;
        b = (b + a) % MOD;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adler_matches_the_reference_example() {
        assert_eq!(
            adler32_from_zero(b"[general]\n\ndescription = Classic"),
            3204189069
        );
    }

    #[test]
    fn decodes_urlencoded_forms() {
        let pairs = urlencoded_pairs(b"xml_text=%3Cnrml%2F%3E+x&empty=&bad=%zz");
        assert_eq!(
            pairs,
            vec![
                ("xml_text".into(), "<nrml/> x".into()),
                ("empty".into(), String::new()),
                ("bad".into(), "%zz".into()),
            ]
        );
    }

    #[test]
    fn never_reads_outside_the_data_dir() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(outside.path(), b"secret").unwrap();
        assert!(read_head_inside(root.path(), outside.path()).is_none());
        let inside = root.path().join("job.ini");
        std::fs::write(&inside, b"[general]").unwrap();
        assert_eq!(
            read_head_inside(root.path(), &inside).unwrap(),
            b"[general]"
        );
        let escape = root
            .path()
            .join("../")
            .join(outside.path().file_name().unwrap());
        assert!(read_head_inside(root.path(), &escape).is_none());
    }
}
