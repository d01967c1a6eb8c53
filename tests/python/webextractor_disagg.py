#!/usr/bin/env python3
"""OpenQuake's own WebExtractor reads the disaggregation of a calculation from an oqcloud
server, and finds what OpenQuake's Extractor finds in the same datastore, downloaded.

usage: webextractor_disagg.py SERVER CALC_ID SCRATCH_DIR

Run by tests/webextractor.rs with the reference engine's Python. Exits non-zero, with the
reason, when an array is missing, misshapen or different. Arrays are compared bit for bit,
except the `traditional` matrices, which both sides compute with logarithms: numpy's `log`
on a machine with AVX-512 is its own vectorized one, which differs from the C library's
(Rust's) by one unit in the last place in about 0.3% of values, so those may differ by a
few units in the last place."""
import os
import sys

import numpy
from openquake.calculators.extract import Extractor, WebExtractor

SPECS = [
    'disagg?kind=Mag&imt=PGA&site_id=0&poe_id=0&spec=rlzs',
    'disagg?kind=Mag_Dist_Eps&imt=PGA&site_id=0&poe_id=0&spec=stats',
    'disagg?kind=TRT_Mag&site_id=1&spec=rlzs-traditional',
    'disagg_layer?kind=Mag&kind=TRT_Mag_Dist',
]


ULPS = 4  # units in the last place a computed (traditional) value may differ by


def ulps_apart(got, want):
    """The largest distance between two float arrays in units of the last place, with
    NaNs in the same places counting as equal."""
    nan = numpy.isnan(want)
    assert numpy.array_equal(nan, numpy.isnan(got))
    got, want = got[~nan], want[~nan]
    if not got.size:
        return 0.
    return float(numpy.max(numpy.abs(got - want) / numpy.spacing(numpy.abs(want))))


def members(wrapper):
    """The arrays an ArrayWrapper carries, by name; not `extra`, which WebExtractor's
    ArrayWrapper always sets to ['value'] whatever the server sends (the npz member is
    the reference's)."""
    out = {k: getattr(wrapper, k) for k in vars(wrapper)
           if not k.startswith('_') and k != 'extra'}
    if getattr(wrapper, 'array', None) is not None:
        out['array'] = wrapper.array
    return out


def main(server, calc_id, scratch):
    remote = WebExtractor(calc_id, server=server, username='', password='')
    path = os.path.join(scratch, 'calc_%d.hdf5' % calc_id)
    remote.dump(path)
    local = Extractor(path)
    assert remote.oqparam.calculation_mode == 'disaggregation'
    for spec in SPECS:
        ours, theirs = members(remote.get(spec)), members(local.get(spec))
        assert sorted(ours) == sorted(theirs), (spec, sorted(ours), sorted(theirs))
        for name, want in theirs.items():
            got, want = numpy.asarray(ours[name]), numpy.asarray(want)
            assert got.shape == want.shape, (spec, name, got.shape, want.shape)
            if want.dtype.kind in 'OUS':
                assert [str(v) for v in got.flat] == [str(v) for v in want.flat], (spec, name)
            else:
                assert got.dtype == want.dtype, (spec, name, got.dtype, want.dtype)
                if 'traditional' in spec and name == 'array':
                    apart = ulps_apart(got, want)
                    assert apart <= ULPS, (spec, name, apart)
                    print('%s %s: %s %s, %g ulps apart' % (spec, name, want.dtype,
                                                            want.shape, apart))
                    continue
                assert numpy.array_equal(got, want, equal_nan=want.dtype.kind == 'f'), (
                    spec, name)
            print('%s %s: %s %s, equal' % (spec, name, want.dtype, want.shape))
    local.close()
    remote.close()


if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
