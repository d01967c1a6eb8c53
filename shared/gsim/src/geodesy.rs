//! The spherical geometry some models compute themselves (distances from a site to fixed
//! tectonic features, whether a hypocentre lies in a fixed zone), with the formulas of
//! OpenQuake's `geo.geodetic`, `geo.surface.base` and `geo.polygon` on its spherical Earth.

use std::f64::consts::{FRAC_PI_2, PI};

/// Earth radius in km.
const EARTH_RADIUS: f64 = 6371.0;

/// Polygon edges at least this long (km) are resampled before projection.
const UPSAMPLING_STEP_KM: f64 = 100.0;

/// Python's `%` for a positive divisor.
fn py_mod(a: f64, b: f64) -> f64 {
    let r = a % b;
    if r != 0.0 && (r < 0.0) != (b < 0.0) {
        r + b
    } else {
        r
    }
}

/// Great-circle (haversine) distance in km between two points given in degrees.
fn distance(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let (lon1, lat1, lon2, lat2) = (
        lon1.to_radians(),
        lat1.to_radians(),
        lon2.to_radians(),
        lat2.to_radians(),
    );
    let a = ((lat1 - lat2) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon1 - lon2) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS * a.sqrt().asin()
}

/// Azimuth in degrees, in `[0, 360)`, from the first point to the second.
fn azimuth(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let (lon1, lat1, lon2, lat2) = (
        lon1.to_radians(),
        lat1.to_radians(),
        lon2.to_radians(),
        lat2.to_radians(),
    );
    let cos_lat2 = lat2.cos();
    let true_course = ((lon1 - lon2).sin() * cos_lat2)
        .atan2(lat1.cos() * lat2.sin() - lat1.sin() * cos_lat2 * (lon1 - lon2).cos())
        .to_degrees();
    py_mod(360.0 - true_course, 360.0)
}

/// The point `angle` radians of arc away from (lon, lat) along the great circle leaving it
/// with `azimuth` degrees (`geodetic.point_at`, `geodetic.npoints_towards`).
fn destination(lon: f64, lat: f64, azimuth: f64, angle: f64) -> (f64, f64) {
    let tc = (360.0 - azimuth).to_radians();
    let (lon, lat) = (lon.to_radians(), lat.to_radians());
    let (sin_d, cos_d) = angle.sin_cos();
    let (sin_lat, cos_lat) = lat.sin_cos();
    let sin_lats = sin_lat * cos_d + cos_lat * sin_d * tc.cos();
    let dlon = (tc.sin() * sin_d * cos_lat).atan2(cos_d - sin_lat * sin_lats);
    let lons = py_mod(lon - dlon + PI, 2.0 * PI) - PI;
    (lons.to_degrees(), sin_lats.asin().to_degrees())
}

/// Earth-centred Cartesian coordinates (km) of a point on the surface.
fn to_cartesian(lon: f64, lat: f64) -> [f64; 3] {
    let (phi, theta) = (lon.to_radians(), lat.to_radians());
    let cos_theta_r = EARTH_RADIUS * theta.cos();
    [
        cos_theta_r * phi.cos(),
        cos_theta_r * phi.sin(),
        EARTH_RADIUS * theta.sin(),
    ]
}

/// `geodetic.distance_to_arc`: signed distance (km) from (plon, plat) to the great circle
/// leaving (lon, lat) with `azimuth` degrees, positive on its right.
fn distance_to_arc(lon: f64, lat: f64, azimuth_deg: f64, plon: f64, plat: f64) -> f64 {
    let to_target = azimuth(lon, lat, plon, plat);
    let dist = distance(lon, lat, plon, plat);
    let t_angle = py_mod(to_target - azimuth_deg + 360.0, 360.0);
    let angle = (t_angle.to_radians().sin() * (dist / EARTH_RADIUS).sin()).acos();
    (FRAC_PI_2 - angle) * EARTH_RADIUS
}

