//! Point-like sources (point, area and multi-point sources) to ruptures, with what
//! OpenQuake's point-source approximations need.
//!
//! Every source is first split into its points ([`SourcePoint`]): a point source is one, an
//! area source the nodes of its discretised polygon sharing its MFD, a multi-point source
//! its points each with its MFD. A point gives one rupture per magnitude bin × nodal plane ×
//! hypocentral depth, with rate = bin rate × plane probability × depth probability; when it
//! has several planes or depths, also one *average* rupture per bin (`PointSource.iruptures`:
//! the probability-weighted mean strike, dip, rake and depth, with the whole bin rate) that
//! the calculator uses instead of the full set for sites beyond `pointsource_distance`.
//!
//! With `ps_grid_spacing`, the points of a group are binned on a grid of that spacing
//! (`grid_point_sources`) and each cell with several points becomes one *collapsed* point
//! (`CollapsedPointSource`): near sites get the ruptures of all its points (their locations
//! and seismogenic depths in float32, each rupture's rate the summed bin rate × its weight /
//! the number of points with that bin), far sites one average rupture per bin at the
//! rate-weighted mean location, depth and geometry.

use oqcloud_nrml::mfd::MfdKind;
use oqcloud_nrml::source::{AspectRatio, PointParameters, Source, SourceKind};

use crate::HazardError;
use crate::geo;
use crate::mfd::BinnedMfd;
use crate::msr::Msr;
use crate::rupture::{
    ErfParams, PointLocation, PointRole, PointRupture, Rupture, aspect_ratio, check_aspect_ratio,
    lon_lat, positive_bins,
};
use crate::surface::{self, PointRuptureGeometry};

/// Strike, dip and rake, degrees.
type Plane = (f64, f64, f64);

/// (magnitude, annual rate) bins of positive rate, by increasing magnitude.
type Bins = Vec<(f64, f64)>;

/// What the points of one source share: scaling, aspect ratio, nodal planes and
/// hypocentral depths (as OpenQuake reads the distributions: repeated values merged).
pub(crate) struct PointKind {
    msr: Msr,
    ratio: AspectRatio,
    planes: Vec<(f64, Plane)>,
    depths: Vec<(f64, f64)>,
}

impl PointKind {
    pub(crate) fn from_params(p: &PointParameters) -> Result<Self, HazardError> {
        check_aspect_ratio(p.rupt_aspect_ratio)?;
        if p.hypo_depth_dist
            .depths
            .iter()
            .any(|d| d.fixed_dip_frac.is_some())
        {
            return Err(HazardError::Unsupported(
                "fixedDipFrac in a point-like source".into(),
            ));
        }
        Ok(PointKind {
            msr: Msr::from_nrml(&p.mag_scale_rel)?,
            ratio: p.rupt_aspect_ratio,
            planes: merge_repeated(
                &p.nodal_plane_dist
                    .planes
                    .iter()
                    .map(|n| (n.probability, (n.strike, n.dip, n.rake)))
                    .collect::<Vec<_>>(),
            ),
            depths: merge_repeated(
                &p.hypo_depth_dist
                    .depths
                    .iter()
                    .map(|d| (d.probability, d.depth))
                    .collect::<Vec<_>>(),
            ),
        })
    }

    /// Whether there is more than one plane or depth (`count_nphc() > 1`).
    fn collapsible(&self) -> bool {
        self.planes.len() * self.depths.len() > 1
    }
}

/// One point of a point-like source, with its magnitude bins of positive rate.
pub(crate) struct SourcePoint<'a> {
    pub lon: f64,
    pub lat: f64,
    pub upper_seismogenic_depth: f64,
    pub lower_seismogenic_depth: f64,
    pub kind: &'a PointKind,
    pub bins: Bins,
}

/// A point-like source split into its points (`split_source`).
pub(crate) struct SplitSource {
    kind: PointKind,
    upper_seismogenic_depth: f64,
    lower_seismogenic_depth: f64,
    /// (lon, lat) of each point with its magnitude bins.
    points: Vec<((f64, f64), Bins)>,
}

