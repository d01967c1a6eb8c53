//! The polygon OpenQuake measures Joyner-Boore distances to on a fault mesh
//! (`RectangularMesh._get_proj_enclosing_polygon`), rebuilt without GEOS.
//!
//! OpenQuake cuts the projected mesh into stripes between consecutive rows, simplifies each
//! stripe's ring (Douglas-Peucker, 5 m), buffers it by 5 m with two segments per quarter
//! circle, merges the stripes and simplifies the result again with 5 m. The merged ring is
//! the mesh's outline offset by 5 m, clockwise: each convex corner a fillet of
//! round(turn / 45°) equal steps (its two ends alone below 22.5°), each concave corner the
//! intersection of the offset lines. Its top and bottom rows are those the first and last
//! stripes' simplification kept, its sides every row's end. The final simplification is
//! Douglas-Peucker along the ring from its first vertex, which it always keeps. Where GEOS's
//! merging starts the ring is not reproduced yet: the second vertex of the last row's last
//! node's fillet is taken, right for 5-8 rows of faults dipping as the demos' do, and off by
//! up to a fillet step (3.8 m) or at a vertex elsewhere on the ring otherwise. How GEOS 3.14
//! picks it is known and emulated in Python (`tools/geos_union_start`, 1020 of 1027 cases
//! exact): the stripes in its STR tree's leaf order (sorted by the x then, in slices, the y
//! of their envelopes' centres), merged along a halving tree, each OverlayNG union's ring
//! starting at the *second* coordinate of its first piece (so one vertex further along the
//! first operand's ring per union, or past where that ring leaves the second operand).
//! Checked against shapely on the ruptures of the simple-fault, complex-fault and
//! characteristic demos: with GEOS's first vertex, 31 of 32 polygons identical, the other
//! within 5 mm.

/// OpenQuake's `Mesh.DIST_TOLERANCE` (km): the simplification tolerance and the buffer.
pub(crate) const TOLERANCE: f64 = 0.005;

/// A point of the projection (km).
type Point = (f64, f64);

/// The closed polygon (first vertex repeated last) around a mesh given as its projected
/// rows (at least two, of at least two points each, all of the same length).
pub(crate) fn enclosing_polygon(rows: &[Vec<Point>]) -> Vec<Point> {
    let (last, cols) = (rows.len() - 1, rows[0].len());
    // the nodes of the top and bottom rows that the first and last stripes' simplification
    // keeps: a stripe's ring is its upper row backwards, its lower row, the upper row's end
    let stripe_kept = |upper: &[Point], lower: &[Point]| {
        let ring: Vec<Point> = upper
            .iter()
            .rev()
            .chain(lower)
            .chain(upper.last())
            .copied()
            .collect();
        douglas_peucker(&ring)
    };
    let first_stripe = stripe_kept(&rows[0], &rows[1]);
    let last_stripe = stripe_kept(&rows[last - 1], &rows[last]);
    let top: Vec<usize> = (0..cols).filter(|&c| first_stripe[cols - 1 - c]).collect();
    let bottom: Vec<usize> = (0..cols).filter(|&c| last_stripe[cols + c]).collect();
    // the outline: the bottom row from its last node, up the first column, along the top
    // row, down the last column
    let mut outline: Vec<Point> = bottom.iter().rev().map(|&c| rows[last][c]).collect();
    outline.extend((1..last).rev().map(|r| rows[r][0]));
    outline.extend(top.iter().map(|&c| rows[0][c]));
    outline.extend((1..last).map(|r| rows[r][cols - 1]));
    outline.dedup_by(|b, a| (b.0 - a.0).hypot(b.1 - a.1) <= 1e-12);
    // clockwise, and where the last row's last node went
    let mut start_node = 0;
    if signed_area(&outline) > 0.0 {
        outline.reverse();
        start_node = outline.len() - 1;
    }
    let offset = offset_ring(&outline);
    let fillet: Vec<usize> = (0..offset.len())
        .filter(|&i| offset[i].1 == start_node)
        .collect();
    let start = fillet[1.min(fillet.len() - 1)];
    let ring: Vec<Point> = offset[start..]
        .iter()
        .chain(&offset[..=start])
        .map(|&(p, _)| p)
        .collect();
    let keep = douglas_peucker(&ring);
    ring.into_iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(p))
        .collect()
}

