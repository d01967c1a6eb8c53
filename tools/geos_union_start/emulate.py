"""Where GEOS 3.14 (shapely 2.2 `unary_union`) starts the merged ring, emulated without
calling GEOS for any union.  Input: the stripes' polygons (`Polygon(stripe.exterior)`), their
coordinates in GEOS's order.  Geometry = list of polygons, polygon = list of rings (shell
first), ring = list of (x, y) tuples, closed.

The rule (GEOS code mirrored in brackets):

1. Order the stripes as the STR tree's leaves [CascadedPolygonUnion::Union builds a
   TemplateSTRtree(10) and copies index.items(), the leaf vector after build()]:
   n leaves; std::sort all by minX+maxX of their envelope; cut into
   s = ceil(sqrt(ceil(n/10))) consecutive slices of ceil(n/s); std::sort each slice by
   minY+maxY [TemplateSTRtree::createParentNodes / addParentNodesFromVerticalSlice; higher
   levels sort only branch nodes].  libstdc++'s std::sort (introsort, insertion sort under
   17 elements) decides among equal keys: `std_sort` below reproduces it exactly.
2. Union them pairwise along a halving tree [CascadedPolygonUnion::binaryUnion]:
   U(l, r) = leaf l if r-l == 1; union(leaf l, leaf l+1) if r-l == 2; else with
   m = (l+r)//2, union(U(l, m), U(m, r)).  No envelope shortcut, no OverlapUnion in 3.14:
   each union is OverlayNG (floating, validated noder) [ClassicUnionStrategy ->
   HeuristicOverlay -> OverlayNGRobust::Overlay].
3. union(A, B) [OverlayNG: EdgeNodingBuilder, EdgeMerger, OverlayGraph, PolygonBuilder]:
   a. edges in input order: A's rings (polygon by polygon, shell then holes), then B's; each
      ring (repeated points removed) split at its intersections with the other geometry's
      rings, the pieces in order from the ring's first vertex [NodedSegmentString::
      getNodedSubstrings];
   b. a piece lying along a piece of the other geometry is merged into the first one
      (A's) and is in the result if both run the same way; any other piece is in the
      result if it lies outside the other geometry [EdgeMerger::merge; labelling;
      isInResultArea, unmarking edges with the result on both sides];
   c. the first result piece not yet used starts a ring; follow the piece that starts where
      the current one ends [PolygonBuilder::buildMaximalRings over the graph's edges in
      insertion order; MaximalEdgeRing; OverlayEdgeRing::computeRingPts];
   d. THE RING STARTS AT THE SECOND COORDINATE OF ITS FIRST PIECE: OverlayEdge::
      addCoordinates skips the first edge's first point (`isFirstEdge = coords->size() >
      0` is inverted, so startIndex = 1 when the sequence is empty); closeRing() then
      appends that second coordinate at the end.  So each union moves the start one
      vertex (or node) further along the first operand's ring, or, when that ring's start
      lies inside B, to the vertex after the point where it leaves B.
   e. clockwise rings are shells (polygons in the order of their first piece), others holes.
4. The final ring (first polygon's shell) starts at the result of the root union.

For the stripes themselves (not needed here, taken from shapely): GEOS's buffer ring of a
stripe i (rows i, i+1) is clockwise and, on non-degenerate meshes, starts at node (i, last
column) offset by 5 m perpendicular to the last-column side, its second vertex the same
offset at node (i+1, last column).
"""
import math
import numpy as np
DEBUG = False
SLIVER = 1e-9  # km^2: rings this small are noding artefacts of near-coincident vertices
from fractions import Fraction

def orient(p, q, r):
    """sign of (q-p)x(r-p), exact when small."""
    d = (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0])
    bound = 1e-14 * (abs(q[0]-p[0]) + abs(q[1]-p[1])) * (abs(r[0]-p[0]) + abs(r[1]-p[1]))
    if abs(d) > bound:
        return 1 if d > 0 else -1
    P = [Fraction(v) for v in p]; Q = [Fraction(v) for v in q]; R = [Fraction(v) for v in r]
    d = (Q[0]-P[0])*(R[1]-P[1]) - (Q[1]-P[1])*(R[0]-P[0])
    return (d > 0) - (d < 0)

