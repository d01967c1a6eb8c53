"""Exports a datastore with the reference OpenQuake engine, as `oq export` would.

Usage: python tools/reference_exports.py DATASTORE.hdf5 CALC_ID OUT_DIR [KEY ...]

The datastore is copied to `calc_<CALC_ID>.hdf5` in a scratch directory first, so the exported
file names carry that id as the reference server's do. KEYs default to the classical outputs
(hcurves hmaps uhs realizations) as CSV, and hcurves.npz hmaps.npz uhs.npz; a KEY
`<output>.<format>` names another format. The files of each key are listed in
`OUT_DIR/manifest.json` (`{"<output>.<format>": [file, ...]}`, merged with the manifest already
there). Files over 16 kB are moved into `OUT_DIR/files.zip` (deflated, fixed dates, so the
fixtures stay small and regenerate identically). The oqcloud exporter tests compare their
output with these files byte for byte (CSV), member by member (npz) or dataset by dataset
(hdf5). `OUT_DIR/outputs.json` lists the output types the reference registers for the
datastore after a run (its `expose_outputs`, with the database calls captured), in order.
"""

import json
import os
import shutil
import sys
import tempfile
import zipfile

from openquake.calculators import base
from openquake.calculators.export import export
from openquake.commonlib import datastore


BIG = 16000


def zip_big_files(out_dir):
    """Moves the files over BIG bytes into out_dir/files.zip, keeping its other members."""
    archive = os.path.join(out_dir, 'files.zip')
    members = {}
    if os.path.exists(archive):
        with zipfile.ZipFile(archive) as z:
            members = {name: z.read(name) for name in z.namelist()}
    big = [name for name in sorted(os.listdir(out_dir))
           if name not in ('manifest.json', 'files.zip')
           and os.path.getsize(os.path.join(out_dir, name)) > BIG]
    if not big:
        return
    for name in big:
        with open(os.path.join(out_dir, name), 'rb') as f:
            members[name] = f.read()
    with zipfile.ZipFile(archive, 'w') as z:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, members[name], compresslevel=9)
    for name in big:
        os.remove(os.path.join(out_dir, name))


def registered_outputs(dstore, calc_id):
    """The output types `expose_outputs` registers for the datastore, in order."""
    registered = []

    def dbcmd(action, *args):
        if action == 'create_outputs':
            registered.extend(key for key, _size in args[1])
        return 1 if action == 'get_job' else None

    original = base.logs.dbcmd
    base.logs.dbcmd = dbcmd
    try:
        base.expose_outputs(dstore, calc_id=calc_id)
    finally:
        base.logs.dbcmd = original
    return registered


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
        outputs = registered_outputs(dstore, int(calc_id))
        dstore.close()
    with open(os.path.join(out_dir, 'outputs.json'), 'w') as f:
        json.dump(outputs, f, indent=1)
        f.write('\n')
    with open(manifest_path, 'w') as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write('\n')
    zip_big_files(out_dir)


if __name__ == '__main__':
    main(*sys.argv[1:])
