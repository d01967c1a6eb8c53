//! Classical PSHA: hazard curves from a job.ini, as OpenQuake's `classical` calculator
//! computes them (the simplest full path).
//!
//! For every rupture and every site closer than the integration distance, each GSIM of the
//! rupture's tectonic region type gives the ln-mean μ and total sigma σ of every IMT; the
//! probability that a level `iml` is exceeded is the survival function of the standard
//! normal truncated at ±`truncation_level`, at `(ln iml − μ) / σ`. Ruptures are Poissonian:
//! the probability of no exceedance over the investigation time `T` is
//! `exp(−rate · T · poe)`, multiplied over ruptures (and over tectonic region types); the
//! hazard curve is one minus that product.
//!
//! OpenQuake's conventions reproduced:
//! - distance filter on **rrup**: kept when `rrup < maximum_distance` for point-like (planar)
//!   ruptures, `rrup <= maximum_distance` for fault-mesh ruptures; ruptures with magnitude
//!   outside the magnitudes of the integration distance are dropped; `maximum_distance`
//!   may depend on the TRT and on the magnitude (pairs interpolated linearly, `magdist`),
//!   cut below `minimum_magnitude` as OpenQuake does;
//! - `truncation_level = 0` means 1e-9 (a step at the median); an absent one means 99
//!   (untruncated);
//! - the GSIMs get magnitudes rounded to 3 decimals (6.500000000000001 is 6.5);
//! - `shift_hypo = true` moves point-rupture hypocentres (in depth) with their surfaces;
//! - `rvolc` is 0 unless a GSIM names volcanic zones (`volc_arc_file`, relative to the GSIM
//!   logic tree): then it is measured from the site to the nearest node of a fault-mesh
//!   rupture (point ruptures are refused); the GSIMs of one TRT must share those zones;
//! - PoEs are rounded to single precision before the Poisson product, as OpenQuake stores
//!   them in `float32`;
//! - realizations: for each source-model branch (in file order), the cartesian product of
//!   the GSIM branch sets of the tectonic region types present in any source model, in the
//!   order of the GSIM logic tree (last set varying fastest); weights are products; the
//!   mean is the weighted mean of the PoEs.
//!
//! Sites come from `sites`, a `region` grid, `sites_csv` or `site_model_file`, with
//! per-site soil parameters (see `sites.rs` for OpenQuake's order and association rules).
//!
//! - point sources: sites beyond the integration distance plus the reach of a point's
//!   ruptures are skipped, and the `pointsource_distance` approximation (default 100 km, as
//!   OpenQuake's `openquake.cfg`) gives far sites one average rupture per magnitude instead
//!   of every nodal plane and depth (see [`PointFilter`]).
//!
//! - `minimum_distance`: every distance the GSIMs read is raised to it;
//! - `horiz_comp_to_geom_mean`: each GSIM's mean and total sigma converted from its
//!   horizontal component to the geometric mean (see [`oqcloud_gsim::Component`]);
//! - `ps_grid_spacing`: the points of the point-like sources of each tectonic region type
//!   collapsed on a grid (see `point.rs`), `pointsource_distance` then 40 km by default.
//!
//! Not covered (errors): several source-model branch sets (source uncertainties such as
//! `extendModel` or `abGRAbsolute`), per-IMT GSIM weights, sampling, mutex and cluster
//! source groups.

pub mod maps;
mod normal;
mod poes;
pub mod sites;
mod stats;
mod tom;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use oqcloud_gsim::{Contexts, DistanceParam, Gsim, Imt, RuptureParam, SiteParam, gsim_by_name};
use oqcloud_model::jobini::{IntegrationDistance, JobIni, Py};
use oqcloud_nrml::logic_tree::LogicTree;
use oqcloud_nrml::source::{SourceModel, Tom};
use oqcloud_nrml::{Model, read};
use rayon::prelude::*;

pub use sites::{SiteFile, SiteParams};
pub use stats::to_probs;

use crate::distance::{DistanceCache, Wanted};
use crate::rupture::{PointRole, PointRupture};
use crate::volcanic::VolcanicZones;
use crate::{ErfParams, HazardError, RuptureSet, RuptureSurface, Site};
use poes::{LnLevels, PoeAdder};

/// OpenQuake's magnitude bounds of the integration distance (`MINMAG`, `MAXMAG`).
const MIN_MAG: f64 = 2.5;
const MAX_MAG: f64 = 10.2;
/// OpenQuake's default `rupture_mesh_spacing`, km.
const DEFAULT_RUPTURE_MESH_SPACING: f64 = 5.0;
/// `pointsource_distance` when the job does not set it: `[performance]
/// pointsource_distance` of OpenQuake's default `openquake.cfg`, km.
pub const DEFAULT_POINTSOURCE_DISTANCE: f64 = 100.0;
/// OpenQuake's default `max_sites_disagg`.
const DEFAULT_MAX_SITES_DISAGG: usize = 10;
/// Contexts per GSIM call: bounds memory, keeps the columns in cache.
const CHUNK: usize = 4096;

/// An IMT and its intensity levels, in job.ini order.
#[derive(Debug, Clone, PartialEq)]
pub struct ImtLevels {
    /// The IMT as OpenQuake normalises it (`PGA`, `SA(0.1)` for `SA(0.10)`).
    pub name: String,
    pub imt: Imt,
    /// Intensity levels (g for PGA and SA).
    pub levels: Vec<f64>,
}

/// One GSIM branch.
#[derive(Debug, Clone, PartialEq)]
pub struct GsimBranch {
    /// `branchID`, if given.
    pub id: Option<String>,
    /// GSIM name as OpenQuake spells it.
    pub gsim: String,
    /// `key = value` GSIM parameters.
    pub params: Vec<(String, String)>,
    pub weight: f64,
}

/// A `sourceModel` branch.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceModelBranch {
    /// `branchID`.
    pub id: String,
    /// Its source model files.
    pub files: Vec<PathBuf>,
    pub weight: f64,
}

/// A realization: a source-model branch and one GSIM branch per tectonic region type
/// present in any source model.
#[derive(Debug, Clone, PartialEq)]
pub struct Realization {
    /// `branchID` of the source-model branch.
    pub source_model: String,
    /// (tectonic region type, branch) in GSIM logic tree order.
    pub gsims: Vec<(String, GsimBranch)>,
    /// Product of the branch weights.
    pub weight: f64,
}

