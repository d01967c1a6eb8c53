//! Sources to ruptures, in OpenQuake's order (`src.iter_ruptures()`), stored column-wise.
//!
//! Point sources give one rupture per magnitude bin × nodal plane × hypocentral depth, with
//! rate = bin rate × (plane probability × depth probability); an area source is the point
//! sources of its discretised polygon, its MFD divided among them; simple and complex fault
//! sources float, for each magnitude, ruptures of the scaled size over every position of
//! their mesh, sharing the bin rate equally (a simple fault with a `hypoDepthDist` repeats
//! each floating rupture at each hypocentre that falls in its depth range, the rate split
//! by the renormalised probabilities); a characteristic fault source gives one rupture
//! per magnitude on its whole surface. Coordinates are rounded to 5 decimals first, as
//! OpenQuake reads them.
//!
//! Point-like sources are handled by [`crate::point`]; their ruptures carry what OpenQuake's
//! `pointsource_distance` approximation needs (the point they come from, its reach, and the
//! part each rupture plays), which the calculator applies since it sees the sites.

use std::sync::Arc;

use oqcloud_nrml::source::{
    AspectRatio, CharacteristicFaultSource, ComplexFaultGeometry, ComplexFaultSource,
    HypoDepthDist, Point, Point3, SimpleFaultGeometry, SimpleFaultSource, Source, SourceKind,
    SourceModel, Surface, Tom,
};
use rayon::prelude::*;

use crate::HazardError;
use crate::gc2::Gc2;
use crate::geo::{self, round_half_away};
use crate::mfd::BinnedMfd;
use crate::msr::Msr;
use crate::point;
use crate::surface::{self, Cell, FaultMesh, MeshWindow, PlanarSurface};

/// The job parameters (`[erf]` section of job.ini) that shape ruptures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErfParams {
    /// `rupture_mesh_spacing`, km.
    pub rupture_mesh_spacing: f64,
    /// `width_of_mfd_bin`, magnitude units (Gutenberg-Richter MFDs).
    pub width_of_mfd_bin: f64,
    /// `area_source_discretization`, km; an area source's own `discretization` wins.
    pub area_source_discretization: Option<f64>,
    /// `complex_fault_mesh_spacing`, km: needed by complex fault geometries.
    pub complex_fault_mesh_spacing: Option<f64>,
    /// `shift_hypo`: the hypocentre of a point rupture moves (in depth) with its surface
    /// when the surface is shifted into the seismogenic layer, instead of staying at the
    /// depth of the hypocentral depth distribution.
    pub shift_hypo: bool,
    /// `ps_grid_spacing`, km: the points of point-like sources of a group are collapsed on a
    /// grid of this spacing (see [`crate::point`]); `None` when 0 or not set.
    pub ps_grid_spacing: Option<f64>,
}

/// The surface of a rupture.
#[derive(Debug, Clone, PartialEq)]
pub enum RuptureSurface {
    Planar(PlanarSurface),
    Mesh(MeshWindow),
    /// Several planar surfaces (a characteristic fault of several planes): OpenQuake's
    /// `MultiSurface`.
    MultiPlanar(MultiPlanarSurface),
}

/// The planes of a rupture on several planes, with the GC2 frame of their top edges (which
/// gives its rx and ry0).
#[derive(Debug, Clone, PartialEq)]
pub struct MultiPlanarSurface {
    pub planes: Vec<PlanarSurface>,
    pub(crate) gc2: Gc2,
}

impl MultiPlanarSurface {
    /// The surface of `planes` (at least one).
    pub fn new(planes: Vec<PlanarSurface>) -> Self {
        let gc2 = Gc2::of(&planes);
        MultiPlanarSurface { planes, gc2 }
    }
}

impl RuptureSurface {
    /// Corners (lon, lat, depth): top left, top right, bottom left, bottom right (the corner
    /// nodes of a mesh); `None` for several planes.
    pub fn corners(&self) -> Option<[[f64; 3]; 4]> {
        match self {
            RuptureSurface::Planar(p) => Some(p.corners),
            RuptureSurface::Mesh(m) => {
                let (r, c) = (m.rows - 1, m.cols - 1);
                Some([m.at(0, 0), m.at(0, c), m.at(r, 0), m.at(r, c)])
            }
            RuptureSurface::MultiPlanar(_) => None,
        }
    }
}

