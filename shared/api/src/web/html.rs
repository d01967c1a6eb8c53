//! HTML building blocks: escaping and the layout every page shares.

use std::fmt::Write;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

use crate::response::{ApiError, HTML, with_type};

/// `text` with the five HTML-significant characters escaped: safe in element content and in
/// quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// A whole page: `title` (escaped) as the document title and heading, then `body` (HTML).
/// Scripts may come only from this server (`Content-Security-Policy`), so a string that
/// escaped escaping still could not run.
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let title = escape(title);
    let mut html = String::with_capacity(body.len() + 1024);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} · oqcloud</title>\n\
         <link rel=\"icon\" href=\"data:,\">\n\
         <link rel=\"stylesheet\" href=\"/static/oqcloud.css\">\n\
         <script src=\"/static/oqcloud.js\" defer></script>\n</head>\n<body>\n\
         <header><a class=\"brand\" href=\"/engine/\">oqcloud</a>\
         <nav><a href=\"/engine/\">Calculations</a> <a href=\"/engine/submit\">Run a calculation</a> \
         <a href=\"/engine/license\">License</a></nav></header>\n\
         <main>\n<h1>{title}</h1>\n{body}</main>\n</body>\n</html>\n"
    );
    let mut response = with_type(status, HTML, html);
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    response
}

/// The page of a failed request: the status the API gives for it, with a message.
pub fn error_page(error: ApiError) -> Response {
    let (status, message) = match error {
        ApiError::NotFound => (StatusCode::NOT_FOUND, "No such page or calculation.".into()),
        ApiError::Forbidden => (
            StatusCode::FORBIDDEN,
            "You are not allowed to see this calculation.".into(),
        ),
        ApiError::BadRequest(message) => (StatusCode::BAD_REQUEST, message),
        ApiError::Internal(message) => {
            tracing::error!("internal error: {message}");
            (StatusCode::INTERNAL_SERVER_ERROR, message)
        }
    };
    let title = status.canonical_reason().unwrap_or("Error");
    page(
        status,
        title,
        &format!("<p class=\"error\">{}</p>\n", escape(&message)),
    )
}

/// The time as the pages show it: `YYYY-MM-DD HH:MM:SS` in UTC.
pub fn time(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>alert("x" + 'y')</script> & more"#),
            "&lt;script&gt;alert(&quot;x&quot; + &#39;y&#39;)&lt;/script&gt; &amp; more"
        );
        assert_eq!(escape("Nepal नेपाल"), "Nepal नेपाल");
    }
}
