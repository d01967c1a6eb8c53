//! Envelopes, orientation (exact) and segment intersections.

use crate::enclosing_polygon::Point;
pub(super) use crate::enclosing_polygon::signed_area;
pub(super) use crate::simplify::point_to_segment;

/// (x min, x max, y min, y max).
pub(super) type Envelope = (f64, f64, f64, f64);

/// (x min, x max, y min, y max) of points.
pub(super) fn envelope(points: &[Point]) -> Envelope {
    points
        .iter()
        .fold(EMPTY, |e, &(x, y)| cover(e, (x, x, y, y)))
}

/// The empty envelope.
pub(super) const EMPTY: Envelope = (
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::INFINITY,
    f64::NEG_INFINITY,
);

/// The envelope covering two.
pub(super) fn cover(a: Envelope, b: Envelope) -> Envelope {
    (a.0.min(b.0), a.1.max(b.1), a.2.min(b.2), a.3.max(b.3))
}

/// Whether two envelopes overlap (boundaries included).
pub(super) fn overlap(a: Envelope, b: Envelope) -> bool {
    a.0 <= b.1 && b.0 <= a.1 && a.2 <= b.3 && b.2 <= a.3
}

/// Whether a ray from `p` towards +x crosses the segment from `a` to `b` (even-odd rule).
pub(super) fn crosses(p: Point, a: Point, b: Point) -> bool {
    (a.1 > p.1) != (b.1 > p.1) && a.0 + (p.1 - a.1) * (b.0 - a.0) / (b.1 - a.1) > p.0
}

/// Whether `p` is inside the closed ring (even-odd rule).
pub(super) fn inside(p: Point, ring: &[Point]) -> bool {
    ring.windows(2).filter(|w| crosses(p, w[0], w[1])).count() % 2 == 1
}

/// The distance between two points (GEOS's formula).
pub(super) fn distance(a: Point, b: Point) -> f64 {
    ((a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1)).sqrt()
}

/// The points where the closed segments p0-p1 and q0-q1 meet: the ends of a collinear
/// overlap, else a touching end, else where they cross (the same point whichever segment
/// comes first).
pub(super) fn intersections(
    p0: Point,
    p1: Point,
    q0: Point,
    q1: Point,
) -> impl Iterator<Item = Point> {
    let mut found = [(0.0, 0.0); 4];
    let mut count = 0;
    if overlap(envelope(&[p0, p1]), envelope(&[q0, q1])) {
        let (o1, o2) = (orient(p0, p1, q0), orient(p0, p1, q1));
        let (o3, o4) = (orient(q0, q1, p0), orient(q0, q1, p1));
        let within = |a: Point, b: Point, pt: Point| {
            a.0.min(b.0) <= pt.0
                && pt.0 <= a.0.max(b.0)
                && a.1.min(b.1) <= pt.1
                && pt.1 <= a.1.max(b.1)
        };
        let mut add = |pt: Point| {
            if !found[..count].contains(&pt) {
                found[count] = pt;
                count += 1;
            }
        };
        if o1 * o2 > 0 || o3 * o4 > 0 {
            // apart
        } else if o1 == 0 && o2 == 0 {
            for (pt, a, b) in [(q0, p0, p1), (q1, p0, p1), (p0, q0, q1), (p1, q0, q1)] {
                if within(a, b, pt) {
                    add(pt);
                }
            }
        } else if let Some(&(pt, _)) = [(q0, o1), (q1, o2), (p0, o3), (p1, o4)]
            .iter()
            .find(|(_, o)| *o == 0)
        {
            add(pt);
        } else {
            add(proper_crossing(p0, p1, q0, q1));
        }
    }
    found.into_iter().take(count)
}

/// Where `p` projects on the line through `a` and `b`, as a fraction of the way from `a`.
pub(super) fn parameter(a: Point, b: Point, p: Point) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    ((p.0 - a.0) * dx + (p.1 - a.1) * dy) / (dx * dx + dy * dy)
}

/// Points in lexicographic order.
pub(super) fn compare(a: Point, b: Point) -> std::cmp::Ordering {
    a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1))
}

