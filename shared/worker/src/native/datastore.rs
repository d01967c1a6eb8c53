//! The datastore of a native classical calculation, in OpenQuake's layout: file attributes,
//! `oqparam`, `sitecol`, `full_lt`, `weights`, `hcurves-*` and, with `poes`, `hmaps-*`.
//!
//! The realizations OpenQuake derives from the stored `full_lt` must be the engine's, in the
//! same order and with the same weights; [`write`] checks it, so exports never pair a curve
//! with the wrong branch path.

use std::path::Path;

use ndarray::Array4;
use oqcloud_datastore::{
    AttrValue, Datastore, FullLogicTree, GsimBranch, GsimLtAttrs, HazardDataset, HazardKind,
    OqParam, SiteCollection, SmRealization, SmltAttrs, SmltBranch,
};
use oqcloud_hazard::classical::maps::hazard_map_value;
use oqcloud_hazard::classical::{HazardCurves, Realization, SiteParams, to_probs};
use oqcloud_model::jobini::float_repr;
use oqcloud_nrml::Model;
use oqcloud_nrml::logic_tree::LogicTree;

use super::PreparedJob;

/// Weights of the stored logic tree and of the engine's realizations may differ by this
/// (OpenQuake keeps source model weights in single precision).
const WEIGHT_TOLERANCE: f64 = 1e-6;

/// Facts about the run stored as file attributes.
pub(super) struct Meta {
    pub started: chrono::DateTime<chrono::Local>,
    /// `engine_version`: `oqcloud <version>`.
    pub version: String,
}

/// Writes the datastore at `path` and returns it open.
pub(super) fn write(
    path: &Path,
    meta: &Meta,
    job: &PreparedJob,
    curves: &HazardCurves,
) -> Result<Datastore, String> {
    let ds = Datastore::create(path).map_err(|e| e.to_string())?;
    let inputs = job.ini.input_files();
    let (checksum, input_size) = checksum32(&job.ini, &inputs);
    let attrs = [
        ("engine_version", AttrValue::Str(meta.version.clone())),
        (
            "date",
            AttrValue::Str(meta.started.format("%Y-%m-%dT%H:%M:%S").to_string()),
        ),
        ("checksum32", AttrValue::Int(checksum)),
        ("input_size", AttrValue::Int(input_size)),
    ];
    for (name, value) in &attrs {
        ds.set_attr("", name, value).map_err(|e| e.to_string())?;
    }
    ds.write_oqparam(&OqParam {
        params: job.ini.oqparam_json(),
    })
    .map_err(|e| e.to_string())?;
    ds.write_sitecol(&site_collection(job, curves))
        .map_err(|e| e.to_string())?;
    let full_lt = full_logic_tree(job, curves)?;
    ds.write_full_lt(&full_lt).map_err(|e| e.to_string())?;
    check_realizations(&ds, &curves.realizations)?;
    let weights: Vec<f32> = curves
        .realizations
        .iter()
        .map(|r| r.weight as f32)
        .collect();
    ds.write_weights(&weights).map_err(|e| e.to_string())?;
    for (kind, data) in hazard_arrays(job, curves) {
        ds.write_hazard(kind, &data).map_err(|e| e.to_string())?;
    }
    ds.flush().map_err(|e| e.to_string())?;
    Ok(ds)
}