/// Ruptures, one entry per rupture in each column.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuptureSet {
    /// Ids of the sources, indexed by [`RuptureSet::source`].
    pub source_ids: Vec<String>,
    /// Index of each rupture's source in `source_ids`.
    pub source: Vec<u32>,
    /// For each source in `source_ids`, the dispersion α of its negative binomial temporal
    /// occurrence model; `None`: Poisson.
    pub dispersion: Vec<Option<f64>>,
    /// Moment magnitude.
    pub mag: Vec<f64>,
    /// Rake, strike and dip, degrees. For fault ruptures: the source's rake, and the mean
    /// strike and dip of the rupture's surface (of its top row of cells for simple faults).
    pub rake: Vec<f64>,
    pub strike: Vec<f64>,
    pub dip: Vec<f64>,
    /// Depth of the top edge, km.
    pub ztor: Vec<f64>,
    /// Down-dip width, km: measured in the plane for planar surfaces, the mean width of the
    /// mesh (of its first column of cells for simple faults) for fault ruptures.
    pub width: Vec<f64>,
    /// Hypocentre: degrees, degrees, km.
    pub hypo_lon: Vec<f64>,
    pub hypo_lat: Vec<f64>,
    pub hypo_depth: Vec<f64>,
    /// Annual occurrence rate.
    pub rate: Vec<f64>,
    pub surface: Vec<RuptureSurface>,
    /// A sphere holding each surface (Earth-centred centre, radius; km): rules out far sites
    /// before their distances are computed.
    pub bounds: Vec<([f64; 3], f64)>,
    /// For a point-source rupture, its point and its part in the `pointsource_distance`
    /// approximation.
    pub point: Vec<Option<PointRupture>>,
    /// The points of the point-source ruptures, indexed by [`PointRupture::location`].
    pub points: Vec<PointLocation>,
}

/// The point of a point source (an area source has one per discretisation node), as
/// OpenQuake's filtering and `pointsource_distance` see it.
#[derive(Debug, Clone, PartialEq)]
pub struct PointLocation {
    pub lon: f64,
    pub lat: f64,
    /// The depth its distance to sites is measured from: 0, the mean hypocentral depth for
    /// a collapsed point.
    pub depth: f64,
    /// What `ps_grid_spacing` adds to its reach and its `pointsource_distance`:
    /// `0.707 × ps_grid_spacing` for a collapsed point, else 0.
    pub grid_reach: f64,
    /// The radius of the surface projection of the point's largest rupture of each magnitude
    /// bin (half the diagonal of the last nodal plane's rupture; 0 for `PointMSR`), by
    /// increasing magnitude: `PointSource.radius`.
    pub reach: Vec<(f64, f64)>,
}

/// Which sites a point-source rupture applies to under the `pointsource_distance`
/// approximation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointRole {
    /// Every site: the point has one nodal plane and one depth, nothing to collapse.
    Every,
    /// One of the full set of nodal planes × depths, for sites within the distance.
    Near,
    /// The average rupture of its magnitude, for sites beyond the distance.
    Far,
}

/// A point-source rupture's point and role.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PointRupture {
    /// Index in [`RuptureSet::points`].
    pub location: u32,
    pub role: PointRole,
    /// The reach of the point's ruptures of this magnitude (see [`PointLocation::reach`]).
    pub radius: f64,
}

/// One rupture, before it goes into the columns.
pub(crate) struct Rupture {
    mag: f64,
    rake: f64,
    strike: f64,
    dip: f64,
    ztor: f64,
    width: f64,
    hypo: [f64; 3],
    rate: f64,
    surface: RuptureSurface,
    point: Option<PointRupture>,
}

impl RuptureSet {
    /// Number of ruptures.
    pub fn len(&self) -> usize {
        self.mag.len()
    }

    /// Whether there are no ruptures.
    pub fn is_empty(&self) -> bool {
        self.mag.is_empty()
    }

    /// The ruptures of every source of a model, group after group in OpenQuake's order
    /// (`SourceGroup.__lt__`: groups of fewer sources first, then by tectonic region).
    pub fn from_model(model: &SourceModel, params: &ErfParams) -> Result<Self, HazardError> {
        let mut groups: Vec<_> = model.groups.iter().collect();
        groups.sort_by(|a, b| {
            (a.sources.len(), &a.tectonic_region).cmp(&(b.sources.len(), &b.tectonic_region))
        });
        let mut set = RuptureSet::default();
        for source in groups.iter().flat_map(|g| &g.sources) {
            set.add_source(source, params)?;
        }
        Ok(set)
    }

