import warnings, numpy as np, shapely, shapely.geometry, shapely.ops
from openquake.hazardlib.geo import geodetic, utils as geo_utils
from openquake.hazardlib.geo.line import Line
from openquake.hazardlib.geo.point import Point
from openquake.hazardlib.geo.surface import SimpleFaultSurface
warnings.filterwarnings('ignore')
TOL = 0.005

def stripes_from_mesh(mesh):
    lons, lats = mesh.lons.T, mesh.lats.T
    proj = geo_utils.OrthographicProjection.from_(lons, lats)
    mesh2d = proj(lons, lats).T
    lines = iter(mesh2d)
    prev = next(lines)[::-1]
    polys = []
    for line in lines:
        coords = np.concatenate((prev, line, prev[0:1]))
        s = shapely.geometry.LineString(coords).simplify(TOL).buffer(TOL, 2)
        polys.append(shapely.geometry.Polygon(s.exterior))
        prev = line[::-1]
    return mesh2d, polys

def geos_start(polys):
    u = shapely.ops.unary_union(polys)
    return u

def simple_mesh(lon, lat, strike, length, dip, usd, lsd, spacing, curve=0.0, npts=2):
    # trace: npts points, curvature bends azimuth by curve deg per segment
    pts = [Point(lon, lat)]
    seg = length / (npts - 1)
    az = strike
    for i in range(npts - 1):
        lo, la = geodetic.point_at(pts[-1].longitude, pts[-1].latitude, az, seg)
        pts.append(Point(lo, la))
        az += curve
    surf = SimpleFaultSurface.from_fault_data(Line(pts), usd, lsd, dip, spacing)
    return surf.mesh
