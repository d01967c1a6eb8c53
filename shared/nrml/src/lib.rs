//! NRML, OpenQuake's XML format for input models: parsing into typed structs, then checks.
//!
//! [`read`] turns a document into a [`Document`] of plain typed structs (only the `parse`
//! module sees XML) and checks the relations between their values; [`validate`] wraps that
//! into the answer of `POST /v1/valid/`. Errors name the file and, for content errors, the
//! element and the line of its start tag, in the forms OpenQuake uses:
//! - `<file>: <line>: <expat message>` for XML that is not well-formed;
//! - `<file>: expected a node of kind nrml, got <tag>` when the root is not `nrml`;
//! - `node <tag>: <message>` for invalid content (`Could not convert <name>-><kind>: ...`
//!   for a value that cannot be read, e.g. an unknown `magScaleRel`).
//!
//! Read and checked: source models (NRML 0.4 and 0.5; see [`source`] for the source kinds),
//! logic trees and site models. Every other NRML model (exposure, vulnerability, fragility,
//! consequence, ruptures, ...) is accepted once it is well-formed NRML with one model
//! element: its content is not read ([`Model::NotRead`]).
//!
//! Differences from OpenQuake 3.26's `/v1/valid/`, on purpose:
//! - logic trees and site models are checked, and so are source values that OpenQuake
//!   accepts when reading but rejects when the job runs (a hypocentral depth outside the
//!   seismogenic layer of an area source, ...); OpenQuake checks those only in a job;
//! - checks that depend on job parameters are left to the job: OpenQuake's `/v1/valid/` uses
//!   fixed ones, so it rejects every complex fault (`complex_fault_mesh_spacing is not set!`)
//!   and Gutenberg-Richter MFDs narrower than its bin width of 1;
//! - a document with no model or several in `nrml`, or with an unknown namespace, gets an NRML
//!   message instead of a Python one; `nrml` without a namespace is read as NRML 0.5, as
//!   OpenQuake's logic tree and site model readers do;
//! - documents with a DTD are refused (no entity expansion on untrusted input).

pub mod error;
pub mod logic_tree;
pub mod mfd;
pub mod origin;
mod parse;
pub mod site_model;
pub mod source;

pub use error::NrmlError;
use logic_tree::LogicTree;
use site_model::SiteModel;
use source::SourceModel;

/// A parsed NRML document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub version: NrmlVersion,
    pub model: Model,
}

/// The NRML version, from the namespace of the `nrml` element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NrmlVersion {
    /// `http://openquake.org/xmlns/nrml/0.4`
    V0_4,
    /// `http://openquake.org/xmlns/nrml/0.5`
    V0_5,
}

/// The model a document holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Model {
    SourceModel(SourceModel),
    LogicTree(LogicTree),
    SiteModel(SiteModel),
    /// A model whose content is not read, by its tag (`exposureModel`, ...).
    NotRead {
        tag: String,
    },
}

/// Parses and checks the NRML document `xml_text`; `file_name` is used in errors.
pub fn read(xml_text: &str, file_name: &str) -> Result<Document, NrmlError> {
    let document = parse::document(xml_text, file_name)?;
    document.check().map_err(|e| e.in_file(file_name))?;
    Ok(document)
}

impl Document {
    fn check(&self) -> error::NodeResult<()> {
        match &self.model {
            Model::SourceModel(model) => model.check(),
            Model::LogicTree(tree) => tree.check(),
            Model::SiteModel(model) => model.check(),
            Model::NotRead { .. } => Ok(()),
        }
    }
}

/// Outcome of validating one NRML document, as `/v1/valid/` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validation {
    pub error_msg: Option<String>,
    pub error_line: Option<u32>,
    pub valid: bool,
}

/// Validates `xml_text`; `file_name` is the name used in messages (the server passes a
/// temp-file-like name).
pub fn validate(xml_text: &str, file_name: &str) -> Validation {
    match read(xml_text, file_name) {
        Ok(_) => Validation {
            error_msg: None,
            error_line: None,
            valid: true,
        },
        Err(error) => Validation {
            error_msg: Some(error.short_message()),
            error_line: error.line(),
            valid: false,
        },
    }
}

/// Tolerance on a sum of probabilities or weights, as OpenQuake's.
const SUM_TOLERANCE: f64 = 1e-7;

/// `Ok` if `values` sum up to 1, else the sum.
pub(crate) fn sum_is_one(values: impl Iterator<Item = f64>) -> Result<(), f64> {
    let sum: f64 = values.sum();
    if (sum - 1.0).abs() <= SUM_TOLERANCE {
        Ok(())
    } else {
        Err(sum)
    }
}