    /// Appends the ruptures of `source`; on error nothing is appended.
    pub fn add_source(&mut self, source: &Source, params: &ErfParams) -> Result<(), HazardError> {
        let in_source = |e: HazardError| e.in_source(&source.id);
        let dispersion = dispersion(source).map_err(in_source)?;
        if let Some(split) = point::split_source(source, params).map_err(in_source)? {
            let mut locations = Vec::new();
            let ruptures = split
                .points()
                .flat_map(|p| point::point_ruptures(&p, params, &mut locations))
                .collect();
            self.push(&source.id, dispersion, ruptures, locations);
            return Ok(());
        }
        let ruptures = match &source.kind {
            SourceKind::SimpleFault(fault) => fault_ruptures(fault, params),
            SourceKind::ComplexFault(fault) => complex_fault_ruptures(fault, params),
            SourceKind::CharacteristicFault(fault) => characteristic_ruptures(fault, params),
            _ => Err(HazardError::Unsupported("this source kind".into())),
        }
        .map_err(in_source)?;
        self.push(&source.id, dispersion, ruptures, Vec::new());
        Ok(())
    }

    /// Appends the ruptures of the sources of one group; with `ps_grid_spacing`, the points
    /// of its point-like sources are collapsed on that grid first (their ruptures are then
    /// those of source `cps`). On error some sources may have been appended.
    pub fn add_group(
        &mut self,
        sources: &[&Source],
        params: &ErfParams,
    ) -> Result<(), HazardError> {
        let Some(spacing) = params.ps_grid_spacing else {
            for source in sources {
                self.add_source(source, params)?;
            }
            return Ok(());
        };
        let mut splits = Vec::new();
        for source in sources {
            match point::split_source(source, params).map_err(|e| e.in_source(&source.id))? {
                Some(split) => splits.push((*source, split)),
                None => self.add_source(source, params)?,
            }
        }
        let points: Vec<point::SourcePoint> = splits.iter().flat_map(|(_, s)| s.points()).collect();
        let cells = point::grid_cells(&points, spacing);
        // a source of another temporal occurrence model keeps its own ruptures when nothing
        // is collapsed, as OpenQuake keeps its sources then; collapsed with others, it is
        // not modelled
        let not_poisson = splits.iter().find(|(s, _)| s.tom != Tom::Poisson);
        if let Some((source, _)) = not_poisson {
            if cells.iter().any(|cell| cell.len() > 1) {
                let what = "a non-Poisson source collapsed by ps_grid_spacing";
                return Err(HazardError::Unsupported(what.into()).in_source(&source.id));
            }
            for (source, _) in &splits {
                self.add_source(source, params)?;
            }
            return Ok(());
        }
        let mut locations = Vec::new();
        let ruptures = point::gridded_ruptures(&points, &cells, spacing, params, &mut locations);
        let ruptures = ruptures.into_iter().flatten().collect();
        self.push("cps", None, ruptures, locations);
        Ok(())
    }

    /// Appends `ruptures` of source `id`, with the point `locations` they refer to.
    fn push(
        &mut self,
        id: &str,
        dispersion: Option<f64>,
        ruptures: Vec<Rupture>,
        locations: Vec<PointLocation>,
    ) {
        let index = self.source_ids.len() as u32;
        self.source_ids.push(id.to_owned());
        self.dispersion.push(dispersion);
        let first_point = self.points.len() as u32;
        self.points.extend(locations);
        for r in ruptures {
            self.source.push(index);
            self.mag.push(r.mag);
            self.rake.push(r.rake);
            self.strike.push(r.strike);
            self.dip.push(r.dip);
            self.ztor.push(r.ztor);
            self.width.push(r.width);
            self.hypo_lon.push(r.hypo[0]);
            self.hypo_lat.push(r.hypo[1]);
            self.hypo_depth.push(r.hypo[2]);
            self.rate.push(r.rate);
            self.bounds
                .push(crate::distance::bounding_sphere(&r.surface));
            self.surface.push(r.surface);
            self.point.push(r.point.map(|p| PointRupture {
                location: p.location + first_point,
                ..p
            }));
        }
    }
}

