//! From typed NRML sources to ruptures and their distances to sites, reproducing OpenQuake
//! 3.26's `hazardlib` (the numbers, not the code).
//!
//! Invariants and units, throughout: longitudes and latitudes in decimal degrees, angles
//! (strike, dip, rake, azimuth) in degrees, depths and distances in km (depth positive down),
//! areas in km², occurrence rates annual. The Earth is OpenQuake's sphere of radius 6371 km.
//! Ruptures come in OpenQuake's order, and every function returns an error or a value for
//! any input rather than panicking.
//!
//! - [`geo`]: geodetic primitives and polygon discretisation;
//! - [`mfd`]: magnitude-frequency distributions to (magnitude, rate) bins;
//! - [`msr`]: magnitude-scaling relationships;
//! - [`surface`]: planar surfaces, simple and complex fault meshes;
//! - [`rupture`]: sources to a column-wise [`RuptureSet`] (point-like sources in `point`);
//! - [`distance`]: rrup, rjb, rx, ry0, rhypo, repi, azimuth, ztor;
//! - [`volcanic`]: volcanic zones and the path length through them (rvolc);
//! - [`classical`]: hazard curves of a classical job.ini.

pub mod classical;
pub mod distance;
mod enclosing_polygon;
mod gc2;
mod geos_union;
mod mesh_site;
pub mod mfd;
pub mod msr;
mod point;
pub mod rupture;
mod simplify;
pub mod surface;
pub mod volcanic;

pub use distance::{Distances, Site};
/// Geodesy, shared with the GSIMs (`oqcloud-geo`).
pub use oqcloud_geo as geo;
pub use rupture::{ErfParams, RuptureSet, RuptureSurface};

/// Why a source gives no ruptures.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HazardError {
    /// A feature not implemented yet.
    #[error("not supported yet: {0}")]
    Unsupported(String),
    /// Values that cannot give ruptures.
    #[error("{0}")]
    Invalid(String),
    /// An error in a source.
    #[error("source {source_id}: {error}")]
    InSource {
        source_id: String,
        error: Box<HazardError>,
    },
}

impl HazardError {
    /// The error, naming the source it comes from (once).
    pub(crate) fn in_source(self, source_id: &str) -> Self {
        match self {
            HazardError::InSource { .. } => self,
            error => HazardError::InSource {
                source_id: source_id.to_owned(),
                error: Box::new(error),
            },
        }
    }
}
