//! GEOS's topology-preserving Douglas-Peucker, as OpenQuake's `simplify(0.005)` of a
//! stripe's closed line and of the merged ring runs it (the topology checks aside, which
//! only come into play within the tolerance of another part of the line).

use crate::enclosing_polygon::{Point, TOLERANCE};

/// Points a closed line or ring keeps at least when simplified (GEOS's
/// `TopologyPreservingSimplifier`).
pub(crate) const CLOSED_MIN_SIZE: usize = 4;

/// Douglas-Peucker with the tolerance over a line (its ends kept), as GEOS's
/// topology-preserving simplifier runs it: while fewer than `min_size` points are kept, a
/// section is cut at its farthest point however near, unless flattening it leaves enough
/// points even at worst (the section's depth + 1). Which points stay.
pub(crate) fn douglas_peucker(line: &[Point], min_size: usize) -> Vec<bool> {
    let mut keep = vec![false; line.len()];
    let Some(last) = line.len().checked_sub(1) else {
        return keep;
    };
    keep[0] = true;
    keep[last] = true;
    // sections (first, last, depth), the first ones first; segments kept so far
    let mut sections = vec![(0, last, 1)];
    let mut segments = 0;
    while let Some((i, j, depth)) = sections.pop() {
        let mut farthest: Option<(usize, f64)> = None;
        let to_chord = to_segment(line[i], line[j]);
        for (m, &p) in line.iter().enumerate().take(j).skip(i + 1) {
            let d = to_chord(p);
            if farthest.is_none_or(|(_, best)| d > best) {
                farthest = Some((m, d));
            }
        }
        let kept = if segments == 0 { 0 } else { segments + 1 };
        let too_few = kept < min_size && depth + 1 < min_size;
        match farthest {
            Some((m, d)) if d > TOLERANCE || too_few => {
                keep[m] = true;
                sections.push((m, j, depth + 1));
                sections.push((i, m, depth + 1));
            }
            _ => segments += 1,
        }
    }
    keep
}

/// The distance from `p` to the segment from `a` to `b` (GEOS's formula).
pub(crate) fn point_to_segment(p: Point, a: Point, b: Point) -> f64 {
    to_segment(a, b)(p)
}

/// The distance from points to the segment from `a` to `b` ([`point_to_segment`]), what
/// depends on the segment alone computed once.
fn to_segment(a: Point, b: Point) -> impl Fn(Point) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let len = len2.sqrt();
    move |p: Point| {
        let distance = |q: Point| ((p.0 - q.0) * (p.0 - q.0) + (p.1 - q.1) * (p.1 - q.1)).sqrt();
        if a == b {
            return distance(a);
        }
        let r = ((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2;
        if r <= 0.0 {
            return distance(a);
        }
        if r >= 1.0 {
            return distance(b);
        }
        let s = ((a.1 - p.1) * dx - (a.0 - p.0) * dy) / len2;
        s.abs() * len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn douglas_peucker_drops_what_lies_within_the_tolerance() {
        let line = [(0.0, 0.0), (1.0, 0.004), (2.0, 0.0), (3.0, 1.0), (4.0, 0.0)];
        assert_eq!(douglas_peucker(&line, 2), [true, false, true, true, true]);
    }
}