/// Everything of job.ini the calculation reads.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassicalParams {
    /// The sites, in OpenQuake's order: `sites` sorted, `sites_csv` or `site_model_file` rows.
    pub sites: Vec<Site>,
    /// Soil parameters of each site.
    pub site_params: Vec<SiteParams>,
    /// The file the sites are the rows of (`sites_csv`, or `site_model_file` alone), if so.
    pub site_file: Option<SiteFile>,
    /// The branches of the source model logic tree's single branch set.
    pub source_models: Vec<SourceModelBranch>,
    /// GSIM branch sets: (tectonic region type or `*` for all, branches), in file order.
    pub gsim_branch_sets: Vec<(String, Vec<GsimBranch>)>,
    pub imts: Vec<ImtLevels>,
    /// Years.
    pub investigation_time: f64,
    /// As OpenQuake uses it: 1e-9 for 0, 99 when absent.
    pub truncation_level: f64,
    /// `maximum_distance`: (TRT or `default`, increasing (magnitude, km) pairs) as OpenQuake's
    /// `IntegrationDistance` holds it (a scalar `d` is `[(2.5, d), (10.2, d)]`), before
    /// `minimum_magnitude` cuts it.
    pub maximum_distance: Vec<(String, Vec<(f64, f64)>)>,
    /// `minimum_magnitude`: (TRT or `default`, magnitude).
    pub minimum_magnitude: Vec<(String, f64)>,
    /// `pointsource_distance` (km): (TRT or `default`, distance); OpenQuake's configured
    /// default, [`DEFAULT_POINTSOURCE_DISTANCE`], when absent.
    pub pointsource_distance: Vec<(String, f64)>,
    /// `max_sites_disagg`: with at most this many sites, the `pointsource_distance`
    /// approximation is decided for all sites at once (OpenQuake's `fewsites`).
    pub max_sites_disagg: usize,
    /// `minimum_distance` (km, 0 when not set): the GSIMs get no distance below it.
    pub minimum_distance: f64,
    /// `horiz_comp_to_geom_mean`: GSIM outputs converted to the geometric mean.
    pub horiz_comp_to_geom_mean: bool,
    /// `source_nodes`: the kinds of source read (their NRML tags, e.g. `pointSource`); the
    /// others are discarded, as OpenQuake's source converter does. Empty: every kind.
    pub source_nodes: Vec<String>,
    pub erf: ErfParams,
}

/// Hazard curves of every realization and their weighted mean.
#[derive(Debug, Clone, PartialEq)]
pub struct HazardCurves {
    pub sites: Vec<Site>,
    pub imts: Vec<ImtLevels>,
    pub investigation_time: f64,
    pub realizations: Vec<Realization>,
    /// `poes[r][s * num_levels + k]`: PoE of level `k` (all IMTs' levels concatenated, in
    /// [`HazardCurves::imts`] order) at site `s` for realization `r`.
    pub poes: Vec<Vec<f64>>,
    /// The weighted mean over realizations, same layout as one `poes[r]`.
    pub mean: Vec<f64>,
}

impl HazardCurves {
    /// Total number of levels over all IMTs.
    pub fn num_levels(&self) -> usize {
        self.imts.iter().map(|i| i.levels.len()).sum()
    }

    fn range(&self, site: usize, imt: usize) -> std::ops::Range<usize> {
        let offset: usize = self.imts[..imt].iter().map(|i| i.levels.len()).sum();
        let start = site * self.num_levels() + offset;
        start..start + self.imts[imt].levels.len()
    }

    /// The curve of realization `rlz` at `site` for the `imt`-th IMT.
    pub fn curve(&self, rlz: usize, site: usize, imt: usize) -> &[f64] {
        &self.poes[rlz][self.range(site, imt)]
    }

    /// The mean curve at `site` for the `imt`-th IMT.
    pub fn mean_curve(&self, site: usize, imt: usize) -> &[f64] {
        &self.mean[self.range(site, imt)]
    }
}

fn invalid(msg: impl Into<String>) -> HazardError {
    HazardError::Invalid(msg.into())
}

fn unsupported(msg: impl Into<String>) -> HazardError {
    HazardError::Unsupported(msg.into())
}

/// A GSIM that cannot be built: unknown names are models not implemented natively (the
/// reference engine may know them), other errors invalid parameters.
fn gsim_error(err: oqcloud_gsim::GsimError) -> HazardError {
    match err {
        oqcloud_gsim::GsimError::UnknownGsim(name) => unsupported(format!("GSIM {name}")),
        other => invalid(other.to_string()),
    }
}

/// `error` located at `line` of `file`.
fn at_line(error: HazardError, file: &Path, line: u32) -> HazardError {
    let place = format!("{}, line {line}", file.display());
    match error {
        HazardError::Unsupported(what) => unsupported(format!("{what} ({place})")),
        other => invalid(format!("{place}: {other}")),
    }
}

/// Reads `job_ini` (validated by [`JobIni`]) and computes its hazard curves.
pub fn compute_hazard_curves(job_ini: &Path) -> Result<HazardCurves, HazardError> {
    let ini = JobIni::from_file(job_ini).map_err(|e| invalid(e.to_string()))?;
    let base = match job_ini.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    compute_hazard_curves_from(&ini, base)
}

/// Same from a parsed ini whose relative file names are resolved against `base_dir`.
pub fn compute_hazard_curves_from(
    ini: &JobIni,
    base_dir: &Path,
) -> Result<HazardCurves, HazardError> {
    let params = ClassicalParams::from_ini(ini, base_dir)?;
    compute(&params)
}

fn read_nrml(path: &Path) -> Result<Model, HazardError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| invalid(format!("{}: {e}", path.display())))?;
    read(&text, &path.display().to_string())
        .map(|d| d.model)
        .map_err(|e| invalid(e.to_string()))
}

fn read_logic_tree(path: &Path) -> Result<LogicTree, HazardError> {
    match read_nrml(path)? {
        Model::LogicTree(t) => Ok(t),
        _ => Err(invalid(format!("{}: not a logic tree", path.display()))),
    }
}

fn number(ini: &JobIni, key: &str) -> Result<Option<f64>, HazardError> {
    ini.raw(key)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<f64>()
                .map_err(|_| invalid(format!("{key}: not a number: {s:?}")))
        })
        .transpose()
}

/// A number written as one (`True` is not taken for 1).
fn py_num(v: &Py) -> Option<f64> {
    match v {
        Py::Int(i) => Some(*i as f64),
        Py::Float(f) => Some(*f),
        _ => None,
    }
}

/// `intensity_measure_types_and_levels`, as validated by [`JobIni`] (`logscale` and
/// `linscale` expanded).
fn imt_levels(imtls: &[(String, Vec<f64>)]) -> Result<Vec<ImtLevels>, HazardError> {
    imtls
        .iter()
        .map(|(name, levels)| {
            let imt: Imt = name.parse().map_err(|e| invalid(format!("{e}")))?;
            if levels.is_empty() || levels.iter().any(|&l| l.is_nan() || l <= 0.0) {
                return Err(invalid(format!("{name}: levels must be positive")));
            }
            Ok(ImtLevels {
                name: name.clone(),
                imt,
                levels: levels.clone(),
            })
        })
        .collect()
}

/// A `gmpeModel` branch: a GSIM name, or TOML `[Name]` followed by `key = value` pairs.
fn parse_gsim_branch(
    id: Option<String>,
    model: &str,
    weight: f64,
) -> Result<GsimBranch, HazardError> {
    let model = model.trim();
    let (gsim, params) = if let Some(rest) = model.strip_prefix('[') {
        let (name, body) = rest
            .split_once(']')
            .ok_or_else(|| invalid(format!("GSIM {model:?}")))?;
        let params =
            toml_pairs(body).ok_or_else(|| unsupported(format!("GSIM parameters {body:?}")))?;
        (name.trim().to_string(), params)
    } else {
        (model.to_string(), Vec::new())
    };
    Ok(GsimBranch {
        id,
        gsim,
        params,
        weight,
    })
}

