#!/usr/bin/env python3
"""Writes the source models of hard fault meshes that `tools/rupture_tables.py` tabulates
(`tests/data/ruptures/fault_meshes_simple.xml`, `fault_meshes_complex.xml`,
`fault_meshes_folded.xml`).

Run with the reference OpenQuake's Python (it checks each fault builds):
    .venv-openquake/bin/python tools/fault_meshes.py

One characteristic source per fault, so one rupture on its whole mesh, of the kinds where
GEOS starts the merged ring of the mesh's stripes varies most
(`tools/geos_union_start/test_many.py`): simple faults of 2 to 60 rows dipping from 8° to
90°, traced either way, straight or curved; complex faults of two or three edges given
either way, and apart the complex faults whose meshes fold over themselves in projection
(a node outside the outline of the first and last rows and columns). The sites
`rupture_tables.py` puts around each mesh (`corner_sites`) are what measure the polygons."""
import math
import pathlib
import random

import shapely.geometry
from openquake.hazardlib.geo import geodetic, utils as geo_utils
from openquake.hazardlib.geo.line import Line
from openquake.hazardlib.geo.point import Point
from openquake.hazardlib.geo.surface import ComplexFaultSurface, SimpleFaultSurface

OUT = pathlib.Path(__file__).resolve().parent.parent / 'tests/data/ruptures'
SEED = 20261203
# the spacings of `fault_meshes.ini`
SIMPLE_SPACING = 1.0
COMPLEX_SPACING = 2.0
# dips, each for one fault (near-vertical and vertical ones among them)
DIPS = [8, 15, 25, 30, 38, 45, 45, 52, 60, 60, 68, 75, 82, 87, 89.5, 90]


def trace(rnd, lon, lat, strike, length, npts, curve):
    """`npts` points from (lon, lat) towards `strike`, turning by `curve`° (and a little
    at random) at each point."""
    points = [(lon, lat)]
    step = length / (npts - 1)
    azimuth = strike
    for _ in range(npts - 1):
        points.append(geodetic.point_at(*points[-1], azimuth, step))
        azimuth += curve + (rnd.uniform(-3, 3) if npts > 2 else 0)
    return points


def simple_fault(rnd, dip):
    lon, lat = rnd.uniform(-170, 170), rnd.uniform(-60, 60)
    rows = rnd.randint(2, 60)
    upper = rnd.choice([0.0, rnd.uniform(0, 5)])
    lower = upper + (rows - 1) * SIMPLE_SPACING * math.sin(math.radians(dip)) * 0.999
    npts = rnd.choice([2, 3, 4, 6])
    curve = rnd.uniform(-30, 30) if npts > 2 else 0.0
    points = trace(rnd, lon, lat, rnd.uniform(0, 360), rnd.uniform(3, 60), npts, curve)
    if rnd.random() < 0.5:
        points = points[::-1]
    SimpleFaultSurface.from_fault_data(
        Line([Point(*p) for p in points]), upper, lower, dip, SIMPLE_SPACING)
    return f'''<simpleFaultGeometry>
            <gml:LineString><gml:posList>{pos_list(points)}</gml:posList></gml:LineString>
            <dip>{dip}</dip>
            <upperSeismoDepth>{upper:.4f}</upperSeismoDepth>
            <lowerSeismoDepth>{lower:.4f}</lowerSeismoDepth>
          </simpleFaultGeometry>'''


