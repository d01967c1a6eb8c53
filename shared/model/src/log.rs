//! Log rows of a calculation.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

/// Severity of a log row, as Python's logging names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    Debug,
    Info,
    Warning,
    Error,
    Critical,
}

impl LogLevel {
    /// The upper-case name used on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "DEBUG",
            LogLevel::Info => "INFO",
            LogLevel::Warning => "WARNING",
            LogLevel::Error => "ERROR",
            LogLevel::Critical => "CRITICAL",
        }
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LogLevel {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "DEBUG" => Ok(LogLevel::Debug),
            "INFO" => Ok(LogLevel::Info),
            "WARNING" | "WARN" => Ok(LogLevel::Warning),
            "ERROR" => Ok(LogLevel::Error),
            "CRITICAL" | "FATAL" => Ok(LogLevel::Critical),
            other => Err(format!("unknown log level {other:?}")),
        }
    }
}

/// One log row: `[timestamp, level, process, message]` on the wire.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRecord {
    pub timestamp: DateTime<Utc>,
    pub level: LogLevel,
    /// `<processName>/<pid>`, or `before starting` for errors found before the run.
    pub process: String,
    pub message: String,
}

impl LogRecord {
    /// The process name OpenQuake writes on rows logged while a submission is checked.
    pub const BEFORE_STARTING: &'static str = "before starting";

    /// A row stamped now.
    pub fn now(level: LogLevel, process: impl Into<String>, message: impl Into<String>) -> Self {
        LogRecord {
            timestamp: Utc::now(),
            level,
            process: process.into(),
            message: message.into(),
        }
    }
}