/// Where two segments cross properly, computed from the segments in a canonical order (so
/// both rings get the same node), exactly when they are nearly parallel.
fn proper_crossing(p0: Point, p1: Point, q0: Point, q1: Point) -> Point {
    let ordered = |a: Point, b: Point| if a <= b { (a, b) } else { (b, a) };
    let (mut a, mut b) = ordered(p0, p1);
    let (mut c, mut d) = ordered(q0, q1);
    if (c, d) < (a, b) {
        (a, b, c, d) = (c, d, a, b);
    }
    let (dx, dy, ex, ey) = (b.0 - a.0, b.1 - a.1, d.0 - c.0, d.1 - c.1);
    let den = dx * ey - dy * ex;
    if den.abs() > 1e-9 * (dx.abs() + dy.abs()) * (ex.abs() + ey.abs()) {
        let t = ((c.0 - a.0) * ey - (c.1 - a.1) * ex) / den;
        return (a.0 + t * dx, a.1 + t * dy);
    }
    // double-double arithmetic: the differences exact, the rest to about 1e-32
    let (dx, dy, ex, ey) = (
        Dd::diff(b.0, a.0),
        Dd::diff(b.1, a.1),
        Dd::diff(d.0, c.0),
        Dd::diff(d.1, c.1),
    );
    let (cx, cy) = (Dd::diff(c.0, a.0), Dd::diff(c.1, a.1));
    let t = (cx * ey - cy * ex) / (dx * ey - dy * ex);
    ((t * dx + a.0).value(), (t * dy + a.1).value())
}

/// The sign of the turn p → q → r (1 left, -1 right, 0 collinear), exact.
pub(super) fn orient(p: Point, q: Point, r: Point) -> i32 {
    let det = (q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0);
    let bound =
        1e-14 * ((q.0 - p.0).abs() + (q.1 - p.1).abs()) * ((r.0 - p.0).abs() + (r.1 - p.1).abs());
    if det.abs() > bound {
        return if det > 0.0 { 1 } else { -1 };
    }
    // exactly: each difference a sum of two doubles, each product of two a sum of two
    let (ax, ay) = (Dd::diff(q.0, p.0), Dd::diff(q.1, p.1));
    let (bx, by) = (Dd::diff(r.0, p.0), Dd::diff(r.1, p.1));
    let mut terms = [0.0; 16];
    let mut k = 0;
    for (u, v, sign) in [(ax, by, 1.0), (ay, bx, -1.0)] {
        for x in [u.0, u.1] {
            for y in [v.0, v.1] {
                let (hi, lo) = two_product(x, y);
                terms[k] = sign * hi;
                terms[k + 1] = sign * lo;
                k += 2;
            }
        }
    }
    exact_sign(&terms)
}

/// The sign of the exact sum of `terms` (Shewchuk's expansion growth).
fn exact_sign(terms: &[f64]) -> i32 {
    let mut expansion: Vec<f64> = Vec::with_capacity(terms.len());
    for &t in terms {
        let mut q = t;
        let mut kept = 0;
        for i in 0..expansion.len() {
            let (sum, error) = two_sum(q, expansion[i]);
            if error != 0.0 {
                expansion[kept] = error;
                kept += 1;
            }
            q = sum;
        }
        expansion.truncate(kept);
        expansion.push(q);
    }
    match expansion.iter().rev().find(|&&c| c != 0.0) {
        Some(&c) if c > 0.0 => 1,
        Some(_) => -1,
        None => 0,
    }
}

fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bv = s - a;
    (s, (a - (s - bv)) + (b - bv))
}

fn two_product(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    (p, a.mul_add(b, -p))
}

/// A double-double: an unevaluated sum of two doubles.
#[derive(Clone, Copy)]
struct Dd(f64, f64);

impl Dd {
    /// a − b, exactly.
    fn diff(a: f64, b: f64) -> Dd {
        let (s, e) = two_sum(a, -b);
        Dd(s, e)
    }

    fn value(self) -> f64 {
        self.0 + self.1
    }

    fn normalized(hi: f64, lo: f64) -> Dd {
        let s = hi + lo;
        Dd(s, lo - (s - hi))
    }
}

impl std::ops::Mul for Dd {
    type Output = Dd;
    fn mul(self, o: Dd) -> Dd {
        let (p, e) = two_product(self.0, o.0);
        Dd::normalized(p, e + (self.0 * o.1 + self.1 * o.0))
    }
}

impl std::ops::Sub for Dd {
    type Output = Dd;
    fn sub(self, o: Dd) -> Dd {
        let (s, e) = two_sum(self.0, -o.0);
        Dd::normalized(s, e + (self.1 - o.1))
    }
}

impl std::ops::Add<f64> for Dd {
    type Output = Dd;
    fn add(self, o: f64) -> Dd {
        let (s, e) = two_sum(self.0, o);
        Dd::normalized(s, e + self.1)
    }
}

impl std::ops::Div for Dd {
    type Output = Dd;
    fn div(self, o: Dd) -> Dd {
        let q = self.0 / o.0;
        let r = self - o * Dd(q, 0.0);
        Dd::normalized(q, r.0 / o.0)
    }
}
