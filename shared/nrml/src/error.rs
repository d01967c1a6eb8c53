//! Errors of reading an NRML document, each with the file and, where there is one, the line.

/// Why an NRML document was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NrmlError {
    /// The text is not well-formed XML; `message` uses expat's wording (`mismatched tag`, ...).
    #[error("{file}: {line}: {message}")]
    Syntax {
        file: String,
        line: u32,
        message: String,
    },
    /// The document as a whole is not NRML (root element or namespace).
    #[error("{file}: {message}")]
    Document { file: String, message: String },
    /// The content of element `tag`, which starts on `line`, is invalid.
    #[error("node {tag}: {message}, line {line} of {file}")]
    Node {
        file: String,
        tag: String,
        line: u32,
        message: String,
    },
}

impl NrmlError {
    /// The line the error is about, if it is about one.
    pub fn line(&self) -> Option<u32> {
        match self {
            NrmlError::Syntax { line, .. } | NrmlError::Node { line, .. } => Some(*line),
            NrmlError::Document { .. } => None,
        }
    }

    /// The message as `/v1/valid/` reports it: node errors without their line and file suffix.
    pub fn short_message(&self) -> String {
        match self {
            NrmlError::Node { tag, message, .. } => format!("node {tag}: {message}"),
            other => other.to_string(),
        }
    }
}

/// An error at an element, before the file name is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NodeError {
    pub tag: String,
    pub line: u32,
    pub message: String,
}

impl NodeError {
    pub(crate) fn new(tag: impl Into<String>, line: u32, message: impl Into<String>) -> Self {
        NodeError {
            tag: tag.into(),
            line,
            message: message.into(),
        }
    }

    pub(crate) fn in_file(self, file: &str) -> NrmlError {
        NrmlError::Node {
            file: file.to_owned(),
            tag: self.tag,
            line: self.line,
            message: self.message,
        }
    }
}

/// Result of the crate's internal readers and checks.
pub(crate) type NodeResult<T> = Result<T, NodeError>;