/// The `key = value` pairs of a TOML table body, separated by newlines or (once the
/// text has been collapsed) by spaces: a value is a quoted string (unquoted here, spaces
/// kept), a `[...]` array or `{...}` table (kept as written), or a bare word. `None` when
/// the body is not such pairs.
fn toml_pairs(body: &str) -> Option<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    let mut rest = body.trim_start();
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=')?;
        let key = key.trim();
        if key.is_empty() || key.contains(char::is_whitespace) {
            return None;
        }
        let after = after.trim_start();
        let (value, tail) = match after.chars().next()? {
            quote @ ('"' | '\'') => {
                let end = after[1..].find(quote)? + 1;
                (after[1..end].to_string(), &after[end + 1..])
            }
            open @ ('[' | '{') => {
                let close = if open == '[' { ']' } else { '}' };
                let mut depth = 0;
                let end = after.char_indices().find_map(|(i, c)| {
                    if c == open {
                        depth += 1;
                    } else if c == close {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i);
                        }
                    }
                    None
                })?;
                (after[..=end].to_string(), &after[end + 1..])
            }
            _ => {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                (after[..end].to_string(), &after[end..])
            }
        };
        pairs.push((key.to_string(), value));
        rest = tail.trim_start();
    }
    Some(pairs)
}

impl ClassicalParams {
    /// Collects the parameters of `ini`; relative file names are resolved against `base_dir`.
    pub fn from_ini(ini: &JobIni, base_dir: &Path) -> Result<Self, HazardError> {
        if ini.calculation_mode() != "classical" {
            return Err(unsupported(format!(
                "calculation_mode {}",
                ini.calculation_mode()
            )));
        }
        if ini.raw("hazard_curves_file").is_some() {
            return Err(unsupported("hazard_curves_file"));
        }
        if number(ini, "number_of_logic_tree_samples")?.unwrap_or(0.0) != 0.0 {
            return Err(unsupported("logic tree sampling"));
        }
        let sites::JobSites {
            sites,
            params: site_params,
            file: site_file,
        } = sites::read_sites(ini, base_dir)?;

        // source model logic tree: one branch set of sourceModel branches
        let smlt_path = base_dir.join(
            ini.raw("source_model_logic_tree_file")
                .ok_or_else(|| invalid("missing source_model_logic_tree_file"))?
                .trim(),
        );
        let smlt = read_logic_tree(&smlt_path)?;
        let source_models = match &smlt.branch_sets[..] {
            [set] if set.uncertainty_type == "sourceModel" => {
                let dir = smlt_path.parent().unwrap_or(base_dir);
                set.branches
                    .iter()
                    .map(|b| SourceModelBranch {
                        id: b.id.clone().unwrap_or_default(),
                        files: b.model.split_whitespace().map(|f| dir.join(f)).collect(),
                        weight: b.weight,
                    })
                    .collect()
            }
            _ => {
                return Err(unsupported(
                    "a source model logic tree other than one sourceModel branch set",
                ));
            }
        };

        // GSIM logic tree, or `gsim = Name` for every TRT
        let gsim_branch_sets = if let Some(file) = ini.raw("gsim_logic_tree_file") {
            let path = base_dir.join(file.trim());
            let tree = read_logic_tree(&path)?;
            let tree_dir = path.parent().unwrap_or(base_dir);
            tree.branch_sets
                .iter()
                .map(|set| {
                    if set.uncertainty_type != "gmpeModel" {
                        return Err(unsupported(format!(
                            "GSIM branch set of type {}",
                            set.uncertainty_type
                        )));
                    }
                    let branches = set
                        .branches
                        .iter()
                        .map(|b| {
                            if !b.imt_weights.is_empty() {
                                return Err(unsupported("per-IMT GSIM weights"));
                            }
                            let mut branch = parse_gsim_branch(b.id.clone(), &b.model, b.weight)?;
                            // file parameters are relative to the logic tree, as in OpenQuake
                            for (key, value) in &mut branch.params {
                                if key.ends_with("_file") || key.ends_with("_table") {
                                    *value = tree_dir.join(&*value).display().to_string();
                                }
                            }
                            // an unknown GSIM or a bad parameter, named where it is written
                            gsim_by_name(&branch.gsim, &branch.params)
                                .map_err(|err| at_line(gsim_error(err), &path, b.origin.line))?;
                            Ok(branch)
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    let trt = set
                        .apply_to_tectonic_region_type
                        .clone()
                        .unwrap_or_else(|| "*".to_owned());
                    Ok((trt, branches))
                })
                .collect::<Result<Vec<_>, _>>()?
        } else if let Some(gsim) = ini.raw("gsim") {
            vec![("*".to_owned(), vec![parse_gsim_branch(None, gsim, 1.0)?])]
        } else {
            return Err(invalid("missing gsim_logic_tree_file or gsim"));
        };

        let imts = imt_levels(
            ini.imtls()
                .ok_or_else(|| unsupported("IMTs without intensity_measure_types_and_levels"))?,
        )?;
        let investigation_time = ini
            .investigation_time()
            .ok_or_else(|| invalid("missing investigation_time"))?;
        // JobIni reads 0 as 1e-9
        let truncation_level = ini.truncation_level().unwrap_or(99.0);
        let maximum_distance: Vec<(String, Vec<(f64, f64)>)> = ini
            .maximum_distance()
            .ok_or_else(|| invalid("missing maximum_distance"))?
            .into_iter()
            .map(|(trt, distance)| {
                let pairs = match distance {
                    IntegrationDistance::Fixed(d) => vec![(MIN_MAG, d), (MAX_MAG, d)],
                    IntegrationDistance::Pairs(pairs) => pairs,
                    IntegrationDistance::MagDist => vec![(3.0, 0.0), (6.0, 150.0), (10.0, 600.0)],
                };
                (trt, pairs)
            })
            .collect();
        let minimum_distance = number(ini, "minimum_distance")?.unwrap_or(0.0);
        let ps_grid_spacing = number(ini, "ps_grid_spacing")?.filter(|s| *s != 0.0);
        let pointsource_distance = match ini.pointsource_distance() {
            // OpenQuake's default with ps_grid_spacing
            None if ps_grid_spacing.is_some() => vec![("default".to_owned(), 40.0)],
            None => vec![("default".to_owned(), DEFAULT_POINTSOURCE_DISTANCE)],
            Some(dict) => dict
                .iter()
                .map(|(k, v)| match (k, py_num(v)) {
                    (Py::Str(trt), Some(d)) => Ok((trt.clone(), d)),
                    _ => Err(invalid(format!(
                        "pointsource_distance: expected a distance, got {}",
                        v.repr()
                    ))),
                })
                .collect::<Result<_, _>>()?,
        };
        let max_sites_disagg = match number(ini, "max_sites_disagg")? {
            None => DEFAULT_MAX_SITES_DISAGG,
            Some(n) if n >= 0.0 && n.fract() == 0.0 => n as usize,
            Some(n) => return Err(invalid(format!("max_sites_disagg: {n} is not a count"))),
        };
        let minimum_magnitude = match ini.minimum_magnitude() {
            None => Vec::new(),
            Some(dict) => dict
                .iter()
                .map(|(k, v)| match (k, py_num(v)) {
                    (Py::Str(trt), Some(m)) => Ok((trt.clone(), m)),
                    (Py::Str(_), None) => Err(invalid(format!(
                        "minimum_magnitude: expected a number, got {}",
                        v.repr()
                    ))),
                    _ => Err(invalid("minimum_magnitude")),
                })
                .collect::<Result<_, _>>()?,
        };
        let erf = ErfParams {
            rupture_mesh_spacing: number(ini, "rupture_mesh_spacing")?
                .unwrap_or(DEFAULT_RUPTURE_MESH_SPACING),
            width_of_mfd_bin: number(ini, "width_of_mfd_bin")?.unwrap_or(f64::NAN),
            area_source_discretization: number(ini, "area_source_discretization")?,
            complex_fault_mesh_spacing: number(ini, "complex_fault_mesh_spacing")?,
            shift_hypo: ini.flag("shift_hypo").unwrap_or(false),
            ps_grid_spacing,
        };
        Ok(Self {
            sites,
            site_params,
            site_file,
            source_models,
            gsim_branch_sets,
            imts,
            investigation_time,
            truncation_level,
            maximum_distance,
            minimum_magnitude,
            pointsource_distance,
            max_sites_disagg,
            minimum_distance,
            horiz_comp_to_geom_mean: ini.flag("horiz_comp_to_geom_mean").unwrap_or(false),
            source_nodes: ini
                .raw("source_nodes")
                .map(|nodes| nodes.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default(),
            erf,
        })
    }

    /// The site parameters the GSIMs require, each once, in logic tree order: those of every
    /// GSIM of the logic tree, whether or not the sources have its tectonic region type (as
    /// OpenQuake's `OqParam.req_site_params`, which decides the columns of its site
    /// collection).
    pub fn required_site_params(&self) -> Result<Vec<SiteParam>, HazardError> {
        let gsims = self
            .gsim_branch_sets
            .iter()
            .flat_map(|(_, branches)| branches)
            .map(|branch| gsim_by_name(&branch.gsim, &branch.params).map_err(gsim_error))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Needs::of(&gsims).site)
    }

    /// The integration distance of `trt`: its (magnitude, km) pairs (or the `default` ones,
    /// else those reaching farthest) cut at its minimum magnitude as OpenQuake's
    /// `IntegrationDistance.cut` does: pairs below it dropped, one at it prepended.
    fn integration_distance(&self, trt: &str) -> Vec<(f64, f64)> {
        let find = |key: &str| {
            self.maximum_distance
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, pairs)| pairs)
        };
        let farthest = || {
            self.maximum_distance
                .iter()
                .map(|(_, pairs)| pairs)
                .max_by(|a, b| {
                    let far = |p: &Vec<(f64, f64)>| p.iter().map(|x| x.1).fold(f64::MIN, f64::max);
                    far(a).total_cmp(&far(b))
                })
        };
        let Some(pairs) = find(trt).or_else(|| find("default")).or_else(farthest) else {
            return Vec::new();
        };
        let magnitude = |key: &str| {
            self.minimum_magnitude
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, m)| *m)
        };
        let lowest = || {
            self.minimum_magnitude
                .iter()
                .map(|(_, m)| *m)
                .reduce(f64::min)
        };
        let min_mag = magnitude(trt)
            .or_else(|| magnitude("default"))
            .or_else(lowest)
            .unwrap_or(0.0);
        cut_distance(pairs, min_mag)
    }
}