/// The dispersion of a source's negative binomial temporal occurrence model, `None` for a
/// Poisson one; other models are not supported.
fn dispersion(source: &Source) -> Result<Option<f64>, HazardError> {
    match &source.tom {
        Tom::Poisson => Ok(None),
        Tom::NegativeBinomial { alpha, .. } => Ok(Some(*alpha)),
        Tom::Other(name) => Err(HazardError::Unsupported(format!(
            "the temporal occurrence model {name}"
        ))),
    }
}

/// A point of a source's geometry as OpenQuake reads it: rounded to 5 decimals.
pub(crate) fn lon_lat(p: &Point) -> (f64, f64) {
    (geo::round_coordinate(p.lon), geo::round_coordinate(p.lat))
}

/// A 3D point of a source's geometry as OpenQuake reads it: lon and lat rounded to 5 decimals.
fn lon_lat_depth(p: &Point3) -> [f64; 3] {
    [
        geo::round_coordinate(p.lon),
        geo::round_coordinate(p.lat),
        p.depth,
    ]
}

/// The rupture aspect ratio at `mag` (`get_aspect_ratio`): the constant, or the
/// `linear_piecewise` function as `numpy.interp` evaluates it (NaN when malformed: see
/// [`check_aspect_ratio`]).
pub(crate) fn aspect_ratio(ratio: AspectRatio, mag: f64) -> f64 {
    match ratio {
        AspectRatio::Constant(r) => r,
        AspectRatio::Malformed { .. } => f64::NAN,
        AspectRatio::LinearPiecewise([(m0, a0), (m1, a1)]) => {
            if mag <= m0 {
                a0
            } else if mag >= m1 {
                a1
            } else {
                (a1 - a0) / (m1 - m0) * (mag - m0) + a0
            }
        }
    }
}

/// An error for a malformed `aspectRatioFunction`.
pub(crate) fn check_aspect_ratio(ratio: AspectRatio) -> Result<(), HazardError> {
    match ratio {
        AspectRatio::Malformed { line } => Err(HazardError::Invalid(format!(
            "aspectRatioFunction (line {line}): expected type linear_piecewise and two \
             mag_point elements by increasing positive magnitude"
        ))),
        _ => Ok(()),
    }
}

/// Magnitude bins with a positive rate (OpenQuake drops the others).
pub(crate) fn positive_bins(mfd: &BinnedMfd) -> Vec<(f64, f64)> {
    mfd.annual_rates()
        .into_iter()
        .filter(|&(_, r)| r > 0.0)
        .collect()
}

impl Rupture {
    /// A point rupture on `planar`.
    pub(crate) fn planar(
        mag: f64,
        (strike, dip, rake): (f64, f64, f64),
        planar: PlanarSurface,
        hypo: [f64; 3],
        rate: f64,
        point: Option<PointRupture>,
    ) -> Self {
        Rupture {
            mag,
            rake,
            strike,
            dip,
            ztor: planar.corners[0][2],
            width: planar.width,
            hypo,
            rate,
            surface: RuptureSurface::Planar(planar),
            point,
        }
    }
}

