"""Export the outputs of an OpenQuake datastore with OpenQuake's own exporters.

usage: python export_outputs.py DATASTORE EXPORT_DIR OUTPUT_TYPE:FORMAT...

Each pair is exported into EXPORT_DIR/OUTPUT_TYPE/FORMAT/. A pair that fails is skipped
with a warning; the exit status is non-zero only if the datastore cannot be read.
Run it with the Python interpreter of the OpenQuake installation and the environment of
the run that wrote the datastore (OQ_DATADIR, OQ_CONFIG_FILE), so a parent calculation is
found. Log lines have the format of OpenQuake's own console log.
"""
import logging
import os
import sys

from openquake.commonlib import datastore
from openquake.calculators.export import export


def export_pair(dstore, export_dir, output_type, fmt):
    target = os.path.join(export_dir, output_type, fmt)
    os.makedirs(target, exist_ok=True)
    dstore.export_dir = target
    try:
        files = export((output_type, fmt), dstore)
    except Exception as exc:
        logging.warning('Could not export %s in %s: %s: %s',
                        output_type, fmt, type(exc).__name__, exc)
    else:
        logging.info('Exported %s in %s: %d file(s)',
                     output_type, fmt, len(files))
    if not os.listdir(target):
        os.rmdir(target)


def main(path, export_dir, *pairs):
    with datastore.read(os.path.abspath(path)) as dstore:
        logging.basicConfig(
            level=logging.INFO,
            format='[%%(asctime)s #%d %%(levelname)s] %%(message)s'
            % dstore.calc_id,
            datefmt='%Y-%m-%d %H:%M:%S')
        for pair in pairs:
            output_type, fmt = pair.rsplit(':', 1)
            export_pair(dstore, export_dir, output_type, fmt)


if __name__ == '__main__':
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
