#!/usr/bin/env python3
"""Writes the reference rupture tables that `shared/hazard/tests/` compare against.

Run with the reference OpenQuake (3.26.2):
    .venv-openquake/bin/python tools/rupture_tables.py [CASE ...]
(all cases without arguments; `summary.csv` keeps the rows of the cases not rerun).

For each case it reads the source model with the job.ini's `rupture_mesh_spacing`,
`complex_fault_mesh_spacing`, `width_of_mfd_bin` and `area_source_discretization`, iterates `src.iter_ruptures()` and
writes `tests/data/ruptures/<case>.csv`: one row per rupture (every `step`-th one when a case
has too many, to keep the file under 500 KB) with its magnitude, rake, strike, dip, ztor, width,
occurrence rate, hypocentre, four surface corners (planar surfaces: tl tr bl br; fault meshes:
the corner nodes of the mesh; several planes: the first plane's) and, for each site, rrup rjb rx ry0 rhypo repi azimuth as the engine
computes them (`openquake.hazardlib.calc.filters.get_distances`). `summary.csv` gives, per
case, the total number of ruptures, the sum of their rates, the step and the sites."""
import configparser
import csv
import math
import pathlib
import shutil
import sys

import numpy
from openquake.hazardlib import nrml, sourceconverter
from openquake.hazardlib.calc.filters import get_distances
from openquake.hazardlib.geo import geodetic
from openquake.hazardlib.geo.mesh import Mesh
from openquake.hazardlib.geo.surface.multi import MultiSurface
from openquake.hazardlib.geo.surface.planar import PlanarSurface

ROOT = pathlib.Path(__file__).resolve().parent.parent
QA_DATA = pathlib.Path(nrml.__file__).parent.parent / 'qa_tests_data'
QA = QA_DATA / 'classical'
OUT = ROOT / 'tests/data/ruptures'
MAX_ROWS = 400
DISTANCES = ('rrup', 'rjb', 'rx', 'ry0', 'rhypo', 'repi', 'azimuth')
CHAR_DEMO = ROOT / 'tests/data/qa/demos/CharacteristicFaultSourceCase1ClassicalPSHA'
# a grid of sites around the faults of `multi_planar.xml` (ours: bent, westward and
# northward faults on several planes, some planes described from their other end)
MULTI_PLANAR_SITES = [(round(9.4 + 0.3 * i, 2), round(44.5 + 0.25 * j, 2))
                      for j in range(5) for i in range(6)]

# (case name, source model, job.ini, extra sites as (lon, lat), or None for `corner_sites`)
CASES = [
    ('classical_area', ROOT / 'demos/classical_area/source_model.xml',
     ROOT / 'demos/classical_area/job.ini', [(20.65, -44.45), (21.6, -43.2)]),
    ('case_01', QA / 'case_01/source_model.xml', QA / 'case_01/job.ini',
     [(0.05, 0.02), (-0.2, 0.3)]),
    ('case_02', QA / 'case_02/source_model.xml', QA / 'case_02/job.ini',
     [(0.01, -0.03), (0.5, 0.5)]),
    ('case_03', QA / 'case_03/source_model.xml', QA / 'case_03/job.ini',
     [(-0.2, -0.1), (1.0, -1.0)]),
    ('case_04', QA / 'case_04/sm.xml', QA / 'case_04/job.ini',
     [(-3.9, 35.3), (-4.2, 35.0)]),
    # complex fault sources
    ('disagg_case_3', QA_DATA / 'disagg/case_3/source_model_test_complex.xml',
     QA_DATA / 'disagg/case_3/job.ini', [(13.5, 42.0), (13.3, 41.2)]),
    ('disagg_case_4', QA_DATA / 'disagg/case_4/source_model.xml',
     QA_DATA / 'disagg/case_4/job.ini', []),
    ('ebr_case_miriam', QA_DATA / 'event_based_risk/case_miriam/source_model.xml',
     QA_DATA / 'event_based_risk/case_miriam/job.ini', [(81.2, 29.2), (83.0, 27.5)]),
    # characteristic fault sources: complex, simple and planar surfaces
    ('case_09', QA / 'case_09/PEERInterface_Characteristic.xml', QA / 'case_09/job.ini',
     [(-65.1349, 0.0), (-64.0, 0.3), (-66.0, -0.6)]),
    ('case_35', QA / 'case_35/source_model.xml', QA / 'case_35/job.ini', [(0.3, 0.2)]),
    # simple faults with hypocentral depth distributions
    ('case_28', QA / 'case_28/source_model.xml', QA / 'case_28/job.ini', [(1.1, -0.2)]),
    ('case_28_fixed_dip_frac', QA / 'case_28/source_model_fixed_dip_frac.xml',
     QA / 'case_28/job.ini', [(1.1, -0.2)]),
    ('case_53', QA / 'case_53/source_model_char.xml', QA / 'case_53/job.ini',
     [(-64.9, 0.1), (-65.5, -0.3)]),
    # characteristic faults on several planes (OpenQuake's MultiSurface, GC2 rx and ry0);
    # (-0.6, -2.3) is on the demo's first top edge
    ('char_fault_demo', CHAR_DEMO / 'source_model.xml', CHAR_DEMO / 'job_test.ini',
     [(-1.0, -2.3), (-0.6, -2.0), (-0.3, -2.5), (0.0, -1.9), (-0.35, -2.2), (-0.6, -2.3),
      (-0.2, -2.1)]),
    ('multi_planar', OUT / 'multi_planar.xml', CHAR_DEMO / 'job_test.ini',
     MULTI_PLANAR_SITES),
    # hard fault meshes (`tools/fault_meshes.py`), sites around each (`corner_sites`)
    ('fault_meshes_simple', OUT / 'fault_meshes_simple.xml', OUT / 'fault_meshes.ini', None),
    ('fault_meshes_complex', OUT / 'fault_meshes_complex.xml', OUT / 'fault_meshes.ini',
     None),
    ('fault_meshes_folded', OUT / 'fault_meshes_folded.xml', OUT / 'fault_meshes.ini', None),
]


