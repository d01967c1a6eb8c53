//! `logicTree` -> [`LogicTree`].

use std::collections::HashSet;

use super::value::{Conv, NON_EMPTY, PROBABILITY, UNCERTAINTY_TYPE};
use super::xml::Elem;
use crate::error::NodeResult;
use crate::logic_tree::{Branch, BranchSet, LogicTree};

/// `uncertaintyModel`: whitespace collapsed, except in TOML (`[...]`) values.
fn uncertainty_model(text: &str) -> String {
    let model = text.trim();
    if model.starts_with('[') {
        model.to_owned()
    } else {
        model.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// `uncertaintyModel` of a `sourceModel` or `gmpeModel` branch: not empty.
const REQUIRED_MODEL: Conv<String> = Conv {
    name: "uncertainty_model",
    convert: |s| (NON_EMPTY.convert)(s).map(|_| uncertainty_model(s)),
};

/// Branch sets come directly in the tree (NRML 0.5) or in `logicTreeBranchingLevel`s (0.4).
pub(crate) fn logic_tree(elem: Elem) -> NodeResult<LogicTree> {
    let mut branch_sets = Vec::new();
    for child in elem.children() {
        match child.tag() {
            "logicTreeBranchSet" => branch_sets.push(branch_set(child)?),
            "logicTreeBranchingLevel" => {
                for set in child.children() {
                    branch_sets.push(branch_set(set)?);
                }
            }
            other => {
                return Err(child.error(format!(
                    "unexpected {other} in a logicTree (expected logicTreeBranchSet)"
                )));
            }
        }
    }
    Ok(LogicTree {
        id: elem.attr("logicTreeID").map(str::to_owned),
        branch_sets,
        origin: elem.origin("logicTree"),
    })
}

fn branch_set(elem: Elem) -> NodeResult<BranchSet> {
    if elem.tag() != "logicTreeBranchSet" {
        return Err(elem.error(format!(
            "unexpected {} (expected logicTreeBranchSet)",
            elem.tag()
        )));
    }
    let uncertainty_type = elem.attr_as("uncertaintyType", UNCERTAINTY_TYPE)?;
    let branches = elem
        .children()
        .map(|child| {
            if child.tag() == "logicTreeBranch" {
                branch(child, uncertainty_type)
            } else {
                Err(child.error(format!(
                    "unexpected {} in a branch set (expected logicTreeBranch)",
                    child.tag()
                )))
            }
        })
        .collect::<NodeResult<_>>()?;
    Ok(BranchSet {
        id: elem.attr_as("branchSetID", NON_EMPTY)?,
        uncertainty_type,
        apply_to_tectonic_region_type: elem.attr("applyToTectonicRegionType").map(str::to_owned),
        apply_to_branches: elem
            .attr("applyToBranches")
            .map(|ids| ids.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default(),
        branches,
        origin: elem.origin("logicTreeBranchSet"),
    })
}

fn branch(elem: Elem, uncertainty_type: &str) -> NodeResult<Branch> {
    let mut weights = elem.children_named("uncertaintyWeight");
    let first = weights
        .next()
        .ok_or_else(|| elem.error("missing element uncertaintyWeight"))?;
    if first.attr("imt").is_some() {
        return Err(first.error("the first uncertaintyWeight must not have an imt attribute"));
    }
    let mut imt_weights: Vec<(String, f64)> = Vec::new();
    let mut imts = HashSet::new();
    for weight in weights {
        let imt = weight.required_attr("imt")?;
        if !imts.insert(imt) {
            return Err(weight.error(format!("a second weight for {imt}")));
        }
        imt_weights.push((imt.to_owned(), weight.text_as(PROBABILITY)?));
    }
    let model = elem.required_child("uncertaintyModel")?;
    let is_gsim = uncertainty_type == "gmpeModel";
    Ok(Branch {
        id: if is_gsim {
            elem.opt_attr_as("branchID", NON_EMPTY)?
        } else {
            Some(elem.attr_as("branchID", NON_EMPTY)?)
        },
        model: if is_gsim && model.attrs().next().is_some() {
            // the older form, parameters as attributes (`<uncertaintyModel gmpe_table="t.hdf5">
            // GMPETable</uncertaintyModel>`): written as the TOML form
            let name = model.text_as(REQUIRED_MODEL)?;
            let params: Vec<String> = model
                .attrs()
                .map(|(key, value)| match value.contains('"') {
                    false => format!("{key} = \"{value}\""),
                    true => format!("{key} = '{value}'"),
                })
                .collect();
            if name.starts_with('[') {
                // already the TOML form: the attributes join its parameters
                format!("{name}\n{}", params.join("\n"))
            } else {
                format!("[{name}]\n{}", params.join("\n"))
            }
        } else if is_gsim || uncertainty_type == "sourceModel" {
            model.text_as(REQUIRED_MODEL)?
        } else {
            uncertainty_model(&model.text())
        },
        weight: first.text_as(PROBABILITY)?,
        imt_weights,
        origin: elem.origin("logicTreeBranch"),
    })
}
