"""Writes, for the fault demos' ruptures and N random meshes of `test_many.py`'s kinds, the
projected rows and the polygon OpenQuake measures Joyner-Boore distances to
(`RectangularMesh._get_proj_enclosing_polygon`), one mesh a line:

    SOURCE KIND ROWS COLS x y x y ... | x y x y ...

SOURCE is the demo, `simple` or `complex`; KIND is `vertical` (consecutive rows within
1e-6 km on average), `folded` (a node outside the outline of the first and last rows and
columns) or `plain`. Meshes whose polygon is not one polygon without holes are left out.
The engine's test `enclosing_polygon::tests::polygons_as_shapely` reads the file:

    python polygons.py 1000 7 /tmp/polygons.txt
    OQ_POLYGONS=/tmp/polygons.txt cargo test -p oqcloud-hazard --lib polygons_as_shapely \\
        -- --ignored --nocapture
"""
import random
import sys
import warnings

import numpy as np
import shapely
from openquake.hazardlib.geo import utils as geo_utils
from openquake.hazardlib.geo.mesh import RectangularMesh

import demos
from test_many import synthetic

warnings.filterwarnings('ignore')


def projected_rows(mesh):
    lons, lats = mesh.lons.T, mesh.lats.T
    proj = geo_utils.OrthographicProjection.from_(lons, lats)
    return proj(lons, lats).T  # rows x cols x 2, as OpenQuake projects them


def folded(m2):
    rows = m2.shape[0]
    outline = (list(m2[-1][::-1]) + [m2[r][0] for r in range(rows - 2, 0, -1)]
               + list(m2[0]) + [m2[r][-1] for r in range(1, rows - 1)])
    poly = shapely.geometry.Polygon(outline)
    if not poly.is_valid:
        return True
    around = poly.buffer(1e-9)
    return not all(around.contains(shapely.geometry.Point(p)) for p in m2.reshape(-1, 2))


def main(n, seed, out):
    rnd = random.Random(seed)
    cases = [(name.split(':')[0], m) for name, m in demos.demo_meshes(per_source=40)]
    for i in range(n):
        try:
            desc, m = synthetic(rnd, i)
        except Exception:
            continue
        cases.append((desc['kind'], m))
    with open(out, 'w') as f:
        for source, m in cases:
            if m.lons.ndim != 2 or min(m.lons.shape) < 2:
                continue
            _, poly = RectangularMesh(m.lons, m.lats, m.depths)._get_proj_enclosing_polygon()
            if poly.geom_type != 'Polygon' or len(poly.interiors):
                continue
            m2 = projected_rows(m)
            gap = np.mean(np.hypot(*(m2[1:] - m2[:-1]).reshape(-1, 2).T))
            kind = 'vertical' if gap < 1e-6 else 'folded' if folded(m2) else 'plain'
            rows = ' '.join(repr(float(v)) for v in m2.reshape(-1))
            ring = ' '.join(repr(float(v)) for xy in poly.exterior.coords for v in xy)
            f.write(f'{source} {kind} {m2.shape[0]} {m2.shape[1]} {rows} | {ring}\n')


if __name__ == '__main__':
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
