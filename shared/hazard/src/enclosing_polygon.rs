//! The polygon OpenQuake measures Joyner-Boore distances to on a fault mesh
//! (`RectangularMesh._get_proj_enclosing_polygon`), rebuilt without GEOS.
//!
//! OpenQuake cuts the projected mesh into stripes between consecutive rows, simplifies each
//! stripe's closed line (5 m), buffers it by 5 m with two segments per quarter circle,
//! merges the stripes and simplifies the result again with 5 m. Both simplifications are
//! GEOS's topology-preserving Douglas-Peucker ([`crate::simplify`]): a closed line is cut
//! twice deep whatever the distances (to keep four points), and a ring's first vertex is
//! dropped when it lies within 5 m of its neighbours' segment. The merged ring is the mesh's
//! outline offset by 5 m, clockwise: each convex corner a fillet of round(turn / 45°) equal
//! steps (its two ends alone below 22.5°, and on a row one end alone when they are within
//! 5 mm), each concave corner the intersection of the offset lines (a cap where the outline
//! turns back on itself, as a vertical fault's does). Its top and bottom rows are those the
//! first and last stripes' simplification kept, its sides every row's end. The final
//! simplification runs along that ring from where GEOS's merging starts it, found by
//! merging the stripes as GEOS does ([`crate::geos_union`]).
//!
//! Checked against shapely 2.2 (GEOS 3.14.1) on 953 meshes (`polygons_as_shapely` below,
//! with `tools/geos_union_start/polygons.py 1000 7`: the fault demos' 82 ruptures, 759
//! random simple and 112 random complex faults): identical (every vertex within 3e-12 km)
//! for the 82 demo ruptures, the 599 simple faults that are not vertical and 83 of the 86
//! complex faults that do not fold over themselves in projection (the others 1 mm, 39 m and
//! 231 m off, where the stripes' union is not the outline's offset). Not rebuilt: vertical
//! faults (160), whose projected rows coincide: GEOS's stripes are then buffers of lines
//! doubling back on themselves, where its merged ring starts is not found (159 of them; the
//! start then falls back to the second vertex of the last row's last node's fillet) or not
//! right (1), and the polygons are up to 7.3 m apart; complex meshes folding over themselves (26, nodes outside the outline of
//! their first and last rows and columns), whose union is not the outline's offset (up to
//! 4.8 km apart).

/// OpenQuake's `Mesh.DIST_TOLERANCE` (km): the simplification tolerance and the buffer.
pub(crate) const TOLERANCE: f64 = 0.005;

use crate::simplify::{CLOSED_MIN_SIZE, douglas_peucker, point_to_segment};

/// How near (km) GEOS's start must be to a vertex of the rebuilt ring to be taken as it.
const START_MATCH_KM: f64 = 1e-6;

/// A point of the projection (km).
pub(crate) type Point = (f64, f64);

