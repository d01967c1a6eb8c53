//! The union of two geometries as GEOS's OverlayNG makes it, rings starting where its do.

use super::predicates::{
    EMPTY, Envelope, compare, cover, crosses, envelope, inside, intersections, orient, overlap,
    parameter, point_to_segment, signed_area,
};
use super::{Geometry, Ring};
use crate::enclosing_polygon::Point;

/// The union of `a` and `b` as OverlayNG makes it: each ring cut where it meets the other
/// geometry's rings, the pieces outside the other kept (of pieces along each other, `a`'s
/// when both run the same way), linked into rings in the order of their first piece, each
/// starting at its first piece's second coordinate.
pub(super) fn union(a: Geometry, b: Geometry, probe: Option<&mut Probe>) -> Geometry {
    if a.is_empty() || b.is_empty() {
        return moved_on(if b.is_empty() { a } else { b }, probe);
    }
    let (edges_a, edges_b) = (Edges::of(&a), Edges::of(&b));
    // every pair of segments whose envelopes (widened by NEAR) meet, by a's then b's order,
    // and the points where they meet, on either segment (parameter along it)
    let mut pairs: Vec<(usize, usize)> = Vec::with_capacity(4 * edges_a.segments.len());
    let (mut nodes_a, mut nodes_b) = (Vec::with_capacity(16), Vec::with_capacity(16));
    for (ca, cb) in edges_a.chunk_pairs(&edges_b) {
        for i in edges_a.chunk(ca) {
            let p = &edges_a.segments[i];
            let near_p = widened(p.envelope);
            if !overlap(near_p, edges_b.chunks[cb].1) {
                continue;
            }
            for j in edges_b.chunk(cb) {
                let q = &edges_b.segments[j];
                if !overlap(near_p, q.envelope) {
                    continue;
                }
                pairs.push((i, j));
                for point in intersections(p.from, p.to, q.from, q.to) {
                    nodes_a.push((i, parameter(p.from, p.to, point), point));
                    nodes_b.push((j, parameter(q.from, q.to, point), point));
                }
            }
        }
    }
    pairs.sort_unstable();
    let near_a = Candidates::new(&pairs, edges_a.segments.len(), |&(i, j)| (i, j));
    pairs.sort_unstable_by_key(|&(i, j)| (j, i));
    let near_b = Candidates::new(&pairs, edges_b.segments.len(), |&(i, j)| (j, i));
    let mut pieces = Pieces::default();
    let start = result_pieces(&edges_a, nodes_a, &edges_b, &near_a, true, &mut pieces);
    result_pieces(&edges_b, nodes_b, &edges_a, &near_b, false, &mut pieces);
    let merged = polygons(link(&pieces));
    if let Some(probe) = probe {
        let first = merged.first().and_then(|polygon| polygon[0].first());
        match start {
            Some((start, examined)) if first == Some(&start) => probe.segments.extend(examined),
            _ => probe.lost = true,
        }
    }
    merged
}

/// Rings smaller than this (km²) are noding artefacts of nearly coincident vertices.
const SLIVER: f64 = 1e-9;

/// What decided where the rings of unions start.
#[derive(Default)]
pub(super) struct Probe {
    /// The segments of the first operand's first ring examined up to its first piece in
    /// the union, and that piece's first segment.
    pub(super) segments: Vec<(Point, Point)>,
    /// Whether a union's ring did not start on that piece (then decided elsewhere).
    pub(super) lost: bool,
}

/// A geometry's union with an empty one: each ring whole, one piece, so started a vertex
/// on (repeated points dropped).
fn moved_on(mut geometry: Geometry, probe: Option<&mut Probe>) -> Geometry {
    let first = geometry
        .first()
        .and_then(|polygon| polygon[0].first().copied());
    for ring in geometry.iter_mut().flatten() {
        ring.dedup();
        if ring.len() >= 2 {
            ring.pop();
            ring.rotate_left(1);
            ring.push(ring[0]);
        }
    }
    if let Some(probe) = probe {
        match (first, geometry.first()) {
            (Some(first), Some(polygon)) => probe.segments.push((first, polygon[0][0])),
            _ => probe.lost = true,
        }
    }
    geometry
}

/// Segments this near (km) are taken as lying along each other.
const NEAR: f64 = 1e-10;

/// An envelope widened by [`NEAR`].
fn widened(e: Envelope) -> Envelope {
    (e.0 - NEAR, e.1 + NEAR, e.2 - NEAR, e.3 + NEAR)
}

/// A segment with its envelope.
struct Segment {
    from: Point,
    to: Point,
    envelope: Envelope,
}