impl SplitSource {
    /// The points, in OpenQuake's order.
    pub(crate) fn points(&self) -> impl Iterator<Item = SourcePoint<'_>> {
        self.points.iter().map(|((lon, lat), bins)| SourcePoint {
            lon: *lon,
            lat: *lat,
            upper_seismogenic_depth: self.upper_seismogenic_depth,
            lower_seismogenic_depth: self.lower_seismogenic_depth,
            kind: &self.kind,
            bins: bins.clone(),
        })
    }
}

/// The points of a point, area or multi-point source; `None` for other sources.
pub(crate) fn split_source(
    source: &Source,
    erf: &ErfParams,
) -> Result<Option<SplitSource>, HazardError> {
    let bins = |mfd: BinnedMfd| positive_bins(&mfd);
    let (p, points) = match &source.kind {
        SourceKind::Point(point) => {
            let p = &point.params;
            let mfd = BinnedMfd::from_nrml(&p.mfd, erf.width_of_mfd_bin)?;
            (p, vec![(lon_lat(&point.location), bins(mfd))])
        }
        SourceKind::Area(area) => {
            let p = &area.params;
            let spacing = area
                .discretization
                .or(erf.area_source_discretization)
                .ok_or_else(|| {
                    HazardError::Invalid(
                        "no discretization and no area_source_discretization".to_owned(),
                    )
                })?;
            let mut vertices: Vec<(f64, f64)> = Vec::new();
            for v in area.polygon.iter().map(lon_lat) {
                if vertices.last() != Some(&v) {
                    vertices.push(v);
                }
            }
            if vertices.len() > 1 && vertices.first() == vertices.last() {
                vertices.pop();
            }
            let nodes = geo::discretize_polygon(&vertices, spacing);
            if nodes.is_empty() {
                return Err(HazardError::Invalid(format!(
                    "the area_source_discretization is too large ({spacing} km)"
                )));
            }
            // the area's MFD shared equally by its nodes
            let mfd = BinnedMfd::from_nrml(&p.mfd, erf.width_of_mfd_bin)
                .and_then(|m| m.divided(nodes.len()))?;
            let shared = bins(mfd);
            (p, nodes.into_iter().map(|n| (n, shared.clone())).collect())
        }
        SourceKind::MultiPoint(multi) => {
            // one MFD per point; OpenQuake keeps the locations in float32
            let p = &multi.params;
            let MfdKind::Multi(mfds) = &p.mfd.kind else {
                return Err(HazardError::Unsupported(
                    "multiPointSource without multiMFD".into(),
                ));
            };
            let points = multi
                .points
                .iter()
                .enumerate()
                .map(|(i, point)| {
                    let mfd = BinnedMfd::from_multi(mfds, i, erf.width_of_mfd_bin)?;
                    let location = (point.lon as f32 as f64, point.lat as f32 as f64);
                    Ok((location, bins(mfd)))
                })
                .collect::<Result<_, HazardError>>()?;
            (p, points)
        }
        _ => return Ok(None),
    };
    Ok(Some(SplitSource {
        kind: PointKind::from_params(p)?,
        upper_seismogenic_depth: p.upper_seismogenic_depth,
        lower_seismogenic_depth: p.lower_seismogenic_depth,
        points,
    }))
}

/// The geometry a planar point rupture is built from.
struct Geometry {
    lon: f64,
    lat: f64,
    usd: f64,
    lsd: f64,
    msr: Msr,
    ratio: AspectRatio,
}

impl Geometry {
    fn of(point: &SourcePoint) -> Self {
        Geometry {
            lon: point.lon,
            lat: point.lat,
            usd: point.upper_seismogenic_depth,
            lsd: point.lower_seismogenic_depth,
            msr: point.kind.msr,
            ratio: point.kind.ratio,
        }
    }

    /// The rupture of `mag` on `plane` with its hypocentre at `depth` (moved with the
    /// surface when `shift_hypo`).
    fn rupture(
        &self,
        mag: f64,
        plane: Plane,
        depth: f64,
        shift_hypo: bool,
        rate: f64,
        point: PointRupture,
    ) -> Rupture {
        let (strike, dip, rake) = plane;
        let (planar, centre) = surface::point_rupture_surface(&PointRuptureGeometry {
            lon: self.lon,
            lat: self.lat,
            depth,
            upper_seismogenic_depth: self.usd,
            lower_seismogenic_depth: self.lsd,
            aspect_ratio: aspect_ratio(self.ratio, mag),
            area: self.msr.median_area(mag, Some(rake)),
            strike,
            dip,
        });
        let hypo = [self.lon, self.lat, if shift_hypo { centre } else { depth }];
        Rupture::planar(mag, plane, planar, hypo, rate, Some(point))
    }