def complex_fault(rnd, folded):
    """Edges of two or three edges below a (curved) top edge, each point moved down-dip:
    by one distance and azimuth per point, the intermediate edge part of the way (a mesh
    whose rows follow each other), or by distances and azimuths of their own for each edge
    (a mesh that may fold over itself in projection, kept only if it does)."""
    lon, lat = rnd.uniform(-170, 170), rnd.uniform(-60, 60)
    strike = rnd.uniform(0, 360)
    npts = rnd.choice([2, 3, 4])
    curve = rnd.uniform(-20, 20) if npts > 2 else 0.0
    top = trace(rnd, lon, lat, strike, rnd.uniform(10, 80), npts, curve)
    count = rnd.choice([2, 2, 3])
    moves = [(rnd.uniform(3, 25) * rnd.uniform(0.3, 1.0),
              (strike + 90 + rnd.uniform(-20, 20)) % 360) for _ in top]
    edges = [[(lo, la, rnd.uniform(0, 2)) for lo, la in top]]
    for e in range(1, count):
        edge = []
        for (lo, la), (width, azimuth) in zip(top, moves):
            if folded:
                width = rnd.uniform(3, 25) * rnd.uniform(0.3, 1.0)
                azimuth = (strike + 90 + rnd.uniform(-20, 20)) % 360
            edge.append((*geodetic.point_at(lo, la, azimuth, width * e / (count - 1)),
                         edges[-1][0][2] + rnd.uniform(5, 20)))
        edges.append(edge)
    if rnd.random() < 0.5:
        edges = [edge[::-1] for edge in edges]
    surface = ComplexFaultSurface.from_fault_data(
        [Line([Point(*p) for p in edge]) for edge in edges], COMPLEX_SPACING)
    if folded != folds(surface.mesh):
        raise ValueError('not of the kind asked for')
    names = ['faultTopEdge'] + ['intermediateEdge'] * (len(edges) - 2) + ['faultBottomEdge']
    return '<complexFaultGeometry>' + ''.join(f'''
            <{name}><gml:LineString><gml:posList>{pos_list(edge)}</gml:posList></gml:LineString></{name}>'''
        for name, edge in zip(names, edges)) + '''
          </complexFaultGeometry>'''


def folds(mesh):
    """Whether a node of the mesh lies outside its outline (first and last rows and
    columns) in OpenQuake's projection."""
    proj = geo_utils.OrthographicProjection.from_(mesh.lons, mesh.lats)
    xs, ys = proj(mesh.lons, mesh.lats)
    outline = ([(xs[-1, c], ys[-1, c]) for c in range(xs.shape[1] - 1, -1, -1)]
               + [(xs[r, 0], ys[r, 0]) for r in range(xs.shape[0] - 2, 0, -1)]
               + [(xs[0, c], ys[0, c]) for c in range(xs.shape[1])]
               + [(xs[r, -1], ys[r, -1]) for r in range(1, xs.shape[0] - 1)])
    polygon = shapely.geometry.Polygon(outline)
    around = polygon.buffer(1e-6)
    return not polygon.is_valid or not all(
        around.contains(shapely.geometry.Point(x, y)) for x, y in zip(xs.flat, ys.flat))


def pos_list(points):
    return ' '.join(f'{v:.6f}' for p in points for v in p)


def source_model(name, geometries):
    sources = ''.join(f'''
      <characteristicFaultSource id="{i}" name="{i}" tectonicRegion="Active Shallow Crust">
        <incrementalMFD binWidth="0.1" minMag="7.0"><occurRates>0.001</occurRates></incrementalMFD>
        <rake>90.0</rake>
        <surface>
          {geometry}
        </surface>
      </characteristicFaultSource>''' for i, geometry in enumerate(geometries))
    return f'''<?xml version="1.0" encoding="utf-8"?>
<nrml xmlns="http://openquake.org/xmlns/nrml/0.5" xmlns:gml="http://www.opengis.net/gml">
  <sourceModel name="{name}">
    <sourceGroup name="group 1" tectonicRegion="Active Shallow Crust">{sources}
    </sourceGroup>
  </sourceModel>
</nrml>
'''


def valid(make):
    """The first fault `make` gives that OpenQuake accepts."""
    while True:
        try:
            return make()
        except ValueError:
            pass


def main():
    rnd = random.Random(SEED)
    simple = [valid(lambda: simple_fault(rnd, dip)) for dip in DIPS]
    complex_ = [valid(lambda: complex_fault(rnd, False)) for _ in range(10)]
    folded = [valid(lambda: complex_fault(rnd, True)) for _ in range(4)]
    (OUT / 'fault_meshes_simple.xml').write_text(
        source_model('simple faults of many rows, dips and traces', simple))
    (OUT / 'fault_meshes_complex.xml').write_text(
        source_model('complex faults of two and three edges', complex_))
    (OUT / 'fault_meshes_folded.xml').write_text(
        source_model('complex faults folding over themselves in projection', folded))


if __name__ == '__main__':
    main()