/// zlib's Adler-32 of `data`, continuing from `adler`.
fn adler32(adler: u32, data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (adler & 0xffff, adler >> 16);
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

/// The checksum of the inputs, as OpenQuake's `checksum32`: Adler-32 over the input files
/// then the job parameters (ours hashes the parameters as written, OpenQuake its own
/// rendering of them, so the two differ), and the inputs' total size.
fn checksum32(ini: &oqcloud_model::jobini::JobIni, inputs: &[std::path::PathBuf]) -> (i64, i64) {
    let mut adler = 1;
    let mut size = 0;
    for file in inputs {
        if let Ok(bytes) = std::fs::read(file) {
            size += bytes.len() as i64;
            adler = adler32(adler, &bytes);
        }
    }
    let params: String = ini.params().map(|(k, v)| format!("{k} = {v}\n")).collect();
    (i64::from(adler32(adler, params.as_bytes())), size)
}

fn site_collection(job: &PreparedJob, curves: &HazardCurves) -> SiteCollection {
    let n = curves.sites.len();
    let soil = &job.params.site_params;
    let column = |get: fn(&SiteParams) -> Option<f64>| {
        soil.iter()
            .any(|p| get(p).is_some())
            .then(|| soil.iter().map(|p| get(p).unwrap_or(f64::NAN)).collect())
    };
    SiteCollection {
        sids: (0..n as u32).collect(),
        lon: curves.sites.iter().map(|s| s.lon).collect(),
        lat: curves.sites.iter().map(|s| s.lat).collect(),
        depth: curves.sites.iter().map(|s| s.depth).collect(),
        vs30: soil.iter().map(|p| p.vs30.unwrap_or(f64::NAN)).collect(),
        vs30measured: soil.iter().map(|p| p.vs30measured).collect(),
        z1pt0: column(|p| p.z1pt0),
        z2pt5: column(|p| p.z2pt5),
        z1pt4: column(|p| p.z1pt4),
        extra: Vec::new(),
    }
}

/// The logic tree as OpenQuake stores it: the source model tree as read, the GSIM branches of
/// the tectonic region types the realizations use, a realization per source model branch.
fn full_logic_tree(job: &PreparedJob, curves: &HazardCurves) -> Result<FullLogicTree, String> {
    let ini = &job.ini;
    let smlt_file = ini
        .raw("source_model_logic_tree_file")
        .ok_or("no source_model_logic_tree_file")?;
    let base = ini.base_dir();
    let smlt_path = base.join(smlt_file.trim());
    let smlt = read_logic_tree(&smlt_path)?;
    let source_model_lt: Vec<SmltBranch> = smlt
        .branch_sets
        .iter()
        .flat_map(|set| {
            set.branches.iter().enumerate().map(|(i, b)| SmltBranch {
                branchset: set.id.clone(),
                branch: b.id.clone().unwrap_or_else(|| format!("b{}", i + 1)),
                utype: set.uncertainty_type.to_owned(),
                uvalue: python_str_repr(&b.model),
                weight: b.weight,
            })
        })
        .collect();
    let sm_data: Vec<SmRealization> = job
        .params
        .source_models
        .iter()
        .map(|branch| {
            let files: Vec<String> = branch
                .files
                .iter()
                .filter_map(|f| Some(python_str_repr(&f.file_name()?.to_string_lossy())))
                .collect();
            SmRealization {
                name: format!("[{}]", files.join(", ")),
                weight: branch.weight as f32,
                path: branch.id.clone(),
                samples: curves
                    .realizations
                    .iter()
                    .filter(|r| r.source_model == branch.id)
                    .count() as u32,
            }
        })
        .collect();
    let mut gsim_lt: Vec<GsimBranch> = Vec::new();
    for rlz in &curves.realizations {
        for (trt, branch) in &rlz.gsims {
            let id = branch.id.clone().unwrap_or_else(|| branch.gsim.clone());
            if !gsim_lt.iter().any(|g| &g.trt == trt && g.branch == id) {
                gsim_lt.push(GsimBranch {
                    trt: trt.clone(),
                    branch: id,
                    uncertainty: toml_gsim(&branch.gsim, &branch.params),
                    weight: branch.weight,
                });
            }
        }
    }
    let mut trts: Vec<String> = gsim_lt.iter().map(|g| g.trt.clone()).collect();
    trts.sort();
    trts.dedup();
    let seed = ini
        .raw("random_seed")
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(42);
    Ok(FullLogicTree {
        seed,
        num_samples: 0,
        oversampling: "tolerate".into(),
        trts,
        gsim_lt,
        gsim_lt_attrs: GsimLtAttrs {
            bsetdict: "{}".into(),
            filename: ini
                .raw("gsim_logic_tree_file")
                .map(|f| base.join(f.trim()).display().to_string())
                .unwrap_or_default(),
        },
        source_model_lt_attrs: SmltAttrs {
            branch_id: source_model_lt
                .first()
                .map(|b| b.branch.clone())
                .unwrap_or_default(),
            bsetdict: "{}".into(),
            filename: smlt_path.display().to_string(),
            is_source_specific: false,
            num_paths: sm_data.len() as i64,
            num_samples: 0,
            sampling_method: "early_weights".into(),
            seed,
            source_id: String::new(),
        },
        source_model_lt,
        sm_data,
        source_data: Vec::new(),
    })
}

fn read_logic_tree(path: &Path) -> Result<LogicTree, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let doc = oqcloud_nrml::read(&text, &path.display().to_string()).map_err(|e| e.to_string())?;
    match doc.model {
        Model::LogicTree(tree) => Ok(tree),
        _ => Err(format!("{}: not a logic tree", path.display())),
    }
}

/// Python's `repr` of a string without quotes or backslashes in it.
fn python_str_repr(s: &str) -> String {
    format!("'{s}'")
}

/// A GSIM in OpenQuake's TOML form: `[Name]`, then `key = value` lines.
fn toml_gsim(name: &str, params: &[(String, String)]) -> String {
    let mut toml = format!("[{name}]");
    for (key, value) in params {
        toml.push_str(&format!("\n{key} = {value}"));
    }
    toml
}

