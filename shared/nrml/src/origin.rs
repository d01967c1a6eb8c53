//! Where a typed value was read from, so that checks made after parsing can still name the
//! element and line, as OpenQuake's messages do.

use crate::error::NodeError;

/// The element a value was read from: its tag (without namespace) and the line of its start tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    pub tag: &'static str,
    pub line: u32,
}

impl Origin {
    pub(crate) fn error(&self, message: impl Into<String>) -> NodeError {
        NodeError::new(self.tag, self.line, message)
    }
}
