"""Dump what oqcloud-datastore must read from an OpenQuake datastore, as JSON.

Run with the reference engine's python (it needs h5py and openquake):

    python datastore_dump.py DATASTORE.hdf5 > expected.json

The test datastore tests/data/datastore/classical.hdf5 was made with
`OQ_DATABASE=127.0.0.1 oq engine --run tests/data/datastore/job.ini` (OpenQuake 3.26.2).
"""
import json
import sys

import h5py
from openquake.commonlib.datastore import read


def text(x):
    return x.decode('utf8') if isinstance(x, bytes) else str(x)


def table(dset):
    arr = dset[()]
    return {name: [text(v) if isinstance(v, (bytes, str)) else v.item() for v in arr[name]]
            for name in arr.dtype.names}


def layout(f):
    """name -> [dtype str, shape] of every dataset."""
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, [str(obj.dtype), list(obj.shape)])
                 if isinstance(obj, h5py.Dataset) else None)
    return out


def main(path):
    dstore = read(path)
    rlzs = [[int(r['ordinal']), text(r['branch_path']), float(r['weight'])]
            for r in dstore['full_lt'].rlzs]
    dstore.close()
    f = h5py.File(path, 'r')
    res = {'layout': layout(f), 'realizations': rlzs}
    res['oqparam_text'] = text(f['oqparam'][()])
    sc = f['sitecol']
    res['sitecol'] = {col: [v.item() for v in sc[col][()]]
                      for col in sc.attrs['__pdcolumns__'].split()}
    res['sitecol_pdcolumns'] = sc.attrs['__pdcolumns__']
    flt = f['full_lt']
    res['full_lt'] = {name: table(flt[name]) for name in flt}
    res['full_lt_attrs'] = {k: (v.tolist() if hasattr(v, 'tolist') else v)
                            for k, v in flt.attrs.items()}
    res['full_lt_attrs']['trts'] = [text(t) for t in flt.attrs['trts']]
    res['weights'] = [float(w) for w in f['weights'][()]]
    for name in ('hcurves-rlzs', 'hcurves-stats', 'hmaps-rlzs', 'hmaps-stats'):
        if name in f:
            d = f[name]
            res[name] = {'shape': list(d.shape), 'json': d.attrs['json'],
                         'values': [float(x) for x in d[()].flatten()]}
    res['file_attrs'] = {k: (v.item() if hasattr(v, 'item') else v) for k, v in f.attrs.items()}
    json.dump(res, sys.stdout, indent=1, default=lambda x: x.item())


if __name__ == '__main__':
    main(sys.argv[1])
