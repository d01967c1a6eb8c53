#!/usr/bin/env python3
"""Reference tables for the native GSIMs of shared/gsim.

Run with the reference OpenQuake python:

    /work/.venv-oq/bin/python tools/gsim_tables.py [Name ...]

For each GSIM it evaluates OpenQuake hazardlib on synthetic contexts spanning
magnitude, distance, vs30, rake, dip and depth, for PGA, PGV (when supported)
and SA at tabulated periods and at periods between table rows, and writes
tests/data/gsim/<Name>.csv: the IMT, the required context columns, then
mean (ln), sig, tau, phi. Each IMT gets its own random contexts. The
NGA-West2 models get finite-fault contexts whose ztor, width, dip, hypocentre
and distances (rx, ry0, rjb, rrup) come from one rupture plane per row.
"""
import math
import os
import sys

import numpy as np
from openquake.hazardlib import imt as oq_imt, valid
from openquake.hazardlib.gsim import get_available_gsims

GSIMS = ['BooreAtkinson2008', 'SadighEtAl1997', 'ChiouYoungs2008',
         'AkkarBommer2010', 'ToroEtAl2002', 'BooreEtAl2014',
         'AkkarEtAlRjb2014', 'ChiouYoungs2014', 'CampbellBozorgnia2014',
         'AbrahamsonEtAl2014', 'TusaLanger2016Rhypo', 'TusaLanger2016RepiBA08SE',
         'TusaLanger2016RepiBA08DE', 'TusaLanger2016RepiSP87SE',
         'TusaLanger2016RepiSP87DE', 'LanzanoEtAl2019_RJB_OMO',
         'LanzanoEtAl2019_RUP_OMO', 'LanzanoEtAl2019_RJB_OMOscaled',
         'LanzanoEtAl2016_RJB', 'LanzanoEtAl2016_Rhypo', 'Atkinson2015',
         'Atkinson2015AltDistSat', 'CampbellBozorgnia2003NSHMP2007',
         'Campbell2003', 'AtkinsonBoore2006', 'AtkinsonBoore2006Modified2011',
         'AtkinsonBoore2006SGS', 'PezeshkEtAl2011', 'PezeshkEtAl2011NEHRPBC'] + [
             'YuEtAl2013M%s%s' % (m, r) for m in 'sw'
             for r in ('', 'Tibet', 'Eastern', 'Stable')] + [
             'ZhaoEtAl2016' + m for m in (
                 'Asc', 'AscSiteSigma', 'UpperMantle', 'UpperMantleSiteSigma',
                 'SInter', 'SInterSiteSigma', 'SSlab', 'SSlabSiteSigma',
                 'SSlabPErg')] + [
             'MorikawaFujiwara2013Sub%s%sNIED' % (t, r)
             for t in ('Interface', 'Slab') for r in ('NE', 'SW')] + [
             'MorikawaFujiwara2013' + m for m in (
                 'Crustal', 'SubInterface', 'SubInterfaceNE', 'SubInterfaceSW',
                 'SubSlab', 'SubSlabNE', 'SubSlabSW')] + [
             'AbrahamsonEtAl2015S%s%s' % (t, v) for t in ('Inter', 'Slab')
             for v in ('', 'High', 'Low')] + [
             'McVerry2006' + k + sc for k in ('Asc', 'SInter', 'SSlab', 'Volc')
             for sc in ('', 'SC')] + [
             'IdiniEtAl2017SInter', 'IdiniEtAl2017SSlab']
