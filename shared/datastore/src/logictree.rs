//! The logic tree stored in `full_lt` and the realizations derived from it.

use crate::error::{Error, Result};

/// `__pyclass__` of the `full_lt` group.
pub(crate) const PYCLASS: &str = "openquake.hazardlib.logictree.FullLogicTree";
/// `__pyclass__` of `full_lt/gsim_lt`.
pub(crate) const GSIM_LT_PYCLASS: &str = "openquake.hazardlib.gsim_lt.GsimLogicTree";
/// `__pyclass__` of `full_lt/source_model_lt`.
pub(crate) const SMLT_PYCLASS: &str = "openquake.hazardlib.logictree.SourceModelLogicTree";

/// OpenQuake's `BASE183`: branch index → one-character abbreviation in branch paths.
const BASE183: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}!#$%&'()*+-/0123456789:;<=>?@¡¢£¤¥¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõö÷øùúûüýþÿ";

/// One row of `full_lt/gsim_lt`.
#[derive(Debug, Clone, PartialEq)]
pub struct GsimBranch {
    /// Tectonic region type.
    pub trt: String,
    /// Branch id (`gA0`, `BA08`, ...).
    pub branch: String,
    /// The GSIM in TOML form (`[BooreAtkinson2008]`).
    pub uncertainty: String,
    /// Branch weight.
    pub weight: f64,
}

/// Attributes of `full_lt/gsim_lt`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GsimLtAttrs {
    /// JSON object TRT → branchset id.
    pub bsetdict: String,
    /// Path of the GSIM logic tree file.
    pub filename: String,
}

/// One row of `full_lt/source_model_lt`.
#[derive(Debug, Clone, PartialEq)]
pub struct SmltBranch {
    /// Branchset id.
    pub branchset: String,
    /// Branch id.
    pub branch: String,
    /// Uncertainty type (`sourceModel`, `maxMagGRRelative`, ...).
    pub utype: String,
    /// Python repr of the uncertainty value (`'source_model.xml'`).
    pub uvalue: String,
    /// Branch weight.
    pub weight: f64,
}

/// Attributes of `full_lt/source_model_lt`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SmltAttrs {
    /// `branchID`.
    pub branch_id: String,
    /// JSON object branchset id → its attributes.
    pub bsetdict: String,
    /// Path of the source model logic tree file.
    pub filename: String,
    /// `is_source_specific`.
    pub is_source_specific: bool,
    /// Number of source model paths.
    pub num_paths: i64,
    /// `number_of_logic_tree_samples`.
    pub num_samples: i64,
    /// `sampling_method` (`early_weights`, ...).
    pub sampling_method: String,
    /// `random_seed`.
    pub seed: i64,
    /// `source_id`.
    pub source_id: String,
}

/// One row of `full_lt/sm_data`: a source model realization.
#[derive(Debug, Clone, PartialEq)]
pub struct SmRealization {
    /// Python repr of the source model files (`['source_model.xml']`).
    pub name: String,
    /// Weight.
    pub weight: f32,
    /// Branch ids joined by `~`.
    pub path: String,
    /// Number of realizations of this source model.
    pub samples: u32,
}

/// One row of `full_lt/source_data`.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceBranch {
    /// Source model branch id.
    pub branch: String,
    /// Tectonic region type.
    pub trt: String,
    /// Source model file name.
    pub fname: String,
    /// Source id.
    pub source: String,
}

/// The full logic tree of a calculation (`full_lt`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FullLogicTree {
    /// `random_seed`.
    pub seed: i64,
    /// `number_of_logic_tree_samples` (0 = full enumeration).
    pub num_samples: i64,
    /// `oversampling` (`tolerate`).
    pub oversampling: String,
    /// Tectonic region types of the GSIM logic tree.
    pub trts: Vec<String>,
    /// `gsim_lt` rows (only the `weight` column of IMT-dependent weights is kept).
    pub gsim_lt: Vec<GsimBranch>,
    /// `gsim_lt` attributes.
    pub gsim_lt_attrs: GsimLtAttrs,
    /// `source_model_lt` rows.
    pub source_model_lt: Vec<SmltBranch>,
    /// `source_model_lt` attributes.
    pub source_model_lt_attrs: SmltAttrs,
    /// `sm_data` rows.
    pub sm_data: Vec<SmRealization>,
    /// `source_data` rows.
    pub source_data: Vec<SourceBranch>,
}