def job_params(ini):
    cp = configparser.ConfigParser()
    cp.read(ini)
    erf = cp['erf']
    asd = erf.get('area_source_discretization', '').strip()
    cfms = erf.get('complex_fault_mesh_spacing', '').strip()
    sites = []
    for sect in cp.sections():
        if cp.has_option(sect, 'sites'):
            for item in cp.get(sect, 'sites').split(','):
                lon, lat = item.split()[:2]
                sites.append((float(lon), float(lat)))
    return dict(rms=float(erf['rupture_mesh_spacing']),
                wmb=float(erf['width_of_mfd_bin']),
                asd=float(asd) if asd else None,
                cfms=float(cfms) if cfms else None), sites


def corner_sites(rups):
    """Six sites around each rupture's mesh, 0.5 to 3 km out from it: beyond its four
    corners and the middles of its first and last columns, where the polygon its
    Joyner-Boore distances are measured to is most sensitive to how it is built."""
    sites = []
    for k, (_, rup) in enumerate(rups):
        m = rup.surface.mesh
        lon0, lat0 = m.lons.mean(), m.lats.mean()
        rows, cols = m.lons.shape
        for j, (r, c) in enumerate(((0, 0), (0, -1), (-1, 0), (-1, -1),
                                    (rows // 2, 0), (rows // 2, -1))):
            lon, lat = m.lons[r, c], m.lats[r, c]
            azimuth = geodetic.azimuth(lon0, lat0, lon, lat)
            lon, lat = geodetic.point_at(lon, lat, azimuth, 0.5 + 0.5 * ((k + j) % 6))
            sites.append((round(float(lon), 5), round(float(lat), 5)))
    return sites


def corners(surface):
    if isinstance(surface, MultiSurface):
        surface = surface.surfaces[0]
    if isinstance(surface, PlanarSurface):
        lons, lats, deps = surface.corner_lons, surface.corner_lats, surface.corner_depths
        return [(lons[i], lats[i], deps[i]) for i in range(4)]
    m = surface.mesh
    return [(m.lons[r, c], m.lats[r, c], m.depths[r, c])
            for r, c in ((0, 0), (0, -1), (-1, 0), (-1, -1))]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = set(sys.argv[1:])
    summary_file = OUT / 'summary.csv'
    kept = {}
    if wanted and summary_file.exists():
        with open(summary_file, newline='') as f:
            kept = {row[0]: row for row in list(csv.reader(f))[1:]}
    summary = []
    for case, sm, ini, extra in CASES:
        if wanted and case not in wanted:
            if case in kept:
                summary.append(kept[case])
            continue
        params, sites = job_params(ini)
        conv = sourceconverter.SourceConverter(
            investigation_time=1.0, rupture_mesh_spacing=params['rms'],
            complex_fault_mesh_spacing=params['cfms'],
            width_of_mfd_bin=params['wmb'],
            area_source_discretization=params['asd'])
        model = nrml.to_python(str(sm), conv)
        if sm != OUT / f'{case}.xml':
            shutil.copyfile(sm, OUT / f'{case}.xml')
        rups = [(src.source_id, rup) for grp in model.src_groups
                for src in grp for rup in src.iter_ruptures()]
        sites += corner_sites(rups) if extra is None else extra
        total_rate = math.fsum(rup.occurrence_rate for _, rup in rups)
        step = max(1, -(-len(rups) // MAX_ROWS))
        mesh = Mesh(numpy.array([s[0] for s in sites]),
                    numpy.array([s[1] for s in sites]), numpy.zeros(len(sites)))
        header = ['index', 'source', 'mag', 'rake', 'strike', 'dip', 'ztor', 'width', 'rate',
                  'hypo_lon', 'hypo_lat', 'hypo_depth']
        for corner in ('tl', 'tr', 'bl', 'br'):
            header += [f'{corner}_lon', f'{corner}_lat', f'{corner}_depth']
        for s in range(len(sites)):
            header += [f'{d}_{s}' for d in DISTANCES]
        with open(OUT / f'{case}.csv', 'w', newline='') as f:
            out = csv.writer(f)
            out.writerow(header)
            for index in range(0, len(rups), step):
                src_id, rup = rups[index]
                surf = rup.surface
                hypo = rup.hypocenter
                row = [index, src_id, rup.mag, rup.rake, surf.get_strike(), surf.get_dip(),
                       surf.get_top_edge_depth(), surf.get_width(),
                       rup.occurrence_rate, hypo.x, hypo.y, hypo.z]
                for c in corners(surf):
                    row += list(c)
                dists = [get_distances(rup, mesh, d) for d in DISTANCES]
                for s in range(len(sites)):
                    row += [d[s] for d in dists]
                out.writerow([repr(float(v)) if not isinstance(v, (int, str)) else v
                              for v in row])
        summary.append([case, len(rups), repr(total_rate), step, params['rms'],
                        params['wmb'], params['asd'] or '', params['cfms'] or '',
                        ' '.join(f'{lon} {lat}' for lon, lat in sites)])
        print(case, len(rups), total_rate, step)
    with open(summary_file, 'w', newline='') as f:
        out = csv.writer(f)
        out.writerow(['case', 'ruptures', 'total_rate', 'step', 'rupture_mesh_spacing',
                      'width_of_mfd_bin', 'area_source_discretization',
                      'complex_fault_mesh_spacing', 'sites'])
        out.writerows(summary)


if __name__ == '__main__':
    main()