#: ModifiableGMPEs, by table name: the `[ModifiableGMPE]` parameters of the logic tree
#: (`shared/gsim/tests/reference.rs` builds the same from the same text)
MODIFIED = {
    'ModifiableGMPE-nrcan15-base': {'gmpe': {'BooreAtkinson2008': {}},
                                    'nrcan15_site_term': {'kind': 'base'}},
    'ModifiableGMPE-nrcan15-linear': {'gmpe': {'BooreAtkinson2008': {}},
                                      'nrcan15_site_term': {'kind': 'linear'}},
    'ModifiableGMPE-epsilon-tau': {'gmpe': {'AkkarEtAlRjb2014': {}},
                                   'set_between_epsilon': {'epsilon_tau': 0.5},
                                   'set_scale_total_sigma_scalar': {'scaling_factor': 1.2}},
}
#: GSIMs read from GMPE tables (by alias): contexts within the table's magnitudes (and
#: above its largest, which the model clips), out to beyond its largest distance; one
#: magnitude at a time, as OpenQuake calls them
TABLES = ['NBCC2015_AA13_activecrustFRjb_low', 'NBCC2015_AA13_stablecrust_central',
          'NBCC2015_AA13_interface_high', 'NGAEastUSGSSammons17']
#: parametrised table GSIMs, by table name: (GSIM, its parameters as the logic tree gives
#: them; `shared/gsim/tests/reference.rs` builds the same)
TABLE_VARIANTS = {
    'NGAEastUSGSGMPE-coastal-panel': ('NGAEastUSGSGMPE', {
        'gmpe_table': 'nga_east_usgs_17.hdf5', 'coastal_plains_site_amp': True,
        'z_sed_scaling': True, 'sigma_model': 'PANEL'}),
    'NGAEastUSGSGMPE-epri': ('NGAEastUSGSGMPE', {
        'gmpe_table': 'nga_east_usgs_1.hdf5', 'sigma_model': 'EPRI',
        'epistemic_site': False}),
}
#: NGA-West2 models: finite-fault contexts with consistent geometry
NGA_WEST2 = {'ChiouYoungs2014', 'CampbellBozorgnia2014', 'AbrahamsonEtAl2014'}
#: GSIMs called one magnitude at a time, as OpenQuake's classical calculator
#: calls them (YuEtAl2013Ms uses the last magnitude of a multi-magnitude call)
PER_MAGNITUDE = {g for g in GSIMS if g.startswith('YuEtAl2013')}
#: subduction models with depth-dependent terms: contexts with deeper ruptures
DEEP = {'ZhaoEtAl2016' + m for m in ('SInter', 'SInterSiteSigma', 'SSlab',
                                     'SSlabSiteSigma', 'SSlabPErg')}
#: Japanese models whose terms depend on where the site and the hypocentre are
JAPAN = {g for g in GSIMS if g.startswith('MorikawaFujiwara2013')}
#: vs30 open intervals a GSIM refuses (EC8 class C): replaced in its contexts
VS30_EXCLUDED = {g: (180.0, 360.0) for g in GSIMS if g.startswith('TusaLanger2016')}
ROWS = 2200        # rows per file, shared by its IMTs
NGA_ROWS = 2000    # fewer rows for the wider NGA-West2 files (size limit)
MAX_SA = 16        # SA periods per file
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                   '..', 'tests', 'data', 'gsim')
FIELDS = ['mag', 'rake', 'dip', 'ztor', 'width', 'hypo_depth', 'vs30',
          'vs30measured', 'z1pt0', 'z2pt5', 'rrup', 'rjb', 'rx', 'ry0',
          'rhypo', 'repi', 'azimuth', 'rvolc', 'z_sed', 'z1pt4', 'lon', 'lat',
          'hypo_lon', 'hypo_lat', 'bas', 'backarc', 'soiltype', 'siteclass']
#: boolean columns, written as 0 and 1
BOOLEANS = ('vs30measured', 'bas', 'backarc')
#: the context columns, and the site ids some models count the sites by (not written)
DTYPE = [(f, bool if f in BOOLEANS else 'S1' if f == 'siteclass' else float)
         for f in FIELDS] + [('sids', np.uint32)]
RAKES = [-180, -150, -135, -120, -90, -60, -45, -30, 0, 30, 45, 90, 135,
         150, 180]
VS30S = [150, 180, 225, 250, 300, 360, 400, 750, 760, 1000, 1130, 1500, 2000]


