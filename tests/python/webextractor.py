#!/usr/bin/env python3
"""OpenQuake's own WebExtractor pointed at an oqcloud server: reads the same job's results
from a native calculation and from a reference-engine calculation and checks they agree.

usage: webextractor.py SERVER NATIVE_CALC_ID REFERENCE_CALC_ID

Run by tests/webextractor.rs with the reference engine's Python. Exits non-zero, with the
reason, when an array is missing, misshapen or different beyond OpenQuake's tolerance."""
import sys

import numpy
from openquake.calculators.extract import WebExtractor

SPECS = ['hcurves?kind=mean&imt=PGA', 'hmaps?kind=mean&imt=PGA', 'uhs?kind=mean']
RTOL, ATOL = 1e-4, 1e-8


def leaves(name, array):
    """The plain arrays of a (possibly nested) structured array, by dotted field name."""
    if array.dtype.names is None:
        return [(name, array)]
    return [leaf for field in array.dtype.names
            for leaf in leaves('%s.%s' % (name, field), array[field])]


def members(wrapper):
    """The arrays an ArrayWrapper carries (the npz members), by name."""
    names = [k for k in vars(wrapper) if not k.startswith('_')]
    out = {k: getattr(wrapper, k) for k in names}
    if getattr(wrapper, 'array', None) is not None and len(wrapper.array):
        out['array'] = wrapper.array
    return out


def main(server, native_id, reference_id):
    native = WebExtractor(native_id, server=server, username='', password='')
    reference = WebExtractor(reference_id, server=server, username='', password='')
    for oq in (native.oqparam, reference.oqparam):
        assert oq.calculation_mode == 'classical', oq.calculation_mode
    assert native.oqparam.investigation_time == reference.oqparam.investigation_time
    ours, theirs = dict(native.oqparam.imtls), dict(reference.oqparam.imtls)
    assert list(ours) == list(theirs), (list(ours), list(theirs))
    for imt, levels in theirs.items():
        numpy.testing.assert_allclose(ours[imt], levels, rtol=1e-12, err_msg=imt)
    print('oqparam: classical, investigation_time %s, imts %s' % (
        native.oqparam.investigation_time, list(native.oqparam.imtls)))
    for spec in SPECS:
        ours, theirs = members(native.get(spec)), members(reference.get(spec))
        assert sorted(ours) == sorted(theirs), (spec, sorted(ours), sorted(theirs))
        for name, want in theirs.items():
            got = ours[name]
            want, got = numpy.asarray(want), numpy.asarray(got)
            assert got.shape == want.shape, (spec, name, got.shape, want.shape)
            assert got.dtype == want.dtype, (spec, name, got.dtype, want.dtype)
            for (leaf, g), (_, w) in zip(leaves(name, got), leaves(name, want)):
                if w.dtype.kind == 'f':
                    numpy.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL,
                                                  err_msg='%s %s' % (spec, leaf))
                    diff = numpy.abs(g - w).max() if w.size else 0.0
                    print('%s %s: shape %s, max abs difference %.2e' % (
                        spec, leaf, w.shape, diff))
                else:
                    assert (g == w).all(), (spec, leaf, g, w)
                    print('%s %s: %s, equal' % (spec, leaf, w.dtype))
    native.close()
    reference.close()


if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