    /// `PointSource.radius`: half the diagonal of the surface projection of the rupture of
    /// `mag` on `plane` (0 for `PointMSR`).
    fn radius(&self, mag: f64, plane: Option<Plane>) -> f64 {
        match (self.msr, plane) {
            (Msr::Point, _) | (_, None) => 0.0,
            (msr, Some((_, dip, rake))) => {
                let [length, width, _] = surface::rupture_dimensions(
                    self.usd,
                    self.lsd,
                    aspect_ratio(self.ratio, mag),
                    msr.median_area(mag, Some(rake)),
                    dip,
                );
                length.hypot(width) / 2.0
            }
        }
    }
}

/// The ruptures of `point`, its location recorded in `locations`.
pub(crate) fn point_ruptures(
    point: &SourcePoint,
    erf: &ErfParams,
    locations: &mut Vec<PointLocation>,
) -> Vec<Rupture> {
    let kind = point.kind;
    let geometry = Geometry::of(point);
    // the reach of each bin: the rupture on the last nodal plane
    let last_plane = kind.planes.last().map(|(_, plane)| *plane);
    let reach: Vec<(f64, f64)> = point
        .bins
        .iter()
        .map(|&(mag, _)| (mag, geometry.radius(mag, last_plane)))
        .collect();
    let location = locations.len() as u32;
    locations.push(PointLocation {
        lon: point.lon,
        lat: point.lat,
        depth: 0.0,
        grid_reach: 0.0,
        reach: reach.clone(),
    });
    let collapsible = kind.collapsible();
    let (mean_plane, mean_depth) = mean_geometry(&[point]);
    let mut out = Vec::new();
    for (&(mag, mag_rate), &(_, radius)) in point.bins.iter().zip(&reach) {
        let role = |role| PointRupture {
            location,
            role,
            radius,
        };
        let full = role(if collapsible {
            PointRole::Near
        } else {
            PointRole::Every
        });
        for &(plane_prob, plane) in &kind.planes {
            for &(depth_prob, depth) in &kind.depths {
                let rate = mag_rate * (plane_prob * depth_prob);
                out.push(geometry.rupture(mag, plane, depth, erf.shift_hypo, rate, full));
            }
        }
        if collapsible {
            // `PointSource.iruptures`: never shifted (`shift_hypo` is not passed on)
            let far = role(PointRole::Far);
            out.push(geometry.rupture(mag, mean_plane, mean_depth, false, mag_rate, far));
        }
    }
    out
}

/// OpenQuake's `ps_grid_spacing` (km): `points` (those of one source group) binned in the
/// `cells` of [`grid_cells`]; a cell with one point gives that point's ruptures, a cell with
/// several one collapsed point's.
pub(crate) fn gridded_ruptures(
    points: &[SourcePoint],
    cells: &[Vec<usize>],
    spacing: f64,
    erf: &ErfParams,
    locations: &mut Vec<PointLocation>,
) -> Vec<Vec<Rupture>> {
    cells
        .iter()
        .map(|cell| match cell[..] {
            [single] => point_ruptures(&points[single], erf, locations),
            _ => {
                let members: Vec<&SourcePoint> = cell.iter().map(|&i| &points[i]).collect();
                collapsed_ruptures(&members, spacing, erf, locations)
            }
        })
        .collect()
}