def contexts(rng, n):
    """A recarray of n random, roughly consistent contexts."""
    c = np.zeros(n, DTYPE).view(np.recarray)
    c.mag = np.round(rng.uniform(4.0, 8.7, n), 2)
    c.rake = np.where(rng.random(n) < 0.7, rng.choice(RAKES, n),
                      np.round(rng.uniform(-180, 180, n), 1))
    c.dip = np.round(rng.uniform(15, 90, n), 1)
    c.ztor = np.round(rng.choice([0, 0, 1, 3, 5, 10, 15], n) *
                      rng.uniform(0.5, 1.5, n), 2)
    c.width = np.round(rng.uniform(1, 40, n), 2)
    c.hypo_depth = np.round(c.ztor + rng.uniform(0, 15, n), 2)
    # distances log-uniform from 0.1 to 400 km, with some exact zeros
    rjb = np.round(10 ** rng.uniform(-1, math.log10(400), n), 3)
    rjb[rng.random(n) < 0.05] = 0.0
    c.rjb = rjb
    c.rrup = np.round(np.sqrt(rjb ** 2 + (c.ztor + rng.uniform(0, 5, n)) ** 2), 3)
    c.rx = np.round(rjb * rng.choice([-1, 1], n) + rng.uniform(0, 10, n), 3)
    c.ry0 = np.round(rng.uniform(0, 1, n) * rjb, 3)
    c.repi = np.round(rjb + rng.uniform(0, 10, n), 3)
    c.rhypo = np.round(np.sqrt(c.repi ** 2 + c.hypo_depth ** 2), 3)
    c.vs30 = np.where(rng.random(n) < 0.3, rng.choice(VS30S, n),
                      np.round(rng.uniform(150, 1600, n), 1))
    c.vs30measured = rng.random(n) < 0.5
    z1 = np.round(rng.uniform(0, 800, n), 1)
    z1[rng.random(n) < 0.4] = -999.0
    c.z1pt0 = z1
    c.z2pt5 = np.round(rng.uniform(0, 8, n), 3)
    return c