/// `geodetic.distance_to_semi_arc`: signed distance to the half great circle leaving
/// (lon, lat) with `azimuth` degrees; behind its origin, the distance to the origin
/// (negative on the left).
fn distance_to_semi_arc(lon: f64, lat: f64, azimuth_deg: f64, plon: f64, plat: f64) -> f64 {
    let delta = (azimuth_deg - azimuth(lon, lat, plon, plat)).to_radians();
    if delta.cos() > 0.0 {
        distance_to_arc(lon, lat, azimuth_deg, plon, plat)
    } else {
        let dist = distance(lon, lat, plon, plat);
        if delta.sin() > 0.0 { -dist } else { dist }
    }
}

/// `geodetic.min_distance_to_segment`: the distance to the great-circle arc from `a` to `b`
/// when the point lies between the perpendiculars through them, else the straight-line
/// distance to the nearer end; negative on the segment's left.
fn min_distance_to_segment(a: (f64, f64), b: (f64, f64), plon: f64, plat: f64) -> f64 {
    let seg = azimuth(a.0, a.1, b.0, b.1);
    let az1 = azimuth(a.0, a.1, plon, plat);
    let az2 = azimuth(b.0, b.1, plon, plat);
    let within = (seg - az1).to_radians().cos() >= 0.0 && (seg - az2).to_radians().cos() <= 0.0;
    let dist = if within {
        distance_to_arc(a.0, a.1, seg, plon, plat)
    } else {
        let p = to_cartesian(plon, plat);
        let chord = |q: [f64; 3]| {
            ((q[0] - p[0]).powi(2) + (q[1] - p[1]).powi(2) + (q[2] - p[2]).powi(2)).sqrt()
        };
        chord(to_cartesian(a.0, a.1)).min(chord(to_cartesian(b.0, b.1)))
    }
    .abs();
    if (az1 - seg).to_radians().sin() < 0.0 {
        -dist
    } else {
        dist
    }
}

/// Rx (km) from (lon, lat) to a surface trace of at least three vertices, as OpenQuake's
/// `BaseSurface.get_rx_distance` measures it for a fault whose top edge is the trace: the
/// value of smallest magnitude among the distances to the half great circles extending the
/// first and last segments beyond the ends and to the inner segments; positive on the right
/// of the trace.
pub(crate) fn rx_to_trace(trace: &[(f64, f64)], lon: f64, lat: f64) -> f64 {
    let last = trace.len().saturating_sub(2);
    let mut best = f64::INFINITY;
    for (i, pair) in trace.windows(2).enumerate() {
        let (a, b) = (pair[0], pair[1]);
        let d = if i == 0 {
            -distance_to_semi_arc(b.0, b.1, azimuth(b.0, b.1, a.0, a.1), lon, lat)
        } else if i == last {
            distance_to_semi_arc(a.0, a.1, azimuth(a.0, a.1, b.0, b.1), lon, lat)
        } else {
            min_distance_to_segment(a, b, lon, lat)
        };
        // the first of equal magnitudes, and NaN when any is NaN (numpy's argmin)
        if d.is_nan() {
            return d;
        }
        if d.abs() < best.abs() {
            best = d;
        }
    }
    best
}

/// A polygon as OpenQuake's `geo.Polygon` tests whether points lie in it: its edges of
/// 100 km or more resampled along their great circles, projected orthographically from the
/// middle of its bounding box; a point is in it when its projection lies inside the
/// projected ring or on its boundary.
pub(crate) struct Polygon {
    lam0: f64,
    phi0: f64,
    ring: Vec<(f64, f64)>,
}