def seg_intersections(p0, p1, q0, q1):
    """intersection points of closed segments p0p1 and q0q1, as (t along p, point)."""
    if max(p0[0], p1[0]) < min(q0[0], q1[0]) or max(q0[0], q1[0]) < min(p0[0], p1[0]) or \
       max(p0[1], p1[1]) < min(q0[1], q1[1]) or max(q0[1], q1[1]) < min(p0[1], p1[1]):
        return []
    o1, o2 = orient(p0, p1, q0), orient(p0, p1, q1)
    o3, o4 = orient(q0, q1, p0), orient(q0, q1, p1)
    if o1 * o2 > 0 or o3 * o4 > 0:
        return []
    def t_of(pt):
        dx, dy = p1[0]-p0[0], p1[1]-p0[1]
        return ((pt[0]-p0[0])*dx + (pt[1]-p0[1])*dy) / (dx*dx + dy*dy)
    def on_seg(a, b, pt):
        return min(a[0], b[0]) <= pt[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= pt[1] <= max(a[1], b[1])
    if o1 == 0 and o2 == 0:  # collinear
        out = []
        for pt in (q0, q1):
            if on_seg(p0, p1, pt): out.append(pt)
        for pt in (p0, p1):
            if on_seg(q0, q1, pt): out.append(pt)
        return [(t_of(pt), pt) for pt in set(out)]
    # endpoint cases
    for pt, o in ((q0, o1), (q1, o2)):
        if o == 0: return [(t_of(pt), pt)]
    for pt, o in ((p0, o3), (p1, o4)):
        if o == 0: return [(t_of(pt), pt)]
    # proper: computed once per pair of segments whatever their order, so that both
    # rings get the very same node (GEOS nodes both segment strings with one point)
    pt = proper_point(p0, p1, q0, q1)
    return [(t_of(pt), pt)]

_cache = {}
def proper_point(p0, p1, q0, q1):
    a, b = (p0, p1) if p0 <= p1 else (p1, p0)
    c, d = (q0, q1) if q0 <= q1 else (q1, q0)
    if (c, d) < (a, b):
        a, b, c, d = c, d, a, b
    key = (a, b, c, d)
    if key in _cache:
        return _cache[key]
    dx, dy = b[0]-a[0], b[1]-a[1]
    ex, ey = d[0]-c[0], d[1]-c[1]
    den = dx*ey - dy*ex
    if abs(den) > 1e-9 * (abs(dx) + abs(dy)) * (abs(ex) + abs(ey)):
        t = ((c[0]-a[0])*ey - (c[1]-a[1])*ex) / den
        pt = (a[0]+t*dx, a[1]+t*dy)
    else:  # nearly parallel: exact arithmetic
        A, B, C, D = ([Fraction(v) for v in p] for p in (a, b, c, d))
        DX, DY, EX, EY = B[0]-A[0], B[1]-A[1], D[0]-C[0], D[1]-C[1]
        T = ((C[0]-A[0])*EY - (C[1]-A[1])*EX) / (DX*EY - DY*EX)
        pt = (float(A[0]+T*DX), float(A[1]+T*DY))
    _cache[key] = pt
    return pt

def point_in_geom(pt, geom):
    """even-odd over all rings."""
    x, y = pt
    c = 0
    for poly in geom:
        for ring in poly:
            R = np.asarray(ring)
            x0, y0, x1, y1 = R[:-1, 0], R[:-1, 1], R[1:, 0], R[1:, 1]
            m = (y0 > y) != (y1 > y)
            if m.any():
                xi = x0[m] + (y - y0[m]) * (x1[m] - x0[m]) / (y1[m] - y0[m])
                c += int((xi > x).sum())
    return c % 2 == 1

def envelope(geom):
    xs = [p[0] for poly in geom for r in poly for p in r]
    ys = [p[1] for poly in geom for r in poly for p in r]
    return min(xs), min(ys), max(xs), max(ys)

def pieces_of(ring, other):
    """split ring at its intersections with other's rings; pieces as coord lists."""
    other_segs = [(r[i], r[i+1]) for poly in other for r in poly for i in range(len(r)-1)]
    Q = np.array([(a[0], a[1], b[0], b[1]) for a, b in other_segs])
    qx0, qx1 = np.minimum(Q[:, 0], Q[:, 2]), np.maximum(Q[:, 0], Q[:, 2])
    qy0, qy1 = np.minimum(Q[:, 1], Q[:, 3]), np.maximum(Q[:, 1], Q[:, 3])
    nodes = []  # (segment index, t, point)
    for k in range(len(ring)-1):
        p0, p1 = ring[k], ring[k+1]
        cand = np.nonzero((qx1 >= min(p0[0], p1[0])) & (qx0 <= max(p0[0], p1[0])) &
                          (qy1 >= min(p0[1], p1[1])) & (qy0 <= max(p0[1], p1[1])))[0]
        for q0, q1 in (other_segs[c] for c in cand):
            for t, pt in seg_intersections(p0, p1, q0, q1):
                if t >= 1.0 or pt == p1:
                    continue  # belongs to next segment start
                if t <= 0.0 or pt == p0:
                    nodes.append((k, 0.0, p0))
                else:
                    nodes.append((k, t, pt))
    nodes.append((0, 0.0, ring[0]))
    nodes = sorted(set(nodes))
    # dedupe same point
    ded = []
    for n in nodes:
        if ded and ded[-1][2] == n[2]:
            continue
        ded.append(n)
    nodes = ded
    pieces = []
    for j, (k, t, pt) in enumerate(nodes):
        if j + 1 < len(nodes):
            k2, t2, pt2 = nodes[j+1]
        else:
            k2, t2, pt2 = len(ring)-2, 1.0, ring[-1]
        coords = [pt]
        for v in range(k+1, k2+1):
            if ring[v] != coords[-1]: coords.append(ring[v])
        if pt2 != coords[-1]: coords.append(pt2)
        if len(coords) >= 2:
            pieces.append(coords)
    return pieces

def seg_dist(p, a, b):
    dx, dy = b[0]-a[0], b[1]-a[1]
    l2 = dx*dx + dy*dy
    t = 0.0 if l2 == 0 else max(0.0, min(1.0, ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / l2))
    return math.hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)