def nga_contexts(rng, n):
    """A recarray of n random finite-fault contexts with consistent geometry.

    The rupture is a plane of length L and width W (from magnitude, W limited
    by a 20 km seismogenic depth), top at depth ztor, striking along +y with
    its top edge from (0, 0) to (0, L), dipping towards +x (the hanging
    wall). Sites at the surface point (x, y) then have rx = x,
    ry0 = distance beyond the ends along strike, rjb = distance to the
    surface projection and rrup = distance to the plane. Hypocentres lie on
    the plane. z1pt0 (m) and z2pt5 (km) scatter around vs30-based means,
    with the unknown markers OpenQuake uses (z1pt0 -999 or another negative,
    z2pt5 -999) and some zeros.
    """
    c = np.zeros(n, DTYPE).view(np.recarray)
    mag = np.round(rng.uniform(3.5, 8.5, n), 2)
    c.mag = mag
    c.rake = np.where(rng.random(n) < 0.7, rng.choice(RAKES, n),
                      np.round(rng.uniform(-180, 180, n), 1))
    dip = np.round(rng.uniform(15, 90, n), 1)
    dip[rng.random(n) < 0.1] = 90.0
    dip[rng.random(n) < 0.05] = 30.0
    c.dip = dip
    sind, cosd = np.sin(np.radians(dip)), np.cos(np.radians(dip))
    ztor = np.round(rng.choice([0, 0, 0.5, 1, 3, 5, 8, 12, 16], n) *
                    rng.uniform(0.5, 1.5, n), 2)
    ztor[rng.random(n) < 0.05] = 10.0
    c.ztor = ztor
    # Wells and Coppersmith (1994)-like sizes, scattered
    length = 10 ** (-2.44 + 0.59 * mag) * rng.uniform(0.7, 1.4, n)
    width = 10 ** (-1.01 + 0.32 * mag) * rng.uniform(0.7, 1.4, n)
    width = np.round(np.clip(np.minimum(width, (20.0 - ztor) / sind),
                             0.5, None), 2)
    length = np.maximum(length, width)
    c.width = width
    c.hypo_depth = np.round(ztor + rng.uniform(0.05, 0.95, n) * width * sind,
                            2)
    # sites around the surface projection, log-uniform from 0.1 to 300 km
    proj = width * cosd
    r = 10 ** rng.uniform(-1, math.log10(300), n)
    theta = rng.uniform(0, 2 * math.pi, n)
    x = proj / 2 + r * np.cos(theta)
    y = length / 2 + r * np.sin(theta)
    inside = rng.random(n) < 0.05          # some sites above the rupture
    x[inside] = rng.uniform(0, 1, inside.sum()) * proj[inside]
    y[inside] = rng.uniform(0, 1, inside.sum()) * length[inside]
    x, y = np.round(x, 3), np.round(y, 3)
    dy = np.maximum(np.maximum(-y, y - length), 0.0)
    dx = np.maximum(np.maximum(-x, x - proj), 0.0)
    # in the (x, z) section: the point of the dipping segment nearest the
    # site (s = down-dip position, clipped to the plane) and its distance
    s = np.clip(x * cosd - ztor * sind, 0.0, width)
    px, pz = s * cosd, ztor + s * sind
    dseg = np.sqrt((x - px) ** 2 + pz ** 2)
    c.rx = x
    c.ry0 = np.round(dy, 3)
    c.rjb = np.round(np.sqrt(dx ** 2 + dy ** 2), 3)
    c.rrup = np.round(np.sqrt(dseg ** 2 + dy ** 2), 3)
    c.repi = np.round(np.sqrt(c.rjb ** 2 + rng.uniform(0, 1, n) * length ** 2),
                      3)
    c.rhypo = np.round(np.sqrt(c.repi ** 2 + c.hypo_depth ** 2), 3)
    vs30 = np.where(rng.random(n) < 0.3,
                    rng.choice(VS30S + [330, 660, 865, 1100, 1180], n),
                    np.round(rng.uniform(150, 1600, n), 1))
    c.vs30 = vs30
    c.vs30measured = rng.random(n) < 0.5
    z1 = np.exp(-7.15 / 4 * np.log((vs30 ** 4 + 570.94 ** 4) /
                                   (1360 ** 4 + 570.94 ** 4)))
    z1 = np.round(z1 * np.exp(rng.normal(0, 0.7, n)), 1)
    u = rng.random(n)
    z1[u < 0.35] = -999.0
    z1[(u >= 0.35) & (u < 0.38)] = -1.0
    z1[(u >= 0.38) & (u < 0.41)] = 0.0
    c.z1pt0 = z1
    z25 = np.exp(7.089 - 1.144 * np.log(vs30))
    z25 = np.round(z25 * np.exp(rng.normal(0, 0.8, n)), 3)
    u = rng.random(n)
    z25[u < 0.3] = -999.0
    z25[(u >= 0.3) & (u < 0.33)] = 0.0
    c.z2pt5 = z25
    return c


