//! The job parameters stored in `oqparam`.

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::jsonfmt;

/// `__pyclass__` of the `oqparam` dataset.
pub(crate) const PYCLASS: &str = "openquake.commonlib.oqvalidation.OqParam";

/// The job parameters, as the JSON object OpenQuake stores (key order kept).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OqParam {
    /// Parameter name → value.
    pub params: Map<String, Value>,
}

impl OqParam {
    /// Parses the stored JSON text.
    pub fn from_json_text(text: &str) -> Result<OqParam> {
        match serde_json::from_str(text) {
            Ok(Value::Object(params)) => Ok(OqParam { params }),
            Ok(_) => Err(Error::malformed("oqparam", "not a JSON object")),
            Err(e) => Err(Error::malformed("oqparam", format!("invalid JSON: {e}"))),
        }
    }

    /// The JSON text in OpenQuake's `hdf5.dumps` format (byte-identical for stored values).
    pub fn to_json_text(&self) -> String {
        jsonfmt::dumps(&self.params)
    }

    /// A string parameter.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.params.get(name)?.as_str()
    }

    /// `calculation_mode`.
    pub fn calculation_mode(&self) -> Option<&str> {
        self.get_str("calculation_mode")
    }

    /// `description`.
    pub fn description(&self) -> Option<&str> {
        self.get_str("description")
    }

    /// `investigation_time` in years (absent for scenarios).
    pub fn investigation_time(&self) -> Option<f64> {
        self.params.get("investigation_time")?.as_f64()
    }

    /// `poes` (empty when absent).
    pub fn poes(&self) -> Result<Vec<f64>> {
        match self.params.get("poes") {
            None => Ok(Vec::new()),
            Some(v) => {
                floats(v).ok_or_else(|| Error::malformed("oqparam", "poes: not a list of numbers"))
            }
        }
    }

    /// `hazard_imtls`: each IMT with its intensity levels, in job order (empty when absent).
    pub fn hazard_imtls(&self) -> Result<Vec<(String, Vec<f64>)>> {
        let Some(v) = self.params.get("hazard_imtls") else {
            return Ok(Vec::new());
        };
        let bad = || Error::malformed("oqparam", "hazard_imtls: not an object of number lists");
        v.as_object()
            .ok_or_else(bad)?
            .iter()
            .map(|(imt, levels)| Ok((imt.clone(), floats(levels).ok_or_else(bad)?)))
            .collect()
    }
}

fn floats(v: &Value) -> Option<Vec<f64>> {
    v.as_array()?.iter().map(Value::as_f64).collect()
}