/// A geometry's rings as one list of segments, ring after ring (repeated points removed,
/// as OverlayNG does), with the envelope of every [`Edges::CHUNK`] segments of a ring.
struct Edges {
    segments: Vec<Segment>,
    /// Per ring, its first segment (and one past the last ring's last).
    rings: Vec<usize>,
    /// Per chunk, its segments and their envelope.
    chunks: Vec<(std::ops::Range<usize>, Envelope)>,
}

impl Edges {
    const CHUNK: usize = 8;

    fn of(geometry: &Geometry) -> Edges {
        let points: usize = geometry.iter().flatten().map(Vec::len).sum();
        let mut edges = Edges {
            segments: Vec::with_capacity(points),
            rings: Vec::with_capacity(geometry.len() + 1),
            chunks: Vec::with_capacity(points / Self::CHUNK + geometry.len() + 1),
        };
        edges.rings.push(0);
        for ring in geometry.iter().flatten() {
            let first = edges.segments.len();
            let Some(&(mut from)) = ring.first() else {
                edges.rings.push(first);
                continue;
            };
            for &to in &ring[1..] {
                if to != from {
                    edges.segments.push(Segment {
                        from,
                        to,
                        envelope: envelope(&[from, to]),
                    });
                    from = to;
                }
            }
            let last = edges.segments.len();
            edges.rings.push(last);
            for start in (first..last).step_by(Self::CHUNK) {
                let range = start..(start + Self::CHUNK).min(last);
                let cover = edges.segments[range.clone()]
                    .iter()
                    .fold(EMPTY, |e, s| cover(e, s.envelope));
                edges.chunks.push((range, cover));
            }
        }
        edges
    }

    fn chunk(&self, c: usize) -> std::ops::Range<usize> {
        self.chunks[c].0.clone()
    }

    /// The pairs of chunks of `self` and `other` whose envelopes (widened) meet.
    fn chunk_pairs<'a>(&'a self, other: &'a Edges) -> impl Iterator<Item = (usize, usize)> + 'a {
        (0..self.chunks.len()).flat_map(move |ca| {
            let e = widened(self.chunks[ca].1);
            (0..other.chunks.len())
                .filter(move |&cb| overlap(e, other.chunks[cb].1))
                .map(move |cb| (ca, cb))
        })
    }

    /// The segments of ring `r`.
    fn ring(&self, r: usize) -> std::ops::Range<usize> {
        self.rings[r]..self.rings[r + 1]
    }

    /// Whether `p` is inside the rings (even-odd), chunks wholly above or below skipped.
    fn contain(&self, p: Point) -> bool {
        let mut inside = false;
        for (range, e) in &self.chunks {
            if e.2 > p.1 || e.3 <= p.1 {
                continue;
            }
            for s in &self.segments[range.clone()] {
                if crosses(p, s.from, s.to) {
                    inside = !inside;
                }
            }
        }
        inside
    }
}

/// Per segment of one geometry, the segments of the other near it, in their order.
struct Candidates {
    /// Per segment, where its list starts in `other` (and one past the end).
    starts: Vec<usize>,
    other: Vec<usize>,
}

impl Candidates {
    /// From `pairs` sorted by the segment `key` gives first (then the other).
    fn new(
        pairs: &[(usize, usize)],
        segments: usize,
        key: impl Fn(&(usize, usize)) -> (usize, usize),
    ) -> Candidates {
        let mut starts = vec![0; segments + 1];
        for pair in pairs {
            starts[key(pair).0 + 1] += 1;
        }
        for i in 0..segments {
            starts[i + 1] += starts[i];
        }
        let other = pairs.iter().map(|pair| key(pair).1).collect();
        Candidates { starts, other }
    }

    fn of(&self, segment: usize) -> &[usize] {
        &self.other[self.starts[segment]..self.starts[segment + 1]]
    }
}

/// Pieces of rings, one after the other in one list of points.
#[derive(Default)]
struct Pieces {
    points: Vec<Point>,
    /// Per piece, where its points start (and one past the last).
    starts: Vec<usize>,
}

impl Pieces {
    fn len(&self) -> usize {
        self.starts.len()
    }

    fn get(&self, k: usize) -> &[Point] {
        let end = self.starts.get(k + 1).copied().unwrap_or(self.points.len());
        &self.points[self.starts[k]..end]
    }

    fn push(&mut self, piece: &[Point]) {
        self.starts.push(self.points.len());
        self.points.extend_from_slice(piece);
    }
}

