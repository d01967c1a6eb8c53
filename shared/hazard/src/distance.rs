//! Rupture-to-site distances as OpenQuake's contexts compute them (km; azimuth in degrees).
//!
//! Planar surfaces: every distance, with the formulas of `geo.surface.planar` (rrup in the
//! plane's Cartesian frame; rjb, rx, ry0 from signed distances to the great circles through
//! the projected edges). Fault meshes, as `geo.surface.base.BaseSurface` and `geo.mesh`: rrup
//! (closest mesh node, straight-line), rjb (projected outline of the mesh), rx (piecewise, from
//! the top edge's segments and the half great circles extending its ends), ry0 (great circles
//! perpendicular to the mean strike through the ends of the top edge), azimuth (from the mesh
//! middle point, relative to the mean strike), rhypo, repi and ztor. Several planes
//! (`MultiSurface`): rrup and rjb, the least of the planes'; rx and ry0 in GC2 coordinates
//! ([`crate::gc2`]); azimuth from the middle point, relative to the mean strike.

use crate::geo::{
    self, GreatCircle, arc_between, distance_to_arc, py_mod, sign, to_cartesian, unit_vector,
};
use crate::mesh_site::{MeshSiteCache, Outline};
use crate::rupture::{RuptureSet, RuptureSurface};
use crate::surface::{MeshWindow, PlanarSurface, dot};

/// A site: degrees, degrees and depth in km (positive down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Site {
    pub lon: f64,
    pub lat: f64,
    pub depth: f64,
}

/// The distances from one rupture to one site.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Distances {
    /// Closest distance to the rupture surface.
    pub rrup: f64,
    /// Closest distance to the surface projection (Joyner-Boore).
    pub rjb: Option<f64>,
    /// Horizontal distance from the top edge's great circle, perpendicular to strike,
    /// positive on the hanging wall.
    pub rx: Option<f64>,
    /// Horizontal distance off the ends of the rupture, along strike (0 alongside it).
    pub ry0: Option<f64>,
    /// Hypocentral and epicentral distances.
    pub rhypo: Option<f64>,
    pub repi: Option<f64>,
    /// Azimuth of the site from the epicentre, relative to the strike, in `[0, 360)`.
    pub azimuth: Option<f64>,
    /// Depth of the top of the rupture (site-independent, repeated for convenience).
    pub ztor: f64,
    /// (lon, lat) of the rupture point closest to the site: the nearest mesh node of a
    /// fault-mesh rupture (OpenQuake's `clon`, `clat`); `None` for planar ruptures.
    pub closest: Option<(f64, f64)>,
}

/// The distances to compute besides rrup and ztor (the others are `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wanted {
    /// rhypo and repi.
    pub hypocentral: bool,
    pub rjb: bool,
    pub rx: bool,
    pub ry0: bool,
    pub azimuth: bool,
    /// The closest point of a fault-mesh rupture.
    pub closest: bool,
}

impl Wanted {
    /// Every distance.
    pub const ALL: Wanted = Wanted {
        hypocentral: true,
        rjb: true,
        rx: true,
        ry0: true,
        azimuth: true,
        closest: true,
    };
}

impl RuptureSet {
    /// The distances from rupture `index` to `site`; `None` for an index out of range.
    pub fn distances(&self, index: usize, site: &Site) -> Option<Distances> {
        let xyz = to_cartesian(site.lon, site.lat, site.depth);
        let mut cache = DistanceCache::default();
        self.distances_within(index, site, xyz, Wanted::ALL, |_| true, &mut cache)
    }