def dedup(ring):
    out = [ring[0]]
    for c in ring[1:]:
        if c != out[-1]: out.append(c)
    return out

def signed_area(ring):
    return sum(ring[i][0]*ring[i+1][1] - ring[i+1][0]*ring[i][1] for i in range(len(ring)-1)) / 2

def union(a, b):
    """OverlayNG union of geometries a, b (lists of polygons), ring starts emulated."""
    result_pieces = []
    for src, other in ((a, b), (b, a)):
        first = src is a
        other_segs = [(r[i], r[i+1]) for poly in other for r in poly for i in range(len(r)-1)]
        for poly in src:
            for ring in poly:
                ring = dedup(ring)  # RepeatedPointRemover
                for pc in pieces_of(ring, other):
                    p0, p1 = pc[0], pc[1]
                    # an edge lying on the other's boundary: EdgeMerger keeps the first
                    # (geometry A's); in the result only if both run the same way
                    same = None
                    for q0, q1 in other_segs:
                        if orient(q0, q1, p0) == 0 and orient(q0, q1, p1) == 0 and \
                           min(q0[0], q1[0]) <= min(p0[0], p1[0]) and max(p0[0], p1[0]) <= max(q0[0], q1[0]) and \
                           min(q0[1], q1[1]) <= min(p0[1], p1[1]) and max(p0[1], p1[1]) <= max(q0[1], q1[1]):
                            same = (p1[0]-p0[0])*(q1[0]-q0[0]) + (p1[1]-p0[1])*(q1[1]-q0[1]) > 0
                            break
                    if same is None:
                        # nearly on the other's boundary (nodes of nearly collinear segments)
                        L = max(range(len(pc) - 1), key=lambda v: abs(pc[v+1][0]-pc[v][0]) + abs(pc[v+1][1]-pc[v][1]))
                        a0, a1 = pc[L], pc[L+1]
                        mm = ((a0[0]+a1[0])/2, (a0[1]+a1[1])/2)
                        for q0, q1 in other_segs:
                            if seg_dist(mm, q0, q1) < 1e-10:
                                same = (a1[0]-a0[0])*(q1[0]-q0[0]) + (a1[1]-a0[1])*(q1[1]-q0[1]) > 0
                                break
                    if same is not None:
                        if same and first:
                            result_pieces.append(pc)
                        continue
                    # inside or outside the other: test the midpoint of the piece's longest
                    # segment (GEOS labels the noded edge topologically; a piece lies wholly
                    # on one side)
                    L = max(range(len(pc) - 1), key=lambda v: abs(pc[v+1][0]-pc[v][0]) + abs(pc[v+1][1]-pc[v][1]))
                    m = ((pc[L][0]+pc[L+1][0])/2, (pc[L][1]+pc[L+1][1])/2)
                    if not point_in_geom(m, other):
                        result_pieces.append(pc)
    # link pieces into rings in order of first piece
    by_origin = {}
    for i, pc in enumerate(result_pieces):
        by_origin.setdefault(pc[0], []).append(i)
    used = [False]*len(result_pieces)
    rings = []
    for i in range(len(result_pieces)):
        if used[i]: continue
        ring = []
        j = i
        while not used[j]:
            used[j] = True
            pc = result_pieces[j]
            for c in pc:
                if not ring or ring[-1] != c: ring.append(c)
            nxt = [x for x in by_origin.get(pc[-1], []) if not used[x]]
            if not nxt:  # intersection points computed from either segment differ in the last bits
                e = pc[-1]
                nxt = [x for x in range(len(result_pieces)) if not used[x] and
                       abs(result_pieces[x][0][0] - e[0]) + abs(result_pieces[x][0][1] - e[1]) < 1e-11]
                if not nxt and abs(result_pieces[i][0][0] - e[0]) + abs(result_pieces[i][0][1] - e[1]) >= 1e-11:
                    nxt = [x for x in range(len(result_pieces)) if not used[x] and
                           abs(result_pieces[x][0][0] - e[0]) + abs(result_pieces[x][0][1] - e[1]) < 1e-9]
            if not nxt:
                if DEBUG and (abs(ring[0][0] - pc[-1][0]) + abs(ring[0][1] - pc[-1][1]) > 1e-9):
                    print('chain broken at', pc[-1], 'ring start', ring[0], 'pieces', len(result_pieces))
                break
            if DEBUG and len(nxt) > 1:
                print('branch at', pc[-1], len(nxt))
            j = nxt[0]
        if ring[0] != ring[-1]: ring.append(ring[0])
        # OverlayEdge::addCoordinates skips the first edge's first point: the ring
        # starts at the second coordinate of its first result edge
        ring = ring[1:] + [ring[1]]
        rings.append(ring)
    rings = [r for r in rings if abs(signed_area(r)) > SLIVER]
    shells = [r for r in rings if signed_area(r) < 0]
    holes = [r for r in rings if signed_area(r) >= 0]
    polys = [[s] for s in shells]
    for h in holes:
        for p in polys:
            if point_in_geom(h[0], [[p[0]]]):
                p.append(h); break
    return polys

