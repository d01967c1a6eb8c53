//! Completion mail of the embedded server, appended to a log file instead of being sent.
//!
//! Each mail is a block:
//!
//! ```text
//! To: alice@example.com
//! Subject: Calculation 7 complete
//! Date: 2024-05-01T10:00:00.123456Z
//!
//! <body>
//! -- end of mail --
//! ```
//!
//! Body lines that look like the separator (`>`* then the separator) get one more `>`,
//! removed again on reading, so every body reads back as written.

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};

use super::blocking;
use crate::{Mail, Mailer, StoreError, StoreResult};

/// The line closing every mail.
const SEPARATOR: &str = "-- end of mail --";

/// [`Mailer`] that appends each mail to a file, readable back with [`MailLog::read_all`].
pub struct MailLog {
    path: PathBuf,
    /// Serializes appends (held on the blocking thread, so a cancelled send cannot interleave).
    lock: Arc<Mutex<()>>,
}

impl MailLog {
    /// A log appending to `path` (created on the first mail).
    pub fn new(path: PathBuf) -> Self {
        MailLog {
            path,
            lock: Arc::new(Mutex::new(())),
        }
    }

    /// The file mails are appended to.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every mail of the log at `path`, oldest first (none if the file does not exist).
    pub fn read_all(path: &Path) -> StoreResult<Vec<Mail>> {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(err.into()),
        };
        let mut mails = Vec::new();
        let mut rest = text.as_str();
        while !rest.is_empty() {
            let block_end = rest
                .find(&format!("\n{SEPARATOR}\n"))
                .ok_or_else(|| malformed(path, "a mail is not terminated"))?;
            mails.push(
                parse_block(&rest[..block_end]).ok_or_else(|| malformed(path, "bad headers"))?,
            );
            rest = &rest[block_end + SEPARATOR.len() + 2..];
        }
        Ok(mails)
    }
}

#[async_trait]
impl Mailer for MailLog {
    /// Line breaks in the recipient and subject are written as spaces.
    async fn send(&self, mail: &Mail) -> StoreResult<()> {
        let block = render(mail);
        let path = self.path.clone();
        let lock = Arc::clone(&self.lock);
        blocking(move || {
            let _guard = lock.lock().expect("mail log mutex poisoned");
            let mut file = OpenOptions::new().create(true).append(true).open(&path)?;
            file.write_all(block.as_bytes())?;
            Ok(())
        })
        .await
    }
}

fn malformed(path: &Path, what: &str) -> StoreError {
    StoreError::Other(format!("malformed mail log {}: {what}", path.display()))
}

/// Whether a body line would be taken for the separator (or is a quoted one).
fn looks_like_separator(line: &str) -> bool {
    line.trim_start_matches('>') == SEPARATOR
}

/// The block of one mail, ending with the separator line.
fn render(mail: &Mail) -> String {
    let header = |value: &str| value.replace(['\r', '\n'], " ");
    let body: Vec<String> = mail
        .body
        .split('\n')
        .map(|line| {
            if looks_like_separator(line) {
                format!(">{line}")
            } else {
                line.to_owned()
            }
        })
        .collect();
    format!(
        "To: {}\nSubject: {}\nDate: {}\n\n{}\n{SEPARATOR}\n",
        header(&mail.to),
        header(&mail.subject),
        mail.sent_at.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        body.join("\n")
    )
}

/// A mail from its block, without the final newline and separator.
fn parse_block(block: &str) -> Option<Mail> {
    let (headers, body) = block.split_once("\n\n")?;
    let mut headers = headers.split('\n');
    let to = headers.next()?.strip_prefix("To: ")?;
    let subject = headers.next()?.strip_prefix("Subject: ")?;
    let date = headers.next()?.strip_prefix("Date: ")?;
    if headers.next().is_some() {
        return None;
    }
    let body: Vec<&str> = body
        .split('\n')
        .map(|line| match line.strip_prefix('>') {
            Some(unquoted) if looks_like_separator(line) => unquoted,
            _ => line,
        })
        .collect();
    Some(Mail {
        to: to.to_owned(),
        subject: subject.to_owned(),
        body: body.join("\n"),
        sent_at: DateTime::parse_from_rfc3339(date).ok()?.with_timezone(&Utc),
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn mail(subject: &str, body: &str) -> Mail {
        Mail {
            to: "alice@example.com".into(),
            subject: subject.into(),
            body: body.into(),
            sent_at: Utc.timestamp_nanos(1_714_557_600_123_456_789),
        }
    }

    #[tokio::test]
    async fn mails_read_back_as_sent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mail.log");
        assert!(MailLog::read_all(&path).unwrap().is_empty());

        let log = MailLog::new(path.clone());
        assert_eq!(log.path(), path);
        let mails = [
            mail(
                "Calculation 1 complete",
                "Results at\nhttp://host/v1/calc/1\n",
            ),
            mail("empty", ""),
            mail("blank lines", "\n\nbetween\n\n"),
            mail(
                "tricky",
                &format!("{SEPARATOR}\n>{SEPARATOR}\nTo: x\n\n{SEPARATOR} not alone"),
            ),
        ];
        for mail in &mails {
            log.send(mail).await.unwrap();
        }
        assert_eq!(MailLog::read_all(&path).unwrap(), mails);

        let text = fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with(
                "To: alice@example.com\nSubject: Calculation 1 complete\n\
                 Date: 2024-05-01T10:00:00.123456789Z\n\nResults at\n"
            ),
            "{text}"
        );
    }

    #[tokio::test]
    async fn header_line_breaks_become_spaces() {
        let dir = tempfile::tempdir().unwrap();
        let log = MailLog::new(dir.path().join("mail.log"));
        log.send(&mail("two\r\nlines", "body")).await.unwrap();
        let read = MailLog::read_all(log.path()).unwrap();
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].subject, "two  lines");
        assert_eq!(read[0].body, "body");
    }

    #[test]
    fn rejects_a_truncated_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mail.log");
        fs::write(
            &path,
            "To: a\nSubject: b\nDate: 2024-05-01T10:00:00Z\n\nbody\n",
        )
        .unwrap();
        let read = MailLog::read_all(&path);
        assert!(matches!(read, Err(StoreError::Other(_))), "{read:?}");
    }
}
