//! Sources to ruptures, in OpenQuake's order (`src.iter_ruptures()`), stored column-wise.
//!
//! Point sources give one rupture per magnitude bin × nodal plane × hypocentral depth, with
//! rate = bin rate × (plane probability × depth probability); an area source is the point
//! sources of its discretised polygon, its MFD divided among them; a simple fault source
//! floats, for each magnitude, a rupture of the scaled size over every position of its mesh,
//! sharing the bin rate equally.
//!
//! OpenQuake's point-source approximations are not applied (they change numbers): they would
//! hook in [`RuptureSet::add_source`] before the magnitude loop of a point source —
//! `pointsource_distance` (collapsing nodal planes and depths to their average beyond that
//! distance, `PointSource.iruptures`), `ps_grid_spacing` (grouping point sources into
//! `CollapsedPointSource`s) — and need the sites, which this module does not see.

use std::sync::Arc;

use oqcloud_nrml::source::{
    AspectRatio, PointParameters, SimpleFaultSource, Source, SourceKind, SourceModel,
};

use crate::HazardError;
use crate::geo::{self, round_coordinate, round_half_away};
use crate::mfd::BinnedMfd;
use crate::msr::Msr;
use crate::surface::{self, MeshWindow, PlanarSurface, PointRuptureGeometry};

/// The job parameters (`[erf]` section of job.ini) that shape ruptures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErfParams {
    /// `rupture_mesh_spacing`, km.
    pub rupture_mesh_spacing: f64,
    /// `width_of_mfd_bin`, magnitude units (Gutenberg-Richter MFDs).
    pub width_of_mfd_bin: f64,
    /// `area_source_discretization`, km; an area source's own `discretization` wins.
    pub area_source_discretization: Option<f64>,
}

/// The surface of a rupture.
#[derive(Debug, Clone, PartialEq)]
pub enum RuptureSurface {
    Planar(PlanarSurface),
    Mesh(MeshWindow),
}

