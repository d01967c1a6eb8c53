//! Where GEOS 3.14 starts the ring of `unary_union(stripes)` for a fault mesh, found by
//! merging the stripes as it does (the rule found in `tools/geos_union_start`).
//!
//! OpenQuake's stripes are the mesh's consecutive pairs of rows, each a closed line
//! simplified (5 m) and buffered (5 m, two segments per quarter circle): [`buffer`]
//! rebuilds GEOS's ring of each. `unary_union` orders the stripes as the leaves of an STR
//! tree ([`str_order`]), merges them along a halving tree ([`merge`]), and each union is an
//! OverlayNG union ([`overlay`]) whose ring starts at the *second* coordinate of its first
//! piece: one vertex on along the first operand's ring, or past where that ring leaves the
//! second operand. Only that start is wanted (the polygon itself is rebuilt analytically,
//! [`crate::enclosing_polygon`]), and it depends only on the stripes near the path it takes,
//! which starts at the first leaf: the others are merged as empty geometries (a union with
//! one still moves the start a vertex on), as long as none comes near the segments that
//! decided each move.
//!
//! Geometries here are lists of polygons, a polygon a list of closed rings (shell first),
//! in km of the mesh's projection.

mod buffer;
mod overlay;
mod predicates;
mod std_sort;

use buffer::stripe_ring;
use overlay::{Probe, union};
use predicates::{
    EMPTY, Envelope, cover, envelope, inside, intersections, overlap, point_to_segment,
};
use std_sort::std_sort;

use crate::enclosing_polygon::{Point, TOLERANCE};

/// A closed ring (first point repeated last).
type Ring = Vec<Point>;
/// Polygons, each its shell then its holes.
type Geometry = Vec<Vec<Ring>>;

/// How near (km) a stripe left out of the merging may come to the segments that decided
/// where the ring starts.
const CLEARANCE: f64 = 1e-6;

/// Rounds of adding the stripes found near before all are merged.
const ROUNDS: usize = 3;

/// The first vertex of the ring GEOS makes of the stripes between consecutive `rows`, or
/// `None` where the buffer of a stripe merged is not the offset of a simple
/// counter-clockwise ring (as when rows coincide).
pub(crate) fn merged_ring_start(rows: &[Vec<Point>]) -> Option<Point> {
    if rows.len() < 2
        || !rows
            .iter()
            .flatten()
            .all(|p| p.0.is_finite() && p.1.is_finite())
    {
        return None;
    }
    let mut stripes = Stripes::new(rows);
    let order = stripes.leaf_order()?;
    let n = order.len();
    // the first leaf and its neighbours, then whichever stripes come near
    let mut merged: Vec<bool> = (0..n).map(|i| i.abs_diff(order[0]) <= 1).collect();
    let mut round = 0;
    loop {
        round += 1;
        let mut leaves = order
            .iter()
            .map(|&i| match merged[i] {
                true => stripes.ring(i).map(|ring| vec![vec![ring.clone()]]),
                false => Some(Vec::new()),
            })
            .collect::<Option<Vec<Geometry>>>()?;
        let mut probe = Probe::default();
        let start = *merge(&mut leaves, Some(&mut probe))
            .first()?
            .first()?
            .first()?;
        let near: Vec<usize> = (0..n)
            .filter(|&i| !merged[i] && (probe.lost || stripes.near(i, &probe.segments)))
            .collect();
        if near.is_empty() {
            return Some(start);
        }
        for i in near {
            merged[i] = true;
        }
        if round == ROUNDS {
            merged.fill(true);
        }
    }
}

/// A mesh's stripes, their buffer rings built when asked for.
struct Stripes<'a> {
    rows: &'a [Vec<Point>],
    /// The envelope of each stripe's rows.
    envelopes: Vec<Envelope>,
    rings: Vec<Option<Option<Ring>>>,
}

impl<'a> Stripes<'a> {
    fn new(rows: &'a [Vec<Point>]) -> Self {
        let row_envelopes: Vec<Envelope> = rows.iter().map(|row| envelope(row)).collect();
        Stripes {
            rows,
            envelopes: row_envelopes
                .windows(2)
                .map(|w| cover(w[0], w[1]))
                .collect(),
            rings: vec![None; rows.len() - 1],
        }
    }

    /// Stripe `i`'s ring (between rows `i` and `i + 1`), `None` if GEOS's is not rebuilt.
    fn ring(&mut self, i: usize) -> Option<&Ring> {
        let rows = self.rows;
        self.rings[i]
            .get_or_insert_with(|| stripe_ring(&rows[i], &rows[i + 1]))
            .as_ref()
    }

    /// The stripes in the order of the STR tree's leaves: from the envelopes of their rows'
    /// nodes where these decide it (a ring's envelope is within twice the tolerance of
    /// theirs on each side), else from the rings' own.
    fn leaf_order(&mut self) -> Option<Vec<usize>> {
        let nodes: Vec<Point> = self.envelopes.iter().map(|&e| centre(e)).collect();
        if decided(&nodes) {
            return Some(str_order(&nodes));
        }
        let exact = (0..nodes.len())
            .map(|i| self.ring(i).map(|ring| centre(envelope(ring))))
            .collect::<Option<Vec<Point>>>()?;
        Some(str_order(&exact))
    }

