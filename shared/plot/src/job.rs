//! What every picture needs to know about the calculation: its IMTs and levels, PoEs,
//! investigation time (`extract/oqparam`) and site coordinates (`extract/sitecol`).

use serde_json::Value;

use crate::npz::NpzFile;
use crate::{ExtractSource, PlotError};

/// An intensity measure type with its levels.
#[derive(Debug, Clone)]
pub struct Imt {
    pub name: String,
    pub levels: Vec<f64>,
}

impl Imt {
    /// The axis label: the IMT and its unit.
    pub fn label(&self) -> String {
        match unit(&self.name) {
            "" => self.name.clone(),
            unit => format!("{} [{unit}]", self.name),
        }
    }
}

/// The unit of an IMT's values, as OpenQuake uses them.
pub fn unit(imt: &str) -> &'static str {
    match imt {
        "PGA" => "g",
        _ if imt.starts_with("SA(") || imt.starts_with("AvgSA") => "g",
        "PGV" => "cm/s",
        "PGD" => "cm",
        "IA" => "m/s",
        _ => "",
    }
}

/// One site of the calculation.
#[derive(Debug, Clone)]
pub struct Site {
    pub id: usize,
    pub lon: f64,
    pub lat: f64,
}

impl Site {
    /// `site 0 (20.500, -43.900)`.
    pub fn label(&self) -> String {
        format!("site {} ({:.3}, {:.3})", self.id, self.lon, self.lat)
    }
}

/// The calculation's parameters and sites.
#[derive(Debug, Clone)]
pub struct Job {
    pub investigation_time: f64,
    pub imts: Vec<Imt>,
    pub poes: Vec<f64>,
    /// Longitudes and latitudes by site id.
    pub sites: Vec<(f64, f64)>,
}

impl Job {
    /// Reads `oqparam` and `sitecol` from the source.
    pub async fn fetch(source: &dyn ExtractSource) -> Result<Job, PlotError> {
        let oqparam = NpzFile::read(&source.extract("oqparam", &[]).await?)?;
        let json = oqparam.require("json")?.texts()?.concat();
        let params: Value = serde_json::from_str(&json)
            .map_err(|e| PlotError::Data(format!("oqparam is not JSON: {e}")))?;
        let investigation_time = params["investigation_time"].as_f64().ok_or_else(|| {
            PlotError::Unsupported("the calculation has no investigation_time".into())
        })?;
        let imts = params["hazard_imtls"]
            .as_object()
            .ok_or_else(|| PlotError::Unsupported("the calculation has no hazard IMTs".into()))?
            .iter()
            .map(|(name, levels)| Imt {
                name: name.clone(),
                levels: numbers(levels),
            })
            .collect();
        let poes = numbers(&params["poes"]);

        let sitecol = NpzFile::read(&source.extract("sitecol", &[]).await?)?;
        let sites = sitecol.require("array")?;
        let sites = sites
            .field(&["lon"])?
            .into_iter()
            .zip(sites.field(&["lat"])?)
            .collect();
        Ok(Job {
            investigation_time,
            imts,
            poes,
            sites,
        })
    }

    /// The IMT named `name`, or the first one; an error naming the job's IMTs otherwise.
    pub fn imt(&self, name: Option<&str>) -> Result<Imt, PlotError> {
        let found = match name {
            None => self.imts.first(),
            Some(name) => self.imts.iter().find(|imt| imt.name == name),
        };
        found.cloned().ok_or_else(|| {
            let names: Vec<&str> = self.imts.iter().map(|imt| imt.name.as_str()).collect();
            PlotError::Spec(format!(
                "imt: the calculation has no {}; it has {}",
                name.unwrap_or("IMT"),
                names.join(", ")
            ))
        })
    }

    /// Site `id`, or an error giving the number of sites.
    pub fn site(&self, id: usize) -> Result<Site, PlotError> {
        let &(lon, lat) = self.sites.get(id).ok_or_else(|| {
            PlotError::Spec(format!(
                "site_id: no site {id}; the calculation has {} site(s), 0 to {}",
                self.sites.len(),
                self.sites.len().saturating_sub(1)
            ))
        })?;
        Ok(Site { id, lon, lat })
    }

    /// "probability of exceedance in 50 years".
    pub fn poe_label(&self) -> String {
        format!(
            "probability of exceedance in {} years",
            trim_float(self.investigation_time)
        )
    }
}

/// `50` for 50.0, `0.5` for 0.5.
pub fn trim_float(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        value.to_string()
    }
}

/// A JSON list of numbers, or a string of whitespace-separated numbers.
fn numbers(value: &Value) -> Vec<f64> {
    match value {
        Value::Array(items) => items.iter().filter_map(Value::as_f64).collect(),
        Value::String(text) => text
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter_map(|t| t.parse().ok())
            .collect(),
        Value::Number(n) => n.as_f64().into_iter().collect(),
        _ => Vec::new(),
    }
}
