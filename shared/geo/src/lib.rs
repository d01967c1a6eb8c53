//! Geodetic primitives on OpenQuake's spherical Earth (radius 6371 km): great-circle distances
//! and azimuths, forward geodetic problem, Cartesian coordinates, orthographic projection and
//! polygon discretisation, with the formulas of `openquake.hazardlib.geo.geodetic`. The small
//! functions the engine calls per rupture and site are `#[inline]`, so that they inline
//! across the crate boundary as they did within the engine's crate.

use std::f64::consts::{FRAC_PI_2, PI};

/// Earth radius in km.
pub const EARTH_RADIUS: f64 = 6371.0;

/// Segments of a polygon longer than this (km) are resampled before projection.
const UPSAMPLING_STEP_KM: f64 = 100.0;

/// Python's `%` for a positive divisor (the result takes the divisor's sign).
#[inline]
pub fn py_mod(a: f64, b: f64) -> f64 {
    let r = a % b;
    if r != 0.0 && (r < 0.0) != (b < 0.0) {
        r + b
    } else {
        r
    }
}

/// OpenQuake's `baselib.general.round` (Python 2's): halves rounded away from zero.
#[inline]
pub fn round_half_away(x: f64) -> f64 {
    (x + 0.5f64.copysign(x)).floor()
}

/// A source coordinate (degrees) as OpenQuake reads it (`valid.longitude`, `valid.latitude`):
/// rounded to 5 decimals (about a metre), the nearest decimal to the exact binary value, ties
/// to even, as Python's `round(x, 5)`.
#[inline]
pub fn round_coordinate(degrees: f64) -> f64 {
    format!("{degrees:.5}").parse().unwrap_or(degrees)
}

/// numpy's `sign`: -1, 0 or 1.
#[inline]
pub fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// Great-circle (haversine) distance in km between two points given in degrees.
#[inline]
pub fn distance(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    distance_rad(
        lon1.to_radians(),
        lat1.to_radians(),
        lon2.to_radians(),
        lat2.to_radians(),
    )
}

fn distance_rad(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let a = ((lat1 - lat2) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon1 - lon2) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS * a.sqrt().asin()
}

