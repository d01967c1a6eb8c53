//! Ground-motion models (GSIMs) of the native classical engine.
//!
//! Each model reproduces the OpenQuake hazardlib implementation of the same
//! name (verified against OpenQuake 3.26.2 by the tests in `tests/`).
//!
//! Invariants shared by every model:
//! - Inputs are [`Contexts`], one entry per (rupture, site) pair; every column a
//!   model [requires](Gsim::requires) and every output slice must have
//!   `ctx.len()` entries, otherwise [`GsimError::ColumnLength`] is returned.
//! - Units: magnitudes Mw; distances and depths km (except `z1pt0` and `z1pt4`, in m);
//!   angles degrees; vs30 m/s.
//! - Outputs are the **natural log** of the median ground motion (g for PGA and
//!   SA, cm/s for PGV, cm for PGD) and the total, inter-event (tau) and
//!   intra-event (phi) standard deviations of that natural log. Models that
//!   define only a total sigma write 0 to the inter and intra outputs, as
//!   OpenQuake does.
//! - Computation never panics: NaN inputs give NaN outputs.

mod coeffs;
mod component;
mod context;
mod imt;
pub mod models;
pub mod table;

pub use component::{Component, Conversion};
pub use context::{Contexts, DistanceParam, Requirements, RuptureParam, SiteParam};
pub use imt::{Imt, ImtKind};

/// Errors of GSIM construction and computation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GsimError {
    /// No native GSIM has this name.
    #[error("unknown GSIM: {0}")]
    UnknownGsim(String),
    /// The GSIM does not support this IMT (or this SA period).
    #[error("GSIM {gsim} does not support IMT {imt}")]
    UnsupportedImt {
        /// GSIM name.
        gsim: String,
        /// IMT as OpenQuake spells it.
        imt: String,
    },
    /// A GSIM parameter is unknown or has an invalid value.
    #[error("GSIM {gsim}: invalid parameter {name}={value}")]
    InvalidParameter {
        /// GSIM name.
        gsim: String,
        /// Parameter name.
        name: String,
        /// Parameter value.
        value: String,
    },
    /// An IMT string could not be parsed.
    #[error("invalid IMT: {0:?}")]
    BadImt(String),
    /// A required context column or an output slice has the wrong length.
    #[error("column {column} has {found} entries, expected {expected}")]
    ColumnLength {
        /// Column name (OpenQuake spelling) or output name.
        column: String,
        /// Expected length.
        expected: usize,
        /// Actual length.
        found: usize,
    },
    /// The model is not defined for a site of the contexts.
    #[error("GSIM {gsim}: {reason}")]
    UnsupportedSite {
        /// GSIM name.
        gsim: String,
        /// What is out of the model's domain.
        reason: String,
    },
    /// A context is outside the range a tabulated model covers (e.g. a magnitude below
    /// its table's).
    #[error("GSIM {gsim}: {reason}")]
    OutOfRange {
        /// GSIM (and table) name.
        gsim: String,
        /// What is out of range.
        reason: String,
    },
    /// A defect in a built-in coefficient table.
    #[error("internal error: {0}")]
    Internal(String),
}

/// A ground-motion model.
pub trait Gsim: Send + Sync {
    /// The name as OpenQuake spells it (e.g. `BooreAtkinson2008`).
    fn name(&self) -> &str;

    /// The context columns the model reads.
    fn requires(&self) -> Requirements;

    /// The IMT families the model supports; SA is further limited to the
    /// period range of its coefficient tables.
    fn supported_imts(&self) -> &'static [ImtKind];

    /// The horizontal component the model predicts (OpenQuake's
    /// `DEFINED_FOR_INTENSITY_MEASURE_COMPONENT`), converted to the geometric mean when a
    /// job sets `horiz_comp_to_geom_mean`.
    fn component(&self) -> Component;

    /// The GeoJSON file of volcanic zones (OpenQuake's `volc_arc_file` parameter) in
    /// which the engine measures [`DistanceParam::Rvolc`]; `None`: rvolc is 0.
    fn volc_arc_file(&self) -> Option<&str> {
        None
    }

    /// Whether the model gives the between-event (inter-event) sigma, not only the total
    /// (OpenQuake's `StdDev.INTER_EVENT` in `DEFINED_FOR_STANDARD_DEVIATION_TYPES`).
    fn has_between_event_std(&self) -> bool {
        true
    }

    /// Computes, for every context, the ln-mean and the total, inter-event and
    /// intra-event sigmas of `imt` into the four output slices.
    fn compute(
        &self,
        ctx: &Contexts,
        imt: &Imt,
        mean: &mut [f64],
        sig_total: &mut [f64],
        sig_inter: &mut [f64],
        sig_intra: &mut [f64],
    ) -> Result<(), GsimError>;
}

/// The sorted names of the natively implemented GSIMs that need no parameters (the
/// parametrised `ModifiableGMPE`, `GMPETable`, `NBCC2015_AA13` and `NGAEastUSGSGMPE` are
/// not listed; their parameterless aliases are).
pub fn native_gsims() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = models::REGISTRY.iter().map(|(n, _)| *n).collect();
    names.extend(models::nbcc2015_aa13::ALIASES.iter().map(|a| a.0));
    names.extend(models::nga_east_usgs::ALIASES.iter().map(|a| a.0));
    names.sort_unstable();
    names
}

/// Builds the GSIM named as in OpenQuake, with its `key=value` parameters
/// (as given in `gsim_logic_tree.xml`); `ModifiableGMPE` wraps the GSIM its parameters
/// name (see [`models::modifiable_gmpe`]), `GMPETable`, `NBCC2015_AA13` and
/// `NGAEastUSGSGMPE` read the table their `gmpe_table` names.
pub fn gsim_by_name(name: &str, params: &[(String, String)]) -> Result<Box<dyn Gsim>, GsimError> {
    let name = name.trim();
    match name {
        "ModifiableGMPE" => {
            return Ok(Box::new(
                models::modifiable_gmpe::ModifiableGmpe::from_params(params)?,
            ));
        }
        "GMPETable" => {
            return Ok(Box::new(models::gmpe_table::TableGsim::from_params(
                params,
            )?));
        }
        "NBCC2015_AA13" => {
            return Ok(Box::new(models::nbcc2015_aa13::Nbcc2015Aa13::from_params(
                params,
            )?));
        }
        "NGAEastUSGSGMPE" => {
            return Ok(Box::new(models::nga_east_usgs::NgaEastUsgs::from_params(
                params,
            )?));
        }
        _ => {}
    }
    if let Some(alias) = models::nbcc2015_aa13::Nbcc2015Aa13::alias(name) {
        return models::plain(alias?, params);
    }
    if let Some(alias) = models::nga_east_usgs::NgaEastUsgs::alias(name) {
        return models::plain(alias?, params);
    }
    let (_, build) = models::REGISTRY
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| GsimError::UnknownGsim(name.to_string()))?;
    build(params)
}

/// Checks the IMT family and the column lengths shared by every model.
pub(crate) fn precheck(
    gsim: &dyn Gsim,
    ctx: &Contexts,
    imt: &Imt,
    outputs: [usize; 4],
) -> Result<usize, GsimError> {
    if !gsim.supported_imts().contains(&imt.kind()) {
        return Err(GsimError::UnsupportedImt {
            gsim: gsim.name().to_string(),
            imt: imt.to_string(),
        });
    }
    ctx.check(&gsim.requires(), outputs)
}
