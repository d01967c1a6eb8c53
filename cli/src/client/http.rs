//! The HTTP connection to an OpenQuake-compatible server: requests with errors that name the
//! request and what the server answered, and the session login (`POST
//! /accounts/ajax_login/`, whose `sessionid` cookie is sent with every later request).

use anyhow::{Context, bail};
use reqwest::header::{CONTENT_DISPOSITION, COOKIE, HeaderValue, SET_COOKIE};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;

use super::config::Settings;

/// A connection to one server.
pub struct Connection {
    server: String,
    http: reqwest::Client,
    /// `name=value; ...` of the session cookies, once logged in.
    cookies: Option<HeaderValue>,
}

impl Connection {
    /// Connects to the server of `settings`, logging in when credentials are set.
    pub async fn open(settings: &Settings) -> anyhow::Result<Connection> {
        let mut connection = Connection {
            server: settings.server.clone(),
            http: reqwest::Client::new(),
            cookies: None,
        };
        if let Some((user, password)) = &settings.login {
            connection.login(user, password).await?;
        }
        Ok(connection)
    }

    async fn login(&mut self, user: &str, password: &str) -> anyhow::Result<()> {
        let url = self.url("/accounts/ajax_login/");
        let response = self
            .http
            .post(&url)
            .form(&[("username", user), ("password", password)])
            .send()
            .await
            .with_context(|| format!("POST {url}"))?;
        let status = response.status();
        let cookies: Vec<String> = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .map(str::to_owned)
            .collect();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            bail!(
                "login as {user} at {} failed: HTTP {status}{}",
                self.server,
                detail(&body)
            );
        }
        if cookies.is_empty() {
            bail!(
                "login as {user} at {}: the server set no session cookie",
                self.server
            );
        }
        self.cookies = Some(HeaderValue::from_str(&cookies.join("; "))?);
        Ok(())
    }

    /// The absolute URL of a server path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server)
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let builder = self.http.request(method, self.url(path));
        match &self.cookies {
            Some(cookies) => builder.header(COOKIE, cookies.clone()),
            None => builder,
        }
    }

    /// Sends a request, and fails naming it when the server answers an error status.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        build: impl FnOnce(RequestBuilder) -> RequestBuilder,
    ) -> anyhow::Result<Response> {
        let described = format!("{method} {}", self.url(path));
        let response = build(self.request(method, path))
            .send()
            .await
            .with_context(|| described.clone())?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let body = response.text().await.unwrap_or_default();
        Err(HttpError {
            status: status.as_u16(),
            message: format!("{described}: HTTP {status}{}", detail(&body)),
            body,
        }
        .into())
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> anyhow::Result<Response> {
        self.send(Method::GET, path, |b| b).await
    }

    /// `GET path` answered with JSON.
    pub async fn get_json(&self, path: &str) -> anyhow::Result<Value> {
        let response = self.get(path).await?;
        let url = self.url(path);
        response
            .json()
            .await
            .with_context(|| format!("GET {url}: the answer is not JSON"))
    }

    /// `POST path` without a body, answered with JSON.
    pub async fn post_json(&self, path: &str) -> anyhow::Result<Value> {
        let response = self.send(Method::POST, path, |b| b).await?;
        let url = self.url(path);
        response
            .json()
            .await
            .with_context(|| format!("POST {url}: the answer is not JSON"))
    }
}

/// An error status from the server.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct HttpError {
    pub status: u16,
    /// The answer's body.
    pub body: String,
    message: String,
}

/// `: <message>` from an error body: a JSON `error`, or the first line of a text body
/// (an HTML page says nothing useful).
fn detail(body: &str) -> String {
    if let Ok(json) = serde_json::from_str::<Value>(body) {
        if let Some(error) = json["error"].as_str() {
            return format!(": {error}");
        }
        if let Some(lines) = json["traceback"].as_array() {
            let last = lines.iter().rev().find_map(Value::as_str).unwrap_or("");
            return format!(": {last}");
        }
    }
    let first = body.lines().next().unwrap_or("").trim();
    if first.is_empty() || first.starts_with('<') {
        String::new()
    } else {
        format!(": {}", first.chars().take(500).collect::<String>())
    }
}

/// The file name of a download (`Content-Disposition: attachment; filename=...`), reduced to
/// its last path component; `None` when absent or unsafe.
pub fn attachment_name(response: &Response) -> Option<String> {
    let header = response.headers().get(CONTENT_DISPOSITION)?.to_str().ok()?;
    let name = header
        .split(';')
        .find_map(|part| part.trim().strip_prefix("filename="))?
        .trim_matches('"');
    safe_file_name(name)
}

/// The last component of `name` if it is a plain file name (no `..`, not empty).
pub fn safe_file_name(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next()?;
    (!last.is_empty() && last != "." && last != "..").then(|| last.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_are_summarized() {
        assert_eq!(
            detail(r#"{"error": "Job 2 is not running"}"#),
            ": Job 2 is not running"
        );
        assert_eq!(
            detail(r#"{"traceback": ["Traceback ...", "No such file: x.xml"], "job_id": 3}"#),
            ": No such file: x.xml"
        );
        assert_eq!(detail("kind: unknown 'foo'\nmore"), ": kind: unknown 'foo'");
        assert_eq!(detail("<!DOCTYPE html><html>...</html>"), "");
        assert_eq!(detail(""), "");
    }

    #[test]
    fn download_names_are_plain_file_names() {
        assert_eq!(
            safe_file_name("output-7-hazard_map-mean_2.csv").as_deref(),
            Some("output-7-hazard_map-mean_2.csv")
        );
        assert_eq!(
            safe_file_name("../../etc/passwd").as_deref(),
            Some("passwd")
        );
        assert_eq!(safe_file_name("dir\\evil.csv").as_deref(), Some("evil.csv"));
        assert_eq!(safe_file_name("a/.."), None);
        assert_eq!(safe_file_name("dir/"), None);
    }
}