/// Azimuth in degrees, in `[0, 360)`, from the first point to the second.
#[inline]
pub fn azimuth(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
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

/// `geodetic.fast_azimuth`: azimuth (degrees, not wrapped) of a point from (lon, lat).
#[inline]
pub fn fast_azimuth(lon: f64, lat: f64, plon: f64, plat: f64) -> f64 {
    let (lon, lat, plon, plat) = (
        lon.to_radians(),
        lat.to_radians(),
        plon.to_radians(),
        plat.to_radians(),
    );
    let cos_plat = plat.cos();
    -((lon - plon).sin() * cos_plat)
        .atan2(lat.cos() * plat.sin() - lat.sin() * cos_plat * (lon - plon).cos())
        .to_degrees()
}

/// The point (lon, lat) at `distance` km from (lon, lat) along the great circle leaving it
/// with `azimuth` degrees (`geodetic.point_at`).
#[inline]
pub fn point_at(lon: f64, lat: f64, azimuth: f64, distance: f64) -> (f64, f64) {
    destination(
        lon,
        lat,
        (360.0 - azimuth).to_radians(),
        distance / EARTH_RADIUS,
    )
}

/// [`point_at`] as `geodetic.fast_point_at` computes it (the course angle rounded
/// differently), used for the corners of point-source ruptures.
#[inline]
pub fn fast_point_at(lon: f64, lat: f64, azimuth: f64, distance: f64) -> (f64, f64) {
    destination(lon, lat, -azimuth.to_radians(), distance / EARTH_RADIUS)
}

/// Forward geodetic problem with true course `tc` (radians, counterclockwise) and angular
/// distance `angle` (radians).
fn destination(lon: f64, lat: f64, tc: f64, angle: f64) -> (f64, f64) {
    let (lon, lat) = (lon.to_radians(), lat.to_radians());
    let (sin_d, cos_d) = angle.sin_cos();
    let (sin_lat, cos_lat) = lat.sin_cos();
    let sin_lats = sin_lat * cos_d + cos_lat * sin_d * tc.cos();
    let dlon = (tc.sin() * sin_d * cos_lat).atan2(cos_d - sin_lat * sin_lats);
    let lons = py_mod(lon - dlon + PI, 2.0 * PI) - PI;
    (lons.to_degrees(), sin_lats.asin().to_degrees())
}

/// Signed distance in km from a point to the great circle through (lon, lat) with `azimuth`
/// degrees: positive on its right (east of a northward arc), as OpenQuake's `rx`.
#[inline]
pub fn distance_to_arc(lon: f64, lat: f64, azimuth: f64, plon: f64, plat: f64) -> f64 {
    GreatCircle::new(lon, lat, azimuth).signed_distance(unit_vector(plon, plat))
}

/// `geodetic.distance_to_semi_arc`: signed distance (km) to the half great circle leaving
/// (lon, lat) with `azimuth` degrees; behind its origin, the distance to the origin
/// (negative on the left).
pub fn distance_to_semi_arc(lon: f64, lat: f64, azimuth: f64, plon: f64, plat: f64) -> f64 {
    let to_target = self::azimuth(lon, lat, plon, plat);
    let delta = (azimuth - to_target).to_radians();
    let dist = distance(lon, lat, plon, plat);
    if delta.cos() > 0.0 {
        let t_angle = py_mod(to_target - azimuth + 360.0, 360.0).to_radians();
        let angle = (t_angle.sin() * (dist / EARTH_RADIUS).sin()).acos();
        (FRAC_PI_2 - angle) * EARTH_RADIUS
    } else if delta.sin() > 0.0 {
        -dist
    } else {
        dist
    }
}

/// `geodetic.min_distance_to_segment`: the distance (km) to the great-circle arc from `a`
/// to `b` (lon, lat) when the point lies between the perpendiculars through them, else the
/// straight-line (chord) distance to the nearer end; negative on the segment's left.
pub fn min_distance_to_segment(a: (f64, f64), b: (f64, f64), plon: f64, plat: f64) -> f64 {
    let seg = azimuth(a.0, a.1, b.0, b.1);
    let az1 = azimuth(a.0, a.1, plon, plat);
    let az2 = azimuth(b.0, b.1, plon, plat);
    let within = (seg - az1).to_radians().cos() >= 0.0 && (seg - az2).to_radians().cos() <= 0.0;
    let dist = if within {
        distance_to_arc(a.0, a.1, seg, plon, plat)
    } else {
        let p = to_cartesian(plon, plat, 0.0);
        let chord = |q: [f64; 3]| {
            ((q[0] - p[0]).powi(2) + (q[1] - p[1]).powi(2) + (q[2] - p[2]).powi(2)).sqrt()
        };
        chord(to_cartesian(a.0, a.1, 0.0)).min(chord(to_cartesian(b.0, b.1, 0.0)))
    }
    .abs();
    if (az1 - seg).to_radians().sin() < 0.0 {
        -dist
    } else {
        dist
    }
}

/// Rx (km) from (lon, lat) to a trace of at least three vertices, as OpenQuake's
/// `BaseSurface.get_rx_distance` measures it for a fault whose top edge is the trace: the
/// value of smallest magnitude among the distances to the half great circles extending the
/// first and last segments beyond the ends and to the inner segments; positive on the right
/// of the trace, NaN for a NaN point.
pub fn rx_to_trace(trace: &[(f64, f64)], lon: f64, lat: f64) -> f64 {
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

/// The Earth-centred unit vector pointing at (lon, lat).
#[inline]
pub fn unit_vector(lon: f64, lat: f64) -> [f64; 3] {
    let (sin_lon, cos_lon) = lon.to_radians().sin_cos();
    let (sin_lat, cos_lat) = lat.to_radians().sin_cos();
    [cos_lat * cos_lon, cos_lat * sin_lon, sin_lat]
}

/// The great circle through a point with an azimuth, kept as the unit normal of its plane
/// that points to its right: a point's signed distance to it is then one dot product and
/// one `asin`, the cross-track distance `asin(sin δ · sin Δazimuth)` that OpenQuake's
/// `distance_to_arc` evaluates with five trigonometric functions per point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GreatCircle {
    right: [f64; 3],
}

impl GreatCircle {
    /// The great circle leaving (lon, lat) with `azimuth` degrees.
    pub fn new(lon: f64, lat: f64, azimuth: f64) -> Self {
        let (sin_lon, cos_lon) = lon.to_radians().sin_cos();
        let (sin_lat, cos_lat) = lat.to_radians().sin_cos();
        let (sin_az, cos_az) = azimuth.to_radians().sin_cos();
        let north = [-sin_lat * cos_lon, -sin_lat * sin_lon, cos_lat];
        let east = [-sin_lon, cos_lon, 0.0];
        // the direction of travel turned 90 degrees clockwise
        GreatCircle {
            right: [0, 1, 2].map(|k| cos_az * east[k] - sin_az * north[k]),
        }
    }

    /// Signed distance (km) of the point with unit vector `unit`: positive on the right.
    #[inline]
    pub fn signed_distance(&self, unit: [f64; 3]) -> f64 {
        let [r, u] = [self.right, unit];
        let sine = r[0] * u[0] + r[1] * u[1] + r[2] * u[2];
        sine.clamp(-1.0, 1.0).asin() * EARTH_RADIUS
    }
}

/// Great-circle distance (km) between the points with unit vectors `a` and `b`: the
/// haversine distance, from the chord between them.
#[inline]
pub fn arc_between(a: [f64; 3], b: [f64; 3]) -> f64 {
    let half_chord =
        ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt() / 2.0;
    2.0 * EARTH_RADIUS * half_chord.min(1.0).asin()
}

/// The point halfway along the great-circle arc between two points.
pub fn middle_point(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> (f64, f64) {
    if lon1 == lon2 && lat1 == lat2 {
        return (lon1, lat1);
    }
    let dist = distance(lon1, lat1, lon2, lat2);
    point_at(lon1, lat1, azimuth(lon1, lat1, lon2, lat2), dist / 2.0)
}

/// Earth-centred Cartesian coordinates (km) of a point at `depth` km below the sphere.
#[inline]
pub fn to_cartesian(lon: f64, lat: f64, depth: f64) -> [f64; 3] {
    let (phi, theta) = (lon.to_radians(), lat.to_radians());
    let r = EARTH_RADIUS - depth;
    let cos_theta_r = r * theta.cos();
    [
        cos_theta_r * phi.cos(),
        cos_theta_r * phi.sin(),
        r * theta.sin(),
    ]
}

/// `n` points (lon, lat, depth), the first being the start, evenly spaced along the arc with
/// `azimuth` up to `hdist` km away and `vdist` km deeper.
pub fn npoints_towards(
    start: [f64; 3],
    azimuth: f64,
    hdist: f64,
    vdist: f64,
    n: usize,
) -> Vec<[f64; 3]> {
    let steps = n.saturating_sub(1).max(1) as f64;
    let tc = (360.0 - azimuth).to_radians();
    (0..n)
        .map(|i| {
            if i == 0 {
                return start;
            }
            let angle = i as f64 * ((hdist / EARTH_RADIUS) / steps);
            let (lon, lat) = destination(start[0], start[1], tc, angle);
            [lon, lat, i as f64 * (vdist / steps) + start[2]]
        })
        .collect()
}

/// Points from `a` towards `b` spaced by `length` km (3D distance rounded to a whole number
/// of intervals), as `geodetic.intervals_between`.
pub fn intervals_between(a: [f64; 3], b: [f64; 3], length: f64) -> Vec<[f64; 3]> {
    let hdist = distance(a[0], a[1], b[0], b[1]);
    let vdist = b[2] - a[2];
    let total = round_to((hdist * hdist + vdist * vdist).sqrt(), 7);
    let intervals = round_half_away(total / length);
    if intervals.is_nan() || intervals < 1.0 {
        return vec![a];
    }
    let factor = length * intervals / total;
    let az = azimuth(a[0], a[1], b[0], b[1]);
    npoints_towards(
        a,
        az,
        hdist * factor,
        vdist * factor,
        intervals as usize + 1,
    )
}

/// OpenQuake's `round(x, digits)`: [`round_half_away`] on the decimal scaling.
fn round_to(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    round_half_away(x * scale) / scale
}

/// Orthographic projection centred on the middle of a spherical bounding box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    lam0: f64,
    phi0: f64,
    /// The unit vectors east and north at the centre, times the Earth's radius: a point's
    /// (x, y) are their dot products with the point's unit vector.
    east: [f64; 3],
    north: [f64; 3],
}

impl Projection {
    /// The projection for the bounding box of `points` (lon, lat).
    pub fn for_points(points: impl Iterator<Item = (f64, f64)> + Clone) -> Self {
        let (west, east, north, south) = bounding_box(points);
        let (lon0, lat0) = middle_point(west, north, east, south);
        let (lam0, phi0) = (lon0.to_radians(), lat0.to_radians());
        let (sin_lam, cos_lam) = lam0.sin_cos();
        let (sin_phi, cos_phi) = phi0.sin_cos();
        let r = EARTH_RADIUS;
        Projection {
            lam0,
            phi0,
            east: [-sin_lam * r, cos_lam * r, 0.0],
            north: [-sin_phi * cos_lam * r, -sin_phi * sin_lam * r, cos_phi * r],
        }
    }

    /// (x, y) in km of the point of unit vector `u` ([`unit_vector`]): [`project`](Self::project)
    /// without trigonometry (the same to a few ulps).
    #[inline]
    pub fn project_unit(&self, u: [f64; 3]) -> (f64, f64) {
        let dot = |a: [f64; 3]| a[0] * u[0] + a[1] * u[1] + a[2] * u[2];
        (dot(self.east), dot(self.north))
    }

    /// (x, y) in km of a point (lon, lat).
    #[inline]
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (lam, phi) = (lon.to_radians() - self.lam0, lat.to_radians());
        let x = phi.cos() * lam.sin() * EARTH_RADIUS;
        let y =
            (self.phi0.cos() * phi.sin() - self.phi0.sin() * phi.cos() * lam.cos()) * EARTH_RADIUS;
        (x, y)
    }

    /// (lon, lat) of a projected point.
    pub fn unproject(&self, x: f64, y: f64) -> (f64, f64) {
        let (xx, yy) = (x / EARTH_RADIUS, y / EARTH_RADIUS);
        let cos_c = (1.0 - (xx * xx + yy * yy)).sqrt();
        let (sin0, cos0) = self.phi0.sin_cos();
        let phi = (cos_c * sin0 + yy * cos0).asin();
        let lam = xx.atan2(cos0 * cos_c - yy * sin0);
        let mut lon = (self.lam0 + lam).to_degrees();
        if lon >= 180.0 {
            lon -= 360.0;
        } else if lon <= -180.0 {
            lon += 360.0;
        }
        (lon, phi.to_degrees())
    }
}