/// Fails unless the realizations derived from the stored logic tree are the engine's.
fn check_realizations(ds: &Datastore, engine: &[Realization]) -> Result<(), String> {
    let stored = ds.realizations().map_err(|e| e.to_string())?;
    let same = stored.len() == engine.len()
        && stored
            .iter()
            .zip(engine)
            .all(|(s, e)| (s.weight - e.weight).abs() <= WEIGHT_TOLERANCE);
    if same {
        Ok(())
    } else {
        Err(format!(
            "the stored logic tree gives {} realization(s) with weights {:?}, the engine \
             computed {} with weights {:?}",
            stored.len(),
            stored.iter().map(|r| r.weight).collect::<Vec<_>>(),
            engine.len(),
            engine.iter().map(|r| r.weight).collect::<Vec<_>>()
        ))
    }
}

/// `hcurves-rlzs` (one realization, or `individual_rlzs`), `hcurves-stats` (the mean, std,
/// quantiles and max asked for, of the PoEs or with `use_rates` of the rates) and, with `poes`, the hazard maps of each (as OpenQuake's
/// post-classical step writes them).
fn hazard_arrays(job: &PreparedJob, curves: &HazardCurves) -> Vec<(HazardKind, HazardDataset)> {
    let (n, r, m) = (
        curves.sites.len(),
        curves.realizations.len(),
        curves.imts.len(),
    );
    let l = curves.imts.first().map_or(0, |i| i.levels.len());
    let imts: Vec<&str> = curves.imts.iter().map(|i| i.name.as_str()).collect();
    let poes = &job.poes;
    // every curve set in the layout of `HazardCurves::mean`: site, IMT, level
    let rlz_sets: Vec<&[f64]> = curves.poes.iter().map(Vec::as_slice).collect();
    // `use_rates`: the statistics of the rates, as PoEs
    let rates = job.use_rates.then(|| curves.to_rates());
    let of = rates.as_ref().unwrap_or(curves);
    let back = |values: Vec<f64>| {
        if job.use_rates {
            to_probs(values)
        } else {
            values
        }
    };
    let mut stat_names: Vec<String> = Vec::new();
    let mut stat_values: Vec<Vec<f64>> = Vec::new();
    // in OpenQuake's order (`OqParam.hazard_stats`)
    if job.mean {
        stat_names.push("mean".into());
        stat_values.push(back(of.mean.clone()));
    }
    if job.std {
        stat_names.push("std".into());
        stat_values.push(back(of.std()));
    }
    for &q in &job.quantiles {
        stat_names.push(format!("quantile-{}", float_repr(q)));
        stat_values.push(back(of.quantile(q)));
    }
    if job.max {
        stat_names.push("max".into());
        stat_values.push(back(of.max()));
    }
    let stat_sets: Vec<&[f64]> = stat_values.iter().map(Vec::as_slice).collect();
    let offset = |site: usize, imt: usize| (site * m + imt) * l;
    let curves_array = |sets: &[&[f64]]| {
        Array4::from_shape_fn((n, sets.len(), m, l), |(s, k, i, j)| {
            sets[k][offset(s, i) + j] as f32
        })
    };
    let maps_array = |sets: &[&[f64]]| {
        Array4::from_shape_fn((n, sets.len(), m, poes.len()), |(s, k, i, p)| {
            let levels = &curves.imts[i].levels;
            let start = offset(s, i);
            hazard_map_value(&sets[k][start..start + l], levels, poes[p]) as f32
        })
    };
    let mut arrays = Vec::new();
    if r == 1 || job.individual_rlzs {
        arrays.push((HazardKind::CurvesRlzs, curves_array(&rlz_sets)));
        if !poes.is_empty() {
            arrays.push((HazardKind::MapsRlzs, maps_array(&rlz_sets)));
        }
    }
    if !stat_sets.is_empty() {
        arrays.push((HazardKind::CurvesStats, curves_array(&stat_sets)));
        if !poes.is_empty() {
            arrays.push((HazardKind::MapsStats, maps_array(&stat_sets)));
        }
    }
    let stat_labels: Vec<&str> = stat_names.iter().map(String::as_str).collect();
    arrays
        .into_iter()
        .map(|(kind, array)| {
            let data = HazardDataset::new(kind, array, &stat_labels, &imts, poes);
            (kind, data)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::adler32;

    #[test]
    fn adler32_as_zlib() {
        // zlib.adler32(b"Wikipedia") == 0x11E60398
        assert_eq!(adler32(1, b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(adler32(1, b"Wiki"), b"pedia"), 0x11E6_0398);
    }
}