/// Appends the pieces of `edges`' rings that are in the union with `other`: each ring cut
/// at its `nodes` (segment, parameter along it, point), from its first vertex on; a piece
/// along a segment of `other` kept if both run the same way and `edges` is the first
/// geometry, any other if it lies outside `other`. Returns the second coordinate of the
/// first ring's first piece kept, with the segments examined up to it (its first one).
fn result_pieces(
    edges: &Edges,
    mut nodes: Vec<(usize, f64, Point)>,
    other: &Edges,
    near: &Candidates,
    first: bool,
    out: &mut Pieces,
) -> Option<(Point, Vec<(Point, Point)>)> {
    let mut examined = Vec::new();
    let mut start = None;
    nodes.sort_by(|a, b| {
        (a.0.cmp(&b.0))
            .then(a.1.total_cmp(&b.1))
            .then(compare(a.2, b.2))
    });
    let mut nodes = nodes.as_slice();
    let mut piece: Vec<Point> = Vec::new();
    for r in 0..edges.rings.len() - 1 {
        let segments = edges.ring(r);
        let count = nodes.partition_point(|n| n.0 < segments.end);
        let (ring_nodes, rest) = nodes.split_at(count);
        nodes = rest;
        if segments.is_empty() {
            continue;
        }
        let first_segment = &edges.segments[segments.start];
        // the cuts: the ring's start, then each node
        let mut cuts: Vec<(usize, f64, Point)> = Vec::with_capacity(ring_nodes.len() + 1);
        cuts.push((segments.start, 0.0, first_segment.from));
        for &(k, t, point) in ring_nodes {
            let s = &edges.segments[k];
            if t >= 1.0 || point == s.to {
                // the next segment's start (met there too)
            } else if t <= 0.0 || point == s.from {
                cuts.push((k, 0.0, s.from));
            } else {
                cuts.push((k, t, point));
            }
        }
        cuts.sort_by(|a, b| {
            (a.0.cmp(&b.0))
                .then(a.1.total_cmp(&b.1))
                .then(compare(a.2, b.2))
        });
        cuts.dedup_by(|b, a| a.2 == b.2);
        let last = segments.end - 1;
        for (c, &(k, _, from)) in cuts.iter().enumerate() {
            let (k2, to) = cuts
                .get(c + 1)
                .map_or((last, edges.segments[last].to), |&(k2, _, to)| (k2, to));
            // the node, the ring's vertices after it up to the next node's segment, the node
            piece.clear();
            piece.push(from);
            for s in &edges.segments[k..k2] {
                if piece.last() != Some(&s.to) {
                    piece.push(s.to);
                }
            }
            if piece.last() != Some(&to) {
                piece.push(to);
            }
            if piece.len() < 2 {
                continue;
            }
            let keep = match lies_along(&piece, k, other, near) {
                Some(same_way) => same_way && first,
                None => !other.contain(longest_middle(&piece)),
            };
            if r == 0 && start.is_none() {
                if keep {
                    examined.push((piece[0], piece[1]));
                    start = Some(piece[1]);
                } else {
                    examined.extend(piece.windows(2).map(|w| (w[0], w[1])));
                }
            }
            if keep {
                out.push(&piece);
            }
        }
    }
    start.map(|start| (start, examined))
}

/// Whether a piece starting on segment `k` lies along a segment of `other` (its first
/// segment on one, or the middle of its longest within [`NEAR`] of one), and if so whether
/// they run the same way. `near` lists the candidates per segment.
fn lies_along(piece: &[Point], k: usize, other: &Edges, near: &Candidates) -> Option<bool> {
    let (p0, p1) = (piece[0], piece[1]);
    let env = envelope(&piece[..2]);
    let same_way = |a0: Point, a1: Point, q: &Segment| {
        (a1.0 - a0.0) * (q.to.0 - q.from.0) + (a1.1 - a0.1) * (q.to.1 - q.from.1) > 0.0
    };
    let on = near.of(k).iter().map(|&j| &other.segments[j]).find(|q| {
        q.envelope.0 <= env.0
            && env.1 <= q.envelope.1
            && q.envelope.2 <= env.2
            && env.3 <= q.envelope.3
            && orient(q.from, q.to, p0) == 0
            && orient(q.from, q.to, p1) == 0
    });
    if let Some(q) = on {
        return Some(same_way(p0, p1, q));
    }
    // the piece's segments lie on the ring's segments from k on
    let l = longest(piece);
    let (a0, a1) = (piece[l], piece[l + 1]);
    let middle = ((a0.0 + a1.0) / 2.0, (a0.1 + a1.1) / 2.0);
    near.of(k + l)
        .iter()
        .map(|&j| &other.segments[j])
        .find(|q| point_to_segment(middle, q.from, q.to) < NEAR)
        .map(|q| same_way(a0, a1, q))
}

/// The index of the longest (L1) segment of a line, the first of equals.
fn longest(line: &[Point]) -> usize {
    let length = |k: usize| (line[k + 1].0 - line[k].0).abs() + (line[k + 1].1 - line[k].1).abs();
    (1..line.len() - 1).fold(0, |best, k| if length(k) > length(best) { k } else { best })
}