/// Signed longitudinal extent from `lon1` east to `lon2`, in degrees within (-180, 180].
#[inline]
pub fn longitudinal_extent(lon1: f64, lon2: f64) -> f64 {
    py_mod(lon2 - lon1 + 180.0, 360.0) - 180.0
}

/// (west, east, north, south) of points, across the antimeridian when they straddle it.
pub fn bounding_box(points: impl Iterator<Item = (f64, f64)> + Clone) -> (f64, f64, f64, f64) {
    let fold = |f: fn(f64, f64) -> f64, init: f64, lat: bool, keep: fn(f64) -> bool| {
        points
            .clone()
            .map(|(lon, la)| if lat { la } else { lon })
            .filter(|&v| keep(v))
            .fold(init, f)
    };
    let any = |_: f64| true;
    let north = fold(f64::max, f64::NEG_INFINITY, true, any);
    let south = fold(f64::min, f64::INFINITY, true, any);
    let mut west = fold(f64::min, f64::INFINITY, false, any);
    let mut east = fold(f64::max, f64::NEG_INFINITY, false, any);
    if longitudinal_extent(west, east) < 0.0 {
        west = fold(f64::min, f64::INFINITY, false, |v| v > 0.0);
        east = fold(f64::max, f64::NEG_INFINITY, false, |v| v < 0.0);
    }
    (west, east, north, south)
}

