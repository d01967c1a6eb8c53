//! Disaggregation of one site, IMT and PoE, drawn from `extract/disagg`: a bar chart (one
//! bar per bin and realization or statistic) for the outputs of one axis (`Mag`, `Dist`,
//! `Eps`, `TRT`), a heat map with a colour bar for the outputs of two (`Mag_Dist`,
//! `Lon_Lat`, `TRT_Mag`, ...; the realizations averaged with their weights).

use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;

use crate::PlotError;
use crate::canvas::{Area, FONT, legend, series_color};
use crate::job::{Imt, Job, Site, trim_float};
use crate::maps::colour_bar;
use crate::npz::NpzFile;

/// One axis of the matrix: its name and the label of each bin.
struct Axis {
    name: String,
    bins: Vec<String>,
}

/// The axis label of an axis name of `shape_descr`.
fn axis_title(name: &str) -> &str {
    match name {
        "mag" => "magnitude",
        "dist" => "distance [km]",
        "eps" => "epsilon",
        "lon" => "longitude",
        "lat" => "latitude",
        "trt" => "tectonic region type",
        other => other,
    }
}

/// What is drawn: the disaggregation `extract` of `kind`, with its title.
pub struct Request<'a> {
    pub job: &'a Job,
    pub imt: &'a Imt,
    pub site: &'a Site,
    pub kind: &'a str,
    pub spec: &'a str,
    pub poe: f64,
}

/// Draws the matrix of `file` (an `extract/disagg` archive of one IMT and one PoE).
pub fn draw(root: &Area, request: &Request, file: &NpzFile) -> Result<(), PlotError> {
    let descr = file.require("shape_descr")?.texts()?;
    let mut axes = Vec::new();
    for name in descr.iter().filter(|n| *n != "imt" && *n != "poe") {
        let values = file.require(name)?;
        let bins = match values.numbers() {
            Ok(numbers) => numbers.iter().map(|v| trim_float(*v)).collect(),
            Err(_) => values.texts()?,
        };
        axes.push(Axis {
            name: name.clone(),
            bins,
        });
    }
    let array = file.require("array")?;
    let values = array.numbers()?;
    let columns = file.require("extra")?.texts()?;
    let z = columns.len().max(1);
    let cells: usize = axes.iter().map(|a| a.bins.len()).product();
    if values.len() != cells * z {
        return Err(PlotError::Data(format!(
            "{} values for {cells} bins and {z} realizations (ask for one imt and one poe_id)",
            values.len()
        )));
    }
    let traditional = request.spec.ends_with("traditional");
    let value_title = if traditional {
        "contribution to the hazard"
    } else {
        "probability of exceedance"
    };
    let title = format!(
        "{} ({}), {}, {}, PoE {} in {} years",
        request.kind,
        request.spec,
        request.site.label(),
        request.imt.name,
        trim_float(request.poe),
        trim_float(request.job.investigation_time)
    );
    match axes.as_slice() {
        [axis] => bars(root, &title, axis, &columns, &values, value_title),
        [x, y] => {
            let weights = match file.get("weights") {
                Some(w) => w.numbers()?,
                None => vec![1.0 / z as f64; z],
            };
            let mean: Vec<f64> = values
                .chunks(z)
                .map(|row| row.iter().zip(&weights).map(|(v, w)| v * w).sum())
                .collect();
            heat_map(root, &title, x, y, &mean, value_title)
        }
        _ => Err(PlotError::Unsupported(format!(
            "disagg: {} has {} axes; plottable are the outputs of one axis (Mag, Dist, Eps, \
             TRT) or two (Mag_Dist, Lon_Lat, TRT_Mag, ...)",
            request.kind,
            axes.len()
        ))),
    }
}

/// Bins on the x axis as categories: the label of bin `i` at `i + 0.5`.
fn category_label(axis: &Axis, x: f64) -> String {
    let i = x - 0.5;
    if (i - i.round()).abs() < 1e-9 && i >= 0.0 {
        axis.bins
            .get(i.round() as usize)
            .cloned()
            .unwrap_or_default()
    } else {
        String::new()
    }
}

fn bars(
    root: &Area,
    title: &str,
    axis: &Axis,
    columns: &[String],
    values: &[f64],
    value_title: &str,
) -> Result<(), PlotError> {
    let z = columns.len().max(1);
    let top = values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let top = if top > 0.0 { top * 1.1 } else { 1.0 };
    let n = axis.bins.len();
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 20))
        .margin(20)
        .x_label_area_size(55)
        .y_label_area_size(90)
        .build_cartesian_2d(0.0..n as f64, 0.0..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(2 * n + 1)
        .x_label_formatter(&|x| category_label(axis, *x))
        .x_desc(axis_title(&axis.name))
        .y_desc(value_title)
        .axis_desc_style((FONT, 18))
        .label_style((FONT, 14))
        .draw()?;
    let width = 0.8 / z as f64;
    for (c, column) in columns.iter().enumerate() {
        let color = series_color(c);
        chart
            .draw_series((0..n).map(|b| {
                let x0 = b as f64 + 0.1 + c as f64 * width;
                let v = values[b * z + c];
                Rectangle::new([(x0, 0.0), (x0 + width, v)], color.filled())
            }))?
            .label(column.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], color.filled()));
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight)
}

/// Width of the colour bar area, in pixels.
const BAR_WIDTH: u32 = 150;

fn heat_map(
    root: &Area,
    title: &str,
    x: &Axis,
    y: &Axis,
    values: &[f64],
    value_title: &str,
) -> Result<(), PlotError> {
    let hi = values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let hi = if hi > 0.0 { hi } else { 1.0 };
    let body = root.titled(title, (FONT, 20))?;
    let (width, _) = body.dim_in_pixel();
    let (map_area, bar_area) = body.split_horizontally(width.saturating_sub(BAR_WIDTH));
    let (nx, ny) = (x.bins.len(), y.bins.len());
    let mut chart = ChartBuilder::on(&map_area)
        .margin(20)
        .x_label_area_size(55)
        .y_label_area_size(if y.name == "trt" { 200 } else { 80 })
        .build_cartesian_2d(0.0..nx as f64, 0.0..ny as f64)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(2 * nx + 1)
        .y_labels(2 * ny + 1)
        .x_label_formatter(&|v| category_label(x, *v))
        .y_label_formatter(&|v| category_label(y, *v))
        .x_desc(axis_title(&x.name))
        .y_desc(axis_title(&y.name))
        .axis_desc_style((FONT, 18))
        .label_style((FONT, 13))
        .draw()?;
    chart.draw_series((0..nx).flat_map(|i| {
        (0..ny).map(move |j| {
            let color = ViridisRGB.get_color_normalized(values[i * ny + j], 0.0, hi);
            Rectangle::new(
                [(i as f64, j as f64), (i as f64 + 1.0, j as f64 + 1.0)],
                color.filled(),
            )
        })
    }))?;
    colour_bar(&bar_area, 0.0, hi, value_title)
}