impl RuptureSurface {
    /// Corners (lon, lat, depth): top left, top right, bottom left, bottom right (the corner
    /// nodes of a mesh).
    pub fn corners(&self) -> [[f64; 3]; 4] {
        match self {
            RuptureSurface::Planar(p) => p.corners,
            RuptureSurface::Mesh(m) => {
                let (r, c) = (m.rows - 1, m.cols - 1);
                [m.at(0, 0), m.at(0, c), m.at(r, 0), m.at(r, c)]
            }
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
    /// Moment magnitude.
    pub mag: Vec<f64>,
    /// Rake, strike and dip, degrees. For fault ruptures: the source's rake and dip, and the
    /// azimuth from the first to the last point of the trace.
    pub rake: Vec<f64>,
    pub strike: Vec<f64>,
    pub dip: Vec<f64>,
    /// Depth of the top edge, km.
    pub ztor: Vec<f64>,
    /// Down-dip width, km: measured in the plane for planar surfaces, (rows − 1) × mesh
    /// spacing for fault ruptures.
    pub width: Vec<f64>,
    /// Hypocentre: degrees, degrees, km.
    pub hypo_lon: Vec<f64>,
    pub hypo_lat: Vec<f64>,
    pub hypo_depth: Vec<f64>,
    /// Annual occurrence rate.
    pub rate: Vec<f64>,
    pub surface: Vec<RuptureSurface>,
}

/// One rupture, before it goes into the columns.
struct Rupture {
    mag: f64,
    rake: f64,
    strike: f64,
    dip: f64,
    ztor: f64,
    width: f64,
    hypo: [f64; 3],
    rate: f64,
    surface: RuptureSurface,
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

    /// The ruptures of every source of a model, group after group.
    pub fn from_model(model: &SourceModel, params: &ErfParams) -> Result<Self, HazardError> {
        let mut set = RuptureSet::default();
        for source in model.groups.iter().flat_map(|g| &g.sources) {
            set.add_source(source, params)?;
        }
        Ok(set)
    }

    /// Appends the ruptures of `source`; on error nothing is appended.
    pub fn add_source(&mut self, source: &Source, params: &ErfParams) -> Result<(), HazardError> {
        let in_source = |e: HazardError| e.in_source(&source.id);
        let ruptures = match &source.kind {
            SourceKind::Point(point) => {
                let p = &point.params;
                let mfd =
                    BinnedMfd::from_nrml(&p.mfd, params.width_of_mfd_bin).map_err(in_source)?;
                let location = (
                    round_coordinate(point.location.lon),
                    round_coordinate(point.location.lat),
                );
                point_ruptures(p, &mfd, &[location])
            }
            SourceKind::Area(area) => {
                let p = &area.params;
                let spacing = area
                    .discretization
                    .or(params.area_source_discretization)
                    .ok_or_else(|| {
                        in_source(HazardError::Invalid(
                            "no discretization and no area_source_discretization".to_owned(),
                        ))
                    })?;
                let mut vertices: Vec<(f64, f64)> = Vec::new();
                for v in &area.polygon {
                    let vertex = (round_coordinate(v.lon), round_coordinate(v.lat));
                    if vertices.last() != Some(&vertex) {
                        vertices.push(vertex);
                    }
                }
                if vertices.len() > 1 && vertices.first() == vertices.last() {
                    vertices.pop();
                }
                let points = geo::discretize_polygon(&vertices, spacing);
                if points.is_empty() {
                    return Err(in_source(HazardError::Invalid(format!(
                        "the area_source_discretization is too large ({spacing} km)"
                    ))));
                }
                let mfd = BinnedMfd::from_nrml(&p.mfd, params.width_of_mfd_bin)
                    .and_then(|m| m.divided(points.len()))
                    .map_err(in_source)?;
                point_ruptures(p, &mfd, &points)
            }
            SourceKind::SimpleFault(fault) => fault_ruptures(fault, params),
            SourceKind::MultiPoint(_) => Err(HazardError::Unsupported("multiPointSource".into())),
            SourceKind::ComplexFault(_) => {
                Err(HazardError::Unsupported("complexFaultSource".into()))
            }
            SourceKind::CharacteristicFault(_) => {
                Err(HazardError::Unsupported("characteristicFaultSource".into()))
            }
            SourceKind::NotRead => Err(HazardError::Unsupported("this source kind".into())),
        }
        .map_err(in_source)?;
        let index = self.source_ids.len() as u32;
        self.source_ids.push(source.id.clone());
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
            self.surface.push(r.surface);
        }
        Ok(())
    }
}

/// A distribution as OpenQuake reads it: repeated values are merged (probabilities summed)
/// and the result sorted by (probability, value); kept as given when all values differ.
fn merge_repeated<V: PartialEq + PartialOrd + Copy>(dist: &[(f64, V)]) -> Vec<(f64, V)> {
    let mut merged: Vec<(f64, V)> = Vec::with_capacity(dist.len());
    for &(p, v) in dist {
        match merged.iter_mut().find(|(_, w)| *w == v) {
            Some(entry) => entry.0 += p,
            None => merged.push((p, v)),
        }
    }
    if merged.len() < dist.len() {
        merged.sort_by(|a, b| {
            a.0.total_cmp(&b.0)
                .then(a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal))
        });
    }
    merged
}

fn aspect_ratio(ratio: AspectRatio) -> Result<f64, HazardError> {
    match ratio {
        AspectRatio::Constant(r) => Ok(r),
        AspectRatio::MagnitudeDependent => Err(HazardError::Unsupported(
            "magnitude-dependent aspect ratio".into(),
        )),
    }
}

/// Magnitude bins with a positive rate (OpenQuake drops the others).
fn positive_bins(mfd: &BinnedMfd) -> Vec<(f64, f64)> {
    mfd.annual_rates()
        .into_iter()
        .filter(|&(_, r)| r > 0.0)
        .collect()
}