fn fault_ruptures(
    fault: &SimpleFaultSource,
    params: &ErfParams,
) -> Result<Vec<Rupture>, HazardError> {
    let msr = Msr::from_nrml(&fault.mag_scale_rel)?;
    check_aspect_ratio(fault.rupt_aspect_ratio)?;
    let ratio = |mag| aspect_ratio(fault.rupt_aspect_ratio, mag);
    let mfd = BinnedMfd::from_nrml(&fault.mfd, params.width_of_mfd_bin)?;
    let spacing = params.rupture_mesh_spacing;
    let mesh = MeshWindow::whole(Arc::new(simple_mesh(&fault.geometry, spacing)?));
    let fault_length = (mesh.cols - 1) as f64 * spacing;
    let fault_width = (mesh.rows - 1) as f64 * spacing;
    let mut out = Vec::new();
    for (mag, mag_rate) in positive_bins(&mfd) {
        let area = msr.median_area(mag, Some(fault.rake));
        let mut length = (area * ratio(mag)).sqrt();
        let mut width = area / length;
        if area >= fault_length * fault_width {
            length = fault_length;
            width = fault_width;
        } else if width > fault_width {
            length *= width / fault_width;
            width = fault_width;
        } else if length > fault_length {
            width *= length / fault_length;
            length = fault_length;
        }
        let cols = (round_half_away(length / spacing) as usize + 1).min(mesh.cols);
        let rows = (round_half_away(width / spacing) as usize + 1).min(mesh.rows);
        if rows < 2 || cols < 2 {
            return Err(HazardError::Invalid(format!(
                "the ruptures of magnitude {mag} are less than half the \
                 rupture_mesh_spacing wide or long"
            )));
        }
        let (along_length, along_width) = (mesh.cols - cols + 1, mesh.rows - rows + 1);
        let rate = mag_rate / (along_length * along_width) as f64;
        for first_row in 0..along_width {
            // the hypocentres of each floating rupture: (along strike, down dip, weight)
            let hypocentres = match (&fault.hypo_depth_dist, &fault.hypo_list, &fault.slip_list) {
                (Some(dist), _, _) => Some(
                    dip_fractions(fault, dist, spacing, first_row, rows)?
                        .into_iter()
                        .map(|(down, weight)| (0.5, down, weight))
                        .collect(),
                ),
                // one rupture per (hypocentre, slip): the slip direction matters to
                // directivity models only, which the native engine does not have
                (None, Some(hypos), Some(slips)) => Some(
                    hypos
                        .hypos
                        .iter()
                        .flat_map(|h| {
                            slips
                                .slips
                                .iter()
                                .map(move |s| (h.along_strike, h.down_dip, h.weight * s.weight))
                        })
                        .collect::<Vec<_>>(),
                ),
                _ => None,
            };
            for first_col in 0..along_length {
                let window = mesh.sub(first_row, first_col, rows, cols);
                let Some(hypocentres) = &hypocentres else {
                    out.push(mesh_rupture(window, true, mag, fault.rake, rate));
                    continue;
                };
                for &(along, down, weight) in hypocentres {
                    let mut rupture =
                        mesh_rupture(window.clone(), true, mag, fault.rake, rate * weight);
                    rupture.hypo = hypocentre_at(&window, spacing, along, down);
                    out.push(rupture);
                }
            }
        }
    }
    Ok(out)
}

/// The hypocentres of the floating ruptures of a simple fault starting at `first_row` and
/// `rows` rows deep (`_hypo_list_from_depths`): the depths of the distribution within the
/// rupture's depth range (from the seismogenic depths, the mesh spacing and the dip), as
/// down-dip fractions (or their `fixedDipFrac`), equal fractions merged, weights
/// renormalised; an error when no depth falls in the range.
fn dip_fractions(
    fault: &SimpleFaultSource,
    dist: &HypoDepthDist,
    spacing: f64,
    first_row: usize,
    rows: usize,
) -> Result<Vec<(f64, f64)>, HazardError> {
    let g = &fault.geometry;
    let down_dip = spacing * g.dip.to_radians().sin();
    let top = g.upper_seismogenic_depth + first_row as f64 * down_dip;
    let bottom = g.upper_seismogenic_depth + (first_row + rows - 1) as f64 * down_dip;
    let mut by_fraction: Vec<(f64, f64)> = Vec::new();
    for h in &dist.depths {
        if top <= h.depth && h.depth <= bottom {
            let fraction = h.fixed_dip_frac.unwrap_or((h.depth - top) / (bottom - top));
            match by_fraction.iter_mut().find(|(f, _)| *f == fraction) {
                Some((_, w)) => *w += h.probability,
                None => by_fraction.push((fraction, h.probability)),
            }
        }
    }
    if by_fraction.is_empty() {
        return Err(HazardError::Invalid(format!(
            "no hypoDepthDist depth falls in the depth range of a floating rupture \
             [{top:.2}, {bottom:.2}] km"
        )));
    }
    let total: f64 = by_fraction.iter().map(|(_, w)| w).sum();
    Ok(by_fraction
        .into_iter()
        .map(|(f, w)| (f, w / total))
        .collect())
}

/// The mesh node of `window` the fractions `along` strike and `down` dip of the way from
/// its top left node (`BaseSurface.get_hypo_location`, indices rounded half to even).
fn hypocentre_at(window: &MeshWindow, spacing: f64, along: f64, down: f64) -> [f64; 3] {
    let down = down * ((window.rows - 1) as f64 * spacing);
    let row = ((down / spacing).round_ties_even() as usize).min(window.rows - 1);
    let along = along * ((window.cols - 1) as f64 * spacing);
    let col = ((along / spacing).round_ties_even() as usize).min(window.cols - 1);
    window.at(row, col)
}