/// The indices of `points` by cell of a grid of `spacing` km (`grid_point_sources`), cells
/// in order of their first point; each point on its own for fewer than two points, or
/// points all on one meridian or parallel (`groupby_grid`: `numpy.searchsorted` of each coordinate into `numpy.arange(min, max,
/// (max - min) / ceil((max - min) / delta))`, delta the spacing in degrees at the mean
/// latitude for longitudes).
pub(crate) fn grid_cells(points: &[SourcePoint], spacing: f64) -> Vec<Vec<usize>> {
    let single = || (0..points.len()).map(|i| vec![i]).collect();
    if points.len() < 2 {
        return single();
    }
    let lons: Vec<f64> = points.iter().map(|p| p.lon).collect();
    let lats: Vec<f64> = points.iter().map(|p| p.lat).collect();
    let distinct = |xs: &[f64]| xs.iter().any(|x| *x != xs[0]);
    if !distinct(&lons) || !distinct(&lats) {
        return single();
    }
    const KM_TO_DEGREES: f64 = 0.0089932;
    let mean_lat = numpy_sum(&lats) / lats.len() as f64;
    let delta_lon = spacing * KM_TO_DEGREES / mean_lat.to_radians().cos();
    let delta_lat = spacing * KM_TO_DEGREES;
    let bins = |xs: &[f64], delta: f64| -> Vec<usize> {
        let (min, max) = xs
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
                (lo.min(x), hi.max(x))
            });
        let n = ((max - min) / delta).ceil();
        let step = (max - min) / n;
        // numpy.arange: ceil((stop - start) / step) values start + i * step
        let count = ((max - min) / step).ceil() as usize;
        // numpy fills an arange from its first two values: start, start + step, then
        // start + i × ((start + step) − start)
        let delta = (min + step) - min;
        let edges: Vec<f64> = (0..count)
            .map(|i| match i {
                0 => min,
                1 => min + step,
                _ => min + i as f64 * delta,
            })
            .collect();
        xs.iter()
            .map(|x| edges.partition_point(|e| e <= x))
            .collect()
    };
    let (xbins, ybins) = (bins(&lons, delta_lon), bins(&lats, delta_lat));
    let mut cells: Vec<((usize, usize), Vec<usize>)> = Vec::new();
    for (k, key) in xbins.into_iter().zip(ybins).enumerate() {
        match cells.iter_mut().find(|(c, _)| *c == key) {
            Some((_, members)) => members.push(k),
            None => cells.push((key, vec![k])),
        }
    }
    cells.into_iter().map(|(_, members)| members).collect()
}

/// The ruptures of a `CollapsedPointSource` of `members` (at least two points).
fn collapsed_ruptures(
    members: &[&SourcePoint],
    spacing: f64,
    erf: &ErfParams,
    locations: &mut Vec<PointLocation>,
) -> Vec<Rupture> {
    // rate-weighted means of the location, seismogenic depths and aspect ratio
    let weights: Vec<f64> = members
        .iter()
        .map(|p| p.bins.iter().map(|b| b.1).sum::<f64>())
        .collect();
    let by_rate = |value: &dyn Fn(&SourcePoint) -> f64| {
        let weighted: Vec<f64> = members
            .iter()
            .zip(&weights)
            .map(|(p, w)| value(p) * w)
            .collect();
        numpy_sum(&weighted) / numpy_sum(&weights)
    };
    let first = members[0].kind;
    let ratio = match first.ratio {
        AspectRatio::Constant(_) => {
            AspectRatio::Constant(by_rate(&|p| aspect_ratio(p.kind.ratio, f64::NAN)))
        }
        other => other,
    };
    let (mean_plane, mean_depth) = mean_geometry(members);
    let centre = Geometry {
        lon: by_rate(&|p| p.lon),
        lat: by_rate(&|p| p.lat),
        usd: by_rate(&|p| p.upper_seismogenic_depth),
        lsd: by_rate(&|p| p.lower_seismogenic_depth),
        msr: first.msr,
        ratio,
    };
    // the bins of all members, rates summed, by magnitude; how many members have each
    let mut bins: Vec<(f64, f64, usize)> = Vec::new();
    for member in members {
        for &(mag, rate) in &member.bins {
            match bins.iter_mut().find(|b| b.0 == mag) {
                Some(bin) => {
                    bin.1 += rate;
                    bin.2 += 1;
                }
                None => bins.push((mag, rate, 1)),
            }
        }
    }
    bins.sort_by(|a, b| a.0.total_cmp(&b.0));
    let reach: Vec<(f64, f64)> = bins
        .iter()
        .map(|&(mag, ..)| (mag, centre.radius(mag, Some(mean_plane))))
        .collect();
    let location = locations.len() as u32;
    locations.push(PointLocation {
        lon: centre.lon,
        lat: centre.lat,
        depth: mean_depth,
        grid_reach: spacing * 0.707,
        reach: reach.clone(),
    });
    // the members as OpenQuake stores them (`psources_to_pdata`): float32 coordinates
    let stored: Vec<Geometry> = members
        .iter()
        .map(|p| Geometry {
            lon: p.lon as f32 as f64,
            lat: p.lat as f32 as f64,
            usd: p.upper_seismogenic_depth as f32 as f64,
            lsd: p.lower_seismogenic_depth as f32 as f64,
            msr: p.kind.msr,
            ratio: p.kind.ratio,
        })
        .collect();
    let mut out = Vec::new();
    for (&(mag, rate, sharing), &(_, radius)) in bins.iter().zip(&reach) {
        let role = |role| PointRupture {
            location,
            role,
            radius,
        };
        for (member, geometry) in members.iter().zip(&stored) {
            if !member.bins.iter().any(|b| b.0 == mag) {
                continue;
            }
            for &(plane_prob, plane) in &member.kind.planes {
                for &(depth_prob, depth) in &member.kind.depths {
                    let weight = plane_prob * depth_prob / sharing as f64;
                    out.push(geometry.rupture(
                        mag,
                        plane,
                        depth,
                        erf.shift_hypo,
                        rate * weight,
                        role(PointRole::Near),
                    ));
                }
            }
        }
        out.push(centre.rupture(
            mag,
            mean_plane,
            mean_depth,
            false,
            rate,
            role(PointRole::Far),
        ));
    }
    out
}

