//! The job parameters as OpenQuake stores them in a datastore's `oqparam` (what
//! `extract/oqparam` returns).

use serde_json::{Map, Value as Json, json};

use super::params::Typed;
use super::value::Py;
use super::{IntegrationDistance, JobIni};

/// OpenQuake's magnitude bounds of a fixed `maximum_distance`.
const MAGNITUDE_RANGE: [f64; 2] = [2.5, 10.2];

impl JobIni {
    /// The parameters as OpenQuake's `oqparam` holds them: `base_path`, `inputs` (kind →
    /// absolute file, or list of files), then every parameter set in the file in file order
    /// with its validated value (booleans as 0/1, `sites` as `[lon, lat, depth]` triples,
    /// `maximum_distance` as magnitude-distance pairs per tectonic region type), then
    /// `hazard_imtls`. Values the validator keeps only in part are given as written.
    pub fn oqparam_json(&self) -> Map<String, Json> {
        let mut out = Map::new();
        out.insert(
            "base_path".into(),
            json!(self.base_dir.display().to_string()),
        );
        let mut inputs = Map::new();
        if let Some(ini) = self.ini_path() {
            inputs.insert("job_ini".into(), json!(ini));
        }
        for (kind, files) in &self.inputs {
            let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
            let value = match &names[..] {
                [one] => json!(one),
                _ => json!(names),
            };
            inputs.insert(kind.clone(), value);
        }
        out.insert("inputs".into(), Json::Object(inputs));
        for value in &self.values {
            let json = match value.name.as_str() {
                "intensity_measure_types_and_levels" => continue,
                "sites" => self.sites_json(),
                "maximum_distance" => self.maximum_distance_json(),
                _ => typed_json(&value.typed),
            };
            let json = json.unwrap_or_else(|| json!(self.raw(&value.name).unwrap_or_default()));
            out.insert(value.name.clone(), json);
        }
        if let Some(imtls) = self.imtls() {
            let imtls: Map<String, Json> = imtls
                .iter()
                .map(|(imt, levels)| (imt.clone(), json!(levels)))
                .collect();
            out.insert("hazard_imtls".into(), Json::Object(imtls));
        }
        out
    }

    /// The job.ini itself, when it was read from a file.
    fn ini_path(&self) -> Option<String> {
        let name = std::path::Path::new(&self.file).file_name()?;
        Some(self.base_dir.join(name).display().to_string())
    }

    fn sites_json(&self) -> Option<Json> {
        let triples = self
            .raw("sites")?
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|site| {
                let mut xs: Vec<f64> = site
                    .split_whitespace()
                    .map(str::parse)
                    .collect::<Result<_, _>>()
                    .ok()?;
                xs.resize(3, 0.0);
                Some(json!(xs))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(json!(triples))
    }

    fn maximum_distance_json(&self) -> Option<Json> {
        let by_trt = self.maximum_distance()?;
        let mut out = Map::new();
        for (trt, distance) in by_trt {
            let pairs = match distance {
                IntegrationDistance::Fixed(d) => MAGNITUDE_RANGE.map(|m| json!([m, d])).to_vec(),
                IntegrationDistance::Pairs(pairs) => {
                    pairs.iter().map(|(m, d)| json!([m, d])).collect()
                }
                IntegrationDistance::MagDist => return None,
            };
            out.insert(trt, json!(pairs));
        }
        Some(Json::Object(out))
    }
}

/// A validated value as JSON; `None` for values kept only in part.
fn typed_json(typed: &Typed) -> Option<Json> {
    Some(match typed {
        Typed::None => Json::Null,
        Typed::Bool(b) => json!(u8::from(*b)),
        Typed::Int(i) => json!(i),
        Typed::Float(f) => json!(f),
        Typed::Str(s) => json!(s),
        Typed::Floats(v) => json!(v),
        Typed::Names(v) => json!(v),
        Typed::Imtls(imtls) => Json::Object(
            imtls
                .iter()
                .map(|(imt, levels)| (imt.clone(), json!(levels)))
                .collect(),
        ),
        Typed::Dict(pairs) => py_json(&Py::Dict(pairs.clone()))?,
        Typed::Version(v) => json!(format!("{}.{}.{}", v[0], v[1], v[2])),
        Typed::List(_) | Typed::Other(_) => return None,
    })
}

/// A Python literal as JSON (dict keys as strings); `None` for what JSON cannot hold.
fn py_json(py: &Py) -> Option<Json> {
    Some(match py {
        Py::None => Json::Null,
        Py::Bool(b) => json!(b),
        Py::Int(i) => json!(i),
        Py::Float(f) => json!(f),
        Py::Str(s) => json!(s),
        Py::List(items) | Py::Tuple(items) | Py::Set(items) => {
            Json::Array(items.iter().map(py_json).collect::<Option<_>>()?)
        }
        Py::Dict(pairs) => Json::Object(
            pairs
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        Py::Str(s) => s.clone(),
                        other => other.repr(),
                    };
                    Some((key, py_json(v)?))
                })
                .collect::<Option<_>>()?,
        ),
    })
}