fn simple_mesh(g: &SimpleFaultGeometry, spacing: f64) -> Result<FaultMesh, HazardError> {
    let trace: Vec<(f64, f64)> = g.trace.iter().map(lon_lat).collect();
    surface::simple_fault_mesh(
        &trace,
        g.upper_seismogenic_depth,
        g.lower_seismogenic_depth,
        g.dip,
        spacing,
    )
    .ok_or_else(|| {
        HazardError::Invalid(
            "the fault mesh needs at least 2 nodes along strike and dip: \
             the rupture_mesh_spacing may be too large"
                .into(),
        )
    })
}

fn complex_mesh(g: &ComplexFaultGeometry, params: &ErfParams) -> Result<FaultMesh, HazardError> {
    let spacing = params
        .complex_fault_mesh_spacing
        .ok_or_else(|| HazardError::Invalid("complex_fault_mesh_spacing is not set".into()))?;
    let edges: Vec<Vec<[f64; 3]>> = g
        .edges
        .iter()
        .map(|e| e.iter().map(lon_lat_depth).collect())
        .collect();
    surface::complex_fault_mesh(&edges, spacing).map_err(HazardError::Invalid)
}

/// A fault rupture on `window`: its top depth, mean dip, strike and width, and its middle
/// node as hypocentre. Simple fault surfaces take the dip and strike from their top row of
/// cells and the width from their first column (uniform along the fault).
fn mesh_rupture(window: MeshWindow, simple: bool, mag: f64, rake: f64, rate: f64) -> Rupture {
    let ztor = (0..window.cols)
        .map(|c| window.at(0, c)[2])
        .fold(f64::INFINITY, f64::min);
    let (dip, strike, width) = if simple {
        let (dip, strike) = window
            .sub(0, 0, 2, window.cols)
            .mean_inclination_and_azimuth();
        (dip, strike, window.sub(0, 0, window.rows, 2).mean_width())
    } else {
        let (dip, strike) = window.mean_inclination_and_azimuth();
        (dip, strike, window.mean_width())
    };
    Rupture {
        mag,
        rake,
        strike,
        dip,
        ztor,
        width,
        hypo: window.middle_point(),
        rate,
        surface: RuptureSurface::Mesh(window),
        point: None,
    }
}

/// A complex fault floats, for each magnitude, ruptures of the median area and of length
/// √(area × aspect ratio) over its mesh (`_float_ruptures`), sharing the bin rate equally.
fn complex_fault_ruptures(
    fault: &ComplexFaultSource,
    params: &ErfParams,
) -> Result<Vec<Rupture>, HazardError> {
    let msr = Msr::from_nrml(&fault.mag_scale_rel)?;
    check_aspect_ratio(fault.rupt_aspect_ratio)?;
    let ratio = |mag| aspect_ratio(fault.rupt_aspect_ratio, mag);
    let mfd = BinnedMfd::from_nrml(&fault.mfd, params.width_of_mfd_bin)?;
    let mesh = MeshWindow::whole(Arc::new(complex_mesh(&fault.geometry, params)?));
    let cells: Vec<Cell> = mesh.cells().collect();
    let mut out = Vec::new();
    for (mag, mag_rate) in positive_bins(&mfd) {
        let area = msr.median_area(mag, Some(fault.rake));
        let length = (area * ratio(mag)).sqrt();
        let windows = float_ruptures(area, length, &cells, mesh.rows - 1, mesh.cols - 1);
        if windows.is_empty() {
            return Err(HazardError::Invalid(format!(
                "no rupture of magnitude {mag} fits on the fault"
            )));
        }
        let rate = mag_rate / windows.len() as f64;
        // each window's mean dip, strike and width read all its cells: in parallel, in order
        let ruptures: Vec<Rupture> = windows
            .par_iter()
            .map(|&(first_row, first_col, rows, cols)| {
                let window = mesh.sub(first_row, first_col, rows, cols);
                mesh_rupture(window, false, mag, fault.rake, rate)
            })
            .collect();
        out.extend(ruptures);
    }
    Ok(out)
}