/// The sites (lon, lat) of a regular grid of spacing `spacing` km inside a polygon, in
/// OpenQuake's order (rows from north to south, west to east): `Polygon.discretize`.
///
/// Rows step `spacing` km south along the western meridian, points `spacing` km east along
/// each parallel; a point is kept when strictly inside the polygon, tested in an orthographic
/// projection of the polygon resampled every 100 km. `vertices` are distinct (no closing
/// repeat); the result is empty for fewer than 3 or a non-positive spacing.
pub fn discretize_polygon(vertices: &[(f64, f64)], spacing: f64) -> Vec<(f64, f64)> {
    if vertices.len() < 3 || spacing.is_nan() || spacing <= 0.0 {
        return Vec::new();
    }
    ProjectedPolygon::new(vertices).discretize(spacing)
}

/// The hazard sites of `region` (distinct vertices, convex) with `region_grid_spacing`
/// `spacing` km, unsorted: OpenQuake's `poly.dilate(spacing).discretize(spacing)`.
///
/// The dilation is GEOS's buffer of the projected polygon (round joins, 16 segments per
/// quarter circle), reproduced vertex for vertex for convex polygons; `None` for a concave
/// polygon, fewer than 3 vertices or a non-positive spacing.
pub fn region_grid(vertices: &[(f64, f64)], spacing: f64) -> Option<Vec<(f64, f64)>> {
    if vertices.len() < 3 || spacing.is_nan() || spacing <= 0.0 {
        return None;
    }
    let polygon = ProjectedPolygon::new(vertices);
    let ring = buffer_convex_ring(&polygon.ring, spacing)?;
    // the dilated polygon keeps the projection, its bounding box is that of its vertices
    let bbox = bounding_box(
        ring.iter()
            .map(|&(x, y)| polygon.projection.unproject(x, y)),
    );
    let dilated = ProjectedPolygon {
        projection: polygon.projection,
        ring,
        bbox,
    };
    Some(dilated.discretize(spacing))
}