/// `pairs` cut at `min_mag` (none when 0): pairs below it dropped, one at it prepended.
fn cut_distance(pairs: &[(f64, f64)], min_mag: f64) -> Vec<(f64, f64)> {
    if min_mag == 0.0 {
        return pairs.to_vec();
    }
    let mut cut: Vec<(f64, f64)> = pairs.iter().copied().filter(|p| p.0 >= min_mag).collect();
    if cut.first().is_none_or(|p| min_mag < p.0) {
        cut.insert(0, (min_mag, interpolate(pairs, min_mag)));
    }
    cut
}

/// The distance of `pairs` (increasing magnitudes) at `mag`, linearly interpolated as
/// `scipy.interpolate.interp1d` computes it; 0 outside the magnitude range.
fn interpolate(pairs: &[(f64, f64)], mag: f64) -> f64 {
    let (Some(first), Some(last)) = (pairs.first(), pairs.last()) else {
        return 0.0;
    };
    if !(mag >= first.0 && mag <= last.0) {
        return 0.0;
    }
    if pairs.len() == 1 {
        return first.1;
    }
    let hi = pairs
        .partition_point(|p| p.0 < mag)
        .clamp(1, pairs.len() - 1);
    let ((x0, y0), (x1, y1)) = (pairs[hi - 1], pairs[hi]);
    (y1 - y0) / (x1 - x0) * (mag - x0) + y0
}

/// Ruptures of one tectonic region type.
struct TrtRuptures {
    trt: String,
    ruptures: RuptureSet,
}

/// The ruptures of a source model file, by tectonic region type in order of appearance.
fn ruptures_by_trt(file: &Path, params: &ClassicalParams) -> Result<Vec<TrtRuptures>, HazardError> {
    let mut out: Vec<TrtRuptures> = Vec::new();
    // the sources of each tectonic region type: one group, as OpenQuake groups them
    let mut sources: Vec<Vec<&oqcloud_nrml::source::Source>> = Vec::new();
    let model: SourceModel = match read_nrml(file)? {
        Model::SourceModel(m) => m,
        // e.g. the fault sections of multi-fault sources (a `geometryModel`)
        Model::NotRead { tag } => {
            return Err(unsupported(format!("{}: a {tag}", file.display())));
        }
        _ => return Err(invalid(format!("{}: not a source model", file.display()))),
    };
    for group in &model.groups {
        if group.src_interdep != oqcloud_nrml::source::Interdependence::Independent
            || group.rup_interdep != oqcloud_nrml::source::Interdependence::Independent
            || group.grp_probability.is_some()
        {
            return Err(unsupported("mutually exclusive or cluster source groups"));
        }
        if group.cluster {
            return Err(unsupported("cluster source groups"));
        }
        if group.tom != Tom::Poisson {
            let name = group.tom.name();
            return Err(unsupported(format!("a source group's {name}")));
        }
        let kept: Vec<&oqcloud_nrml::source::Source> = group
            .sources
            .iter()
            .filter(|source| {
                params.source_nodes.is_empty()
                    || params.source_nodes.iter().any(|n| n == source.origin.tag)
            })
            .collect();
        for source in &kept {
            if let Some(tag) = source.unread.first() {
                return Err(unsupported(format!("<{tag}>")).in_source(&source.id));
            }
        }
        let trt = &group.tectonic_region;
        let index = match out.iter().position(|t| &t.trt == trt) {
            Some(i) => i,
            None => {
                out.push(TrtRuptures {
                    trt: trt.clone(),
                    ruptures: RuptureSet::default(),
                });
                sources.push(Vec::new());
                out.len() - 1
            }
        };
        sources[index].extend(kept);
    }
    for (trt, sources) in out.iter_mut().zip(&sources) {
        trt.ruptures.add_group(sources, &params.erf)?;
    }
    Ok(out)
}