def std_sort(a, key):
    """libstdc++'s std::sort (introsort + final insertion sort), in place, on list a,
    comparing key(x) with <: reproduces its order among equal keys."""
    less = lambda x, y: key(x) < key(y)
    def move_median_to_first(res, i, j, k):
        if less(a[i], a[j]):
            if less(a[j], a[k]): a[res], a[j] = a[j], a[res]
            elif less(a[i], a[k]): a[res], a[k] = a[k], a[res]
            else: a[res], a[i] = a[i], a[res]
        elif less(a[i], a[k]): a[res], a[i] = a[i], a[res]
        elif less(a[j], a[k]): a[res], a[k] = a[k], a[res]
        else: a[res], a[j] = a[j], a[res]
    def unguarded_partition(first, last, pivot):
        while True:
            while less(a[first], a[pivot]): first += 1
            last -= 1
            while less(a[pivot], a[last]): last -= 1
            if not first < last: return first
            a[first], a[last] = a[last], a[first]
            first += 1
    def introsort_loop(first, last, depth):
        while last - first > 16:
            if depth == 0:
                raise NotImplementedError('heapsort fallback')
            depth -= 1
            mid = first + (last - first) // 2
            move_median_to_first(first, first + 1, mid, last - 1)
            cut = unguarded_partition(first + 1, last, first)
            introsort_loop(cut, last, depth)
            last = cut
    def unguarded_linear_insert(last):
        val = a[last]; nxt = last - 1
        while less(val, a[nxt]):
            a[last] = a[nxt]; last = nxt; nxt -= 1
        a[last] = val
    def insertion_sort(first, last):
        if first == last: return
        for i in range(first + 1, last):
            if less(a[i], a[first]):
                val = a[i]; a[first+1:i+1] = a[first:i]; a[first] = val
            else:
                unguarded_linear_insert(i)
    n = len(a)
    if n == 0: return a
    introsort_loop(0, n, 2 * (n.bit_length() - 1))
    if n > 16:
        insertion_sort(0, 16)
        for i in range(16, n): unguarded_linear_insert(i)
    else:
        insertion_sort(0, n)
    return a

def str_order(geoms, cap=10):
    """Leaf order of GEOS's TemplateSTRtree after build() (what items() iterates):
    all leaves std::sort-ed by minX+maxX, cut into ceil(sqrt(ceil(n/cap))) vertical slices
    of ceil(n/slices), each slice std::sort-ed by minY+maxY.  Higher levels only sort
    branch nodes, so the leaves keep this order."""
    idx = list(range(len(geoms)))
    n = len(idx)
    if n <= 1: return idx
    envs = [envelope(g) for g in geoms]
    cx = lambda i: envs[i][0] + envs[i][2]
    cy = lambda i: envs[i][1] + envs[i][3]
    nslices = math.ceil(math.sqrt(math.ceil(n / cap)))
    per = math.ceil(n / nslices)
    std_sort(idx, cx)
    out = []
    for s in range(0, n, per):
        out += std_sort(idx[s:s+per], cy)
    return out

def binary_union(geoms, start, end):
    if end - start == 1:
        return geoms[start]
    if end - start == 2:
        return union(geoms[start], geoms[start+1])
    mid = (start + end) // 2
    return union(binary_union(geoms, start, mid), binary_union(geoms, mid, end))

def unary_union(polys_coords):
    """polys_coords: list of shell coordinate lists. Returns emulated geometry."""
    geoms = [[[[tuple(map(float, c)) for c in ring]]] for ring in polys_coords]
    order = str_order(geoms)
    return binary_union([geoms[i] for i in order], 0, len(order))