/// The closed polygon (first vertex repeated last) around a mesh given as its projected
/// rows (at least two, of at least two points each, all of the same length), where GEOS
/// starts the merged ring being `geos_start`
/// ([`merged_ring_start`](crate::geos_union::merged_ring_start)).
pub(crate) fn enclosing_polygon(rows: &[Vec<Point>], geos_start: Option<Point>) -> Vec<Point> {
    let (last, cols) = (rows.len() - 1, rows[0].len());
    // the nodes of the top and bottom rows that the first and last stripes' simplification
    // keeps: a stripe's line is its upper row backwards, its lower row, the upper row's end
    let (_, first_stripe) = simplified_stripe(&rows[0], &rows[1]);
    let (_, last_stripe) = simplified_stripe(&rows[last - 1], &rows[last]);
    let top: Vec<usize> = (0..cols).filter(|&c| first_stripe[cols - 1 - c]).collect();
    let bottom: Vec<usize> = (0..cols).filter(|&c| last_stripe[cols + c]).collect();
    // the outline: the bottom row from its last node, up the first column, along the top
    // row, down the last column; with whether each node is on the top or bottom row
    let mut outline: Vec<(Point, bool)> = bottom
        .iter()
        .rev()
        .map(|&c| (rows[last][c], true))
        .collect();
    outline.extend((1..last).rev().map(|r| (rows[r][0], false)));
    outline.extend(top.iter().map(|&c| (rows[0][c], true)));
    outline.extend((1..last).map(|r| (rows[r][cols - 1], false)));
    outline.dedup_by(|b, a| (b.0.0 - a.0.0).hypot(b.0.1 - a.0.1) <= 1e-12);
    // clockwise, and where the last row's last node went
    let mut start_node = 0;
    let (mut outline, mut on_row): (Vec<Point>, Vec<bool>) = outline.into_iter().unzip();
    let reversed = signed_area(&outline) > 0.0;
    if reversed {
        outline.reverse();
        on_row.reverse();
        start_node = outline.len() - 1;
    }
    let offset = offset_ring(&outline, &on_row, reversed);
    let (start, first) = ring_start(geos_start, &offset, start_node);
    let ring: Vec<Point> = std::iter::once(first)
        .chain(
            offset[start + 1..]
                .iter()
                .chain(&offset[..start])
                .map(|&(p, _)| p),
        )
        .chain([first])
        .collect();
    let keep = douglas_peucker(&ring, CLOSED_MIN_SIZE);
    let kept: Vec<Point> = ring
        .into_iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(p))
        .collect();
    without_needless_start(kept)
}

/// The closed line OpenQuake simplifies and buffers as the stripe between rows `upper` and
/// `lower` (`upper` backwards, `lower`, back to `upper`'s end), with which of its points the
/// simplification keeps.
pub(crate) fn simplified_stripe(upper: &[Point], lower: &[Point]) -> (Vec<Point>, Vec<bool>) {
    let line: Vec<Point> = upper
        .iter()
        .rev()
        .chain(lower)
        .chain(upper.last())
        .copied()
        .collect();
    let keep = douglas_peucker(&line, CLOSED_MIN_SIZE);
    (line, keep)
}

/// Where the merged ring starts: the vertex of the offset ring nearest where GEOS starts it,
/// and GEOS's own point (the same to rounding, or a node of its stripes' arcs beside ours).
/// Without it (the stripes' buffers not rebuilt, as when rows coincide), the second vertex
/// of the fillet of the node the last row's last went to (`start_node`), right for most
/// simple meshes.
fn ring_start(
    geos_start: Option<Point>,
    offset: &[(Point, usize)],
    start_node: usize,
) -> (usize, Point) {
    let geos = geos_start.and_then(|p| {
        let gap = |i: usize| (offset[i].0.0 - p.0).hypot(offset[i].0.1 - p.1);
        (0..offset.len())
            .min_by(|&a, &b| gap(a).total_cmp(&gap(b)))
            .filter(|&i| gap(i) < START_MATCH_KM)
            .map(|i| (i, p))
    });
    geos.unwrap_or_else(|| {
        let fillet: Vec<usize> = (0..offset.len())
            .filter(|&i| offset[i].1 == start_node)
            .collect();
        let start = fillet[1.min(fillet.len() - 1)];
        (start, offset[start].0)
    })
}

/// The simplified closed ring without its first vertex where that lies within the
/// tolerance of the segment joining its neighbours and more than the minimum of points
/// remain (GEOS's `simplifyRingEndpoint`): then from the last vertex before it.
fn without_needless_start(ring: Vec<Point>) -> Vec<Point> {
    let n = ring.len();
    if n <= CLOSED_MIN_SIZE || point_to_segment(ring[0], ring[n - 2], ring[1]) > TOLERANCE {
        return ring;
    }
    let mut out = Vec::with_capacity(n - 1);
    out.push(ring[n - 2]);
    out.extend_from_slice(&ring[1..n - 1]);
    out
}