    /// The `wanted` distances from rupture `index` to `site` (whose Earth-centred Cartesian
    /// coordinates are `xyz`, computed once per site by the caller), computed only when
    /// `keep` accepts its rrup (and the rupture's bounding sphere does not rule that out
    /// first); `None` otherwise, or for an index out of range. `cache` keeps what the next
    /// site of the same rupture and the next rupture of the same fault mesh share: give it
    /// the ruptures of one set only.
    /// rupture of the same fault mesh shares for the same site.
    pub fn distances_within(
        &self,
        index: usize,
        site: &Site,
        xyz: [f64; 3],
        wanted: Wanted,
        keep: impl Fn(f64) -> bool,
        cache: &mut DistanceCache,
    ) -> Option<Distances> {
        let surface = self.surface.get(index)?;
        let (centre, radius) = self.bounds[index];
        // rrup is at least the distance to the sphere holding the surface
        if !keep((chord(centre, xyz) - radius).max(0.0)) {
            return None;
        }
        let (rrup, nearest) = match surface {
            RuptureSurface::Planar(p) => (planar_rrup(p, xyz), None),
            RuptureSurface::MultiPlanar(multi) => (
                multi
                    .planes
                    .iter()
                    .map(|p| planar_rrup(p, xyz))
                    .fold(f64::INFINITY, f64::min),
                None,
            ),
            RuptureSurface::Mesh(m) => {
                let (rrup, at) = cache.mesh.of(&m.mesh, site, xyz).nearest_node(m);
                (rrup, Some(m.mesh.points[at]))
            }
        };
        if !keep(rrup) {
            return None;
        }
        let hypo = [
            self.hypo_lon[index],
            self.hypo_lat[index],
            self.hypo_depth[index],
        ];
        let norm = (xyz[0] * xyz[0] + xyz[1] * xyz[1] + xyz[2] * xyz[2]).sqrt();
        let unit = xyz.map(|v| v / norm);
        let ztor = self.ztor[index];
        let when = |wanted: bool, f: &dyn Fn() -> f64| wanted.then(f);
        // the frame of a mesh rupture is its hypocentre alone: a mesh's ruptures come site by
        // site, so a frame kept for the next context would not serve it
        let planar = matches!(surface, RuptureSurface::Planar(_));
        let frame = (planar || wanted.hypocentral)
            .then(|| RuptureFrame::cached(&mut cache.rupture, self, index));
        let repi = frame
            .filter(|_| wanted.hypocentral)
            .map(|f| arc_between(f.hypo, unit));
        let rhypo = repi.map(|repi| {
            let vdist = hypo[2] - site.depth;
            (repi * repi + vdist * vdist).sqrt()
        });
        Some(match surface {
            RuptureSurface::Planar(p) => {
                let plane = frame
                    .and_then(|f| f.plane.as_ref())
                    .expect("the frame of a planar rupture has its plane");
                Distances {
                    rrup,
                    rjb: when(wanted.rjb, &|| planar_rjb(plane, unit, xyz)),
                    rx: when(wanted.rx, &|| plane.strike[1].signed_distance(unit)),
                    ry0: when(wanted.ry0, &|| planar_ry0(plane, unit)),
                    rhypo,
                    repi,
                    azimuth: when(wanted.azimuth, &|| {
                        py_mod(
                            geo::fast_azimuth(hypo[0], hypo[1], site.lon, site.lat) - p.strike,
                            360.0,
                        )
                    }),
                    ztor,
                    closest: None,
                }
            }
            RuptureSurface::MultiPlanar(multi) => {
                // both from the site's GC2 coordinates, computed once
                let rx_ry0 =
                    (wanted.rx || wanted.ry0).then(|| multi.gc2.rx_ry0(site.lon, site.lat));
                Distances {
                    rrup,
                    rjb: when(wanted.rjb, &|| {
                        multi
                            .planes
                            .iter()
                            .map(|p| planar_rjb(&PlanarFrame::of(p), unit, xyz))
                            .fold(f64::INFINITY, f64::min)
                    }),
                    rx: rx_ry0.filter(|_| wanted.rx).map(|(rx, _)| rx),
                    ry0: rx_ry0.filter(|_| wanted.ry0).map(|(_, ry0)| ry0),
                    rhypo,
                    repi,
                    // `BaseSurface.get_azimuth`: from the middle point (the hypocentre here)
                    azimuth: when(wanted.azimuth, &|| {
                        let strike = self.strike[index];
                        py_mod(
                            geo::azimuth(hypo[0], hypo[1], site.lon, site.lat) - strike,
                            360.0,
                        )
                    }),
                    ztor,
                    closest: None,
                }
            }
            RuptureSurface::Mesh(m) => {
                let strike = self.strike[index];
                let shared = cache.mesh.of(&m.mesh, site, xyz);
                Distances {
                    rrup,
                    rjb: wanted.rjb.then(|| {
                        let nearest = shared.nearest_surface_node(m);
                        mesh_rjb(shared.outline(index, m), unit, nearest)
                    }),
                    rx: wanted.rx.then(|| mesh_rx(m, site, shared)),
                    ry0: when(wanted.ry0, &|| mesh_ry0(m, strike, site)),
                    rhypo,
                    repi,
                    azimuth: when(wanted.azimuth, &|| {
                        let middle = m.middle_point();
                        py_mod(
                            geo::azimuth(middle[0], middle[1], site.lon, site.lat) - strike,
                            360.0,
                        )
                    }),
                    ztor,
                    closest: nearest.filter(|_| wanted.closest).map(|p| (p[0], p[1])),
                }
            }
        })
    }
}

