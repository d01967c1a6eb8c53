//! Uniform hazard spectra of one site: spectral acceleration against period, one line per
//! kind and PoE.

use plotters::prelude::*;

use crate::PlotError;
use crate::canvas::{Area, FONT, legend, series_color};
use crate::job::{Job, Site, trim_float};
use crate::kinds::Series;

/// The period of an IMT of a spectrum: 0 for PGA, T for SA(T).
fn period(imt: &str) -> Option<f64> {
    if imt == "PGA" {
        return Some(0.0);
    }
    imt.strip_prefix("SA(")?.strip_suffix(')')?.parse().ok()
}

/// Draws the spectra of `series` (each one record: PoE → IMT → value).
pub fn draw(root: &Area, job: &Job, site: &Site, series: &[Series]) -> Result<(), PlotError> {
    let mut lines: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for (kind, array) in series {
        for poe in array.field_names() {
            let mut points = Vec::new();
            for imt in array.subfield_names(poe) {
                let Some(t) = period(imt) else { continue };
                let value = array.field(&[poe, imt])?;
                if let Some(&v) = value.first() {
                    points.push((t, v));
                }
            }
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            let poe = poe.parse::<f64>().map_or(poe.to_owned(), |p| p.to_string());
            lines.push((format!("{kind}, PoE {poe}"), points));
        }
    }
    let points = || lines.iter().flat_map(|(_, p)| p.iter().copied());
    if points().count() < 2 {
        return Err(PlotError::Data(
            "a spectrum needs PGA or SA IMTs and hazard maps (poes)".into(),
        ));
    }
    let t_max = points().map(|(t, _)| t).fold(0.0, f64::max).max(0.1);
    let v_max = points().map(|(_, v)| v).fold(0.0, f64::max).max(1e-6);

    let mut chart = ChartBuilder::on(root)
        .caption(
            format!(
                "Uniform hazard spectra at {}, PoEs in {} years",
                site.label(),
                trim_float(job.investigation_time)
            ),
            (FONT, 24),
        )
        .margin(20)
        .x_label_area_size(55)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..t_max * 1.05, 0.0..v_max * 1.1)?;
    chart
        .configure_mesh()
        .x_desc("period [s]")
        .y_desc("spectral acceleration [g]")
        .axis_desc_style((FONT, 18))
        .label_style((FONT, 14))
        .draw()?;
    for (i, (label, points)) in lines.into_iter().enumerate() {
        let style = series_color(i).stroke_width(3);
        chart
            .draw_series(LineSeries::new(points.clone(), style))?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], style));
        chart.draw_series(
            points
                .into_iter()
                .map(|p| Circle::new(p, 4, series_color(i).filled())),
        )?;
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight)
}
