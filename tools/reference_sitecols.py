"""Runs QA cases with the reference OpenQuake engine and writes the columns of the `sitecol`
of each run (name and numpy dtype, in `__pdcolumns__` order) to `sitecol-3.26.txt` beside
the case's job.ini, the reference of the native engine's site collections (see
`site_collection` in shared/worker/src/native/datastore.rs).

Usage: python tools/reference_sitecols.py [JOB_INI ...]
       python tools/reference_sitecols.py --from-datastore JOB_INI CALC_HDF5

Defaults: every job.ini under tests/data/qa/{classical,demos,oqcloud}. Run with the
reference engine's Python (.venv-openquake/bin/python). `--from-datastore` writes the file of
JOB_INI from an existing datastore of its run instead of running it.

When the sites are the rows of a site model with two or more columns no GSIM needs,
OpenQuake appends those in the iteration order of a Python set, which changes from run to
run: the file then records one of the orders (the native engine writes them sorted).
"""

import glob
import os
import sys
import tempfile

import h5py

from reference_extracts import ROOT, run

NAME = "sitecol-3.26.txt"


def columns(calc_hdf5):
    """(name, numpy dtype) of each column of the datastore's sitecol, in order."""
    with h5py.File(calc_hdf5, "r") as f:
        group = f["sitecol"]
        names = group.attrs["__pdcolumns__"]
        if isinstance(names, bytes):
            names = names.decode()
        return [(name, group[name].dtype.str) for name in names.split()]


def write(job_ini, calc_hdf5):
    with h5py.File(calc_hdf5, "r") as f:
        version = f.attrs["engine_version"]
    out = os.path.join(os.path.dirname(os.path.abspath(job_ini)), NAME)
    with open(out, "w") as f:
        f.write(f"# sitecol of OpenQuake {version}'s run of job.ini: column, numpy dtype\n")
        for name, dtype in columns(calc_hdf5):
            f.write(f"{name} {dtype}\n")
    print(f"wrote {os.path.relpath(out, ROOT)}")


def main(args):
    if args[:1] == ["--from-datastore"]:
        _, job_ini, calc_hdf5 = args
        write(job_ini, calc_hdf5)
        return
    jobs = args or sorted(
        glob.glob(os.path.join(ROOT, "tests/data/qa/classical/*/job.ini"))
        + glob.glob(os.path.join(ROOT, "tests/data/qa/demos/*/job.ini"))
        + glob.glob(os.path.join(ROOT, "tests/data/qa/oqcloud/*/job.ini")))
    for job_ini in jobs:
        with tempfile.TemporaryDirectory() as scratch:
            write(job_ini, run(job_ini, scratch))


if __name__ == "__main__":
    main(sys.argv[1:])
