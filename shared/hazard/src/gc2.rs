//! Generalized coordinates (GC2, Spudich and Chiou 2015) of a rupture on several planes, as
//! OpenQuake's `MultiLine` computes them from the planes' top edges: t (rx, positive on the
//! hanging wall) and u (along strike, whence ry0).
//!
//! Each top edge is oriented along the edges' common strike (an edge running against the
//! length-weighted mean azimuth is reversed), and the edges are ordered along that strike by
//! their projected x. A site's t and u on an edge are measured in the edge's own orthographic
//! projection (`Line.get_tuw`): u along the edge from its oriented start, t to its right, and
//! the edge's weight is the integral of 1/r² along it (Spudich and Chiou's eq. 1 for one
//! segment). The rupture's t and u are the weighted means of the edges', each u shifted by the
//! distance from the GC2 origin (the westmost end for an eastward strike, the eastmost
//! otherwise) to the edge's start, projected on the mean strike. As OpenQuake, the per-edge
//! values and their sums are single precision.

use crate::geo::{self, Projection, py_mod};
use crate::surface::PlanarSurface;

/// Below this (km), t counts as 0: a site on the edge's line (OpenQuake's `TOLERANCE`).
const ON_LINE_KM: f64 = 0.1;
/// Mean strikes within this (degrees) of north count as eastward when choosing the origin.
const NORTH_DEG: f64 = 0.1;

/// The GC2 frame of the top edges of a rupture on several planes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Gc2 {
    /// The oriented edges, in the order their coordinates are summed.
    edges: Vec<Edge>,
    /// The largest |u| of the edges' ends: the rupture's length along its GC2 strike.
    u_max: f32,
}

/// One top edge, oriented along the common strike, in its own projection.
#[derive(Debug, Clone, PartialEq)]
struct Edge {
    projection: Projection,
    /// Projected start (km).
    start: (f64, f64),
    /// Projected length (km).
    length: f64,
    /// Unit vectors along the edge and to its right.
    along: (f64, f64),
    right: (f64, f64),
    /// u of the edge's start in the rupture's frame.
    shift: f32,
}

/// A site's (t, u, weight) on one edge.
struct EdgeCoordinates {
    t: f32,
    u: f32,
    weight: f32,
}

impl Gc2 {
    /// The frame of `planes`' top edges (top left to top right corner).
    pub(crate) fn of(planes: &[PlanarSurface]) -> Self {
        let ends: Vec<[(f64, f64); 2]> = planes
            .iter()
            .map(|p| {
                let [tl, tr, _, _] = p.corners;
                [(tl[0], tl[1]), (tr[0], tr[1])]
            })
            .collect();
        let lengths: Vec<f64> = ends
            .iter()
            .map(|[a, b]| geo::distance(a.0, a.1, b.0, b.1))
            .collect();
        let azimuths: Vec<f64> = ends
            .iter()
            .map(|[a, b]| geo::azimuth(a.0, a.1, b.0, b.1))
            .collect();
        let flipped = against_mean_strike(&azimuths, &lengths);
        let oriented: Vec<f64> = azimuths
            .iter()
            .zip(&flipped)
            .map(|(&a, &f)| if f { py_mod(a + 180.0, 360.0) } else { a })
            .collect();
        let strike = py_mod(angular_mean_weighted(&oriented, &lengths), 360.0);

        let all_ends = || ends.iter().flat_map(|e| e.iter().copied());
        let projection = Projection::for_points(all_ends());
        let projected: Vec<(f64, f64)> = all_ends()
            .map(|(lon, lat)| projection.project(lon, lat))
            .collect();
        let eastward = (strike > 0.0 && strike <= 180.0) || strike.abs() < NORTH_DEG;
        let (origin_x, origin_y) = projected[extreme_x(&projected, eastward)];
        let (origin_lon, origin_lat) = projection.unproject(origin_x, origin_y);
        let mut order: Vec<usize> = (0..ends.len()).collect();
        let west_end = |i: usize| projected[2 * i].0.min(projected[2 * i + 1].0);
        order.sort_by(|&a, &b| west_end(a).total_cmp(&west_end(b)));
        if !eastward {
            order.reverse();
        }

        let edges: Vec<Edge> = order
            .iter()
            .map(|&i| {
                let [a, b] = ends[i];
                let (start, end) = if flipped[i] { (b, a) } else { (a, b) };
                let distance = geo::distance(origin_lon, origin_lat, start.0, start.1);
                let azimuth = geo::fast_azimuth(origin_lon, origin_lat, start.0, start.1);
                let shift = ((strike - azimuth).to_radians().cos() * distance) as f32;
                Edge::new(a, b, start, end, shift)
            })
            .collect();
        let mut gc2 = Gc2 { edges, u_max: 0.0 };
        gc2.u_max = all_ends()
            .map(|(lon, lat)| gc2.tu(lon, lat).1.abs())
            .fold(f32::NEG_INFINITY, f32::max);
        gc2
    }