/// A realization of the logic tree, as `extract/realizations` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Realization {
    /// Index (`rlz_id`).
    pub ordinal: u32,
    /// Abbreviated path, `<smlt>~<gslt>` (`A~A`, `A~B`).
    pub branch_path: String,
    /// Weight (OpenQuake reports it as f4).
    pub weight: f64,
}

fn letter(index: usize) -> Result<char> {
    BASE183
        .chars()
        .nth(index)
        .ok_or_else(|| Error::Unsupported {
            path: "full_lt".into(),
            reason: "more than 183 branches in a branchset".into(),
        })
}

impl FullLogicTree {
    /// The realizations, computed like OpenQuake's `FullLogicTree.rlzs` for full
    /// enumeration. Sampled logic trees (`num_samples` > 0) are not supported.
    pub fn realizations(&self) -> Result<Vec<Realization>> {
        if self.num_samples > 0 || self.source_model_lt_attrs.num_samples > 0 {
            return Err(Error::Unsupported {
                path: "full_lt".into(),
                reason: "realizations of a sampled logic tree".into(),
            });
        }
        // source model shortener: branch id -> letter of its index in its branchset
        let mut sm_short: Vec<(&str, char)> = Vec::new();
        let mut bsets: Vec<(&str, usize)> = Vec::new();
        for b in &self.source_model_lt {
            let pos = match bsets.iter_mut().find(|(id, _)| *id == b.branchset) {
                Some((_, count)) => {
                    *count += 1;
                    *count - 1
                }
                None => {
                    bsets.push((&b.branchset, 1));
                    0
                }
            };
            sm_short.push((&b.branch, letter(pos)?));
        }
        // GSIM branches grouped by sorted TRT, in stored order within a TRT
        let mut trts: Vec<&str> = self.gsim_lt.iter().map(|b| b.trt.as_str()).collect();
        trts.sort_unstable();
        trts.dedup();
        let groups: Vec<Vec<(usize, &GsimBranch)>> = trts
            .iter()
            .map(|t| {
                self.gsim_lt
                    .iter()
                    .filter(|b| b.trt == *t)
                    .enumerate()
                    .collect()
            })
            .collect();
        let mut gsim_paths: Vec<(String, f64)> = vec![(String::new(), 1.0)];
        for group in &groups {
            let mut next = Vec::with_capacity(gsim_paths.len() * group.len());
            for (path, w) in &gsim_paths {
                for (i, b) in group {
                    let c = if self.gsim_lt.len() == 1 {
                        'A'
                    } else {
                        letter(*i)?
                    };
                    next.push((format!("{path}{c}"), w * b.weight));
                }
            }
            gsim_paths = next;
        }
        let mut rlzs = Vec::new();
        for sm in &self.sm_data {
            let mut smpath = String::new();
            if sm_short.len() == 1 {
                smpath.push('A');
            } else {
                for key in sm.path.split('~') {
                    if key.starts_with('.') {
                        smpath.push('.');
                    } else {
                        let c = sm_short.iter().find(|(id, _)| *id == key).map(|(_, c)| *c);
                        smpath.push(c.ok_or_else(|| {
                            Error::malformed("full_lt/sm_data", format!("unknown branch {key}"))
                        })?);
                    }
                }
            }
            for (gpath, w) in &gsim_paths {
                let ordinal = rlzs.len() as u32;
                let weight = sm.weight as f64 * w;
                rlzs.push(Realization {
                    ordinal,
                    branch_path: format!("{smpath}~{gpath}"),
                    weight,
                });
            }
        }
        let total: f64 = rlzs.iter().map(|r| r.weight).sum();
        if total != 1.0 {
            for r in &mut rlzs {
                r.weight /= total;
            }
        }
        Ok(rlzs)
    }
}
