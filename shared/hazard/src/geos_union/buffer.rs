//! GEOS's buffer of a stripe: the ring OpenQuake's `buffer(0.005, 2)` of a stripe's
//! simplified closed line gives, vertex for vertex.

use super::Ring;
use super::predicates::{
    Envelope, distance, envelope, intersections, orient, point_to_segment, signed_area,
};
use crate::enclosing_polygon::{Point, TOLERANCE, simplified_stripe};

/// GEOS's buffer ring of the stripe between rows `upper` and `lower`: the closed line along
/// `upper` backwards, `lower` and back to `upper`'s end, simplified, offset outwards by the
/// tolerance; clockwise from the offset of `upper`'s end square to the last column's side.
pub(super) fn stripe_ring(upper: &[Point], lower: &[Point]) -> Option<Ring> {
    let (line, keep) = simplified_stripe(upper, lower);
    let mut kept: Vec<Point> = line
        .into_iter()
        .zip(keep)
        .filter_map(|(p, keep)| keep.then_some(p))
        .collect();
    kept.dedup();
    if kept.len() < 4 || signed_area(&kept) <= 0.0 {
        return None;
    }
    let mut ring = offset_curve(&kept)?;
    // the buffer's ring runs the curve backwards from its first point
    ring.reverse();
    Some(ring)
}

/// The offset curve GEOS's buffer builds on the right (outer) side of the closed
/// counter-clockwise `line`, closed: a join at every vertex from the first on, each
/// segment's offset square to it; `None` where two offsets at a concave vertex miss each
/// other by more than a hair or the line turns back (the buffer would then not be this
/// curve).
fn offset_curve(line: &[Point]) -> Option<Ring> {
    let n = line.len() - 1;
    let mut curve = Curve(Vec::with_capacity(4 * n));
    for k in 0..n {
        let (s0, s1, s2) = (line[(k + n - 1) % n], line[k], line[k + 1]);
        let (end0, start1) = (offset(s0, s1).1, offset(s1, s2).0);
        match orient(s0, s1, s2) {
            // convex: a fillet, or one point where the offsets nearly meet
            1 => {
                curve.add(end0);
                if distance(end0, start1) >= TOLERANCE * 1e-3 {
                    curve.fillet(s1, end0, start1);
                    curve.add(start1);
                }
            }
            // concave: where the offsets cross, or where the first ends if they stop short
            // of each other by a hair
            -1 => match crossing(offset(s0, s1), offset(s1, s2)) {
                Some(point) => curve.add(point),
                None if distance(end0, start1) < TOLERANCE * 1e-3 => curve.add(end0),
                None => return None,
            },
            // straight on (the offsets meet), or back: a cap, not rebuilt
            _ => {
                if (s1.0 - s0.0) * (s2.0 - s1.0) + (s1.1 - s0.1) * (s2.1 - s1.1) < 0.0 {
                    return None;
                }
            }
        }
    }
    let mut points = curve.0;
    let first = *points.first()?;
    if points.last() != Some(&first) {
        points.push(first);
    }
    Some(points)
}

/// The points of an offset curve, each dropped when closer than 1e-6 of the tolerance to
/// the previous one (GEOS's `OffsetSegmentString`).
struct Curve(Vec<Point>);

impl Curve {
    fn add(&mut self, p: Point) {
        if self
            .0
            .last()
            .is_none_or(|&last| distance(last, p) >= TOLERANCE * 1e-6)
        {
            self.0.push(p);
        }
    }

    /// The arc around `center` turning counter-clockwise from `from` towards `to` in equal
    /// steps of about 45°, `to` excluded.
    fn fillet(&mut self, center: Point, from: Point, to: Point) {
        let mut start = (from.1 - center.1).atan2(from.0 - center.0);
        let end = (to.1 - center.1).atan2(to.0 - center.0);
        if start >= end {
            start -= 2.0 * std::f64::consts::PI;
        }
        let total = (start - end).abs();
        let steps = (total / std::f64::consts::FRAC_PI_4 + 0.5) as usize;
        if steps == 0 {
            return;
        }
        let step = total / steps as f64;
        for i in 0..steps {
            let angle = start + i as f64 * step;
            self.add((
                center.0 + TOLERANCE * angle.cos(),
                center.1 + TOLERANCE * angle.sin(),
            ));
        }
    }
}