/// Index and value of the first smallest |values − target|.
fn closest(values: &[f64], target: f64) -> (usize, f64) {
    let mut best = (0, values[0]);
    for (i, &v) in values.iter().enumerate() {
        if (v - target).abs() < (best.1 - target).abs() {
            best = (i, v);
        }
    }
    best
}

/// Cumulative sums.
fn accumulate(values: impl Iterator<Item = f64>) -> Vec<f64> {
    values
        .scan(0.0, |sum, v| {
            *sum += v;
            Some(*sum)
        })
        .collect()
}

/// OpenQuake's `complex_fault._float_ruptures`: the windows (first row, first column, rows,
/// columns of nodes) of ruptures of `area` and `length` on a mesh of `nrows` × `ncols` cells.
/// From each cell (row by row), the number of columns whose top-row length is closest to
/// `length`, then the number of rows whose area is closest to `area`; a rupture that does not
/// fit is stretched along strike on the first row, and its column is skipped on later rows.
fn float_ruptures(
    area: f64,
    length: f64,
    cells: &[Cell],
    nrows: usize,
    ncols: usize,
) -> Vec<(usize, usize, usize, usize)> {
    if area >= cells.iter().map(|c| c.area).sum::<f64>() {
        return vec![(0, 0, nrows + 1, ncols + 1)];
    }
    let cell = |r: usize, c: usize| cells[r * ncols + c];
    // the area of rows `rows` of cells between columns `cols`, by row
    let row_areas = |rows: std::ops::Range<usize>, cols: std::ops::Range<usize>| {
        accumulate(rows.map(move |r| cols.clone().map(|c| cell(r, c).area).sum::<f64>()))
    };
    let mut out = Vec::new();
    let mut dead_ends = Vec::new();
    for row in 0..nrows {
        for col in 0..ncols {
            if dead_ends.contains(&col) {
                continue;
            }
            let lengths = accumulate((col..ncols).map(|c| cell(row, c).length));
            let (rup_cols, rup_length) = closest(&lengths, length);
            let mut last_col = rup_cols + col + 1;
            if last_col == ncols && rup_length < length && col != 0 {
                break;
            }
            let areas = row_areas(row..nrows, col..last_col);
            let (rup_rows, rup_area) = closest(&areas, area);
            let last_row = rup_rows + row + 1;
            if last_row == nrows && rup_area < area {
                if row == 0 {
                    if last_col == ncols {
                        return out;
                    }
                    let column_areas = accumulate(
                        (col..ncols).map(|c| (0..nrows).map(|r| cell(r, c).area).sum::<f64>()),
                    );
                    let (rup_cols, rup_area) = closest(&column_areas, area);
                    last_col = rup_cols + col + 1;
                    if last_col == ncols && rup_area < area {
                        return out;
                    }
                } else {
                    dead_ends.push(col);
                }
            }
            out.push((row, col, last_row - row + 1, last_col - col + 1));
        }
    }
    out
}

/// The middle point of a planar surface (of its top-left to bottom-right diagonal), as
/// `PlanarSurface.get_middle_point`.
fn planar_middle(p: &PlanarSurface) -> [f64; 3] {
    let [tl, _, _, br] = p.corners;
    let (lon, lat) = geo::middle_point(tl[0], tl[1], br[0], br[1]);
    [lon, lat, (tl[2] + br[2]) / 2.0]
}

/// The parameters of a rupture on several planes, as OpenQuake's `MultiSurface` gives them
/// (`build_msparams`, in float32 as it keeps them): strike, dip, width and top depth are
/// the planes' averages weighted by area; the hypocentre is the middle point of the plane
/// nearest to the middle of the planes' bounding box.
struct MultiPlanarParams {
    strike: f64,
    dip: f64,
    width: f64,
    ztor: f64,
    hypo: [f64; 3],
}