    /// Whether stripe `i`'s ring may come within [`CLEARANCE`] of one of `segments`: one
    /// of its cells (the quadrilaterals between consecutive columns of its rows, which make
    /// up the stripe) does within twice the tolerance more (the simplified line lies within
    /// the tolerance of the rows, the ring within the tolerance of it).
    fn near(&self, i: usize, segments: &[(Point, Point)]) -> bool {
        let reach = 2.0 * TOLERANCE + CLEARANCE;
        let widen = |e: Envelope| (e.0 - reach, e.1 + reach, e.2 - reach, e.3 + reach);
        let probes: Vec<Envelope> = segments
            .iter()
            .map(|&(a, b)| widen(envelope(&[a, b])))
            .collect();
        let all = probes.iter().fold(EMPTY, |a, &b| cover(a, b));
        if !overlap(all, self.envelopes[i]) {
            return false;
        }
        let (upper, lower) = (&self.rows[i], &self.rows[i + 1]);
        (1..upper.len().min(lower.len())).any(|c| {
            let cell = [upper[c - 1], upper[c], lower[c], lower[c - 1], upper[c - 1]];
            let around = envelope(&cell);
            overlap(all, around)
                && segments.iter().zip(&probes).any(|(&(a, b), &probe)| {
                    overlap(probe, around)
                        && (inside(a, &cell)
                            || cell
                                .windows(2)
                                .any(|w| segment_distance((a, b), (w[0], w[1])) <= reach))
                })
        })
    }
}

/// The centre of an envelope, doubled (GEOS's sort key).
fn centre(e: Envelope) -> Point {
    (e.0 + e.1, e.2 + e.3)
}

/// Whether envelope centres (doubled) known to twice the tolerance decide the STR order:
/// the keys the sorts compare, all x (when there are several slices) and the y within each
/// slice, further apart than twice that.
fn decided(centres: &[Point]) -> bool {
    let apart = |mut keys: Vec<f64>| {
        keys.sort_by(f64::total_cmp);
        keys.windows(2)
            .all(|w| w[1] - w[0] > 4.0 * TOLERANCE + CLEARANCE)
    };
    let slices = slice_size(centres.len());
    if slices == centres.len() {
        return apart(centres.iter().map(|c| c.1).collect());
    }
    let mut by_x: Vec<usize> = (0..centres.len()).collect();
    by_x.sort_by(|&a, &b| centres[a].0.total_cmp(&centres[b].0));
    apart(centres.iter().map(|c| c.0).collect())
        && by_x
            .chunks(slices)
            .all(|slice| apart(slice.iter().map(|&i| centres[i].1).collect()))
}

/// The order of rings of envelope centres `centres` (doubled) as the leaves of GEOS's STR
/// tree (node capacity 10) after it is built: all sorted by x, cut into ⌈√⌈n/10⌉⌉ slices
/// of equal size, each slice sorted by y; with libstdc++'s `std::sort`, whose order among
/// equal keys matters.
fn str_order(centres: &[Point]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..centres.len()).collect();
    std_sort(&mut order, |&a, &b| centres[a].0 < centres[b].0);
    for slice in order.chunks_mut(slice_size(centres.len())) {
        std_sort(slice, |&a, &b| centres[a].1 < centres[b].1);
    }
    order
}

/// How many leaves a slice of the STR tree takes.
fn slice_size(n: usize) -> usize {
    let nodes = n.div_ceil(10);
    let slices = (1..).find(|s: &usize| s * s >= nodes).unwrap_or(1);
    n.div_ceil(slices).max(1)
}

/// The distance between two segments.
fn segment_distance(s: (Point, Point), t: (Point, Point)) -> f64 {
    if intersections(s.0, s.1, t.0, t.1).next().is_some() {
        return 0.0;
    }
    point_to_segment(s.0, t.0, t.1)
        .min(point_to_segment(s.1, t.0, t.1))
        .min(point_to_segment(t.0, s.0, s.1))
        .min(point_to_segment(t.1, s.0, s.1))
}