/// The context columns to fill, from the union of the GSIMs' requirements.
#[derive(Default)]
struct Needs {
    rupture: Vec<RuptureParam>,
    site: Vec<SiteParam>,
    distance: Vec<DistanceParam>,
}

impl Needs {
    fn of(gsims: &[Box<dyn Gsim>]) -> Self {
        let mut n = Needs::default();
        for g in gsims {
            let r = g.requires();
            for p in r.rupture {
                if !n.rupture.contains(p) {
                    n.rupture.push(*p);
                }
            }
            for p in r.site {
                if !n.site.contains(p) {
                    n.site.push(*p);
                }
            }
            for p in r.distance {
                if !n.distance.contains(p) {
                    n.distance.push(*p);
                }
            }
        }
        n
    }
}

/// Reusable buffers of one chunk of contexts.
#[derive(Default)]
struct Chunk {
    ctx: Contexts,
    site: Vec<usize>,
    rate: Vec<f64>,
    /// The dispersion of each context's negative binomial source (`None`: Poisson).
    dispersion: Vec<Option<f64>>,
    mean: Vec<f64>,
    sig: Vec<f64>,
    tau: Vec<f64>,
    phi: Vec<f64>,
}

impl Chunk {
    fn clear(&mut self) {
        self.ctx.clear();
        self.site.clear();
        self.rate.clear();
        self.dispersion.clear();
    }
}

/// Adds into `exponent[g][site * L + k]` the exponents of the probabilities of no
/// exceedance of the contexts in `chunk` (`rate × T × PoE` for Poisson ruptures, the
/// negative logarithm of `Σ_k P(k) (1 − PoE)^k` for the others), for every GSIM `g`: the
/// probability of no exceedance of them all is `exp(−sum)`, one `exp` per value instead
/// of one per context.
fn accumulate(
    chunk: &mut Chunk,
    gsims: &[Box<dyn Gsim>],
    params: &ClassicalParams,
    adder: &mut PoeAdder,
    ln_levels: &[LnLevels],
    num_levels: usize,
    exponent: &mut [Vec<f64>],
) -> Result<(), HazardError> {
    let n = chunk.site.len();
    if n == 0 {
        return Ok(());
    }
    for buf in [
        &mut chunk.mean,
        &mut chunk.sig,
        &mut chunk.tau,
        &mut chunk.phi,
    ] {
        buf.resize(n, 0.0);
    }
    let t = params.investigation_time;
    for (g, gsim) in gsims.iter().enumerate() {
        let out = &mut exponent[g];
        let mut offset = 0;
        for (imt, levels) in params.imts.iter().zip(ln_levels) {
            gsim.compute(
                &chunk.ctx,
                &imt.imt,
                &mut chunk.mean,
                &mut chunk.sig,
                &mut chunk.tau,
                &mut chunk.phi,
            )
            .map_err(|e| invalid(e.to_string()))?;
            if params.horiz_comp_to_geom_mean {
                let conversion = gsim
                    .component()
                    .to_geometric_mean(&imt.imt)
                    .map_err(|e| invalid(format!("{}: {e}", gsim.name())))?;
                if let Some(conversion) = conversion {
                    for (mean, sig) in chunk.mean.iter_mut().zip(&mut chunk.sig) {
                        conversion.apply(mean, sig);
                    }
                }
            }
            // the contexts of Poisson ruptures; the others weigh nothing here
            let place = |i: usize| {
                let weight = match chunk.dispersion[i] {
                    None => chunk.rate[i] * t,
                    Some(_) => 0.0,
                };
                (chunk.site[i] * num_levels + offset, weight)
            };
            adder.add(levels, out, &chunk.mean, &chunk.sig, place);
            for (i, alpha) in chunk.dispersion.iter().enumerate() {
                if let Some(alpha) = alpha {
                    let pmf = tom::negative_binomial_pmf(*alpha, chunk.rate[i] * t);
                    let at = chunk.site[i] * num_levels + offset;
                    let context = (chunk.mean[i], chunk.sig[i]);
                    adder.add_non_poisson(levels, out, context, at, &pmf);
                }
            }
            offset += imt.levels.len();
        }
    }
    Ok(())
}

/// Most sites a tile holds: bounds the memory of a tile's contexts.
const TILE_SITES: usize = 512;
/// Fewest tiles per thread: tiles cost unequally (their sites are nearer to or farther from
/// the sources) and their number need not divide among the threads, so with a few tiles
/// each, rayon's work stealing keeps every thread busy to the end.
const TILES_PER_THREAD: usize = 2;

/// [`trt_pnes`] over tiles of sites in parallel (rayon), stitched back in site order: the same
/// numbers, since the curve of a site depends only on its own contexts.
fn tiled_pnes(
    rups: &RuptureSet,
    trt: &str,
    gsims: &[Box<dyn Gsim>],
    zones: Option<&VolcanicZones>,
    params: &ClassicalParams,
) -> Result<Vec<Vec<f64>>, HazardError> {
    let n = params.sites.len();
    let threads = rayon::current_num_threads();
    let tile = n
        .div_ceil(n.div_ceil(TILE_SITES).max(TILES_PER_THREAD * threads))
        .max(1);
    // with few sites, point-source ruptures are chosen looking at all of them
    if tile >= n || n <= params.max_sites_disagg {
        return trt_pnes(rups, trt, gsims, zones, params);
    }
    let tiles: Vec<ClassicalParams> = (0..n)
        .step_by(tile)
        .map(|start| {
            let sites = start..(start + tile).min(n);
            ClassicalParams {
                sites: params.sites[sites.clone()].to_vec(),
                site_params: params.site_params[sites].to_vec(),
                ..params.clone()
            }
        })
        .collect();
    let parts = tiles
        .par_iter()
        .map(|sub| trt_pnes(rups, trt, gsims, zones, sub))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((0..gsims.len())
        .map(|g| {
            parts
                .iter()
                .flat_map(|part| part[g].iter().copied())
                .collect()
        })
        .collect())
}