/// A polygon as OpenQuake's `Polygon` tests containment: an orthographic projection, the
/// projected ring and the spherical bounding box (west, east, north, south).
pub struct ProjectedPolygon {
    projection: Projection,
    ring: Vec<(f64, f64)>,
    bbox: (f64, f64, f64, f64),
}

impl ProjectedPolygon {
    /// `vertices` with edges resampled every 100 km, projected from the middle of their
    /// bounding box.
    pub fn new(vertices: &[(f64, f64)]) -> Self {
        let resampled = resample_ring(vertices);
        let projection = Projection::for_points(resampled.iter().copied());
        ProjectedPolygon {
            projection,
            ring: resampled
                .iter()
                .map(|&(lon, lat)| projection.project(lon, lat))
                .collect(),
            bbox: bounding_box(resampled.iter().copied()),
        }
    }

    /// Whether (lon, lat) is inside the polygon or on its boundary (`Polygon.intersects`).
    pub fn intersects(&self, lon: f64, lat: f64) -> bool {
        let (x, y) = self.projection.project(lon, lat);
        on_boundary(&self.ring, x, y) || strictly_inside(&self.ring, x, y)
    }

    /// `Polygon.discretize`: see [`discretize_polygon`].
    fn discretize(&self, spacing: f64) -> Vec<(f64, f64)> {
        let (west, east, north, south) = self.bbox;
        let mut out = Vec::new();
        let mut lat = north;
        while lat > south {
            let mut lon = west;
            while longitudinal_extent(lon, east) > 0.0 {
                let (x, y) = self.projection.project(lon, lat);
                if strictly_inside(&self.ring, x, y) {
                    out.push((lon, lat));
                }
                lon = point_at(lon, lat, 90.0, spacing).0;
            }
            lat = point_at(west, lat, 180.0, spacing).1;
        }
        out
    }
}

/// Sign of the turn p → q → r: 1 left (counter-clockwise), -1 right, 0 collinear.
fn orientation(p: (f64, f64), q: (f64, f64), r: (f64, f64)) -> i32 {
    let det = (q.0 - p.0) * (r.1 - q.1) - (q.1 - p.1) * (r.0 - q.0);
    sign(det) as i32
}

/// The outward offset by `distance` of the segment a → b, whose outside is on the left for
/// `left`.
fn offset_segment(
    a: (f64, f64),
    b: (f64, f64),
    left: bool,
    distance: f64,
) -> ((f64, f64), (f64, f64)) {
    let side = if left { 1.0 } else { -1.0 };
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt();
    let (ux, uy) = (side * distance * dx / len, side * distance * dy / len);
    ((a.0 - uy, a.1 + ux), (b.0 - uy, b.1 + ux))
}