/// Twice the signed area of a ring (positive counter-clockwise).
fn signed_area(ring: &[Point]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|k| {
            let (a, b) = (ring[(k + n - 1) % n], ring[k]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum()
}

/// The clockwise `ring` offset outwards (to the left) by the tolerance, each vertex with
/// the index of the node it came from: fillets at convex corners, the offset lines'
/// intersection at concave ones.
fn offset_ring(ring: &[Point]) -> Vec<(Point, usize)> {
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
        if cross < 0.0 {
            let (a1, a2) = (n1.1.atan2(n1.0), n2.1.atan2(n2.0));
            let turn = (a1 - a2).rem_euclid(std::f64::consts::TAU);
            let steps = (turn / std::f64::consts::FRAC_PI_4 + 0.5).floor() as usize;
            out.push((at(n1), k));
            for s in 1..steps {
                let a = a1 - s as f64 * (turn / steps as f64);
                out.push((at((a.cos(), a.sin())), k));
            }
            out.push((at(n2), k));
        } else if cross.abs() < 1e-15 {
            out.push((at(n1), k));
        } else {
            let (q1, q2) = (
                (p0.0 + TOLERANCE * n1.0, p0.1 + TOLERANCE * n1.1),
                (p1.0 + TOLERANCE * n2.0, p1.1 + TOLERANCE * n2.1),
            );
            let t = ((q2.0 - q1.0) * d2.1 - (q2.1 - q1.1) * d2.0) / cross;
            out.push(((q1.0 + t * d1.0, q1.1 + t * d1.1), k));
        }
    }
    out
}

/// Douglas-Peucker with the tolerance over a line (its ends kept): which points stay.
fn douglas_peucker(line: &[Point]) -> Vec<bool> {
    let mut keep = vec![false; line.len()];
    let Some(last) = line.len().checked_sub(1) else {
        return keep;
    };
    keep[0] = true;
    keep[last] = true;
    let mut spans = vec![(0, last)];
    while let Some((i, j)) = spans.pop() {
        let mut farthest: Option<(usize, f64)> = None;
        for m in i + 1..j {
            let d = point_to_segment(line[m], line[i], line[j]);
            if farthest.is_none_or(|(_, best)| d > best) {
                farthest = Some((m, d));
            }
        }
        if let Some((m, d)) = farthest
            && d > TOLERANCE
        {
            keep[m] = true;
            spans.push((i, m));
            spans.push((m, j));
        }
    }
    keep
}

/// The distance from `p` to the segment from `a` to `b` (GEOS's formula).
fn point_to_segment(p: Point, a: Point, b: Point) -> f64 {
    if a == b {
        return (p.0 - a.0).hypot(p.1 - a.1);
    }
    let len2 = (b.0 - a.0) * (b.0 - a.0) + (b.1 - a.1) * (b.1 - a.1);
    let r = ((p.0 - a.0) * (b.0 - a.0) + (p.1 - a.1) * (b.1 - a.1)) / len2;
    if r <= 0.0 {
        return (p.0 - a.0).hypot(p.1 - a.1);
    }
    if r >= 1.0 {
        return (p.0 - b.0).hypot(p.1 - b.1);
    }
    let s = ((a.1 - p.1) * (b.0 - a.0) - (a.0 - p.0) * (b.1 - a.1)) / len2;
    s.abs() * len2.sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2 x 3 mesh, 10 km by 4 km: its outline offset by 5 m, the corners cut where the
    /// simplification drops the fillets' middles.
    #[test]
    fn a_rectangle_grows_by_the_tolerance() {
        let rows = vec![
            vec![(0.0, 4.0), (5.0, 4.0), (10.0, 4.0)],
            vec![(0.0, 0.0), (5.0, 0.0), (10.0, 0.0)],
        ];
        let polygon = enclosing_polygon(&rows);
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

    #[test]
    fn douglas_peucker_drops_what_lies_within_the_tolerance() {
        let line = [(0.0, 0.0), (1.0, 0.004), (2.0, 0.0), (3.0, 1.0), (4.0, 0.0)];
        assert_eq!(douglas_peucker(&line), [true, false, true, true, true]);
    }
}