fn point_ruptures(
    p: &PointParameters,
    mfd: &BinnedMfd,
    locations: &[(f64, f64)],
) -> Result<Vec<Rupture>, HazardError> {
    let msr = Msr::from_nrml(&p.mag_scale_rel)?;
    let ratio = aspect_ratio(p.rupt_aspect_ratio)?;
    let planes = merge_repeated(
        &p.nodal_plane_dist
            .planes
            .iter()
            .map(|n| (n.probability, (n.strike, n.dip, n.rake)))
            .collect::<Vec<_>>(),
    );
    let depths = merge_repeated(
        &p.hypo_depth_dist
            .depths
            .iter()
            .map(|d| (d.probability, d.depth))
            .collect::<Vec<_>>(),
    );
    let bins = positive_bins(mfd);
    let mut out = Vec::with_capacity(locations.len() * bins.len() * planes.len() * depths.len());
    for &(lon, lat) in locations {
        for &(mag, mag_rate) in &bins {
            for &(plane_prob, (strike, dip, rake)) in &planes {
                let area = msr.median_area(mag, Some(rake));
                for &(depth_prob, depth) in &depths {
                    let planar = surface::point_rupture_surface(&PointRuptureGeometry {
                        lon,
                        lat,
                        depth,
                        upper_seismogenic_depth: p.upper_seismogenic_depth,
                        lower_seismogenic_depth: p.lower_seismogenic_depth,
                        aspect_ratio: ratio,
                        area,
                        strike,
                        dip,
                    });
                    out.push(Rupture {
                        mag,
                        rake,
                        strike,
                        dip,
                        ztor: planar.corners[0][2],
                        width: planar.width,
                        hypo: [lon, lat, depth],
                        rate: mag_rate * (plane_prob * depth_prob),
                        surface: RuptureSurface::Planar(planar),
                    });
                }
            }
        }
    }
    Ok(out)
}

fn fault_ruptures(
    fault: &SimpleFaultSource,
    params: &ErfParams,
) -> Result<Vec<Rupture>, HazardError> {
    if fault.hypo_depth_dist.is_some() {
        return Err(HazardError::Unsupported(
            "hypoDepthDist in a simple fault source".into(),
        ));
    }
    let msr = Msr::from_nrml(&fault.mag_scale_rel)?;
    let ratio = aspect_ratio(fault.rupt_aspect_ratio)?;
    let mfd = BinnedMfd::from_nrml(&fault.mfd, params.width_of_mfd_bin)?;
    let g = &fault.geometry;
    let spacing = params.rupture_mesh_spacing;
    let trace: Vec<(f64, f64)> = g
        .trace
        .iter()
        .map(|p| (round_coordinate(p.lon), round_coordinate(p.lat)))
        .collect();
    let mesh = surface::simple_fault_mesh(
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
    })?;
    let mesh = Arc::new(mesh);
    let (first, last) = (trace[0], trace[trace.len() - 1]);
    let strike = geo::azimuth(first.0, first.1, last.0, last.1);
    let fault_length = (mesh.cols - 1) as f64 * spacing;
    let fault_width = (mesh.rows - 1) as f64 * spacing;
    let mut out = Vec::new();
    for (mag, mag_rate) in positive_bins(&mfd) {
        let area = msr.median_area(mag, Some(fault.rake));
        let mut length = (area * ratio).sqrt();
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
        let (along_length, along_width) = (mesh.cols - cols + 1, mesh.rows - rows + 1);
        let rate = mag_rate / (along_length * along_width) as f64;
        for first_row in 0..along_width {
            for first_col in 0..along_length {
                let window = MeshWindow {
                    mesh: Arc::clone(&mesh),
                    first_row,
                    first_col,
                    rows,
                    cols,
                };
                let ztor = (0..cols)
                    .map(|c| window.at(0, c)[2])
                    .fold(f64::INFINITY, f64::min);
                out.push(Rupture {
                    mag,
                    rake: fault.rake,
                    strike,
                    dip: g.dip,
                    ztor,
                    width: (rows - 1) as f64 * spacing,
                    hypo: window.middle_point(),
                    rate,
                    surface: RuptureSurface::Mesh(window),
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_values_merge_and_sort() {
        let planes = [
            (0.25, (144.0, 87.0, -179.0)),
            (0.25, (144.0, 87.0, -179.0)),
            (0.5, (0.0, 90.0, 0.0)),
        ];
        let merged = merge_repeated(&planes);
        assert_eq!(
            merged,
            vec![(0.5, (0.0, 90.0, 0.0)), (0.5, (144.0, 87.0, -179.0))]
        );
        let depths = [(0.6, 5.0), (0.4, 10.0)];
        assert_eq!(merge_repeated(&depths), depths.to_vec());
    }
}