/// A sphere holding a rupture surface: its centre (Earth-centred Cartesian, km) and radius.
pub(crate) fn bounding_sphere(surface: &RuptureSurface) -> ([f64; 3], f64) {
    let points: Vec<[f64; 3]> = match surface {
        RuptureSurface::Planar(p) => p
            .corners
            .iter()
            .map(|c| to_cartesian(c[0], c[1], c[2]))
            .collect(),
        RuptureSurface::Mesh(m) => m.points_xyz().map(|(_, xyz)| xyz).collect(),
        RuptureSurface::MultiPlanar(multi) => multi
            .planes
            .iter()
            .flat_map(|p| p.corners.iter().map(|c| to_cartesian(c[0], c[1], c[2])))
            .collect(),
    };
    let n = points.len().max(1) as f64;
    let mut centre = [0.0; 3];
    for p in &points {
        for k in 0..3 {
            centre[k] += p[k] / n;
        }
    }
    let radius = points.iter().map(|p| chord(*p, centre)).fold(0.0, f64::max);
    // a margin, so that rounding (or a planar surface whose corners are not exactly a
    // rectangle) cannot exclude a surface point
    (centre, radius * 1.001 + 0.01)
}

/// Straight-line distance between two Earth-centred Cartesian points (km).
pub(crate) fn chord(a: [f64; 3], b: [f64; 3]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// Distance to the rectangle: to its plane, combined with the in-plane distance from the
/// projection to the rectangle.
pub(crate) fn planar_rrup(p: &PlanarSurface, xyz: [f64; 3]) -> f64 {
    let mat = [
        xyz[0] - p.origin[0],
        xyz[1] - p.origin[1],
        xyz[2] - p.origin[2],
    ];
    let d = dot(mat, p.normal);
    let (xx, yy) = (dot(mat, p.uv1), dot(mat, p.uv2));
    let outside = |v: f64, extent: f64| {
        if v < 0.0 {
            v
        } else if v > extent {
            v - extent
        } else {
            0.0
        }
    };
    let (mx, my) = (outside(xx, p.length), outside(yy, p.width));
    (d * d + mx * mx + my * my).sqrt()
}

/// What the distances from one site to a rupture keep of it, for the next site: the unit
/// vector of its hypocentre and, for a planar surface, its [`PlanarFrame`].
struct RuptureFrame {
    hypo: [f64; 3],
    plane: Option<PlanarFrame>,
}

/// The site-independent part of the horizontal distances to a planar surface: the great
/// circles through its projected edges, and its corners at the surface.
struct PlanarFrame {
    /// Along strike, through the bottom-left and the top-left corners.
    strike: [GreatCircle; 2],
    /// Down dip, through the top-left and the top-right corners.
    downdip: [GreatCircle; 2],
    /// The corners projected to the surface, Earth-centred Cartesian (km).
    surface_corners: [[f64; 3]; 4],
}

impl PlanarFrame {
    fn of(p: &PlanarSurface) -> Self {
        let c = &p.corners;
        let downdip = py_mod(p.strike + 90.0, 360.0);
        let circle =
            |corner: usize, azimuth: f64| GreatCircle::new(c[corner][0], c[corner][1], azimuth);
        PlanarFrame {
            strike: [circle(2, p.strike), circle(0, p.strike)],
            downdip: [circle(0, downdip), circle(1, downdip)],
            surface_corners: c.map(|k| to_cartesian(k[0], k[1], 0.0)),
        }
    }
}

/// What consecutive distance computations share: the [`RuptureFrame`] of the last rupture
/// (so a rupture's sites in a row compute it once) and the [`MeshSiteCache`] of the last
/// fault mesh and site (so a mesh's ruptures site by site share their node distances).
#[derive(Default)]
pub struct DistanceCache {
    rupture: Option<(usize, RuptureFrame)>,
    mesh: MeshSiteCache,
}

impl RuptureFrame {
    /// The frame of rupture `index` of `rups`, from `last` when it is that rupture's.
    fn cached<'a>(
        last: &'a mut Option<(usize, RuptureFrame)>,
        rups: &RuptureSet,
        index: usize,
    ) -> &'a RuptureFrame {
        if last.as_ref().is_none_or(|(i, _)| *i != index) {
            let frame = RuptureFrame {
                hypo: unit_vector(rups.hypo_lon[index], rups.hypo_lat[index]),
                plane: match &rups.surface[index] {
                    RuptureSurface::Planar(p) => Some(PlanarFrame::of(p)),
                    _ => None,
                },
            };
            *last = Some((index, frame));
        }
        &last.as_ref().expect("just set").1
    }
}

