//! Arbitrary text through `oqcloud_nrml::read`: XML syntax errors, the NRML root and
//! namespace, and every model it reads (source models with each source and MFD kind, logic
//! trees, site models, models not read) with their checks. Besides not panicking, an error
//! must name a line of the text, if any.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(error) = oqcloud_nrml::read(text, "fuzz.xml") {
        let _ = (error.to_string(), error.short_message());
        if let Some(line) = error.line() {
            let lines = text.matches('\n').count() + 1;
            assert!(
                (1..=lines).contains(&(line as usize)),
                "line {line} of {lines}: {error}"
            );
        }
    }
});