/// The segment from `a` to `b` moved right by the tolerance (GEOS's arithmetic).
fn offset(a: Point, b: Point) -> (Point, Point) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt();
    let (ux, uy) = (-TOLERANCE * dx / len, -TOLERANCE * dy / len);
    ((a.0 - uy, a.1 + ux), (b.0 - uy, b.1 + ux))
}

/// Where two segments cross, if they do, as GEOS's `LineIntersector` computes it: in
/// homogeneous coordinates about the middle of the envelopes' overlap, or the endpoint
/// nearest the other segment when that falls outside the envelopes.
fn crossing(p: (Point, Point), q: (Point, Point)) -> Option<Point> {
    intersections(p.0, p.1, q.0, q.1).next()?;
    let (pe, qe) = (envelope(&[p.0, p.1]), envelope(&[q.0, q.1]));
    let middle = (
        (pe.0.max(qe.0) + pe.1.min(qe.1)) / 2.0,
        (pe.2.max(qe.2) + pe.3.min(qe.3)) / 2.0,
    );
    let line = |(a, b): (Point, Point)| {
        let (a, b) = (
            (a.0 - middle.0, a.1 - middle.1),
            (b.0 - middle.0, b.1 - middle.1),
        );
        (a.1 - b.1, b.0 - a.0, a.0 * b.1 - b.0 * a.1)
    };
    let ((px, py, pw), (qx, qy, qw)) = (line(p), line(q));
    let w = px * qy - qx * py;
    let point = (
        (py * qw - qy * pw) / w + middle.0,
        (qx * pw - px * qw) / w + middle.1,
    );
    let within = |e: Envelope| e.0 <= point.0 && point.0 <= e.1 && e.2 <= point.1 && point.1 <= e.3;
    if within(pe) && within(qe) {
        return Some(point);
    }
    let candidates = [
        (point_to_segment(p.0, q.0, q.1), p.0),
        (point_to_segment(p.1, q.0, q.1), p.1),
        (point_to_segment(q.0, p.0, p.1), q.0),
        (point_to_segment(q.1, p.0, p.1), q.1),
    ];
    candidates
        .into_iter()
        .reduce(|best, c| if c.0 < best.0 { c } else { best })
        .map(|(_, point)| point)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2 km by 1 km stripe: its corners' fillets in two steps, from its upper row's end.
    #[test]
    fn a_stripe_is_offset_from_its_upper_rows_end() {
        let upper = [(0.0, 1.0), (1.0, 1.0), (2.0, 1.0)];
        let lower = [(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)];
        let ring = stripe_ring(&upper, &lower).unwrap();
        let (t, d) = (TOLERANCE, TOLERANCE * std::f64::consts::FRAC_1_SQRT_2);
        let expected = [
            (2.0 + t, 1.0),
            (2.0 + t, 0.0),
            (2.0 + d, -d),
            (2.0, -t),
            (0.0, -t),
            (-d, -d),
            (-t, 0.0),
            (-t, 1.0),
            (-d, 1.0 + d),
            (0.0, 1.0 + t),
            (2.0, 1.0 + t),
            (2.0 + d, 1.0 + d),
            (2.0 + t, 1.0),
        ];
        assert_eq!(ring.len(), expected.len());
        for (p, q) in ring.iter().zip(expected) {
            assert!(distance(*p, q) < 1e-15, "{ring:?}");
        }
    }

    /// Rows that coincide (either way) give a line GEOS's buffer does not simply offset.
    #[test]
    fn flat_stripes_have_no_ring() {
        let row = [(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)];
        assert_eq!(stripe_ring(&row, &row), None);
        let crossed = [(2.0, 1.0), (1.0, 1.0), (0.0, 1.0)];
        assert_eq!(
            stripe_ring(&[(0.0, 1.0), (1.0, 1.0), (2.0, 1.0)], &crossed),
            None
        );
    }
}