def japan_contexts(rng, n):
    """A recarray of n random contexts for the Japanese models: sites over Japan (some on
    the latitudes where the NE correction tapers in and on the longitude 136.9 that bounds
    the SW correction), hypocentres near them or in and around zones 4 and 5 of the
    Philippine Sea plate (some on their vertices), depths across the 30, 60 and 80 km
    thresholds, magnitudes across 8.2 and 8.3, z1pt4 (m) across the Dlmin values and vs30
    across the Vsmax values."""
    c = contexts(rng, n)
    c.mag = np.round(rng.uniform(5.0, 9.3, n), 2)
    c.mag[rng.random(n) < 0.03] = 8.2
    c.mag[rng.random(n) < 0.03] = 8.3
    depth = np.round(rng.uniform(0, 150, n), 2)
    u = rng.random(n)
    depth[u < 0.03] = 30.0
    depth[(u >= 0.03) & (u < 0.06)] = 60.0
    depth[(u >= 0.06) & (u < 0.09)] = 80.0
    c.hypo_depth = depth
    lon = np.round(rng.uniform(122, 148, n), 3)
    lat = np.round(rng.uniform(24, 46, n), 3)
    u = rng.random(n)
    taper = u < 0.2
    lat[taper] = np.round(rng.uniform(35.2, 36.8, taper.sum()), 3)
    lat[(u >= 0.2) & (u < 0.23)] = 35.5
    lat[(u >= 0.23) & (u < 0.26)] = 36.5
    lon[(u >= 0.26) & (u < 0.3)] = 136.9
    c.lon, c.lat = lon, lat
    hlon = np.round(lon + rng.uniform(-1.5, 1.5, n), 3)
    hlat = np.round(lat + rng.uniform(-1.5, 1.5, n), 3)
    u = rng.random(n)
    php = u < 0.3   # in and around zones 4 and 5
    hlon[php] = np.round(rng.uniform(121.3, 133.2, php.sum()), 3)
    hlat[php] = np.round(rng.uniform(24.3, 33.5, php.sum()), 3)
    vertex = (u >= 0.3) & (u < 0.33)
    hlon[vertex] = rng.choice([131.517, 130.3, 126.817, 121.5], vertex.sum())
    hlat[vertex] = np.choose(
        np.searchsorted([121.5, 126.817, 130.3, 131.517], hlon[vertex]),
        [24.55, 26.1, 31.05, 32.017])
    c.hypo_lon, c.hypo_lat = hlon, hlat
    rrup = np.round(10 ** rng.uniform(0, math.log10(400), n), 3)
    c.rrup = np.maximum(rrup, np.round(depth * rng.uniform(0.5, 1, n), 3))
    c.z1pt4 = np.where(rng.random(n) < 0.2,
                       rng.choice([0, 15, 15.3, 33.7, 81, 105, 155, 320], n),
                       np.round(rng.uniform(0, 2500, n), 1))
    hard = rng.random(n) < 0.2
    c.vs30[hard] = rng.choice([650, 850, 1482.4, 1950, 2000, 2500], hard.sum())
    return c


def table_contexts(gsim):
    """The context maker for a table GSIM: magnitudes from the table's smallest to 0.3
    above its largest, distances log-uniform from 0.05 km to 1.3 times its largest."""
    lo, hi = float(gsim.m_w[0]), float(gsim.m_w[-1]) + 0.3
    far = float(gsim.distances.max()) * 1.3

    def make_table(rng, n):
        c = contexts(rng, n)
        c.mag = np.round(rng.uniform(lo, hi, n), 2)
        d = np.round(10 ** rng.uniform(math.log10(0.05), math.log10(far), n), 3)
        d[rng.random(n) < 0.03] = 0.0
        for col in ('rjb', 'rrup', 'rhypo', 'repi'):
            c[col] = d
        hard = rng.random(n) < 0.15   # very hard rock, up to and beyond 3000 m/s
        c.vs30[hard] = rng.choice([1999.0, 2000.0, 2500.0, 3000.0, 3500.0], hard.sum())
        # sediment depth (km, -999: unknown), which the coastal plains model reads
        c.z_sed = np.where(rng.random(n) < 0.2, -999.0, np.round(rng.uniform(0, 14, n), 3))
        return c
    return make_table


def avoiding_vs30(make, lo, hi):
    """The context maker `make` with the vs30 values in (lo, hi) replaced."""
    def make_avoiding(rng, n):
        c = make(rng, n)
        bad = (c.vs30 > lo) & (c.vs30 < hi)
        c.vs30[bad] = rng.choice([150, lo, hi, 500, 800, 1200], bad.sum())
        return c
    return make_avoiding


