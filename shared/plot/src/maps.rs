//! Hazard maps of one IMT: the sites at their coordinates coloured by the intensity with the
//! given PoE, one panel per kind (rows) and PoE (columns), one colour bar for all.

use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;

use crate::PlotError;
use crate::canvas::{Area, FONT};
use crate::job::{Imt, Job, trim_float};
use crate::kinds::Series;

/// Width of the colour bar area, in pixels.
const BAR_WIDTH: u32 = 130;

/// More panels than this would be too small to read.
const MAX_PANELS: usize = 12;

/// Draws the maps of `series` (each `[sites, 1, poes]`).
pub fn draw(root: &Area, job: &Job, imt: &Imt, series: &[Series]) -> Result<(), PlotError> {
    let (n, p) = (job.sites.len(), job.poes.len());
    if p == 0 {
        return Err(PlotError::Unsupported(
            "hmaps: the calculation has no poes, hence no hazard maps".into(),
        ));
    }
    if series.len() * p > MAX_PANELS {
        return Err(PlotError::Spec(format!(
            "hmaps: {} kinds x {p} PoEs make more than {MAX_PANELS} maps; ask for fewer kinds",
            series.len()
        )));
    }
    let mut values = Vec::new();
    for (kind, array) in series {
        let v = array.numbers()?;
        if v.len() != n * p {
            return Err(PlotError::Data(format!(
                "{kind}: {} values for {n} sites and {p} PoEs",
                v.len()
            )));
        }
        values.push((kind, v));
    }
    let (lo, hi) = values
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        return Err(PlotError::Data(
            "the hazard maps hold no finite value".into(),
        ));
    }
    let hi = if hi > lo { hi } else { lo + 1e-6 };

    let (width, height) = root.dim_in_pixel();
    let title = format!(
        "Hazard maps of {}: intensity with the given probability of exceedance in {} years",
        imt.name,
        trim_float(job.investigation_time)
    );
    let body = root.titled(&title, (FONT, 22))?;
    let (maps_area, bar_area) = body.split_horizontally(width.saturating_sub(BAR_WIDTH));
    let panels = maps_area.split_evenly((values.len(), p));

    let (lon_range, lat_range) = extent(&job.sites);
    let radius = ((f64::from(width.min(height)) / (n as f64).sqrt() / 6.0).clamp(2.0, 14.0)) as i32;
    for (row, (kind, v)) in values.iter().enumerate() {
        for (col, poe) in job.poes.iter().enumerate() {
            let mut chart = ChartBuilder::on(&panels[row * p + col])
                .caption(format!("{kind}, PoE {poe}"), (FONT, 18))
                .margin(10)
                .x_label_area_size(40)
                .y_label_area_size(60)
                .build_cartesian_2d(lon_range.clone(), lat_range.clone())?;
            chart
                .configure_mesh()
                .x_desc("longitude")
                .y_desc("latitude")
                .axis_desc_style((FONT, 14))
                .label_style((FONT, 12))
                .x_labels(5)
                .y_labels(5)
                .draw()?;
            chart.draw_series(job.sites.iter().enumerate().map(|(site, &(x, y))| {
                let color = ViridisRGB.get_color_normalized(v[site * p + col], lo, hi);
                Circle::new((x, y), radius, color.filled())
            }))?;
        }
    }
    colour_bar(&bar_area, lo, hi, &imt.label())
}

/// The longitude and latitude ranges of the sites, padded.
fn extent(sites: &[(f64, f64)]) -> (std::ops::Range<f64>, std::ops::Range<f64>) {
    let range = |values: &mut dyn Iterator<Item = f64>| {
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        let pad = ((hi - lo) * 0.08).max(0.05);
        lo - pad..hi + pad
    };
    (
        range(&mut sites.iter().map(|s| s.0)),
        range(&mut sites.iter().map(|s| s.1)),
    )
}

/// A vertical colour bar from `lo` to `hi`, labelled with the IMT and unit.
pub(crate) fn colour_bar(area: &Area, lo: f64, hi: f64, label: &str) -> Result<(), PlotError> {
    let mut chart = ChartBuilder::on(area)
        .margin_top(60)
        .margin_bottom(60)
        .margin_right(10)
        .y_label_area_size(85)
        .build_cartesian_2d(0.0..1.0, lo..hi)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_desc(label)
        .axis_desc_style((FONT, 14))
        .label_style((FONT, 12))
        .y_label_formatter(&|v| format!("{v:.3}"))
        .draw()?;
    const STEPS: usize = 100;
    let step = (hi - lo) / STEPS as f64;
    chart.draw_series((0..STEPS).map(|i| {
        let y = lo + step * i as f64;
        let color = ViridisRGB.get_color_normalized(y + step / 2.0, lo, hi);
        Rectangle::new([(0.0, y), (1.0, y + step)], color.filled())
    }))?;
    Ok(())
}
