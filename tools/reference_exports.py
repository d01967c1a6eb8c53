"""Exports a datastore with the reference OpenQuake engine, as `oq export` would.

Usage: python tools/reference_exports.py DATASTORE.hdf5 CALC_ID OUT_DIR [KEY ...]

The datastore is copied to `calc_<CALC_ID>.hdf5` in a scratch directory first, so the exported
file names carry that id as the reference server's do. KEYs default to the classical outputs
(hcurves hmaps uhs realizations) as CSV, and hcurves.npz hmaps.npz uhs.npz; a KEY
`<output>.<format>` names another format. The files of each key are listed in
`OUT_DIR/manifest.json` (`{"<output>.<format>": [file, ...]}`, merged with the manifest already
there). The oqcloud exporter tests compare their output with these files byte for byte (CSV)
or member by member (npz).
"""

import json
import os
import shutil
import sys
import tempfile

from openquake.calculators.export import export
from openquake.commonlib import datastore


def main(path, calc_id, out_dir, *keys):
    keys = keys or ('hcurves', 'hmaps', 'uhs', 'realizations', 'hcurves.npz', 'hmaps.npz',
                    'uhs.npz')
    os.makedirs(out_dir, exist_ok=True)
    manifest_path = os.path.join(out_dir, 'manifest.json')
    manifest = {}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            manifest = json.load(f)
    with tempfile.TemporaryDirectory() as scratch:
        copy = os.path.join(scratch, 'calc_%d.hdf5' % int(calc_id))
        shutil.copy(path, copy)
        dstore = datastore.read(copy)
        dstore.export_dir = out_dir
        for key in keys:
            name, _, fmt = key.partition('.')
            fmt = fmt or 'csv'
            files = sorted(os.path.basename(f) for f in export((name, fmt), dstore))
            manifest['%s.%s' % (name, fmt)] = files
            for fname in files:
                print(key, fname)
        dstore.close()
    with open(manifest_path, 'w') as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main(*sys.argv[1:])
