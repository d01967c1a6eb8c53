//! `report_<calc>.rst`: the calculation's summary in reStructuredText, as the first sections
//! of OpenQuake's full report (title, datastore attributes, sizes, GSIMs per tectonic region
//! type). The reference's later sections (source timings, task statistics) describe its own
//! internals and are not written.

use std::path::PathBuf;

use oqcloud_datastore::{AttrValue, Datastore};

use super::{ExportError, Target};

pub(super) fn export(ds: &Datastore, target: &Target) -> Result<Vec<PathBuf>, ExportError> {
    let oq = ds.oqparam()?;
    let title = oq.description().unwrap_or("no description").to_owned();
    let mut text = format!("{title}\n{}\n\n", "=".repeat(title.chars().count()));

    let attrs: Vec<Vec<String>> = ["checksum32", "date", "engine_version", "input_size"]
        .iter()
        .filter_map(|name| {
            let value = match ds.attr("", name).ok()? {
                AttrValue::Str(s) => s,
                AttrValue::Int(i) => grouped(i),
                _ => return None,
            };
            Some(vec![(*name).to_owned(), value])
        })
        .collect();
    text.push_str(&grid(&[], &attrs));

    let num_sites = ds.sitecol()?.len();
    let num_levels: usize = oq.hazard_imtls()?.iter().map(|(_, l)| l.len()).sum();
    let num_rlzs = ds.weights()?.len();
    text.push_str(&format!(
        "\nnum_sites = {num_sites}, num_levels = {num_levels}, num_rlzs = {num_rlzs}\n"
    ));

    let full_lt = ds.full_lt()?;
    let mut by_trt: Vec<(String, Vec<String>)> = Vec::new();
    for branch in &full_lt.gsim_lt {
        match by_trt.iter_mut().find(|(trt, _)| *trt == branch.trt) {
            Some((_, gsims)) => gsims.push(branch.uncertainty.clone()),
            None => by_trt.push((branch.trt.clone(), vec![branch.uncertainty.clone()])),
        }
    }
    if !by_trt.is_empty() {
        let section = "GSIMs per tectonic region type";
        text.push_str(&format!("\n{section}\n{}\n", "-".repeat(section.len())));
        let rows: Vec<Vec<String>> = by_trt
            .into_iter()
            .map(|(trt, gsims)| vec![trt, gsims.join(" ")])
            .collect();
        text.push_str(&grid(&["trt", "gsims"], &rows));
    }
    let path = target.path("report", "rst");
    std::fs::write(&path, text).map_err(|source| ExportError::Io {
        path: path.clone(),
        source,
    })?;
    Ok(vec![path])
}

/// An integer with `_` between thousands, as the reference's report writes them.
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('_');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// An RST grid table; `header` may be empty.
fn grid(header: &[&str], rows: &[Vec<String>]) -> String {
    let columns = rows.first().map_or(header.len(), Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            let cells = rows.iter().map(|r| r[c].chars().count());
            cells
                .chain(header.get(c).map(|h| h.len()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let rule = |fill: char| {
        let parts: Vec<String> = widths
            .iter()
            .map(|w| fill.to_string().repeat(w + 2))
            .collect();
        format!("+{}+\n", parts.join("+"))
    };
    let line = |cells: &[String]| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!(" {cell:<w$} "))
            .collect();
        format!("|{}|\n", parts.join("|"))
    };
    let mut out = rule('-');
    if !header.is_empty() {
        let names: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
        out.push_str(&line(&names));
        out.push_str(&rule('-'));
    }
    for row in rows {
        out.push_str(&line(row));
        out.push_str(&rule('-'));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn thousands_grouped_with_underscores() {
        assert_eq!(grouped(755_930_395), "755_930_395");
        assert_eq!(grouped(5082), "5_082");
        assert_eq!(grouped(12), "12");
    }
}
