import sys, math, itertools, numpy as np
from harness import *
import emulate

def check(polys):
    u = shapely.ops.unary_union(polys)
    if u.geom_type != 'Polygon':
        return None
    g = u.exterior.coords[0]
    em = emulate.unary_union([list(p.exterior.coords) for p in polys])
    if len(em) != 1:
        return False, g, None
    e = em[0][0][0]
    ok = math.hypot(e[0]-g[0], e[1]-g[1]) < 1e-9
    return ok, g, e, len(u.exterior.coords), len(em[0][0])

if __name__ == '__main__':
    for strike in (0, 30, 90, 150, 210, 300):
        for dip in (30, 60, 89):
            for nrows in (3, 6, 12, 20):
                m = simple_mesh(10, 45, strike, 20, dip, 0, nrows - 1, 1.0 * math.sin(math.radians(dip)) if False else 1.0)
                m2, polys = stripes_from_mesh(m)
                r = check(polys)
                print(strike, dip, len(polys), r[0] if r else r, r[3:] if r else '')