/// Joyner-Boore distance from the site with unit vector `unit` and Cartesian coordinates
/// `xyz`: 0 inside the projected rectangle, else the distance to the nearest edge's great
/// circle or (beyond both pairs of edges) the chord to the nearest corner.
fn planar_rjb(plane: &PlanarFrame, unit: [f64; 3], xyz: [f64; 3]) -> f64 {
    let [s0, s1] = plane.strike.map(|c| c.signed_distance(unit));
    let [d0, d1] = plane.downdip.map(|c| c.signed_distance(unit));
    let same_strike = sign(s0) == sign(s1);
    let same_dip = sign(d0) == sign(d1);
    if same_strike && same_dip {
        plane
            .surface_corners
            .iter()
            .map(|&k| chord(k, xyz))
            .fold(f64::INFINITY, f64::min)
    } else if same_strike {
        s0.abs().min(s1.abs())
    } else if same_dip {
        d0.abs().min(d1.abs())
    } else {
        0.0
    }
}

/// Ry0: 0 between the great circles perpendicular to strike through the top corners, else
/// the distance to the nearer of them.
fn planar_ry0(plane: &PlanarFrame, unit: [f64; 3]) -> f64 {
    let [d1, d2] = plane.downdip.map(|c| c.signed_distance(unit));
    if sign(d1) == sign(d2) {
        d1.abs().min(d2.abs())
    } else {
        0.0
    }
}

// Mesh distances (`geo.surface.base.BaseSurface` and `geo.mesh`) follow.

/// The horizontal distance at which OpenQuake switches from the distance to the nearest node
/// to the distance to the projected outline (km).
const RJB_NEAR: f64 = 40.0;

/// Joyner-Boore distance to a mesh: the distance to the nearest node (at the surface),
/// `nearest`, when it is 40 km or more, else the distance to the window's projected
/// polygon, `outline` (0 inside).
fn mesh_rjb(outline: &Outline, unit: [f64; 3], nearest: f64) -> f64 {
    if nearest >= RJB_NEAR {
        return nearest;
    }
    let (x, y) = outline.projection.project_unit(unit);
    // outside the bounds, no ray crossing needs counting
    let [x_low, x_high, y_low, y_high] = outline.bounds;
    let may_be_inside = x >= x_low && x <= x_high && y >= y_low && y <= y_high;
    // a block's squared distance from the site bounds its edges' from below
    let below = |&[x_min, x_max, y_min, y_max]: &[f64; 4]| {
        let (dx, dy) = ((x_min - x).max(x - x_max), (y_min - y).max(y - y_max));
        let (dx, dy) = (dx.max(0.0), dy.max(0.0));
        dx * dx + dy * dy
    };
    let mut inside = false;
    let mut nearest2 = f64::INFINITY;
    // the nearest block first, so that the others are mostly skipped
    let first = (0..outline.blocks.len())
        .map(|b| (below(&outline.blocks[b]), b))
        .fold((f64::INFINITY, 0), |a, b| if b.0 < a.0 { b } else { a })
        .1;
    let blocks = outline.edges.chunks(Outline::BLOCK);
    if let Some(edges) = blocks.clone().nth(first) {
        visit_edges(edges, (x, y), false, &mut inside, &mut nearest2);
    }
    for (b, (edges, bounds)) in blocks.zip(&outline.blocks).enumerate() {
        // a block is visited when one of its edges may cross the ray from the site to the
        // east (the point-in-polygon test) or come nearer than the nearest edge yet
        let [_, x_max, y_min, y_max] = *bounds;
        let may_cross = may_be_inside && y >= y_min && y <= y_max && x <= x_max;
        if may_cross || (b != first && below(bounds) < nearest2) {
            visit_edges(edges, (x, y), may_cross, &mut inside, &mut nearest2);
        }
    }
    if inside {
        0.0
    } else {
        (nearest2.sqrt() - outline.buffer).max(0.0)
    }
}