impl MultiPlanarParams {
    fn of(planes: &[PlanarSurface]) -> Self {
        let f32s = |f: &dyn Fn(&PlanarSurface) -> f64| -> Vec<f32> {
            planes.iter().map(|p| f(p) as f32).collect()
        };
        let areas = f32s(&|p| p.length * p.width);
        let total: f32 = areas.iter().sum();
        let weights: Vec<f32> = areas.iter().map(|a| a / total).collect();
        let weighted = |values: Vec<f32>| -> f64 {
            f64::from(weights.iter().zip(&values).map(|(w, v)| w * v).sum::<f32>())
        };
        // `angular_mean_weighted` compiled for float32: each term in single precision,
        // summed in double
        let (sin, cos) = f32s(&|p| p.strike).iter().zip(&weights).fold(
            (0.0, 0.0),
            |(sin, cos), (&strike, &w)| {
                let r = strike * (std::f64::consts::PI / 180.0) as f32;
                (sin + f64::from(r.sin() * w), cos + f64::from(r.cos() * w))
            },
        );
        let strike = geo::py_mod(sin.atan2(cos).to_degrees(), 360.0) as f32;
        let corners = planes
            .iter()
            .flat_map(|p| p.corners.iter().map(|c| (c[0], c[1])));
        let (west, east, north, south) = geo::bounding_box(corners);
        let (lon, lat) = geo::middle_point(west, north, east, south);
        let centre = geo::to_cartesian(lon, lat, 0.0);
        let nearest = planes
            .iter()
            .map(|p| crate::distance::planar_rrup(p, centre))
            .enumerate()
            .fold(
                (0, f64::INFINITY),
                |best, (i, d)| if d < best.1 { (i, d) } else { best },
            );
        MultiPlanarParams {
            strike: f64::from(strike),
            dip: weighted(f32s(&|p| p.dip)),
            width: weighted(f32s(&|p| p.width)),
            ztor: weighted(f32s(&|p| p.corners[0][2])),
            hypo: planar_middle(&planes[nearest.0]),
        }
    }
}

/// A characteristic fault gives one rupture per magnitude bin on its whole surface (a simple
/// or complex fault mesh, or one planar surface), hypocentre at the surface's middle.
fn characteristic_ruptures(
    fault: &CharacteristicFaultSource,
    params: &ErfParams,
) -> Result<Vec<Rupture>, HazardError> {
    let mfd = BinnedMfd::from_nrml(&fault.mfd, params.width_of_mfd_bin)?;
    let rupture: Box<dyn Fn(f64, f64) -> Rupture> = match &fault.surface {
        Surface::SimpleFault(g) => {
            let window = MeshWindow::whole(Arc::new(simple_mesh(g, params.rupture_mesh_spacing)?));
            Box::new(move |mag, rate| mesh_rupture(window.clone(), true, mag, fault.rake, rate))
        }
        Surface::ComplexFault(g) => {
            let window = MeshWindow::whole(Arc::new(complex_mesh(g, params)?));
            Box::new(move |mag, rate| mesh_rupture(window.clone(), false, mag, fault.rake, rate))
        }
        Surface::Planar(planes) if planes.len() == 1 => {
            let p = &planes[0];
            let planar = surface::planar_from_corners(
                [p.top_left, p.top_right, p.bottom_left, p.bottom_right].map(|c| lon_lat_depth(&c)),
            );
            let hypo = planar_middle(&planar);
            Box::new(move |mag, rate| Rupture {
                mag,
                rake: fault.rake,
                strike: planar.strike,
                dip: planar.dip,
                ztor: planar.corners[0][2],
                width: planar.width,
                hypo,
                rate,
                surface: RuptureSurface::Planar(planar.clone()),
                point: None,
            })
        }
        Surface::Planar(planes) => {
            let planars: Vec<PlanarSurface> = planes
                .iter()
                .map(|p| {
                    surface::planar_from_corners(
                        [p.top_left, p.top_right, p.bottom_left, p.bottom_right]
                            .map(|c| lon_lat_depth(&c)),
                    )
                })
                .collect();
            let multi = MultiPlanarParams::of(&planars);
            let surface = MultiPlanarSurface::new(planars);
            Box::new(move |mag, rate| Rupture {
                mag,
                rake: fault.rake,
                strike: multi.strike,
                dip: multi.dip,
                ztor: multi.ztor,
                width: multi.width,
                hypo: multi.hypo,
                rate,
                surface: RuptureSurface::MultiPlanar(surface.clone()),
                point: None,
            })
        }
        Surface::Gridded { .. } | Surface::Kite { .. } => {
            return Err(HazardError::Unsupported(
                "gridded and kite surfaces in a characteristic fault source".into(),
            ));
        }
    };
    Ok(positive_bins(&mfd)
        .into_iter()
        .map(|(mag, rate)| rupture(mag, rate))
        .collect())
}
