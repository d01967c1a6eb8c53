//! Volcanic zones and the path length through them (`rvolc`), as OpenQuake's Zhao et al.
//! (2016) models with a `volc_arc_file` measure it (`zhao_2016.get_rvolcs`).
//!
//! The path from a site to the closest point of the rupture is sampled at 100 points evenly
//! spaced along the great circle (both ends included); each point inside or on the boundary
//! of a zone adds one spacing (the distance between consecutive points) for that zone.
//! A total in (0, 12] km becomes 12 km, one of 80 km or more becomes 80 km.

use crate::HazardError;
use crate::geo::{self, ProjectedPolygon};

/// Points sampling a path.
const PATH_POINTS: usize = 100;
/// Bounds of a non-zero rvolc, km.
const MIN_RVOLC: f64 = 12.0;
const MAX_RVOLC: f64 = 80.0;

/// The volcanic zones of a `volc_arc_file`.
pub struct VolcanicZones {
    zones: Vec<ProjectedPolygon>,
}

impl VolcanicZones {
    /// Reads a GeoJSON feature collection of polygons, each with a `volc_zone_id`
    /// property; a zone id given again replaces the earlier zone (only exterior rings are
    /// read).
    pub fn from_geojson(text: &str, file: &str) -> Result<Self, HazardError> {
        let bad = |what: &str| HazardError::Invalid(format!("{file}: {what}"));
        let json: serde_json::Value =
            serde_json::from_str(text).map_err(|e| bad(&e.to_string()))?;
        let features = json["features"]
            .as_array()
            .ok_or_else(|| bad("no features"))?;
        let mut zones: Vec<(String, ProjectedPolygon)> = Vec::new();
        for feature in features {
            let id = match &feature["properties"]["volc_zone_id"] {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => return Err(bad("a feature without volc_zone_id")),
                other => other.to_string(),
            };
            let ring = feature["geometry"]["coordinates"][0]
                .as_array()
                .ok_or_else(|| bad("a feature without a polygon"))?;
            let mut vertices: Vec<(f64, f64)> = Vec::with_capacity(ring.len());
            for point in ring {
                match (point[0].as_f64(), point[1].as_f64()) {
                    (Some(lon), Some(lat)) => vertices.push((lon, lat)),
                    _ => return Err(bad("a vertex is not a pair of numbers")),
                }
            }
            if vertices.len() > 1 && vertices.first() == vertices.last() {
                vertices.pop();
            }
            if vertices.len() < 3 {
                return Err(bad("a polygon with fewer than 3 vertices"));
            }
            let polygon = ProjectedPolygon::new(&vertices);
            match zones.iter_mut().find(|(z, _)| *z == id) {
                Some(zone) => zone.1 = polygon,
                None => zones.push((id, polygon)),
            }
        }
        Ok(Self {
            zones: zones.into_iter().map(|(_, p)| p).collect(),
        })
    }

    /// The path length (km) through the zones from the site (`lon`, `lat`) to the rupture
    /// point (`clon`, `clat`).
    pub fn rvolc(&self, lon: f64, lat: f64, clon: f64, clat: f64) -> f64 {
        let hdist = geo::distance(lon, lat, clon, clat);
        let azimuth = geo::azimuth(lon, lat, clon, clat);
        let mut path = geo::npoints_towards([lon, lat, 0.0], azimuth, hdist, 0.0, PATH_POINTS);
        path[PATH_POINTS - 1] = [clon, clat, 0.0];
        let spacing = geo::distance(path[0][0], path[0][1], path[1][0], path[1][1]);
        let total: f64 = self
            .zones
            .iter()
            .map(|zone| {
                let inside = path.iter().filter(|p| zone.intersects(p[0], p[1])).count();
                inside as f64 * spacing
            })
            .sum();
        if total > 0.0 && total <= MIN_RVOLC {
            MIN_RVOLC
        } else if total >= MAX_RVOLC {
            MAX_RVOLC
        } else {
            total
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rvolc_as_openquake() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/data/qa/classical/case_83/test_volc.geojson"
        );
        let zones =
            VolcanicZones::from_geojson(&std::fs::read_to_string(path).unwrap(), path).unwrap();
        // (site lon, lat, closest lon, lat, rvolc) from OpenQuake 3.26.2's get_rvolcs
        let cases = [
            (147.829, 44.585, 147.829, 44.585, 0.0),
            (149.383, 44.78, 148.212, 44.402, 0.0),
            (148.654, 45.018, 148.173, 44.815, 0.0),
            (145.351, 45.214, 148.534, 44.477, 74.65629823493099),
            (145.801, 46.982, 148.303, 44.534, 54.02555009822507),
            (149.241, 46.171, 148.211, 44.84, 80.0),
            (144.032, 45.489, 148.197, 44.655, 75.53679125829552),
            (148.927, 46.956, 147.998, 44.824, 80.0),
            (148.782, 43.861, 147.809, 44.72, 0.0),
            (146.808, 43.641, 147.954, 44.771, 0.0),
            (145.818, 45.45, 148.354, 44.446, 64.67285090008255),
            (145.671, 43.176, 147.96, 44.671, 0.0),
        ];
        for (lon, lat, clon, clat, want) in cases {
            let got = zones.rvolc(lon, lat, clon, clat);
            assert!(
                (got - want).abs() <= 1e-9 * want,
                "{lon} {lat}: {got} vs {want}"
            );
        }
    }
}