/// Probabilities of no exceedance for one TRT, one array per GSIM; `zones` are the
/// volcanic zones rvolc is measured in (rvolc is 0 without them).
fn trt_pnes(
    rups: &RuptureSet,
    trt: &str,
    gsims: &[Box<dyn Gsim>],
    zones: Option<&VolcanicZones>,
    params: &ClassicalParams,
) -> Result<Vec<Vec<f64>>, HazardError> {
    let num_levels: usize = params.imts.iter().map(|i| i.levels.len()).sum();
    let size = params.sites.len() * num_levels;
    let mut exponent = vec![vec![0.0; size]; gsims.len()];
    let needs = Needs::of(gsims);
    let missing = |p: &SiteParam| {
        params.site_params.iter().any(|s| match p {
            SiteParam::Vs30 => s.vs30.is_none(),
            SiteParam::Vs30Measured => false,
            SiteParam::Z1pt0 => s.z1pt0.is_none(),
            SiteParam::Z2pt5 => s.z2pt5.is_none(),
            SiteParam::ZSed => s.z_sed.is_none(),
            SiteParam::Z1pt4 => s.z1pt4.is_none(),
            SiteParam::Bas => s.bas.is_none(),
            SiteParam::SoilType => s.soiltype.is_none(),
            SiteParam::SiteClass => s.siteclass.is_none(),
            SiteParam::Lon | SiteParam::Lat | SiteParam::Backarc => false,
        })
    };
    if let Some(p) = needs.site.iter().find(|p| missing(p)) {
        return Err(invalid(format!(
            "site parameter {} not given by the site model nor the job",
            p.name()
        )));
    }
    let sf = normal::TruncatedSf::new(params.truncation_level);
    let mut adder = PoeAdder::new(&sf, params.truncation_level);
    let ln_levels: Vec<LnLevels> = params
        .imts
        .iter()
        .map(|i| LnLevels::new(&i.levels))
        .collect();
    let distances = params.integration_distance(trt);
    let (Some(&(min_mag, _)), Some(&(max_mag, _))) = (distances.first(), distances.last()) else {
        return Ok(vec![vec![1.0; size]; gsims.len()]);
    };
    let points = PointFilter::new(rups, &distances, params, trt);
    let wanted = Wanted {
        hypocentral: needs.distance.contains(&DistanceParam::Rhypo)
            || needs.distance.contains(&DistanceParam::Repi),
        rjb: needs.distance.contains(&DistanceParam::Rjb),
        rx: needs.distance.contains(&DistanceParam::Rx),
        ry0: needs.distance.contains(&DistanceParam::Ry0),
        azimuth: needs.distance.contains(&DistanceParam::Azimuth),
        closest: needs.distance.contains(&DistanceParam::Rvolc),
    };
    let mut chunk = Chunk::default();
    let mut shared = DistanceCache::default();
    // every surface gives every distance `wanted` asks for: a missing one is a bug
    let wanted_but = |what: &str| invalid(format!("{what} was needed but not computed"));
    // The contexts of rupture `r` (prepared) and site `s`, if any, into `chunk`.
    let add = |chunk: &mut Chunk,
               shared: &mut DistanceCache,
               r: &Prepared,
               s: usize|
     -> Result<(), HazardError> {
        let site = &params.sites[s];
        if let Some(p) = r.point
            && !points.applies(p, s, r.maxdist, r.few_sites_near)
        {
            return Ok(());
        }
        let close = |rrup: f64| {
            if r.planar {
                rrup < r.maxdist
            } else {
                rrup <= r.maxdist
            }
        };
        let xyz = points.site_xyz(s);
        let Some(d) = rups.distances_within(r.index, site, xyz, wanted, close, shared) else {
            return Ok(());
        };
        let index = r.index;
        let c = &mut chunk.ctx;
        for p in &needs.rupture {
            match p {
                RuptureParam::Mag => c.mag.push(r.gsim_mag),
                RuptureParam::Rake => c.rake.push(rups.rake[index]),
                RuptureParam::Dip => c.dip.push(rups.dip[index]),
                RuptureParam::Ztor => c.ztor.push(rups.ztor[index]),
                RuptureParam::Width => c.width.push(rups.width[index]),
                RuptureParam::HypoDepth => c.hypo_depth.push(rups.hypo_depth[index]),
                RuptureParam::HypoLon => c.hypo_lon.push(rups.hypo_lon[index]),
                RuptureParam::HypoLat => c.hypo_lat.push(rups.hypo_lat[index]),
            }
        }
        let soil = &params.site_params[s];
        for p in &needs.site {
            match p {
                SiteParam::Vs30 => c.vs30.push(soil.vs30.unwrap_or(f64::NAN)),
                SiteParam::Vs30Measured => c.vs30measured.push(soil.vs30measured),
                SiteParam::Z1pt0 => c.z1pt0.push(soil.z1pt0.unwrap_or(f64::NAN)),
                SiteParam::Z2pt5 => c.z2pt5.push(soil.z2pt5.unwrap_or(f64::NAN)),
                SiteParam::ZSed => c.z_sed.push(soil.z_sed.unwrap_or(f64::NAN)),
                SiteParam::Z1pt4 => c.z1pt4.push(soil.z1pt4.unwrap_or(f64::NAN)),
                SiteParam::Lon => c.lon.push(site.lon),
                SiteParam::Lat => c.lat.push(site.lat),
                SiteParam::Bas => c.bas.push(soil.bas.unwrap_or(false)),
                SiteParam::Backarc => c.backarc.push(soil.backarc != 0),
                SiteParam::SoilType => c.soiltype.push(soil.soiltype.unwrap_or(f64::NAN)),
                SiteParam::SiteClass => c.siteclass.push(soil.siteclass.unwrap_or(b'?')),
            }
        }
        // `minimum_distance` (when set): every distance the GSIMs read raised to it, rx
        // too (OpenQuake compares with `<`, so NaN stays NaN)
        let at_least = |v: f64| {
            let min = params.minimum_distance;
            if min != 0.0 && v < min { min } else { v }
        };
        for p in &needs.distance {
            let (column, value) = match p {
                DistanceParam::Rrup => (&mut c.rrup, d.rrup),
                DistanceParam::Rjb => (&mut c.rjb, d.rjb.ok_or_else(|| wanted_but("rjb"))?),
                DistanceParam::Rx => (&mut c.rx, d.rx.ok_or_else(|| wanted_but("rx"))?),
                DistanceParam::Ry0 => (&mut c.ry0, d.ry0.ok_or_else(|| wanted_but("ry0"))?),
                DistanceParam::Rhypo => (&mut c.rhypo, d.rhypo.ok_or_else(|| wanted_but("rhypo"))?),
                DistanceParam::Repi => (&mut c.repi, d.repi.ok_or_else(|| wanted_but("repi"))?),
                DistanceParam::Azimuth => (
                    &mut c.azimuth,
                    d.azimuth.ok_or_else(|| wanted_but("azimuth"))?,
                ),
                DistanceParam::Rvolc => (
                    &mut c.rvolc,
                    match zones {
                        None => 0.0,
                        Some(zones) => {
                            let (clon, clat) = d
                                .closest
                                .ok_or_else(|| unsupported("rvolc for ruptures on planes"))?;
                            zones.rvolc(site.lon, site.lat, clon, clat)
                        }
                    },
                ),
            };
            column.push(at_least(value));
        }
        chunk.site.push(s);
        chunk.rate.push(rups.rate[index]);
        chunk
            .dispersion
            .push(rups.dispersion[rups.source[index] as usize]);
        Ok(())
    };
    let prepare = |index: usize| {
        let mag = rups.mag[index];
        if !(mag >= min_mag && mag <= max_mag) {
            return None;
        }
        let maxdist = interpolate(&distances, mag);
        let point = rups.point[index].as_ref();
        Some(Prepared {
            index,
            // OpenQuake gives the GSIMs the magnitude rounded to 3 decimals (`numpy.round`)
            gsim_mag: (mag * 1e3).round_ties_even() / 1e3,
            maxdist,
            planar: matches!(rups.surface[index], RuptureSurface::Planar(_)),
            point,
            few_sites_near: point.and_then(|p| points.few_sites_near(p, maxdist)),
        })
    };
    // The ruptures of one fault mesh go site by site, sharing what they have in common for
    // a site; the others one by one. Either way each site's contexts come in rupture order,
    // so its sums are the same.
    let mut accumulate_chunk = |chunk: &mut Chunk| {
        accumulate(
            chunk,
            gsims,
            params,
            &mut adder,
            &ln_levels,
            num_levels,
            &mut exponent,
        )?;
        chunk.clear();
        Ok::<_, HazardError>(())
    };
    let (mut first, mut group) = (0, Vec::new());
    while first < rups.len() {
        let end = same_mesh_end(rups, first);
        group.clear();
        group.extend((first..end).filter_map(prepare));
        for s in 0..params.sites.len() {
            for r in &group {
                add(&mut chunk, &mut shared, r, s)?;
            }
            if chunk.site.len() >= CHUNK {
                accumulate_chunk(&mut chunk)?;
            }
        }
        first = end;
    }
    accumulate_chunk(&mut chunk)?;
    for value in exponent.iter_mut().flatten() {
        *value = (-*value).exp();
    }
    Ok(exponent)
}

