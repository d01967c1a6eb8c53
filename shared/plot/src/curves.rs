//! Hazard curves of one site and IMT: PoE against intensity level, both axes logarithmic,
//! one line per kind.

use plotters::prelude::*;

use crate::PlotError;
use crate::canvas::{Area, FONT, legend, series_color};
use crate::job::{Imt, Job, Site};
use crate::kinds::Series;

/// More series than this are drawn in grey under one legend entry (realizations).
pub const MAX_LEGEND: usize = 12;

/// Draws the curves of `series` (each `[1, 1, levels]`).
pub fn draw(
    root: &Area,
    job: &Job,
    imt: &Imt,
    site: &Site,
    series: &[Series],
) -> Result<(), PlotError> {
    let mut lines = Vec::new();
    for (kind, array) in series {
        let poes = array.numbers()?;
        if poes.len() != imt.levels.len() {
            return Err(PlotError::Data(format!(
                "{kind}: {} values for the {} levels of {}",
                poes.len(),
                imt.levels.len(),
                imt.name
            )));
        }
        // a log axis cannot show a zero probability
        let points: Vec<(f64, f64)> = imt
            .levels
            .iter()
            .copied()
            .zip(poes)
            .filter(|&(level, poe)| level > 0.0 && poe > 0.0)
            .collect();
        lines.push((kind.as_str(), points));
    }
    let positive = |values: &mut dyn Iterator<Item = f64>| {
        values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        })
    };
    let (x_min, x_max) = positive(&mut imt.levels.iter().copied().filter(|&l| l > 0.0));
    let (y_min, y_max) = positive(&mut lines.iter().flat_map(|(_, p)| p.iter().map(|&(_, y)| y)));
    // empty ranges are (inf, -inf)
    let drawable = x_min < x_max && y_min <= y_max;
    if !drawable {
        return Err(PlotError::Data(format!(
            "nothing to draw: every probability of exceedance of {} at {} is zero",
            imt.name,
            site.label()
        )));
    }
    let y_range = decade_below(y_min)..decade_above(y_max).min(1.0).max(y_min * 10.0);

    let mut chart = ChartBuilder::on(root)
        .caption(
            format!("Hazard curves of {} at {}", imt.name, site.label()),
            (FONT, 24),
        )
        .margin(20)
        .x_label_area_size(55)
        .y_label_area_size(80)
        .build_cartesian_2d((x_min..x_max).log_scale(), y_range.log_scale())?;
    chart
        .configure_mesh()
        .x_desc(imt.label())
        .y_desc(job.poe_label())
        .axis_desc_style((FONT, 18))
        .label_style((FONT, 14))
        .x_label_formatter(&|v| format!("{v:.3}"))
        .y_label_formatter(&|v| format!("{v:.0e}"))
        .draw()?;

    let many = lines.len() > MAX_LEGEND;
    let mut grey_labelled = false;
    for (i, (kind, points)) in lines.into_iter().enumerate() {
        let grey = many && kind.starts_with("rlz-");
        let style = if grey {
            RGBColor(170, 170, 170).stroke_width(1)
        } else {
            series_color(i).stroke_width(3)
        };
        let drawn = chart.draw_series(LineSeries::new(points, style))?;
        if !grey {
            drawn.label(kind);
        } else if !grey_labelled {
            grey_labelled = true;
            drawn.label("realizations");
        } else {
            continue;
        }
        drawn.legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], style));
    }
    legend(&mut chart, SeriesLabelPosition::LowerLeft)
}

/// The power of ten at or below `v`.
fn decade_below(v: f64) -> f64 {
    10f64.powf(v.log10().floor())
}

/// The power of ten at or above `v`.
fn decade_above(v: f64) -> f64 {
    10f64.powf(v.log10().ceil())
}