/// The signed area of a ring (positive counter-clockwise), open or closed (its first point
/// repeated last: the closing edge then adds exactly 0).
pub(crate) fn signed_area(ring: &[Point]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|k| {
            let (a, b) = (ring[(k + n - 1) % n], ring[k]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum::<f64>()
        / 2.0
}

/// The clockwise `ring` offset outwards (to the left) by the tolerance, each vertex with
/// the index of the node it came from: fillets at convex corners, the offset lines'
/// intersection at concave ones, and a fillet (a cap) where the ring turns back on itself
/// (as a vertical fault's does, its rows coinciding), the offset lines meeting far beyond
/// the segments or not at all. A row's convex corner so slight that its two offsets are
/// nearer than 1e-3 of the tolerance keeps only the offset GEOS's stripe keeps, the end of
/// the row's segment before it in the stripe's line: the outgoing segment's, the incoming
/// one's if the ring was `reversed` to run clockwise.
fn offset_ring(ring: &[Point], on_row: &[bool], reversed: bool) -> Vec<(Point, usize)> {
    let n = ring.len();
    let unit = |a: Point, b: Point| {
        let length = (b.0 - a.0).hypot(b.1 - a.1);
        ((b.0 - a.0) / length, (b.1 - a.1) / length)
    };
    let mut out = Vec::with_capacity(3 * n);
    for k in 0..n {
        let (p0, p1, p2) = (ring[(k + n - 1) % n], ring[k], ring[(k + 1) % n]);
        let (d1, d2) = (unit(p0, p1), unit(p1, p2));
        let (n1, n2) = ((-d1.1, d1.0), (-d2.1, d2.0));
        let at = |normal: Point| (p1.0 + TOLERANCE * normal.0, p1.1 + TOLERANCE * normal.1);
        let cross = d1.0 * d2.1 - d1.1 * d2.0;
        // where the offset lines meet at a concave corner, if within both segments
        let miter = (cross >= 1e-15)
            .then(|| {
                let (q1, q2) = (
                    (p0.0 + TOLERANCE * n1.0, p0.1 + TOLERANCE * n1.1),
                    (p1.0 + TOLERANCE * n2.0, p1.1 + TOLERANCE * n2.1),
                );
                let t = ((q2.0 - q1.0) * d2.1 - (q2.1 - q1.1) * d2.0) / cross;
                let (len1, len2) = (
                    (p1.0 - p0.0).hypot(p1.1 - p0.1),
                    (p2.0 - p1.0).hypot(p2.1 - p1.1),
                );
                (t >= 0.0 && len1 - t <= len2).then_some((q1.0 + t * d1.0, q1.1 + t * d1.1))
            })
            .flatten();
        let back = d1.0 * d2.0 + d1.1 * d2.1 < 0.0;
        if cross < 0.0 || (miter.is_none() && (cross >= 1e-15 || back)) {
            let (a1, a2) = (n1.1.atan2(n1.0), n2.1.atan2(n2.0));
            let turn = (a1 - a2).rem_euclid(std::f64::consts::TAU);
            let steps = (turn / std::f64::consts::FRAC_PI_4 + 0.5).floor() as usize;
            let (e1, e2) = (at(n1), at(n2));
            if on_row[k] && (e1.0 - e2.0).hypot(e1.1 - e2.1) < TOLERANCE * 1e-3 {
                out.push((if reversed { e1 } else { e2 }, k));
                continue;
            }
            out.push((e1, k));
            for s in 1..steps {
                let a = a1 - s as f64 * (turn / steps as f64);
                out.push((at((a.cos(), a.sin())), k));
            }
            out.push((e2, k));
        } else {
            out.push((miter.unwrap_or_else(|| at(n1)), k));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geos_union::merged_ring_start;

    /// A 2 x 3 mesh, 10 km by 4 km: its outline offset by 5 m, the corners cut where the
    /// simplification drops the fillets' middles.
    #[test]
    fn a_rectangle_grows_by_the_tolerance() {
        let rows = vec![
            vec![(0.0, 4.0), (5.0, 4.0), (10.0, 4.0)],
            vec![(0.0, 0.0), (5.0, 0.0), (10.0, 0.0)],
        ];
        let polygon = enclosing_polygon(&rows, merged_ring_start(&rows));
        assert_eq!(polygon.first(), polygon.last());
        for &(x, y) in &polygon {
            let dx = (-x).max(x - 10.0).max(0.0);
            let dy = (-y).max(y - 4.0).max(0.0);
            let d = dx.hypot(dy);
            assert!((d - TOLERANCE).abs() < 1e-12, "({x}, {y}) is {d} km out");
        }
        // every corner keeps at least one vertex: 4 corners, closed
        assert!(polygon.len() >= 5, "{polygon:?}");
    }

    /// A vertical fault's rows, coinciding but for rounding noise: the outline turns back on
    /// itself at the rows' ends, where the offset lines nearly coincide; the polygon stays
    /// within the tolerance (and the fillets' steps) of the trace, whichever way the noise
    /// tilts each turn.
    #[test]
    fn a_vertical_fault_stays_near_its_trace() {
        let trace = |r: usize| -> Vec<Point> {
            (0..5)
                .map(|c| {
                    let noise = (((r * 7 + c * 3) % 5) as f64 - 2.0) * 1e-13;
                    (2.0 * c as f64 + noise, (c as f64 * 0.7).sin() + noise)
                })
                .collect()
        };
        for rows in 2..6 {
            let mesh: Vec<Vec<Point>> = (0..rows).map(trace).collect();
            let polygon = enclosing_polygon(&mesh, merged_ring_start(&mesh));
            for &p in &polygon {
                let d = mesh[0]
                    .windows(2)
                    .map(|w| point_to_segment(p, w[0], w[1]))
                    .fold(f64::INFINITY, f64::min);
                assert!(d < 1.01 * TOLERANCE, "{p:?} is {d} km from the trace");
            }
        }
    }

    /// Ours against the polygons of the meshes `tools/geos_union_start/polygons.py` wrote
    /// (file `OQ_POLYGONS`): per source and kind of mesh, how many are identical to shapely's
    /// (every vertex within 3e-12 km) and the largest distance from a vertex of either to the
    /// other's edges.
    #[test]
    #[ignore = "needs OQ_POLYGONS, a file of tools/geos_union_start/polygons.py"]
    fn polygons_as_shapely() {
        let path = std::env::var("OQ_POLYGONS").expect("OQ_POLYGONS");
        let text = std::fs::read_to_string(path).expect("a file of polygons.py");
        let numbers = |s: &str| -> Vec<f64> { s.split(' ').map(|v| v.parse().unwrap()).collect() };
        let points = |v: Vec<f64>| -> Vec<Point> { v.chunks(2).map(|c| (c[0], c[1])).collect() };
        let mut kinds: std::collections::BTreeMap<String, (usize, usize, f64)> = Default::default();
        for line in text.lines() {
            let (mesh, theirs) = line.split_once(" | ").unwrap();
            let mut fields = mesh.splitn(5, ' ');
            let kind = format!("{} {}", fields.next().unwrap(), fields.next().unwrap());
            let cols: usize = fields.nth(1).unwrap().parse().unwrap();
            let nodes = points(numbers(fields.next().unwrap()));
            let rows: Vec<Vec<Point>> = nodes.chunks(cols).map(<[Point]>::to_vec).collect();
            let theirs = points(numbers(theirs));
            let ours = enclosing_polygon(&rows, merged_ring_start(&rows));
            let apart = |a: &[Point], b: &[Point]| {
                a.iter()
                    .map(|&p| {
                        b.windows(2)
                            .map(|w| point_to_segment(p, w[0], w[1]))
                            .fold(f64::INFINITY, f64::min)
                    })
                    .fold(0.0, f64::max)
            };
            let same = ours.len() == theirs.len()
                && ours
                    .iter()
                    .zip(&theirs)
                    .all(|(a, b)| (a.0 - b.0).hypot(a.1 - b.1) < 3e-12);
            let entry = kinds.entry(kind).or_default();
            entry.0 += 1;
            entry.1 += usize::from(same);
            entry.2 = entry
                .2
                .max(apart(&ours, &theirs))
                .max(apart(&theirs, &ours));
        }
        for (kind, (count, same, apart)) in kinds {
            println!("{kind}: {same} of {count} identical, rings at most {apart:.1e} km apart");
        }
    }
}