/// Takes `edges` into the squared distance `nearest2` from the point (x, y) and, when
/// `count_crossings`, flips `inside` at each edge crossing the ray from it to the east.
fn visit_edges(
    edges: &[[f64; 5]],
    (x, y): (f64, f64),
    count_crossings: bool,
    inside: &mut bool,
    nearest2: &mut f64,
) {
    for &[x1, y1, x2, y2, inv_len2] in edges {
        if count_crossings && (y1 > y) != (y2 > y) && x < x1 + (y - y1) * (x2 - x1) / (y2 - y1) {
            *inside = !*inside;
        }
        let (dx, dy, px, py) = (x2 - x1, y2 - y1, x - x1, y - y1);
        let t = ((px * dx + py * dy) * inv_len2).clamp(0.0, 1.0);
        let (ex, ey) = (px - t * dx, py - t * dy);
        *nearest2 = nearest2.min(ex * ex + ey * ey);
    }
}

/// Rx to a mesh, from its top edge: with two nodes, the signed distance to the great circle
/// through them; otherwise the value of smallest magnitude among the distances to the
/// half-great-circles extending the first and last segments beyond the ends and to the
/// inner segments (`BaseSurface.get_rx_distance`). The segments' values come from (and go
/// into) `shared`.
fn mesh_rx(m: &MeshWindow, site: &Site, shared: &mut MeshSiteCache) -> f64 {
    let n = m.cols;
    let top = |c: usize| m.at(0, c);
    if n < 3 {
        let (a, b) = (top(0), top(1));
        let az = geo::azimuth(a[0], a[1], b[0], b[1]);
        return distance_to_arc(a[0], a[1], az, site.lon, site.lat);
    }
    let first_segment = m.first_row * (m.mesh.cols - 1) + m.first_col;
    let mut best = f64::INFINITY;
    for i in 0..n - 1 {
        let role = match i {
            0 => RxRole::Start,
            _ if i == n - 2 => RxRole::End,
            _ => RxRole::Inner,
        };
        let cached = shared.rx_slot(first_segment + i, role as usize);
        if cached.is_nan() {
            *cached = segment_rx(top(i), top(i + 1), role, site);
        }
        let d = *cached;
        if d.abs() < best.abs() {
            best = d;
        }
    }
    best
}

/// The part a segment of a top edge plays in its Rx.
#[derive(Clone, Copy)]
enum RxRole {
    /// The first segment: extended backwards beyond the edge's start.
    Start = 0,
    /// An inner segment.
    Inner = 1,
    /// The last segment: extended beyond the edge's end.
    End = 2,
}

/// The Rx of the segment from `a` to `b` of a top edge, in `role`.
fn segment_rx(a: [f64; 3], b: [f64; 3], role: RxRole, site: &Site) -> f64 {
    let semi_arc = |p1: [f64; 3], p2: [f64; 3]| {
        let az = geo::azimuth(p1[0], p1[1], p2[0], p2[1]);
        geo::distance_to_semi_arc(p1[0], p1[1], az, site.lon, site.lat)
    };
    match role {
        RxRole::Start => -semi_arc(b, a),
        RxRole::Inner => {
            geo::min_distance_to_segment((a[0], a[1]), (b[0], b[1]), site.lon, site.lat)
        }
        RxRole::End => semi_arc(a, b),
    }
}

/// Ry0 to a mesh: as for planes, with the great circles perpendicular to the rupture's
/// (mean) strike through the ends of the top edge.
fn mesh_ry0(m: &MeshWindow, strike: f64, site: &Site) -> f64 {
    let azimuth = py_mod(strike + 90.0, 360.0);
    let (a, b) = (m.at(0, 0), m.at(0, m.cols - 1));
    let d1 = distance_to_arc(a[0], a[1], azimuth, site.lon, site.lat);
    let d2 = distance_to_arc(b[0], b[1], azimuth, site.lon, site.lat);
    if sign(d1) == sign(d2) {
        d1.abs().min(d2.abs())
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arcs_and_chords() {
        let quarter = std::f64::consts::FRAC_PI_2 * geo::EARTH_RADIUS;
        assert!((quarter - geo::distance(0.0, 0.0, 90.0, 0.0)).abs() < 1e-9);
        let a = to_cartesian(0.0, 0.0, 0.0);
        assert!((chord(a, to_cartesian(0.0, 0.0, 10.0)) - 10.0).abs() < 1e-9);
    }
}
