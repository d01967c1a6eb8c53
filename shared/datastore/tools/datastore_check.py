"""Check that a datastore written by oqcloud-datastore looks, to h5py and to OpenQuake, like a
reference datastore: same dtypes, shapes, attributes and values for the datasets it writes.

    python datastore_check.py REFERENCE.hdf5 OURS.hdf5     # prints OK or the differences
"""
import sys

import h5py
import numpy
from openquake.commonlib.datastore import read

NAMES = ['oqparam', 'weights', 'hcurves-rlzs', 'hcurves-stats', 'hmaps-rlzs', 'hmaps-stats',
         'full_lt/gsim_lt', 'full_lt/source_model_lt', 'full_lt/sm_data', 'full_lt/source_data']
ATTRS = {'': ['__pyclass__'], 'sitecol': ['__pdcolumns__', '__pyclass__'],
         'full_lt': ['__pyclass__', 'num_samples', 'oversampling', 'seed', 'trts']}


def same(a, b):
    if isinstance(a, numpy.ndarray) and a.dtype.kind in 'fiub':
        return a.dtype == b.dtype and a.shape == b.shape and numpy.array_equal(a, b)
    return numpy.array_equal(numpy.asarray(a, object), numpy.asarray(b, object))


def main(ref_path, our_path):
    errors = []
    ref, our = h5py.File(ref_path, 'r'), h5py.File(our_path, 'r')
    names = NAMES + ['sitecol/' + c for c in ref['sitecol'].attrs['__pdcolumns__'].split()]
    for name in names:
        r, o = ref[name], our[name]
        if r.dtype != o.dtype or r.shape != o.shape:
            errors.append('%s: %s%s != %s%s' % (name, o.dtype, o.shape, r.dtype, r.shape))
        elif not same(r[()], o[()]):
            errors.append('%s: values differ' % name)
        for k, v in r.attrs.items():
            if k not in o.attrs or not same(v, o.attrs[k]) or type(v) is not type(o.attrs[k]):
                errors.append('%s@%s: %r != %r' % (name, k, o.attrs.get(k), v))
    for group, keys in ATTRS.items():
        for k in keys:
            r, o = ref[group or 'oqparam'].attrs.get(k), our[group or 'oqparam'].attrs.get(k)
            if not same(r, o) or type(r) is not type(o):
                errors.append('%s@%s: %r != %r' % (group, k, o, r))
    ref.close()
    our.close()
    # what OpenQuake itself builds from the two files
    views = []
    for path in (ref_path, our_path):
        ds = read(path)
        oq = ds['oqparam']
        views.append(dict(imtls=dict(oq.hazard_imtls), poes=list(oq.poes),
                          rlzs=ds['full_lt'].rlzs.tolist(), sitecol=ds['sitecol'].array.tolist(),
                          sitecol_dtype=str(ds['sitecol'].array.dtype)))
        ds.close()
    for key in views[0]:
        if views[0][key] != views[1][key]:
            errors.append('openquake %s: %r != %r' % (key, views[1][key], views[0][key]))
    print('\n'.join(errors) or 'OK')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