/// The middle of the longest segment of a piece: on which side of the other geometry the
/// piece lies.
fn longest_middle(piece: &[Point]) -> Point {
    let k = longest(piece);
    (
        (piece[k].0 + piece[k + 1].0) / 2.0,
        (piece[k].1 + piece[k + 1].1) / 2.0,
    )
}

/// The pieces linked into rings: each ring from the first piece not used yet, on along the
/// piece starting where the last one ends (nearly, where noding the two ways rounded
/// apart), closed, and started at its second coordinate.
fn link(pieces: &Pieces) -> Vec<Ring> {
    let mut used = vec![false; pieces.len()];
    let mut rings = Vec::new();
    for i in 0..pieces.len() {
        if used[i] {
            continue;
        }
        let mut ring: Ring = Vec::new();
        let mut j = i;
        while !used[j] {
            used[j] = true;
            for &p in pieces.get(j) {
                if ring.last() != Some(&p) {
                    ring.push(p);
                }
            }
            let end = *ring.last().unwrap_or(&pieces.get(j)[0]);
            let Some(next) = next_piece(pieces, &used, end, pieces.get(i)[0]) else {
                break;
            };
            j = next;
        }
        if ring.first() != ring.last() {
            ring.push(ring[0]);
        }
        if ring.len() >= 2 {
            // OverlayNG skips the first piece's first point
            ring.remove(0);
            ring.push(ring[0]);
        }
        rings.push(ring);
    }
    rings
}

/// The first unused piece starting at `end`, else within 1e-11 km of it, else (unless the
/// ring's `start` is that near) within 1e-9 km.
fn next_piece(pieces: &Pieces, used: &[bool], end: Point, start: Point) -> Option<usize> {
    let gap = |p: Point| (p.0 - end.0).abs() + (p.1 - end.1).abs();
    let unused = |within: f64| {
        (0..pieces.len()).find(|&k| {
            let from = pieces.get(k)[0];
            !used[k] && (from == end || gap(from) < within)
        })
    };
    unused(0.0)
        .or_else(|| unused(1e-11))
        .or_else(|| (gap(start) >= 1e-11).then(|| unused(1e-9)).flatten())
}

/// Rings into polygons: clockwise rings (not slivers) are shells, in order, each other ring
/// a hole of the first shell around its first point.
fn polygons(rings: Vec<Ring>) -> Geometry {
    let mut out: Geometry = Vec::new();
    let mut holes = Vec::new();
    for ring in rings {
        let area = signed_area(&ring);
        if area < -SLIVER {
            out.push(vec![ring]);
        } else if area > SLIVER {
            holes.push(ring);
        }
    }
    for hole in holes {
        if let Some(polygon) = out.iter_mut().find(|polygon| inside(hole[0], &polygon[0])) {
            polygon.push(hole);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(corner: Point, from: usize) -> Geometry {
        let (x, y) = corner;
        let mut ring = vec![(x, y), (x, y + 2.0), (x + 2.0, y + 2.0), (x + 2.0, y)];
        ring.rotate_left(from);
        ring.push(ring[0]);
        vec![vec![ring]]
    }

    /// The first piece of the first ring outside the other square is from its first vertex:
    /// the union starts at that piece's second coordinate.
    #[test]
    fn a_union_starts_one_vertex_on() {
        let merged = union(square((0.0, 0.0), 0), square((1.0, 1.0), 0), None);
        let expected = [
            (0.0, 2.0),
            (1.0, 2.0),
            (1.0, 3.0),
            (3.0, 3.0),
            (3.0, 1.0),
            (2.0, 1.0),
            (2.0, 0.0),
            (0.0, 0.0),
            (0.0, 2.0),
        ];
        assert_eq!(merged, vec![vec![expected.to_vec()]]);
    }

    /// The first ring starting inside the other square, the union starts past where it
    /// leaves it.
    #[test]
    fn a_union_starts_past_the_other_operand() {
        let mut probe = Probe::default();
        let merged = union(
            square((0.0, 0.0), 2),
            square((1.0, 1.0), 0),
            Some(&mut probe),
        );
        assert_eq!(merged[0][0][0], (2.0, 0.0));
        // what decided it: the piece inside, then the first segment of the one outside
        assert_eq!(
            probe.segments,
            [((2.0, 2.0), (2.0, 1.0)), ((2.0, 1.0), (2.0, 0.0))]
        );
        assert!(!probe.lost);
    }

    #[test]
    fn a_union_with_nothing_starts_one_vertex_on() {
        let merged = union(Vec::new(), square((0.0, 0.0), 0), None);
        assert_eq!(merged, square((0.0, 0.0), 1));
    }
}
