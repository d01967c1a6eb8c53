//! OpenQuake's console log -> log rows.
//!
//! OpenQuake writes `[%Y-%m-%d %H:%M:%S #<calc_id> [<tag> ]<LEVEL>] <message>` to stderr,
//! in the local time of the process (the runner sets `TZ=UTC`). A message may span several
//! lines: the lines that do not start a record continue the previous one. An uncaught
//! Python exception prints `Traceback (most recent call last):` and its frames; those
//! lines are kept apart (they become the failure's traceback) instead of being appended
//! to the record logged before the crash.

use chrono::{DateTime, NaiveDateTime, Utc};
use oqcloud_model::{LogLevel, LogRecord};

const TRACEBACK_HEADER: &str = "Traceback (most recent call last):";

/// Turns the lines of one output stream into log rows.
pub(crate) struct LogParser {
    process: String,
    /// Level of a record started by a line that is not in OpenQuake's format.
    stray_level: LogLevel,
    pending: Option<LogRecord>,
    /// Lines from the latest traceback header on, until the next record starts.
    traceback: Option<Vec<String>>,
    last_line: Option<String>,
}

/// What remains once a stream has ended.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct StreamEnd {
    /// The lines of the traceback the stream ended with (header removed), if any.
    pub traceback: Option<Vec<String>>,
    /// The last non-blank line of the stream.
    pub last_line: Option<String>,
}

impl LogParser {
    /// A parser whose rows carry `process`; lines outside OpenQuake's format start rows at
    /// `stray_level`.
    pub fn new(process: String, stray_level: LogLevel) -> Self {
        LogParser {
            process,
            stray_level,
            pending: None,
            traceback: None,
            last_line: None,
        }
    }

    /// Feeds one line (without its newline); `emit` receives every row it completes.
    pub fn push(&mut self, line: &str, emit: &mut impl FnMut(LogRecord)) {
        if !line.trim().is_empty() {
            self.last_line = Some(line.to_owned());
        }
        if line.trim_end() == TRACEBACK_HEADER {
            self.flush(emit);
            self.traceback
                .get_or_insert_with(Vec::new)
                .push(line.to_owned());
            return;
        }
        match parse_header(line) {
            Some((timestamp, level, message)) => {
                self.flush(emit);
                if let Some(lines) = self.traceback.take() {
                    // Logging went on after the traceback: it was not fatal.
                    emit(self.record(Utc::now(), LogLevel::Warning, lines.join("\n")));
                }
                self.pending = Some(self.record(timestamp, level, message.to_owned()));
            }
            None => {
                if let Some(lines) = &mut self.traceback {
                    lines.push(line.to_owned());
                } else if let Some(record) = &mut self.pending {
                    record.message.push('\n');
                    record.message.push_str(line);
                } else if !line.trim().is_empty() {
                    self.pending = Some(self.record(Utc::now(), self.stray_level, line.to_owned()));
                }
            }
        }
    }

    /// Ends the stream: emits the last row and returns the trailing traceback.
    pub fn finish(mut self, emit: &mut impl FnMut(LogRecord)) -> StreamEnd {
        self.flush(emit);
        StreamEnd {
            traceback: self.traceback.map(|lines| last_traceback(&lines)),
            last_line: self.last_line,
        }
    }

    /// Emits the record being read, if any: its continuation lines are all in.
    pub fn flush(&mut self, emit: &mut impl FnMut(LogRecord)) {
        if let Some(mut record) = self.pending.take() {
            let trimmed = record.message.trim_end().len();
            record.message.truncate(trimmed);
            emit(record);
        }
    }

    fn record(&self, timestamp: DateTime<Utc>, level: LogLevel, message: String) -> LogRecord {
        LogRecord {
            timestamp,
            level,
            process: self.process.clone(),
            message,
        }
    }
}

/// The frames and the exception of the last traceback among `lines`, without the header
/// and the blank lines after it.
fn last_traceback(lines: &[String]) -> Vec<String> {
    let start = lines
        .iter()
        .rposition(|line| line.trim_end() == TRACEBACK_HEADER)
        .map_or(0, |i| i + 1);
    let mut tail: Vec<String> = lines[start..].to_vec();
    while tail.last().is_some_and(|line| line.trim().is_empty()) {
        tail.pop();
    }
    tail
}

/// Splits `[2026-11-22 04:24:36 #1 INFO] message` into its timestamp, level and message.
fn parse_header(line: &str) -> Option<(DateTime<Utc>, LogLevel, &str)> {
    let rest = line.strip_prefix('[')?;
    let (header, message) = rest.split_once(']')?;
    let message = message.strip_prefix(' ').unwrap_or(message);
    let mut fields = header.split(' ');
    let date = fields.next()?;
    let time = fields.next()?;
    let calc = fields.next()?;
    if !calc
        .strip_prefix('#')
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    // An optional tag (the mosaic model) may come before the level.
    let level: LogLevel = fields.next_back()?.parse().ok()?;
    if fields.count() > 1 {
        return None;
    }
    let naive =
        NaiveDateTime::parse_from_str(&format!("{date} {time}"), "%Y-%m-%d %H:%M:%S").ok()?;
    Some((refine(naive.and_utc()), level, message))
}