/// `calc_average`: the mean nodal plane (each angle averaged with the plane probabilities)
/// and the mean hypocentral depth (with the depth probabilities), over the planes and depths
/// of all `points` (`numpy.average`).
fn mean_geometry(points: &[&SourcePoint]) -> (Plane, f64) {
    let planes: Vec<(f64, Plane)> = points
        .iter()
        .flat_map(|p| p.kind.planes.iter().copied())
        .collect();
    let depths: Vec<(f64, f64)> = points
        .iter()
        .flat_map(|p| p.kind.depths.iter().copied())
        .collect();
    let average = |values: &mut dyn Iterator<Item = (f64, f64)>| {
        let (weighted, weights): (Vec<f64>, Vec<f64>) = values.map(|(w, v)| (w * v, w)).unzip();
        numpy_sum(&weighted) / numpy_sum(&weights)
    };
    let plane = (
        average(&mut planes.iter().map(|(w, p)| (*w, p.0))),
        average(&mut planes.iter().map(|(w, p)| (*w, p.1))),
        average(&mut planes.iter().map(|(w, p)| (*w, p.2))),
    );
    (plane, average(&mut depths.iter().copied()))
}

/// `numpy.sum` of a 1-D float64 array: pairwise summation, in blocks of 8 below 128 values.
fn numpy_sum(values: &[f64]) -> f64 {
    let n = values.len();
    if n < 8 {
        values.iter().fold(0.0, |acc, v| acc + v)
    } else if n <= 128 {
        let mut r = [0.0; 8];
        r.copy_from_slice(&values[..8]);
        let blocks = n - n % 8;
        for chunk in values[8..blocks].chunks_exact(8) {
            for (acc, v) in r.iter_mut().zip(chunk) {
                *acc += v;
            }
        }
        let mut sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for v in &values[blocks..] {
            sum += v;
        }
        sum
    } else {
        let half = (n / 2) - (n / 2) % 8;
        numpy_sum(&values[..half]) + numpy_sum(&values[half..])
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

    #[test]
    fn numpy_sums_pairwise() {
        let values: Vec<f64> = (0..300).map(|i| 0.1 * i as f64).collect();
        let exact: f64 = (0..300).map(|i| i as f64).sum::<f64>() * 0.1;
        assert!((numpy_sum(&values) - exact).abs() < 1e-9);
        assert_eq!(numpy_sum(&[1.0, 2.0]), 3.0);
    }
}