def with_extra(make, seed):
    """The context maker `make` with the columns added after the first
    tables were written (azimuth in degrees from the strike, rvolc in km, 0 for
    a third of the rows) drawn from their own stream, so the other columns stay
    those of `make`."""
    extra = np.random.default_rng(seed)

    def make_with_extra(rng, n):
        c = make(rng, n)
        c.azimuth = np.where(extra.random(n) < 0.1,
                             extra.choice([0, 90, 180, 270], n),
                             np.round(extra.uniform(0, 360, n), 2))
        c.rvolc = np.where(extra.random(n) < 0.3, 0.0,
                           np.round(extra.uniform(12, 80, n), 2))
        return c
    return make_with_extra


def in_italy(make, seed):
    """The context maker `make` with site coordinates across Italy (on both sides of
    the line lat = 48.3 - 0.33 lon of Lanzano et al. 2016) and a basin flag for a
    third of the sites, drawn from their own stream."""
    extra = np.random.default_rng(seed)

    def make_in_italy(rng, n):
        c = make(rng, n)
        c.lon = np.round(extra.uniform(6.5, 18.5, n), 5)
        c.lat = np.round(extra.uniform(36.5, 47.0, n), 5)
        c.bas = extra.random(n) < 1 / 3
        return c
    return make_in_italy


def on_subduction_zone(make, seed):
    """The context maker `make` with a third of the sites on the backarc side and half the
    hypocentres between 20 and 150 km deep (rhypo to match), drawn from their own stream."""
    extra = np.random.default_rng(seed)

    def make_on_subduction_zone(rng, n):
        c = make(rng, n)
        c.backarc = extra.random(n) < 1 / 3
        deep = extra.random(n) < 0.5
        c.hypo_depth[deep] = np.round(extra.uniform(20, 150, deep.sum()), 2)
        c.rhypo = np.round(np.sqrt(c.repi ** 2 + c.hypo_depth ** 2), 3)
        return c
    return make_on_subduction_zone


def with_soil_types(make, seed):
    """The context maker `make` with soil types 0 to 8 (whole numbers), drawn from their
    own stream."""
    extra = np.random.default_rng(seed)

    def make_with_soil_types(rng, n):
        c = make(rng, n)
        c.soiltype = extra.integers(0, 9, n)
        return c
    return make_with_soil_types


def with_site_classes(make, seed):
    """The context maker `make` with New Zealand site classes A to E, drawn from their own
    stream."""
    extra = np.random.default_rng(seed)

    def make_with_site_classes(rng, n):
        c = make(rng, n)
        c.siteclass = extra.choice([b'A', b'B', b'C', b'D', b'E'], n)
        return c
    return make_with_site_classes


def deeper(make):
    """The context maker `make` with half the ruptures' ztor between 20 and
    150 km (across the 25, 50 and 100 km thresholds of subduction models)."""
    def make_deeper(rng, n):
        c = make(rng, n)
        deep = rng.random(n) < 0.5
        c.ztor[deep] = np.round(rng.uniform(20, 150, deep.sum()), 2)
        c.ztor[rng.random(n) < 0.03] = 25.0
        return c
    return make_deeper


def compute(gsim, ctx, imt, per_magnitude=False):
    n = len(ctx)
    out = np.zeros((4, 1, n))
    if per_magnitude:
        for mag in np.unique(ctx.mag):
            idx = ctx.mag == mag
            sub = np.zeros((4, 1, idx.sum()))
            gsim.compute(ctx[idx], [imt], sub[0], sub[1], sub[2], sub[3])
            out[:, :, idx] = sub
    else:
        gsim.compute(ctx, [imt], out[0], out[1], out[2], out[3])
    return out[:, 0]


