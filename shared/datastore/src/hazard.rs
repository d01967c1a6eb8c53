//! Hazard curves and maps: `hcurves-rlzs`, `hcurves-stats`, `hmaps-rlzs`, `hmaps-stats`.

use ndarray::Array4;
use serde_json::{Map, Value, json};

use crate::error::{Error, Result};

/// Which hazard array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HazardKind {
    /// `hcurves-rlzs` (sites, rlzs, imts, levels).
    CurvesRlzs,
    /// `hcurves-stats` (sites, stats, imts, levels).
    CurvesStats,
    /// `hmaps-rlzs` (sites, rlzs, imts, poes).
    MapsRlzs,
    /// `hmaps-stats` (sites, stats, imts, poes).
    MapsStats,
}

impl HazardKind {
    /// The dataset name.
    pub fn dataset(self) -> &'static str {
        match self {
            HazardKind::CurvesRlzs => "hcurves-rlzs",
            HazardKind::CurvesStats => "hcurves-stats",
            HazardKind::MapsRlzs => "hmaps-rlzs",
            HazardKind::MapsStats => "hmaps-stats",
        }
    }

    /// Axis names, as in the `shape_descr` of the `json` attribute.
    pub fn axis_names(self) -> [&'static str; 4] {
        let second = if self.is_stats() { "stat" } else { "rlz_id" };
        let last = if self.is_maps() { "poe" } else { "lvl" };
        ["site_id", second, "imt", last]
    }

    fn is_stats(self) -> bool {
        matches!(self, HazardKind::CurvesStats | HazardKind::MapsStats)
    }

    fn is_maps(self) -> bool {
        matches!(self, HazardKind::MapsRlzs | HazardKind::MapsStats)
    }
}

/// One axis of a hazard array: its name and either a count or one label per index.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// `site_id`, `rlz_id`, `stat`, `imt`, `lvl` or `poe`.
    pub name: String,
    /// A count (`3`) or a list of labels (`["mean"]`, `[0.1, 0.02]`), as in the `json`
    /// attribute.
    pub labels: Value,
}

/// A hazard array with the axis description of its `json` attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct HazardDataset {
    /// The values, axes (sites, rlzs or stats, imts, levels or poes).
    pub array: Array4<f32>,
    /// The four axes in order.
    pub axes: Vec<Axis>,
}

impl HazardDataset {
    /// Builds the dataset of `kind` with the axis labels OpenQuake writes: the site and
    /// realization axes and `hcurves-rlzs`' levels as counts, stats/IMTs/poes as lists,
    /// `hcurves-stats`' levels as `[0, 1, ...]`. `stats` are the stat names for `-stats`
    /// (ignored for `-rlzs`); `poes` are used by maps only.
    pub fn new(
        kind: HazardKind,
        array: Array4<f32>,
        stats: &[&str],
        imts: &[&str],
        poes: &[f64],
    ) -> HazardDataset {
        let (n, r, _, l) = array.dim();
        let [a0, a1, a2, a3] = kind.axis_names();
        let second = if kind.is_stats() {
            json!(stats)
        } else {
            json!(r)
        };
        let last = match kind {
            HazardKind::CurvesRlzs => json!(l),
            HazardKind::CurvesStats => json!((0..l).collect::<Vec<_>>()),
            HazardKind::MapsRlzs | HazardKind::MapsStats => json!(poes),
        };
        let axes = [(a0, json!(n)), (a1, second), (a2, json!(imts)), (a3, last)]
            .into_iter()
            .map(|(name, labels)| Axis {
                name: name.into(),
                labels,
            })
            .collect();
        HazardDataset { array, axes }
    }

    /// The labels of axis `name` as strings (e.g. IMTs or stats); `None` if it is a count or
    /// missing.
    pub fn labels(&self, name: &str) -> Option<Vec<String>> {
        let axis = self.axes.iter().find(|a| a.name == name)?;
        axis.labels
            .as_array()?
            .iter()
            .map(|v| v.as_str().map(String::from))
            .collect()
    }

    /// The `json` attribute as a map: `shape_descr` then one entry per axis.
    pub(crate) fn json_attr(&self) -> Map<String, Value> {
        let mut m = Map::new();
        let names: Vec<&str> = self.axes.iter().map(|a| a.name.as_str()).collect();
        m.insert("shape_descr".into(), json!(names));
        for a in &self.axes {
            m.insert(a.name.clone(), a.labels.clone());
        }
        m
    }

    /// Parses the `json` attribute of dataset `path`.
    pub(crate) fn parse_axes(text: &str, path: &str) -> Result<Vec<Axis>> {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| Error::malformed(path, format!("json attribute: {e}")))?;
        let names = v
            .get("shape_descr")
            .and_then(Value::as_array)
            .ok_or_else(|| Error::malformed(path, "json attribute without shape_descr"))?;
        names
            .iter()
            .map(|n| {
                let name = n
                    .as_str()
                    .ok_or_else(|| Error::malformed(path, "shape_descr: not a string"))?;
                let labels = v.get(name).cloned().unwrap_or(Value::Null);
                Ok(Axis {
                    name: name.into(),
                    labels,
                })
            })
            .collect()
    }
}
