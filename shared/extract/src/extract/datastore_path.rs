//! Raw datastore paths, the fallback of a spec that is no registered key: a top-level
//! dataset (`hcurves-stats`) gives its data as `array` and its attributes; a group gives the
//! names of its members as `array` and its attributes. `<path>.attrs` gives the attributes
//! only. Attributes whose name starts with `_` (`__pyclass__`, ...) are left out, as the
//! reference's `save_npz` does.

use oqcloud_datastore::{AttrValue, Datastore, RawArray};

use super::npz::{NpyArray, Npz};
use super::{ExtractResult, bad};

/// Extracts the dataset or group `what` (or its attributes, for `<path>.attrs`).
pub(super) fn extract(ds: &Datastore, what: &str) -> ExtractResult {
    let (path, attrs_only) = match what.strip_suffix(".attrs") {
        Some(path) if !ds.contains(what) => (path, true),
        _ => (what, false),
    };
    if path.is_empty() || !ds.contains(path) {
        return Err(bad(format!(
            "unknown extract spec '{what}': neither an extractor nor a datastore path"
        )));
    }
    let mut npz = Npz::new();
    for (name, value) in ds.attrs(path)? {
        if !name.starts_with('_') {
            npz.add(name, attr_array(value));
        }
    }
    npz.add_extra();
    if !attrs_only {
        let array = if ds.is_group(path)? {
            let members = ds.members(path)?;
            (!members.is_empty()).then(|| NpyArray::unicode(&members))
        } else {
            let raw = ds.read_dataset_raw(path)?;
            // an empty array is left out, as the reference's `ArrayWrapper` does
            (raw.shape.is_empty() || !raw.is_empty()).then(|| NpyArray::from_raw(raw))
        };
        if let Some(array) = array {
            npz.add("array", array);
        }
    }
    Ok(npz)
}

/// An attribute as `save_npz` writes it: strings as UTF-8 bytes, numbers as 0-d or 1-D
/// arrays.
fn attr_array(value: AttrValue) -> NpyArray {
    match value {
        AttrValue::Str(text) => NpyArray::bytes_scalar(&text),
        AttrValue::Strs(texts) => NpyArray::from_raw(RawArray::from_strings(&texts)),
        AttrValue::Int(i) => {
            let mut a = NpyArray::i64s(&[i]);
            a.shape.clear();
            a
        }
        AttrValue::Ints(values) => NpyArray::i64s(&values),
        AttrValue::Float(x) => NpyArray::f64_scalar(x),
        AttrValue::Floats(values) => NpyArray::f64s(&values),
        AttrValue::Bool(b) => NpyArray::bool_scalar(b),
        AttrValue::Raw(raw) => NpyArray::from_raw(raw),
    }
}
