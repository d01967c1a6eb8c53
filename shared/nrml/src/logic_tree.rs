//! Logic trees (`logicTree`), for source models and for GSIMs, and their checks.
//!
//! GSIM names in `gmpeModel` branches are not checked against the GSIM library here.

use std::collections::{BTreeMap, HashSet};

use crate::error::NodeResult;
use crate::origin::Origin;
use crate::sum_is_one;

/// A `logicTree`: branch sets in order, each applied to the branches before it.
#[derive(Debug, Clone, PartialEq)]
pub struct LogicTree {
    pub id: Option<String>,
    pub branch_sets: Vec<BranchSet>,
    pub origin: Origin,
}

/// A `logicTreeBranchSet`.
#[derive(Debug, Clone, PartialEq)]
pub struct BranchSet {
    pub id: String,
    /// `uncertaintyType`, one of [`UNCERTAINTY_TYPES`].
    pub uncertainty_type: &'static str,
    pub apply_to_tectonic_region_type: Option<String>,
    /// `applyToBranches`: the IDs of earlier branches this set applies to (all if empty).
    pub apply_to_branches: Vec<String>,
    pub branches: Vec<Branch>,
    pub origin: Origin,
}

/// A `logicTreeBranch`.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    /// `branchID`: required and unique in the tree, except in `gmpeModel` branch sets.
    pub id: Option<String>,
    /// `uncertaintyModel`, whitespace collapsed (TOML values kept as written); empty only for
    /// uncertainty types that modify sources (e.g. an `extendModel` branch adding nothing).
    pub model: String,
    /// The first `uncertaintyWeight`.
    pub weight: f64,
    /// Further `uncertaintyWeight`s, each for one IMT (GSIM logic trees).
    pub imt_weights: Vec<(String, f64)>,
    pub origin: Origin,
}

/// The `uncertaintyType`s OpenQuake 3.26 knows.
pub const UNCERTAINTY_TYPES: &[&str] = &[
    "gmpeModel",
    "sourceModel",
    "extendModel",
    "abGRAbsolute",
    "abMaxMagAbsolute",
    "areaSourceGeometryAbsolute",
    "bACAbsolute",
    "bACRelative",
    "bGRAbsolute",
    "bGRRelative",
    "characteristicFaultGeometryAbsolute",
    "complexFaultGeometryAbsolute",
    "dummy",
    "incrementalMFDAbsolute",
    "maxMagAndDeltaMagACRelative",
    "maxMagAndDeltaMagACRelativeNoMoBalance",
    "maxMagGRAbsolute",
    "maxMagGRRelative",
    "maxMagGRRelativeNoMoBalance",
    "recomputeMmax",
    "setAspectRatioAbsolute",
    "setAspectRatioRelative",
    "setLowerSeismDepthAbsolute",
    "setLowerSeismDepthRelative",
    "setMSRAbsolute",
    "setUpperSeismDepthAbsolute",
    "setUpperSeismDepthRelative",
    "simpleFaultDipAbsolute",
    "simpleFaultDipRelative",
    "simpleFaultGeometryAbsolute",
    "truncatedGRFromSlipAbsolute",
];

impl LogicTree {
    pub(crate) fn check(&self) -> NodeResult<()> {
        if self.branch_sets.is_empty() {
            return Err(self.origin.error("the logic tree has no branch sets"));
        }
        let mut set_ids = HashSet::new();
        let mut branch_ids = HashSet::new();
        let mut gsim_regions = HashSet::new();
        for set in &self.branch_sets {
            if !set_ids.insert(set.id.as_str()) {
                return Err(set
                    .origin
                    .error(format!("branchSetID '{}' is not unique", set.id)));
            }
            if set.uncertainty_type == "gmpeModel"
                && let Some(trt) = &set.apply_to_tectonic_region_type
                && !gsim_regions.insert(trt.as_str())
            {
                return Err(set.origin.error(format!(
                    "a second gmpeModel branch set for applyToTectonicRegionType '{trt}'"
                )));
            }
            if let Some(unknown) = set
                .apply_to_branches
                .iter()
                .find(|id| !branch_ids.contains(id.as_str()))
            {
                return Err(set.origin.error(format!(
                    "applyToBranches refers to '{unknown}', which is not an earlier branch"
                )));
            }
            set.check()?;
            for (branch, id) in set
                .branches
                .iter()
                .filter_map(|b| Some((b, b.id.as_deref()?)))
            {
                if set.uncertainty_type != "gmpeModel" && !branch_ids.insert(id) {
                    return Err(branch
                        .origin
                        .error(format!("branchID '{id}' is not unique")));
                }
            }
        }
        Ok(())
    }
}

impl BranchSet {
    fn check(&self) -> NodeResult<()> {
        if self.branches.is_empty() {
            return Err(self.origin.error("the branch set has no branches"));
        }
        if self.uncertainty_type == "gmpeModel" && self.apply_to_tectonic_region_type.is_none() {
            return Err(self
                .origin
                .error("a gmpeModel branch set needs applyToTectonicRegionType"));
        }
        let total: f64 = self.branches.iter().map(|b| b.weight).sum();
        sum_is_one(std::iter::once(total)).map_err(|sum| {
            self.origin
                .error(format!("the branch weights sum up to {sum}, not 1"))
        })?;
        // The sum for an IMT is `total` corrected by the branches with a weight for it: linear
        // in the weights, where summing every branch for each IMT is quadratic. Only when that
        // sum is off are the branches summed, in order, for the exact sum.
        let mut corrections: BTreeMap<&str, f64> = BTreeMap::new();
        for branch in &self.branches {
            for (imt, weight) in &branch.imt_weights {
                *corrections.entry(imt).or_default() += weight - branch.weight;
            }
        }
        for (imt, correction) in corrections {
            if sum_is_one([total, correction].into_iter()).is_err() {
                sum_is_one(self.branches.iter().map(|b| b.weight_for(imt))).map_err(|sum| {
                    self.origin.error(format!(
                        "the branch weights for {imt} sum up to {sum}, not 1"
                    ))
                })?;
            }
        }
        Ok(())
    }
}

impl Branch {
    /// The branch's weight for `imt`: its IMT weight if it has one, else its weight.
    pub fn weight_for(&self, imt: &str) -> f64 {
        self.imt_weights
            .iter()
            .find(|(i, _)| i == imt)
            .map_or(self.weight, |(_, w)| *w)
    }
}
