//! Rupture-to-site distances as OpenQuake's contexts compute them (km; azimuth in degrees).
//!
//! Planar surfaces: every distance, with the formulas of `geo.surface.planar` (rrup in the
//! plane's Cartesian frame; rjb, rx, ry0 from signed distances to the great circles through
//! the projected edges). Fault meshes: rrup (closest mesh node, straight-line), rhypo, repi
//! and ztor; rjb, rx, ry0 and azimuth are not implemented for meshes yet (`None`).

use crate::geo::{self, distance_to_arc, py_mod, sign, to_cartesian};
use crate::rupture::{RuptureSet, RuptureSurface};
use crate::surface::{PlanarSurface, dot};

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
    pub rhypo: f64,
    pub repi: f64,
    /// Azimuth of the site from the epicentre, relative to the strike, in `[0, 360)`.
    pub azimuth: Option<f64>,
    /// Depth of the top of the rupture (site-independent, repeated for convenience).
    pub ztor: f64,
}

impl RuptureSet {
    /// The distances from rupture `index` to `site`; `None` for an index out of range.
    pub fn distances(&self, index: usize, site: &Site) -> Option<Distances> {
        let surface = self.surface.get(index)?;
        let hypo = [
            self.hypo_lon[index],
            self.hypo_lat[index],
            self.hypo_depth[index],
        ];
        let repi = geo::distance(hypo[0], hypo[1], site.lon, site.lat);
        let vdist = hypo[2] - site.depth;
        let rhypo = (repi * repi + vdist * vdist).sqrt();
        let xyz = to_cartesian(site.lon, site.lat, site.depth);
        let ztor = self.ztor[index];
        Some(match surface {
            RuptureSurface::Planar(p) => Distances {
                rrup: planar_rrup(p, xyz),
                rjb: Some(planar_rjb(p, site, xyz)),
                rx: Some(distance_to_arc(
                    p.corners[0][0],
                    p.corners[0][1],
                    p.strike,
                    site.lon,
                    site.lat,
                )),
                ry0: Some(planar_ry0(p, site)),
                rhypo,
                repi,
                azimuth: Some(py_mod(
                    azimuth_from(hypo[0], hypo[1], site.lon, site.lat) - p.strike,
                    360.0,
                )),
                ztor,
            },
            RuptureSurface::Mesh(m) => Distances {
                rrup: m
                    .points()
                    .map(|p| chord(to_cartesian(p[0], p[1], p[2]), xyz))
                    .fold(f64::INFINITY, f64::min),
                rjb: None,
                rx: None,
                ry0: None,
                rhypo,
                repi,
                azimuth: None,
                ztor,
            },
        })
    }
}

fn chord(a: [f64; 3], b: [f64; 3]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// `geodetic.fast_azimuth`: azimuth (degrees, not wrapped) of a point from (lon, lat).
fn azimuth_from(lon: f64, lat: f64, plon: f64, plat: f64) -> f64 {
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

/// Distance to the rectangle: to its plane, combined with the in-plane distance from the
/// projection to the rectangle.
fn planar_rrup(p: &PlanarSurface, xyz: [f64; 3]) -> f64 {
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

/// Joyner-Boore distance: 0 inside the projected rectangle, else the distance to the nearest
/// edge's great circle or (beyond both pairs of edges) the chord to the nearest corner.
fn planar_rjb(p: &PlanarSurface, site: &Site, xyz: [f64; 3]) -> f64 {
    let c = &p.corners;
    let downdip = py_mod(p.strike + 90.0, 360.0);
    let arc = |corner: usize, azimuth: f64| {
        distance_to_arc(c[corner][0], c[corner][1], azimuth, site.lon, site.lat)
    };
    let d = [
        arc(2, p.strike),
        arc(0, p.strike),
        arc(0, downdip),
        arc(1, downdip),
    ];
    let same_strike = sign(d[0]) == sign(d[1]);
    let same_dip = sign(d[2]) == sign(d[3]);
    if same_strike && same_dip {
        c.iter()
            .map(|k| chord(to_cartesian(k[0], k[1], 0.0), xyz))
            .fold(f64::INFINITY, f64::min)
    } else if same_strike {
        d[0].abs().min(d[1].abs())
    } else if same_dip {
        d[2].abs().min(d[3].abs())
    } else {
        0.0
    }
}

/// Ry0: 0 between the great circles perpendicular to strike through the top corners, else
/// the distance to the nearer of them.
fn planar_ry0(p: &PlanarSurface, site: &Site) -> f64 {
    let azimuth = py_mod(p.strike + 90.0, 360.0);
    let c = &p.corners;
    let d1 = distance_to_arc(c[0][0], c[0][1], azimuth, site.lon, site.lat);
    let d2 = distance_to_arc(c[1][0], c[1][1], azimuth, site.lon, site.lat);
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