/// What the contexts of a rupture need from it, whatever the site.
struct Prepared<'a> {
    index: usize,
    /// The magnitude the GSIMs get.
    gsim_mag: f64,
    /// The integration distance of its magnitude.
    maxdist: f64,
    planar: bool,
    point: Option<&'a PointRupture>,
    few_sites_near: Option<bool>,
}

/// The end of the run of ruptures from `first` on the same fault mesh (`first + 1` for a
/// rupture that is not on a mesh).
fn same_mesh_end(rups: &RuptureSet, first: usize) -> usize {
    let RuptureSurface::Mesh(window) = &rups.surface[first] else {
        return first + 1;
    };
    rups.surface[first + 1..]
        .iter()
        .position(|s| !matches!(s, RuptureSurface::Mesh(w) if Arc::ptr_eq(&w.mesh, &window.mesh)))
        .map_or(rups.len(), |n| first + 1 + n)
}

/// Which sites point-source ruptures apply to, as OpenQuake's `contexts._quintets` decides:
/// a site farther from the point than the integration distance of the point's largest
/// magnitude plus the reach of its ruptures (at most half that distance) is skipped; under
/// the `pointsource_distance` approximation a site within `min(reach, magdist / 2) +
/// pointsource_distance` of the point gets every nodal plane and depth, a farther one the
/// average rupture. With few sites (`max_sites_disagg`) the choice is made for all sites
/// together: every plane for all of them as soon as one is within the distance. Distances are
/// straight lines from the site (at its depth) to the point at the surface.
struct PointFilter {
    /// Per point of the rupture set: the farthest a site may be.
    reach: Vec<f64>,
    pointsource_distance: f64,
    /// Earth-centred coordinates of the sites and of the points.
    sites: Vec<[f64; 3]>,
    points: Vec<[f64; 3]>,
    /// Per point: what `ps_grid_spacing` adds to the distances (see
    /// [`PointLocation`](crate::rupture::PointLocation)).
    grid_reach: Vec<f64>,
    few_sites: bool,
}

impl PointFilter {
    /// Earth-centred Cartesian coordinates of site `s`.
    fn site_xyz(&self, s: usize) -> [f64; 3] {
        self.sites[s]
    }

    fn new(
        rups: &RuptureSet,
        distances: &[(f64, f64)],
        params: &ClassicalParams,
        trt: &str,
    ) -> Self {
        let reach = rups
            .points
            .iter()
            .map(|p| {
                let farthest = p
                    .reach
                    .iter()
                    .rev()
                    .map(|&(mag, _)| interpolate(distances, mag))
                    .find(|&d| d > 0.0);
                let radius = p.reach.last().map_or(0.0, |r| r.1);
                farthest.map_or(f64::NEG_INFINITY, |d| {
                    d + (radius.min(d / 2.0) + p.grid_reach)
                })
            })
            .collect();
        let of = |key: &str| {
            params
                .pointsource_distance
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, d)| *d)
        };
        Self {
            reach,
            pointsource_distance: of(trt)
                .or_else(|| of("default"))
                .unwrap_or(DEFAULT_POINTSOURCE_DISTANCE),
            sites: params
                .sites
                .iter()
                .map(|s| crate::geo::to_cartesian(s.lon, s.lat, s.depth))
                .collect(),
            points: rups
                .points
                .iter()
                .map(|p| crate::geo::to_cartesian(p.lon, p.lat, p.depth))
                .collect(),
            grid_reach: rups.points.iter().map(|p| p.grid_reach).collect(),
            few_sites: params.sites.len() <= params.max_sites_disagg,
        }
    }

    /// The distance within which a site gets every nodal plane and depth.
    fn near(&self, point: &PointRupture, maxdist: f64) -> f64 {
        point.radius.min(maxdist / 2.0)
            + self.grid_reach[point.location as usize]
            + self.pointsource_distance
    }

    fn distance(&self, point: &PointRupture, site: usize) -> f64 {
        crate::distance::chord(self.sites[site], self.points[point.location as usize])
    }

    /// With few sites, whether any site in reach is near the point (`None` otherwise, or
    /// for a point with nothing to collapse).
    fn few_sites_near(&self, point: &PointRupture, maxdist: f64) -> Option<bool> {
        if !self.few_sites || point.role == PointRole::Every {
            return None;
        }
        let (reach, near) = (
            self.reach[point.location as usize],
            self.near(point, maxdist),
        );
        Some((0..self.sites.len()).any(|s| {
            let d = self.distance(point, s);
            d <= reach && d <= near
        }))
    }

    /// Whether a rupture of `point` applies to `site`.
    fn applies(
        &self,
        point: &PointRupture,
        site: usize,
        maxdist: f64,
        few_sites_near: Option<bool>,
    ) -> bool {
        let d = self.distance(point, site);
        if d > self.reach[point.location as usize] {
            return false;
        }
        let near = match few_sites_near {
            Some(near) => near,
            None => d <= self.near(point, maxdist),
        };
        match point.role {
            PointRole::Every => true,
            PointRole::Near => near,
            PointRole::Far => !near,
        }
    }
}

/// The volcanic zones of the GSIMs that measure rvolc, read from their `volc_arc_file`;
/// `None` when they have none. GSIMs of one TRT measuring it in different zones are refused.
fn volcanic_zones(gsims: &[Box<dyn Gsim>]) -> Result<Option<VolcanicZones>, HazardError> {
    let mut files = gsims
        .iter()
        .filter(|g| g.requires().distance.contains(&DistanceParam::Rvolc))
        .map(|g| g.volc_arc_file());
    let Some(first) = files.next() else {
        return Ok(None);
    };
    if files.any(|f| f != first) {
        return Err(unsupported(
            "GSIMs of one tectonic region type with different volc_arc_file",
        ));
    }
    first
        .map(|file| {
            let text = std::fs::read_to_string(file)
                .map_err(|e| invalid(format!("volc_arc_file {file}: {e}")))?;
            VolcanicZones::from_geojson(&text, file)
        })
        .transpose()
}