/// The exterior ring of GEOS's `buffer(distance)` (round joins, 16 segments per quarter
/// circle) of a convex ring without closing repeat, as its offset curve builder makes it:
/// each edge offset outwards, each vertex's offsets joined by an arc of evenly spaced points
/// (unless they are closer than distance/1000), points closer than distance·1e-6 to the
/// previous one dropped. `None` when a vertex turns inwards.
fn buffer_convex_ring(ring: &[(f64, f64)], distance: f64) -> Option<Vec<(f64, f64)>> {
    let n = ring.len();
    let twice_area: f64 = (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum();
    // the outside of a clockwise ring is on the left
    let left = twice_area < 0.0;
    let outside_turn = if left { -1 } else { 1 };
    let quantum = FRAC_PI_2 / 16.0;
    let min_gap = distance * 1e-6;
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(n * 4);
    let mut add = |p: (f64, f64)| {
        if let Some(last) = out.last()
            && (p.0 - last.0).hypot(p.1 - last.1) < min_gap
        {
            return;
        }
        out.push(p);
    };
    for i in 0..n {
        let (s0, s1, s2) = (ring[(i + n - 1) % n], ring[i], ring[(i + 1) % n]);
        let turn = orientation(s0, s1, s2);
        if turn == 0 {
            // collinear: the offset line goes on
            continue;
        }
        if turn != outside_turn {
            return None;
        }
        let end0 = offset_segment(s0, s1, left, distance).1;
        let start1 = offset_segment(s1, s2, left, distance).0;
        add(end0);
        if (end0.0 - start1.0).hypot(end0.1 - start1.1) < distance * 1e-3 {
            continue;
        }
        let mut start = (end0.1 - s1.1).atan2(end0.0 - s1.0);
        let end = (start1.1 - s1.1).atan2(start1.0 - s1.0);
        let clockwise = turn == -1;
        if clockwise && start <= end {
            start += 2.0 * PI;
        } else if !clockwise && start >= end {
            start -= 2.0 * PI;
        }
        let total = (start - end).abs();
        let segments = (total / quantum + 0.5) as usize;
        let step = total / segments.max(1) as f64;
        let direction = if clockwise { -1.0 } else { 1.0 };
        for k in 0..segments {
            let angle = start + direction * k as f64 * step;
            add((s1.0 + distance * angle.cos(), s1.1 + distance * angle.sin()));
        }
        add(start1);
    }
    Some(out)
}

/// The polygon's vertices with every edge longer than 100 km split evenly.
fn resample_ring(vertices: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let n = vertices.len();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (lon1, lat1) = vertices[i];
        let (lon2, lat2) = vertices[(i + 1) % n];
        out.push((lon1, lat1));
        let points = (distance(lon1, lat1, lon2, lat2) / UPSAMPLING_STEP_KM) as usize + 1;
        if points >= 2 {
            let hdist = distance(lon1, lat1, lon2, lat2);
            let az = azimuth(lon1, lat1, lon2, lat2);
            let line = npoints_towards([lon1, lat1, 0.0], az, hdist, 0.0, points);
            out.extend(line[1..points - 1].iter().map(|p| (p[0], p[1])));
        }
    }
    out
}

/// Whether (x, y) lies on an edge of the ring: collinear with it and within its extent.
fn on_boundary(ring: &[(f64, f64)], x: f64, y: f64) -> bool {
    ring.iter().enumerate().any(|(i, &(x1, y1))| {
        let (x2, y2) = ring[(i + 1) % ring.len()];
        let cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1);
        cross == 0.0 && x >= x1.min(x2) && x <= x1.max(x2) && y >= y1.min(y2) && y <= y1.max(y2)
    })
}

