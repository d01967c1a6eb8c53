//! `exposure` (format `zip`: the files are zipped when served): the exposure of the
//! calculation as an exposure model, `exposure_<calc>.xml` (NRML 0.5: the cost types of the
//! `exposure` dataset, the tag names but the first, the assets file) and `assetcol_<calc>.csv`
//! (the fields of `assetcol/array` but the tags, `ordinal` and `site_id`, floats `%.5E`, then
//! the tag values in tag name order; no metadata row).

use std::fmt::Write as _;
use std::path::PathBuf;

use oqcloud_datastore::{DType, Datastore};

use super::super::csv;
use super::super::{ExportError, Target};
use super::extract_error;
use crate::extract::risk::assets::{Assets, exposure_array};

pub(super) fn export(ds: &Datastore, target: &Target) -> Result<Vec<PathBuf>, ExportError> {
    let csv_path = assets_csv(ds, target)?;
    let xml_path = target.path("exposure", "xml");
    let assets_file = csv_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let xml = exposure_xml(ds, &assets_file)?;
    std::fs::write(&xml_path, xml).map_err(|source| ExportError::Io {
        path: xml_path.clone(),
        source,
    })?;
    Ok(vec![csv_path, xml_path])
}

/// `assetcol_<calc>.csv`.
fn assets_csv(ds: &Datastore, target: &Target) -> Result<PathBuf, ExportError> {
    let array = exposure_array(ds).map_err(extract_error("exposure"))?;
    let assets = Assets::read(ds).map_err(extract_error("exposure"))?;
    let mut tagnames = assets.tag_names();
    tagnames.sort_unstable();
    let DType::Compound { fields, .. } = &array.dtype else {
        return Err(ExportError::missing("assetcol/array records", "exposure"));
    };
    let mut header = Vec::new();
    let mut columns: Vec<Vec<String>> = Vec::new();
    for field in fields {
        let name = field.name.as_str();
        if tagnames.contains(&name) || name == "ordinal" || name == "site_id" {
            continue;
        }
        let Some(column) = array.field(name) else {
            continue;
        };
        let cells = match &field.dtype {
            DType::Float(_) => column
                .to_f64("assetcol/array")?
                .into_iter()
                .map(csv::pandas_float)
                .collect(),
            DType::Bytes(_) => column.to_strings("assetcol/array")?,
            _ => column
                .to_i64("assetcol/array")?
                .into_iter()
                .map(|v| v.to_string())
                .collect(),
        };
        header.push(name.to_owned());
        columns.push(cells);
    }
    for tag in tagnames {
        header.push(tag.to_owned());
        let values = assets.tag_column(tag).map_err(extract_error("exposure"))?;
        columns.push(values.into_iter().map(str::to_owned).collect());
    }
    let rows = (0..array.len()).map(|a| columns.iter().map(|c| c[a].clone()).collect());
    csv::write(target.path("assetcol", "csv"), &[], &header, rows)
}

/// The NRML exposure model naming `assets_file`, as the reference's `nrml.write` lays it out
/// (4-space indentation, attributes sorted, one per line on elements with content).
fn exposure_xml(ds: &Datastore, assets_file: &str) -> Result<String, ExportError> {
    let cost_types = ds.read_dataset_raw("exposure")?;
    let column = |name: &str| -> Result<Vec<String>, ExportError> {
        Ok(cost_types
            .field(name)
            .ok_or_else(|| ExportError::missing(format!("exposure {name}"), "exposure"))?
            .to_strings("exposure")?)
    };
    let (loss_types, kinds, units) = (column("loss_type")?, column("cost_type")?, column("unit")?);
    let assets = Assets::read(ds).map_err(extract_error("exposure"))?;
    let tagnames = assets.tag_names();
    let other_tags = tagnames.get(1..).unwrap_or(&[]).join(" ");

    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let line = |xml: &mut String, level: usize, text: &str| {
        let _ = writeln!(xml, "{}{}", " ".repeat(4 * level), text);
    };
    let open = |xml: &mut String, level: usize, tag: &str, attrs: &[(&str, &str)]| {
        if attrs.is_empty() {
            line(xml, level, &format!("<{tag}>"));
            return;
        }
        line(xml, level, &format!("<{tag}"));
        let mut attrs = attrs.to_vec();
        attrs.sort_unstable();
        for (name, value) in attrs {
            line(xml, level, &format!("{name}={}", quote_attr(value)));
        }
        line(xml, level, ">");
    };
    let text_element = |xml: &mut String, level: usize, tag: &str, text: &str| {
        line(xml, level, &format!("<{tag}>"));
        if !text.trim().is_empty() {
            line(xml, level + 1, text.trim());
        }
        line(xml, level, &format!("</{tag}>"));
    };
    open(
        &mut xml,
        0,
        "nrml",
        &[
            ("xmlns", "http://openquake.org/xmlns/nrml/0.5"),
            ("xmlns:gml", "http://www.opengis.net/gml"),
        ],
    );
    open(
        &mut xml,
        1,
        "exposureModel",
        &[("id", "exposure"), ("category", "buildings")],
    );
    text_element(&mut xml, 2, "description", "Generated exposure");
    line(&mut xml, 2, "<conversions>");
    line(&mut xml, 3, "<costTypes>");
    for ((name, kind), unit) in loss_types.iter().zip(&kinds).zip(&units) {
        let mut attrs = [("name", name), ("type", kind), ("unit", unit)];
        attrs.sort_unstable();
        let attrs: Vec<String> = attrs
            .iter()
            .map(|(n, v)| format!("{n}={}", quote_attr(v)))
            .collect();
        line(&mut xml, 4, &format!("<costType {}/>", attrs.join(" ")));
    }
    line(&mut xml, 3, "</costTypes>");
    line(&mut xml, 2, "</conversions>");
    text_element(&mut xml, 2, "occupancyPeriods", "");
    text_element(&mut xml, 2, "tagNames", &other_tags);
    text_element(&mut xml, 2, "assets", assets_file);
    line(&mut xml, 1, "</exposureModel>");
    line(&mut xml, 0, "</nrml>");
    Ok(xml)
}

/// Python's `xml.sax.saxutils.quoteattr`: `&`, `<`, `>` and line breaks and tabs escaped, in
/// double quotes (single quotes when the value has a double quote but no single one).
fn quote_attr(value: &str) -> String {
    let escaped = value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
        .replace('\t', "&#9;");
    if !escaped.contains('"') {
        format!("\"{escaped}\"")
    } else if !escaped.contains('\'') {
        format!("'{escaped}'")
    } else {
        format!("\"{}\"", escaped.replace('"', "&quot;"))
    }
}