    /// (t, u) of a point: the edges' values weighted by their weights, in single precision.
    fn tu(&self, lon: f64, lat: f64) -> (f32, f32) {
        let (mut ts, mut us, mut ws) = (0f32, 0f32, 0f32);
        for edge in &self.edges {
            let c = edge.coordinates(lon, lat);
            ts += c.t * c.weight;
            us += (c.u + edge.shift) * c.weight;
            ws += c.weight;
        }
        (ts / ws, us / ws)
    }

    /// Rx and Ry0 of a site: its t, and how far its u is before 0 or past the rupture's
    /// length.
    pub(crate) fn rx_ry0(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (t, u) = self.tu(lon, lat);
        let ry0 = if u < 0.0 {
            u.abs()
        } else if u > self.u_max {
            u - self.u_max
        } else {
            0.0
        };
        (f64::from(t), f64::from(ry0))
    }
}

impl Edge {
    /// The edge from `a` to `b` (as the plane gives it) oriented from `start` to `end`, in the
    /// projection of its ends' bounding box.
    fn new(a: (f64, f64), b: (f64, f64), start: (f64, f64), end: (f64, f64), shift: f32) -> Self {
        let projection = Projection::for_points([a, b].into_iter());
        let start = projection.project(start.0, start.1);
        let end = projection.project(end.0, end.1);
        let (dx, dy) = (end.0 - start.0, end.1 - start.1);
        let length = (dx * dx + dy * dy).sqrt();
        Edge {
            projection,
            start,
            length,
            along: (dx / length, dy / length),
            right: (dy / length, -dx / length),
            shift,
        }
    }

    /// A site's t, u and weight on this edge (`line.get_tuw` for one segment).
    fn coordinates(&self, lon: f64, lat: f64) -> EdgeCoordinates {
        let (x, y) = self.projection.project(lon, lat);
        let (dx, dy) = (x - self.start.0, y - self.start.1);
        let u = dx * self.along.0 + dy * self.along.1;
        let t = dx * self.right.0 + dy * self.right.1;
        let length = self.length;
        let on_line = t.abs() < ON_LINE_KM;
        let on_edge = on_line && (-ON_LINE_KM..=length + ON_LINE_KM).contains(&u);
        let weight = if !on_line {
            (((length - u) / t).atan() - (-u / t).atan()) / t
        } else if !on_edge {
            1.0 / (u - length) - 1.0 / u
        } else {
            // a site on the edge: the weight of one 10 m off it
            1.0 / (-0.01 - length) + 1.0 / 0.01
        };
        EdgeCoordinates {
            t: if on_edge {
                0.0
            } else {
                (t * weight / weight) as f32
            },
            u: (u * weight / weight) as f32,
            weight: weight as f32,
        }
    }
}

/// Which edges run against the edges' common direction (OpenQuake's `MultiLine`): the
/// length-weighted mean azimuth splits the edges into those within 90° of it and the others,
/// and the group with the smaller share of length × |cos(azimuth − mean)| is reversed.
fn against_mean_strike(azimuths: &[f64], lengths: &[f64]) -> Vec<bool> {
    let mean = py_mod(angular_mean_weighted(azimuths, lengths), 360.0);
    let (low, high) = (py_mod(mean - 90.0, 360.0), py_mod(mean + 90.0, 360.0));
    let along: Vec<bool> = azimuths
        .iter()
        .map(|&a| {
            if (90.0..=270.0).contains(&mean) {
                a >= low && a < high
            } else {
                a >= low || a < high
            }
        })
        .collect();
    let scale: Vec<f64> = azimuths
        .iter()
        .map(|&a| (a - mean).abs().to_radians().cos().abs())
        .collect();
    let share = |keep: &dyn Fn(usize) -> bool| -> f64 {
        (0..lengths.len())
            .filter(|&i| keep(i))
            .map(|i| lengths[i] * scale[i])
            .sum()
    };
    let mostly_along = share(&|i| along[i]) / share(&|_| true) > 0.5;
    along.iter().map(|&a| a != mostly_along).collect()
}

/// The angular mean (degrees, in (-180, 180]) of `degrees` weighted by `weights`.
fn angular_mean_weighted(degrees: &[f64], weights: &[f64]) -> f64 {
    let (sin, cos) = degrees
        .iter()
        .zip(weights)
        .fold((0.0, 0.0), |(sin, cos), (&d, &w)| {
            let r = d.to_radians();
            (sin + r.sin() * w, cos + r.cos() * w)
        });
    f64::atan2(sin, cos).to_degrees()
}

/// The index of the first point with the least x (`least`) or the greatest.
fn extreme_x(points: &[(f64, f64)], least: bool) -> usize {
    let mut best = 0;
    for (i, p) in points.iter().enumerate() {
        let x = points[best].0;
        if (least && p.0 < x) || (!least && p.0 > x) {
            best = i;
        }
    }
    best
}