/// Whether (x, y) is strictly inside the polygon (even-odd rule; boundary points are out).
fn strictly_inside(ring: &[(f64, f64)], x: f64, y: f64) -> bool {
    if on_boundary(ring, x, y) {
        return false;
    }
    let mut inside = false;
    for (i, &(x1, y1)) in ring.iter().enumerate() {
        let (x2, y2) = ring[(i + 1) % ring.len()];
        if (y1 > y) != (y2 > y) && x < x1 + (y - y1) * (x2 - x1) / (y2 - y1) {
            inside = !inside;
        }
    }
    inside
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
    fn polygons_hold_their_inside_and_boundary() {
        let square = ProjectedPolygon::new(&[(0.0, 0.0), (0.0, 2.0), (2.0, 2.0), (2.0, 0.0)]);
        assert!(square.intersects(1.0, 1.0));
        assert!(square.intersects(0.0, 0.0));
        assert!(!square.intersects(2.5, 1.0));
        assert!(!square.intersects(-0.01, 1.0));
        assert!(!square.intersects(f64::NAN, 1.0));
    }

    #[test]
    fn coordinates_round_like_python() {
        // the double nearest 123.300795 is below it: Python gives 123.30079 (numpy 123.3008)
        assert_eq!(round_coordinate(123.300795), 123.30079);
        assert_eq!(round_coordinate(15.0191349916316), 15.01913);
        assert_eq!(round_coordinate(-0.123456), -0.12346);
        assert_eq!(round_coordinate(-3.758969), -3.75897);
        // 1/64 is an exact tie: to even
        assert_eq!(round_coordinate(0.015625), 0.01562);
    }

    #[test]
    fn distances_and_azimuths() {
        let d = distance(0.0, 0.0, 1.0, 0.0);
        assert!((d - EARTH_RADIUS * 1f64.to_radians()).abs() < 1e-9);
        assert!((azimuth(0.0, 0.0, 0.0, 1.0)).abs() < 1e-12);
        assert!((azimuth(0.0, 0.0, 1.0, 0.0) - 90.0).abs() < 1e-12);
        let (lon, lat) = point_at(10.0, 45.0, 30.0, 50.0);
        assert!((distance(10.0, 45.0, lon, lat) - 50.0).abs() < 1e-9);
        // west of a northward arc: negative (OpenQuake's convention, as its rx)
        assert!((distance_to_arc(0.0, 0.0, 0.0, -1.0, 0.5) + d).abs() < 1e-2);
        assert!(distance_to_arc(0.0, 0.0, 0.0, 1.0, 0.5) > 0.0);
    }

    /// The distance to a great circle and between points, from unit vectors, are the
    /// spherical-trigonometry formulas OpenQuake evaluates.
    #[test]
    fn unit_vector_distances_are_the_trigonometric_ones() {
        let mut worst: f64 = 0.0;
        for i in 0..2000 {
            let f = i as f64;
            let (lon, lat, az) = (
                (f * 7.31) % 360.0 - 180.0,
                (f * 3.17) % 170.0 - 85.0,
                f * 11.3,
            );
            let (plon, plat) = (lon + (f * 0.37) % 4.0 - 2.0, (lat + (f * 0.53) % 3.0 - 1.5));
            let (lon_r, lat_r, plon_r, plat_r) = (
                lon.to_radians(),
                lat.to_radians(),
                plon.to_radians(),
                plat.to_radians(),
            );
            // OpenQuake's geodetic.distance_to_arc
            let to_target = -((lon_r - plon_r).sin() * plat_r.cos()).atan2(
                lat_r.cos() * plat_r.sin() - lat_r.sin() * plat_r.cos() * (lon_r - plon_r).cos(),
            );
            let dist = distance(lon, lat, plon, plat);
            let expected = (FRAC_PI_2
                - ((to_target - az.to_radians()).sin() * (dist / EARTH_RADIUS).sin()).acos())
                * EARTH_RADIUS;
            let ours = distance_to_arc(lon, lat, az, plon, plat);
            worst = worst.max((ours - expected).abs());
            let arc = arc_between(unit_vector(lon, lat), unit_vector(plon, plat));
            worst = worst.max((arc - dist).abs());
        }
        assert!(worst < 1e-9, "{worst} km");
    }

    #[test]
    fn projection_round_trip() {
        let p = Projection::for_points([(10.0, 40.0), (12.0, 41.0)].into_iter());
        let (x, y) = p.project(11.3, 40.2);
        let (lon, lat) = p.unproject(x, y);
        assert!((lon - 11.3).abs() < 1e-12 && (lat - 40.2).abs() < 1e-12);
        let (ux, uy) = p.project_unit(unit_vector(11.3, 40.2));
        assert!(
            (ux - x).abs() < 1e-10 && (uy - y).abs() < 1e-10,
            "{ux} {uy} vs {x} {y}"
        );
    }

    #[test]
    fn degenerate_polygons_give_no_points() {
        assert!(discretize_polygon(&[(0.0, 0.0), (1.0, 0.0)], 10.0).is_empty());
        assert!(discretize_polygon(&[(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)], 0.0).is_empty());
        let square = [(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0)];
        assert!(!discretize_polygon(&square, 10.0).is_empty());
    }
}