def supported_imts(gsim, rng, make=contexts):
    """PGA/PGV if supported, then SA periods (tabulated and in between)
    that every coefficient table of the GSIM accepts."""
    probe = make(rng, 2)
    names = {c.__name__ for c in gsim.DEFINED_FOR_INTENSITY_MEASURE_TYPES}
    imts = [oq_imt.from_string(n) for n in ('PGA', 'PGV') if n in names]
    tables = [getattr(gsim, a) for a in dir(gsim) if a.startswith('COEFFS')]
    periods = sorted({i.period for t in tables if hasattr(t, 'sa_coeffs')
                      for i in t.sa_coeffs} |
                     {float(t) for t in getattr(gsim, 'imtls', {}).get('T', [])})
    cands = set(periods)
    for a, b in zip(periods, periods[1:]):
        cands.add(round(math.sqrt(a * b), 4))
    good = []
    for p in sorted(cands):
        try:
            compute(gsim, probe, oq_imt.SA(p), per_magnitude=True)
            good.append(p)
        except (KeyError, ValueError):
            pass
    if len(good) > MAX_SA:
        idx = np.unique(np.round(np.linspace(0, len(good) - 1, MAX_SA)))
        good = [good[int(i)] for i in idx]
    return imts + [oq_imt.SA(p) for p in good]


def fmt(x):
    return repr(float(x))


def write(name):
    if name in MODIFIED:
        gsim = get_available_gsims()['ModifiableGMPE'](**MODIFIED[name])
    elif name in TABLES:
        gsim = valid.gsim(name)
    elif name in TABLE_VARIANTS:
        gsim_name, kwargs = TABLE_VARIANTS[name]
        gsim = get_available_gsims()[gsim_name](**kwargs)
    else:
        gsim = get_available_gsims()[name]()
    rng = np.random.default_rng(sum(map(ord, name)))  # reproducible
    req = (gsim.REQUIRES_RUPTURE_PARAMETERS | gsim.REQUIRES_SITES_PARAMETERS |
           gsim.REQUIRES_DISTANCES)
    cols = [f for f in FIELDS if f in req]
    make, rows = ((nga_contexts, NGA_ROWS) if name in NGA_WEST2
                  else (contexts, ROWS))
    tabulated = name in TABLES or name in TABLE_VARIANTS
    if name in JAPAN:
        make = japan_contexts
    if tabulated:
        make = table_contexts(gsim)
    if {'azimuth', 'rvolc'} & set(cols):
        make = with_extra(make, sum(map(ord, name)) + 1)
    if {'lon', 'lat', 'bas'} & set(cols):
        make = in_italy(make, sum(map(ord, name)) + 2)
    if 'backarc' in cols:
        make = on_subduction_zone(make, sum(map(ord, name)) + 3)
    if 'soiltype' in cols:
        make = with_soil_types(make, sum(map(ord, name)) + 4)
    if 'siteclass' in cols:
        make = with_site_classes(make, sum(map(ord, name)) + 5)
    if name in DEEP:
        make = deeper(make)
    if name in VS30_EXCLUDED:
        make = avoiding_vs30(make, *VS30_EXCLUDED[name])
    if name in MODIFIED:
        # the IMTs of the underlying GSIM that the modifications also support
        probe = make(rng, 2)
        imts = []
        for imt in supported_imts(gsim.gmpe, rng, make):
            try:
                compute(gsim, probe, imt)
                imts.append(imt)
            except KeyError:
                pass
    else:
        imts = supported_imts(gsim, rng, make)
    per = max(rows // len(imts), 50)
    path = os.path.join(OUT, name + '.csv')
    with open(path, 'w') as f:
        f.write(','.join(['imt'] + cols + ['mean', 'sig', 'tau', 'phi']) + '\n')
        for imt in imts:
            ctx = make(rng, per)
            mean, sig, tau, phi = compute(gsim, ctx, imt,
                                          name in PER_MAGNITUDE or tabulated)
            for i in range(per):
                ins = [str(int(ctx[c][i])) if c in BOOLEANS
                       else ctx[c][i].decode() if c == 'siteclass'
                       else fmt(ctx[c][i]) for c in cols]
                outs = ['%.15g' % v for v in (mean[i], sig[i], tau[i], phi[i])]
                f.write(','.join([imt.string] + ins + outs) + '\n')
    print('%s: %d IMTs x %d rows, %d bytes' % (
        name, len(imts), per, os.path.getsize(path)))


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    for name in sys.argv[1:] or GSIMS + list(MODIFIED) + TABLES + list(TABLE_VARIANTS):
        write(name)