impl Polygon {
    /// The polygon of distinct `vertices` (lon, lat) in degrees, none straddling the
    /// antimeridian.
    pub(crate) fn new(vertices: &[(f64, f64)]) -> Self {
        let n = vertices.len();
        let mut resampled = Vec::with_capacity(n);
        for (i, &(lon1, lat1)) in vertices.iter().enumerate() {
            let (lon2, lat2) = vertices[(i + 1) % n];
            resampled.push((lon1, lat1));
            let hdist = distance(lon1, lat1, lon2, lat2);
            let points = (hdist / UPSAMPLING_STEP_KM) as usize + 1;
            let az = azimuth(lon1, lat1, lon2, lat2);
            let step = hdist / EARTH_RADIUS / (points.max(2) - 1) as f64;
            resampled.extend((1..points.saturating_sub(1)).map(|k| {
                let (lon, lat) = destination(lon1, lat1, az, k as f64 * step);
                (lon, lat)
            }));
        }
        let fold = |f: fn(f64, f64) -> f64, init: f64, pick: fn(&(f64, f64)) -> f64| {
            resampled.iter().map(pick).fold(init, f)
        };
        let (west, east) = (
            fold(f64::min, f64::INFINITY, |p| p.0),
            fold(f64::max, f64::NEG_INFINITY, |p| p.0),
        );
        let (north, south) = (
            fold(f64::max, f64::NEG_INFINITY, |p| p.1),
            fold(f64::min, f64::INFINITY, |p| p.1),
        );
        // the middle of the great-circle arc from the north-west to the south-east corner
        let (lon0, lat0) = destination(
            west,
            north,
            azimuth(west, north, east, south),
            distance(west, north, east, south) / 2.0 / EARTH_RADIUS,
        );
        let mut polygon = Polygon {
            lam0: lon0.to_radians(),
            phi0: lat0.to_radians(),
            ring: Vec::new(),
        };
        polygon.ring = resampled
            .iter()
            .map(|&(lon, lat)| polygon.project(lon, lat))
            .collect();
        polygon
    }

    /// (x, y) in km of (lon, lat) in the polygon's orthographic projection.
    fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (lam, phi) = (lon.to_radians() - self.lam0, lat.to_radians());
        let x = phi.cos() * lam.sin() * EARTH_RADIUS;
        let y =
            (self.phi0.cos() * phi.sin() - self.phi0.sin() * phi.cos() * lam.cos()) * EARTH_RADIUS;
        (x, y)
    }

    /// Whether (lon, lat) lies inside the polygon or on its boundary (`Polygon.intersects`);
    /// false for NaN.
    pub(crate) fn contains(&self, lon: f64, lat: f64) -> bool {
        let (x, y) = self.project(lon, lat);
        let edges = || {
            self.ring
                .iter()
                .zip(self.ring.iter().cycle().skip(1))
                .map(|(&a, &b)| (a, b))
        };
        let on_edge = |((x1, y1), (x2, y2)): ((f64, f64), (f64, f64))| {
            (x2 - x1) * (y - y1) == (y2 - y1) * (x - x1)
                && x >= x1.min(x2)
                && x <= x1.max(x2)
                && y >= y1.min(y2)
                && y <= y1.max(y2)
        };
        if edges().any(on_edge) {
            return true;
        }
        edges()
            .filter(|&((x1, y1), (x2, y2))| {
                (y1 > y) != (y2 > y) && x < x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            })
            .count()
            % 2
            == 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rx_is_signed_across_a_trace() {
        // a trace going north along the meridian 0: east (its right) positive
        let trace = [(0.0, 0.0), (0.0, 1.0), (0.0, 2.0)];
        let east = rx_to_trace(&trace, 0.1, 1.0);
        let west = rx_to_trace(&trace, -0.1, 1.0);
        // the cross-track distance from the meridian at 1° north
        let km = (0.1_f64.to_radians().sin() * 1_f64.to_radians().cos()).asin() * EARTH_RADIUS;
        assert!(
            (east - km).abs() < 1e-9 && (west + km).abs() < 1e-9,
            "{east} {west}"
        );
        // beyond the ends, from the extended first and last segments
        assert!((rx_to_trace(&trace, 0.1, 3.0) - 11.1).abs() < 0.1);
        assert!((rx_to_trace(&trace, -0.1, -1.0) + 11.1).abs() < 0.1);
        assert!(rx_to_trace(&trace, f64::NAN, 1.0).is_nan());
    }

    #[test]
    fn polygon_contains_its_inside_and_boundary() {
        let square = Polygon::new(&[(0.0, 0.0), (0.0, 2.0), (2.0, 2.0), (2.0, 0.0)]);
        // each 222 km edge gains its midpoint
        assert_eq!(square.ring.len(), 8);
        assert!(square.contains(1.0, 1.0));
        assert!(square.contains(0.0, 0.0));
        assert!(!square.contains(2.5, 1.0));
        assert!(!square.contains(-0.01, 1.0));
        assert!(!square.contains(f64::NAN, 1.0));
    }
}