/// OpenQuake logs whole seconds; a line read within the second it was written gets the
/// reading time, which keeps the sub-second order of rows.
fn refine(logged: DateTime<Utc>) -> DateTime<Utc> {
    let now = Utc::now();
    if now.timestamp() == logged.timestamp() {
        now
    } else {
        logged
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(lines: &[&str]) -> (Vec<LogRecord>, StreamEnd) {
        let mut parser = LogParser::new("oq/42".into(), LogLevel::Warning);
        let mut rows = Vec::new();
        for line in lines {
            parser.push(line, &mut |r| rows.push(r));
        }
        let end = parser.finish(&mut |r| rows.push(r));
        (rows, end)
    }

    fn summary(rows: &[LogRecord]) -> Vec<(LogLevel, &str)> {
        rows.iter().map(|r| (r.level, r.message.as_str())).collect()
    }

    #[test]
    fn parses_records_and_continuation_lines() {
        let (rows, end) = parse(&[
            "[2026-11-22 04:24:36 #1 WARNING] root@vm running job.ini --hc=None",
            "[2026-11-22 04:24:36 #1 INFO] Received 1 * 1.69 KB from read_source_model",
            "{'source_model.xml': '1.69 KB'}",
            "[2026-11-22 04:24:45 #7 mosaic INFO]   id | name",
            "   1 | Full Report",
            "",
        ]);
        assert_eq!(
            summary(&rows),
            vec![
                (LogLevel::Warning, "root@vm running job.ini --hc=None"),
                (
                    LogLevel::Info,
                    "Received 1 * 1.69 KB from read_source_model\n{'source_model.xml': '1.69 KB'}"
                ),
                (LogLevel::Info, "  id | name\n   1 | Full Report"),
            ]
        );
        assert_eq!(rows[0].process, "oq/42");
        assert_eq!(
            rows[0].timestamp.format("%Y-%m-%d %H:%M:%S").to_string(),
            "2026-11-22 04:24:36"
        );
        assert_eq!(end.traceback, None);
        assert_eq!(end.last_line.as_deref(), Some("   1 | Full Report"));
    }

    #[test]
    fn lines_before_any_record_start_one_at_the_stray_level() {
        let (rows, _) = parse(&["", "Job 5 not found", "[bracketed] but no header"]);
        assert_eq!(
            summary(&rows),
            vec![(
                LogLevel::Warning,
                "Job 5 not found\n[bracketed] but no header"
            )]
        );
    }

    #[test]
    fn keeps_the_last_traceback_apart() {
        let (rows, end) = parse(&[
            "[2026-11-22 04:25:58 #1 INFO] Reading source_model_logic_tree.xml",
            "Traceback (most recent call last):",
            "  File \"logictree.py\", line 621, in parse_branches",
            "FileNotFoundError: missing.xml",
            "",
            "The above exception was the direct cause of the following exception:",
            "",
            "Traceback (most recent call last):",
            "  File \"oq\", line 6, in <module>",
            "    sys.exit(oq())",
            "LogicTreeError: line 8: missing.xml",
            "",
        ]);
        assert_eq!(
            summary(&rows),
            vec![(LogLevel::Info, "Reading source_model_logic_tree.xml")]
        );
        assert_eq!(
            end.traceback.unwrap(),
            vec![
                "  File \"oq\", line 6, in <module>",
                "    sys.exit(oq())",
                "LogicTreeError: line 8: missing.xml",
            ]
        );
    }

    #[test]
    fn a_traceback_followed_by_more_logging_becomes_a_warning_row() {
        let (rows, end) = parse(&[
            "Traceback (most recent call last):",
            "ValueError: boom",
            "[2026-11-22 04:25:58 #1 INFO] still running",
        ]);
        assert_eq!(
            summary(&rows),
            vec![
                (
                    LogLevel::Warning,
                    "Traceback (most recent call last):\nValueError: boom"
                ),
                (LogLevel::Info, "still running"),
            ]
        );
        assert_eq!(end.traceback, None);
    }

    #[test]
    fn rejects_lines_that_only_look_like_headers() {
        for line in [
            "[2026-11-22 04:24:36 #x INFO] no calc id",
            "[2026-11-22 04:24:36 #1 NOTICE] unknown level",
            "[2026-11-22 #1 INFO] no time",
            "[2026-11-22 04:24:36 #1 a b INFO] two tags",
        ] {
            assert!(parse_header(line).is_none(), "{line}");
        }
    }
}
