//! Integration tests of the NRML reader and validator, one module per concern; the helpers
//! they share are here.

mod demos;
mod documents;
mod fixtures;
mod logic_tree;
mod robustness;
mod site_model;
mod source_model;

use oqcloud_nrml::{Validation, validate};

/// File name passed to the validator in tests.
pub const FILE: &str = "test.xml";

/// `text` with the first `old` replaced by `new`; `old` must be there.
pub fn replace(text: &str, old: &str, new: &str) -> String {
    assert!(text.contains(old), "{old:?} is not in the document");
    text.replacen(old, new, 1)
}

/// Asserts that `xml` validates.
pub fn assert_valid(xml: &str) {
    assert_eq!(
        validate(xml, FILE),
        Validation {
            error_msg: None,
            error_line: None,
            valid: true
        }
    );
}

/// Asserts that `xml` is rejected at `line` with a message containing `fragment`.
pub fn assert_invalid(xml: &str, line: u32, fragment: &str) {
    let validation = validate(xml, FILE);
    assert!(
        !validation.valid,
        "expected an error containing {fragment:?}"
    );
    let message = validation.error_msg.unwrap_or_default();
    assert!(
        message.contains(fragment),
        "{message:?} does not contain {fragment:?}"
    );
    assert_eq!(validation.error_line, Some(line), "line of {message:?}");
}