/// The union of `leaves` (taken) along GEOS's halving tree
/// (`CascadedPolygonUnion::binaryUnion`), what decided each move of the start (along the
/// first leaves) told to `probe`.
fn merge(leaves: &mut [Geometry], mut probe: Option<&mut Probe>) -> Geometry {
    let n = leaves.len();
    if n == 1 {
        return std::mem::take(&mut leaves[0]);
    }
    if leaves.iter().all(Vec::is_empty) {
        return Vec::new();
    }
    let (first, second) = leaves.split_at_mut(n / 2);
    let first = merge(first, probe.as_deref_mut());
    union(first, merge(second, None), probe)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two meshes (projected rows) with where shapely 2.2 (GEOS 3.14) starts the union of
    /// their stripes.
    fn meshes() -> [(Vec<Vec<Point>>, Point); 2] {
        [
            (
                vec![
                    vec![
                        (2.1238772964714836, 6.78542325525486),
                        (3.7196498614705997, 3.736549595603719),
                        (5.6462141274233035, 0.9151552248560308),
                        (7.902781332040041, -1.6793010366661112),
                    ],
                    vec![
                        (-0.11233208116729423, 5.892415615329832),
                        (0.8102147481199063, 2.318642116259205),
                        (3.237345496424481, -0.46127361578356707),
                        (6.139904258429139, -2.9579277040631795),
                    ],
                    vec![
                        (-2.3485414427623077, 4.999407133693512),
                        (-2.0992205743284846, 0.9007340385264307),
                        (0.828476251512466, -1.8377023689509944),
                        (4.37702646741256, -4.236554025848394),
                    ],
                    vec![
                        (-4.584750468873068, 4.106397937908788),
                        (-5.008655355014286, -0.517174271667723),
                        (-1.5803931505079223, -3.2141307736270552),
                        (2.6141481649721894, -5.515179852618849),
                    ],
                    vec![
                        (-6.82095884006842, 3.213388155536783),
                        (-7.918088843080394, -1.9350824483900098),
                        (-3.9892622528288393, -4.590558568790786),
                        (0.8512695570850046, -6.793805034979775),
                    ],
                ],
                (0.8491982014820658, -6.798355802603614),
            ),
            (
                vec![
                    vec![
                        (-6.703861640110882, 9.142028587552355),
                        (-2.3613384904358847, 9.352389738364048),
                        (1.9811857588643043, 9.562746533958663),
                        (6.323709085568978, 9.773098876376903),
                    ],
                    vec![
                        (-7.395297861976165, 5.359330964368922),
                        (-2.5656783634298876, 5.74758917301494),
                        (2.2639419505795426, 6.135845877989681),
                        (7.093560311896526, 6.5241007986772095),
                    ],
                    vec![
                        (-8.086731389717515, 1.576631388768639),
                        (-2.7700174123940147, 2.142786761685899),
                        (2.5466974828162714, 2.7089434346714847),
                        (7.863409589853613, 3.2751009290169093),
                    ],
                    vec![
                        (-8.778161971445373, -2.2060687612016876),
                        (-2.974355571697573, -1.4620163378515314),
                        (2.8294522732104923, -0.7179597977529717),
                        (8.633256707984222, 0.02610015979229996),
                    ],
                    vec![
                        (-9.469589355267548, -5.988768107495959),
                        (-3.17869277571549, -5.066818967826163),
                        (3.112206239394525, -4.144862821038613),
                        (9.403101454834342, -3.2229006166024434),
                    ],
                    vec![
                        (-10.161013289297534, -9.771465272068077),
                        (-3.3830289588182905, -8.671619970468223),
                        (3.3949592990043818, -7.571764636939655),
                        (10.172943618957255, -6.471900507768902),
                    ],
                ],
                (10.177102111324734, -6.474676645595023),
            ),
        ]
    }

    #[test]
    fn the_merged_ring_starts_where_geos_starts_it() {
        for (rows, geos) in meshes() {
            let start = merged_ring_start(&rows).expect("a start");
            assert!(
                (start.0 - geos.0).hypot(start.1 - geos.1) < 1e-12,
                "{start:?} vs {geos:?}"
            );
        }
    }

    /// Merging every stripe gives the same start as merging those near its path.
    #[test]
    fn stripes_left_out_do_not_move_the_start() {
        for (rows, _) in meshes() {
            let mut stripes = Stripes::new(&rows);
            let order = stripes.leaf_order().unwrap();
            let mut leaves: Vec<Geometry> = order
                .iter()
                .map(|&i| vec![vec![stripes.ring(i).unwrap().clone()]])
                .collect();
            let all = merge(&mut leaves, None)[0][0][0];
            assert_eq!(Some(all), merged_ring_start(&rows));
        }
    }

    /// Coincident rows (a vertical fault), a single column, rounding noise, non-numbers: no
    /// start, no panic.
    #[test]
    fn degenerate_meshes_have_no_start() {
        let row = vec![(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)];
        assert_eq!(
            merged_ring_start(&[row.clone(), row.clone(), row.clone()]),
            None
        );
        assert_eq!(
            merged_ring_start(&[vec![(0.0, 0.0)], vec![(0.0, -1.0)]]),
            None
        );
        let nan = vec![(0.0, f64::NAN), (1.0, 0.0), (2.0, 0.0)];
        assert_eq!(merged_ring_start(&[row.clone(), nan]), None);
        let noisy = vec![(0.0, 1e-13), (1.0, -1e-13), (2.0, 1e-13)];
        let _ = merged_ring_start(&[row, noisy]);
    }

    /// Stripes of equal envelopes keep the order libstdc++'s sort leaves them in.
    #[test]
    fn str_order_slices_and_sorts_as_geos() {
        // 12 leaves: two slices of 6, x first then y within each
        let centres: Vec<Point> = (0..12).map(|i| ((11 - i) as f64, (i % 3) as f64)).collect();
        assert_eq!(str_order(&centres), [9, 6, 10, 7, 11, 8, 3, 0, 4, 1, 5, 2]);
    }
}
