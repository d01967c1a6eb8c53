import sys, math, random, time, json, numpy as np
from harness import *
from openquake.hazardlib.geo.surface import ComplexFaultSurface
import emulate, demos

def trace_points(rnd, lon, lat, strike, length, npts, curve):
    pts = [Point(lon, lat)]
    seg = length / (npts - 1)
    az = strike
    for i in range(npts - 1):
        lo, la = geodetic.point_at(pts[-1].longitude, pts[-1].latitude, az, seg)
        pts.append(Point(lo, la))
        az += curve + rnd.uniform(-3, 3) * (npts > 2)
    return pts

def synthetic(rnd, i):
    kind = rnd.random()
    lon, lat = rnd.uniform(-170, 170), rnd.uniform(-60, 60)
    strike = rnd.uniform(0, 360)
    if kind < 0.75:
        dip = rnd.choice([rnd.uniform(5, 90), 90.0, 45.0, 30.0, 60.0])
        spacing = rnd.choice([0.5, 1.0, 1.0, 2.0, 2.5, 5.0])
        nrows = rnd.randint(2, 60)
        usd = rnd.choice([0.0, 0.0, rnd.uniform(0, 5)])
        sind = math.sin(math.radians(dip))
        lsd = usd + (nrows - 1) * spacing * sind * 0.999
        length = rnd.uniform(max(3, spacing * 2), 100)
        npts = rnd.choice([2, 2, 3, 4, 6])
        curve = rnd.choice([0.0, rnd.uniform(-30, 30)]) if npts > 2 else 0.0
        pts = trace_points(rnd, lon, lat, strike, length, npts, curve)
        rev = rnd.random() < 0.5
        if rev: pts = pts[::-1]
        surf = SimpleFaultSurface.from_fault_data(Line(pts), usd, lsd, dip, spacing)
        desc = dict(kind='simple', strike=round(strike, 1), dip=round(dip, 1), spacing=spacing, nrows=nrows,
                    npts=npts, curve=round(curve, 1), rev=rev, length=round(length, 1))
    else:
        spacing = rnd.choice([1.0, 2.0, 5.0])
        length = rnd.uniform(10, 80)
        npts = rnd.choice([2, 3, 4])
        curve = rnd.uniform(-20, 20) if npts > 2 else 0.0
        top = trace_points(rnd, lon, lat, strike, length, npts, curve)
        nedges = rnd.choice([2, 2, 3])
        edges = [Line([Point(p.longitude, p.latitude, rnd.uniform(0, 2)) for p in top])]
        for e in range(1, nedges):
            pts = []
            for p in top:
                w = rnd.uniform(3, 25) * e / (nedges - 1)
                dd = (strike + 90 + rnd.uniform(-20, 20)) % 360
                lo, la = geodetic.point_at(p.longitude, p.latitude, dd, w * rnd.uniform(0.3, 1.0))
                pts.append(Point(lo, la, edges[-1].points[0].depth + rnd.uniform(5, 20)))
            edges.append(Line(pts))
        if rnd.random() < 0.5:
            edges = [Line(e.points[::-1]) for e in edges]
        surf = ComplexFaultSurface.from_fault_data(edges, spacing)
        desc = dict(kind='complex', strike=round(strike, 1), spacing=spacing, npts=npts, nedges=nedges)
    return desc, surf.mesh

def check(polys):
    u = shapely.ops.unary_union(polys)
    if u.geom_type != 'Polygon':
        return 'multi', None
    g = u.exterior.coords[0]
    em = emulate.unary_union([list(p.exterior.coords) for p in polys])
    e = em[0][0][0]
    dist = math.hypot(e[0]-g[0], e[1]-g[1])
    ok = dist < 1e-9 or ('near' if dist < 1e-6 else False)
    # where along the GEOS ring the emulated start is
    ring = np.array(u.exterior.coords)
    d = np.hypot(ring[:, 0]-e[0], ring[:, 1]-e[1])
    return ok, int(np.argmin(d)) if d.min() < 1e-9 else -1

if __name__ == '__main__':
    n = int(sys.argv[1]); seed = int(sys.argv[2])
    rnd = random.Random(seed)
    cases = []
    if len(sys.argv) > 3 and sys.argv[3] == 'demos':
        for name, m in demos.demo_meshes(per_source=40):
            cases.append(({'kind': name}, m))
    else:
        for i in range(n):
            try:
                cases.append(synthetic(rnd, i))
            except Exception as ex:
                print('gen fail', ex)
    hits = tot = 0
    for desc, m in cases:
        m2, polys = stripes_from_mesh(m)
        if len(polys) == 0: continue
        t = time.time()
        try:
            ok, where = check(polys)
        except Exception as ex:
            ok, where = 'err:' + repr(ex)[:80], None
        if ok == 'multi': continue
        tot += 1; hits += ok is not False
        if ok is not True and ok != 'near':
            import pickle, os
            os.makedirs('fails', exist_ok=True)
            pickle.dump(dict(desc=desc, lons=m.lons, lats=m.lats), open(f'fails/s{seed}_{tot}.pkl', 'wb'))
        print(json.dumps(dict(ok=ok, where=where, nstripes=len(polys), cols=m2.shape[1], dt=round(time.time()-t, 2), **desc)), flush=True)
    print('HITS', hits, 'of', tot)