/// The GSIM branch set applying to `trt` (the one for all TRTs, `*`, included).
fn branch_set_of(params: &ClassicalParams, trt: &str) -> Result<usize, HazardError> {
    let matching: Vec<usize> = params
        .gsim_branch_sets
        .iter()
        .enumerate()
        .filter(|(_, (t, _))| t == trt || t == "*")
        .map(|(i, _)| i)
        .collect();
    match matching[..] {
        [i] => Ok(i),
        [] => Err(invalid(format!(
            "no GSIM branch set for tectonic region type {trt:?}"
        ))),
        _ => Err(unsupported(format!("several GSIM branch sets for {trt:?}"))),
    }
}

/// Computes the hazard curves of `params`.
///
/// Realizations enumerate the source-model branches (outer loop) and, for each, every
/// combination of the GSIM branches of the tectonic region types present in **any** source
/// model, as OpenQuake does: a branch lacking a TRT repeats its curves for each of that
/// TRT's GSIM branches.
pub fn compute(params: &ClassicalParams) -> Result<HazardCurves, HazardError> {
    let num_levels: usize = params.imts.iter().map(|i| i.levels.len()).sum();
    let size = params.sites.len() * num_levels;

    // Each file once, even when several branches list it.
    let mut files: Vec<&PathBuf> = Vec::new();
    for branch in &params.source_models {
        for file in &branch.files {
            if !files.contains(&file) {
                files.push(file);
            }
        }
    }
    let groups = files
        .iter()
        .map(|f| ruptures_by_trt(f, params))
        .collect::<Result<Vec<_>, _>>()?;

    // TRTs present, each with its branch set, in GSIM logic tree order.
    let mut trts: Vec<(usize, &str)> = Vec::new();
    for group in groups.iter().flatten() {
        if !trts.iter().any(|(_, t)| *t == group.trt) {
            trts.push((branch_set_of(params, &group.trt)?, &group.trt));
        }
    }
    trts.sort_by_key(|(set, _)| *set);
    let branches = |t: usize| &params.gsim_branch_sets[trts[t].0].1;

    // Probabilities of no exceedance per file, TRT and GSIM branch.
    let mut pnes: Vec<Vec<Option<Vec<Vec<f64>>>>> = Vec::with_capacity(files.len());
    for file_groups in &groups {
        let mut per_trt = vec![None; trts.len()];
        for group in file_groups {
            let t = trts
                .iter()
                .position(|(_, trt)| *trt == group.trt)
                .unwrap_or(0);
            let gsims = branches(t)
                .iter()
                .map(|b| gsim_by_name(&b.gsim, &b.params).map_err(gsim_error))
                .collect::<Result<Vec<_>, _>>()?;
            let zones = volcanic_zones(&gsims)?;
            per_trt[t] = Some(tiled_pnes(
                &group.ruptures,
                &group.trt,
                &gsims,
                zones.as_ref(),
                params,
            )?);
        }
        pnes.push(per_trt);
    }

    let counts: Vec<usize> = (0..trts.len()).map(|t| branches(t).len()).collect();
    let num_gsim_paths: usize = counts.iter().product();
    let mut realizations = Vec::new();
    let mut poes = Vec::new();
    let mut mean = vec![0.0; size];
    for sm in &params.source_models {
        let in_sm: Vec<usize> = sm
            .files
            .iter()
            .filter_map(|f| files.iter().position(|g| *g == f))
            .collect();
        // GSIM paths: cartesian product, the last TRT varying fastest
        let mut choice = vec![0usize; trts.len()];
        for _ in 0..num_gsim_paths {
            let mut weight = sm.weight;
            let mut gsims = Vec::with_capacity(trts.len());
            let mut curve = vec![1.0; size];
            for (t, &b) in choice.iter().enumerate() {
                let branch = &branches(t)[b];
                weight *= branch.weight;
                gsims.push((trts[t].1.to_owned(), branch.clone()));
                for f in &in_sm {
                    if let Some(pne) = &pnes[*f][t] {
                        for (c, p) in curve.iter_mut().zip(&pne[b]) {
                            *c *= p;
                        }
                    }
                }
            }
            for c in curve.iter_mut() {
                *c = 1.0 - *c;
            }
            for (m, c) in mean.iter_mut().zip(&curve) {
                *m += weight * c;
            }
            realizations.push(Realization {
                source_model: sm.id.clone(),
                gsims,
                weight,
            });
            poes.push(curve);
            for t in (0..choice.len()).rev() {
                choice[t] += 1;
                if choice[t] < counts[t] {
                    break;
                }
                choice[t] = 0;
            }
        }
    }
    Ok(HazardCurves {
        sites: params.sites.clone(),
        imts: params.imts.clone(),
        investigation_time: params.investigation_time,
        realizations,
        poes,
        mean,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integration_distances_as_openquake() {
        // OpenQuake's IntegrationDistance.cut doctests
        let pairs = [(4.0, 50.0), (8.0, 200.0)];
        assert_eq!(cut_distance(&pairs, 5.0), [(5.0, 87.5), (8.0, 200.0)]);
        let scalar = [(MIN_MAG, 200.0), (MAX_MAG, 200.0)];
        assert_eq!(cut_distance(&scalar, 5.2), [(5.2, 200.0), (MAX_MAG, 200.0)]);
        assert_eq!(cut_distance(&scalar, 0.0), scalar);
        let pairs = [(4.0, 20.0), (5.0, 50.0), (6.0, 100.0)];
        assert_eq!(interpolate(&pairs, 5.5), 75.0);
        assert_eq!(interpolate(&pairs, 5.0), 50.0);
        assert_eq!(interpolate(&pairs, 3.9), 0.0);
        assert_eq!(interpolate(&pairs, 6.1), 0.0);
    }

    #[test]
    fn gsim_parameters_as_toml() {
        let pairs = |body| toml_pairs(body).unwrap();
        let text = "\n gmpe_table = \"WcrustFRjb_low_clC.hdf5\"\n REQUIRES_DISTANCES = [\"rjb\"]\n \
                    DEFINED_FOR_TECTONIC_REGION_TYPE = \"Active Crust Fault\"\n";
        assert_eq!(
            pairs(text),
            [
                ("gmpe_table".into(), "WcrustFRjb_low_clC.hdf5".into()),
                ("REQUIRES_DISTANCES".into(), "[\"rjb\"]".into()),
                (
                    "DEFINED_FOR_TECTONIC_REGION_TYPE".into(),
                    "Active Crust Fault".into()
                ),
            ]
        );
        // collapsed onto one line, tables and bare values
        assert_eq!(
            pairs("gmpe.BooreAtkinson2008 = {} nrcan15_site_term.kind = 'base' z = true"),
            [
                ("gmpe.BooreAtkinson2008".into(), "{}".into()),
                ("nrcan15_site_term.kind".into(), "base".into()),
                ("z".into(), "true".into()),
            ]
        );
        assert_eq!(toml_pairs("a = \"open"), None);
        assert_eq!(toml_pairs("no pairs here"), None);
        assert_eq!(pairs("  "), []);
    }
}
