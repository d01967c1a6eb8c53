//! Which server to talk to and as whom: flags and environment first, then the `[webapi]`
//! section of OpenQuake's `openquake.cfg` (`server`, `username`, `password`).
//!
//! The file is the first that exists of `$OQ_CONFIG_FILE`, `$VIRTUAL_ENV/openquake.cfg` (the
//! current virtual environment's) and `$HOME/openquake.cfg`.

use std::path::{Path, PathBuf};

use anyhow::Context;

/// The server used when neither flags nor a config file name one.
pub const DEFAULT_SERVER: &str = "http://localhost:8800";

/// The resolved connection settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Base URL, without a trailing slash.
    pub server: String,
    /// Credentials for `POST /accounts/ajax_login/`, when both are set.
    pub login: Option<(String, String)>,
}

/// The `[webapi]` values of a config file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WebApi {
    pub server: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
}

impl Settings {
    /// Flags (or their environment variables) override the config file found by
    /// [`config_file`] with `env` (a variable lookup).
    pub fn resolve(
        server: Option<String>,
        username: Option<String>,
        password: Option<String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Settings> {
        let file = match config_file(&env)? {
            Some(path) => read_webapi(&path)?,
            None => WebApi::default(),
        };
        let server = server
            .or(file.server)
            .unwrap_or_else(|| DEFAULT_SERVER.to_owned());
        let server = server.trim_end_matches('/').to_owned();
        if server.starts_with("https://") {
            anyhow::bail!(
                "server '{server}': https is not supported by this client yet (no TLS in the build)"
            );
        }
        if !server.starts_with("http://") {
            anyhow::bail!("server '{server}' is not an http:// URL");
        }
        let login = match (username.or(file.username), password.or(file.password)) {
            (Some(user), Some(password)) if !user.is_empty() => Some((user, password)),
            (Some(user), None) if !user.is_empty() => {
                anyhow::bail!(
                    "username '{user}' is set but no password (--password or [webapi] password)"
                )
            }
            _ => None,
        };
        Ok(Settings { server, login })
    }
}

/// The config file to read: `$OQ_CONFIG_FILE` (which must exist when set), else the first
/// existing of `$VIRTUAL_ENV/openquake.cfg` and `$HOME/openquake.cfg`.
pub fn config_file(env: impl Fn(&str) -> Option<String>) -> anyhow::Result<Option<PathBuf>> {
    if let Some(path) = env("OQ_CONFIG_FILE").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        anyhow::ensure!(
            path.is_file(),
            "OQ_CONFIG_FILE names {}, which is not a file",
            path.display()
        );
        return Ok(Some(path));
    }
    Ok(["VIRTUAL_ENV", "HOME"]
        .iter()
        .filter_map(|var| env(var).filter(|dir| !dir.is_empty()))
        .map(|dir| Path::new(&dir).join("openquake.cfg"))
        .find(|path| path.is_file()))
}

/// Reads the `[webapi]` section of an `openquake.cfg`.
pub fn read_webapi(path: &Path) -> anyhow::Result<WebApi> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(parse_webapi(&text))
}

/// The `server`, `username` and `password` of the `[webapi]` section (configparser syntax:
/// `key = value` or `key: value`, `#`/`;` comment lines, case-insensitive keys).
fn parse_webapi(text: &str) -> WebApi {
    let mut out = WebApi::default();
    let mut in_webapi = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let Some(section) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            in_webapi = section.trim() == "webapi";
            continue;
        }
        let Some(at) = trimmed.find(['=', ':']) else {
            continue;
        };
        if !in_webapi || line.starts_with([' ', '\t']) {
            continue;
        }
        let (key, value) = (trimmed[..at].trim(), trimmed[at + 1..].trim().to_owned());
        match key.to_ascii_lowercase().as_str() {
            "server" => out.server = Some(value),
            "username" => out.username = Some(value),
            "password" => out.password = Some(value),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CFG: &str = "[dbserver]\nport = 1907\n\n[webapi]\n# remote\nserver = http://oq.example:8800/\nusername: alice\npassword = s3cr=t\n\n[directory]\nserver = ignored\n";

    #[test]
    fn the_webapi_section_is_read() {
        assert_eq!(
            parse_webapi(CFG),
            WebApi {
                server: Some("http://oq.example:8800/".into()),
                username: Some("alice".into()),
                password: Some("s3cr=t".into()),
            }
        );
    }

    #[test]
    fn flags_override_the_file_found_first() {
        let dir = tempfile::tempdir().unwrap();
        let (venv, home) = (dir.path().join("venv"), dir.path().join("home"));
        std::fs::create_dir_all(&venv).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(venv.join("openquake.cfg"), CFG).unwrap();
        std::fs::write(
            home.join("openquake.cfg"),
            "[webapi]\nserver = http://home:1\n",
        )
        .unwrap();
        let env = |venv: bool| {
            let (v, h) = (venv.then(|| dir.path().join("venv")), home.clone());
            move |name: &str| match name {
                "VIRTUAL_ENV" => v.as_ref().map(|p| p.display().to_string()),
                "HOME" => Some(h.display().to_string()),
                _ => None,
            }
        };
        let from_venv = Settings::resolve(None, None, None, env(true)).unwrap();
        assert_eq!(from_venv.server, "http://oq.example:8800");
        assert_eq!(from_venv.login, Some(("alice".into(), "s3cr=t".into())));
        let from_home = Settings::resolve(None, None, None, env(false)).unwrap();
        assert_eq!(
            (from_home.server.as_str(), from_home.login),
            ("http://home:1", None)
        );
        let flagged = Settings::resolve(
            Some("http://flag:2".into()),
            Some("bob".into()),
            None,
            env(true),
        )
        .unwrap();
        assert_eq!(flagged.server, "http://flag:2");
        assert_eq!(flagged.login, Some(("bob".into(), "s3cr=t".into())));
        let half = Settings::resolve(None, Some("bob".into()), None, env(false)).unwrap_err();
        assert!(half.to_string().contains("no password"), "{half}");
    }

    #[test]
    fn a_missing_config_file_or_bad_url_is_named() {
        let env = |name: &str| (name == "OQ_CONFIG_FILE").then(|| "/nonexistent/oq.cfg".to_owned());
        let error = Settings::resolve(None, None, None, env).unwrap_err();
        assert!(error.to_string().contains("/nonexistent/oq.cfg"), "{error}");
        let error = Settings::resolve(Some("localhost:8800".into()), None, None, |_| None);
        assert!(error.unwrap_err().to_string().contains("not an http"));
        let error = Settings::resolve(Some("https://oq.example".into()), None, None, |_| None);
        assert!(
            error
                .unwrap_err()
                .to_string()
                .contains("https is not supported")
        );
    }
}
