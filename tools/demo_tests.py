"""Writes the reduced jobs of the classical demos tested against OpenQuake, and their
reference curves.

Usage: python tools/demo_tests.py DEMO_DIR [DEMO_DIR ...]

For each `tests/data/qa/demos/<Demo>` holding a copy of the demo's inputs, writes
`job_test.ini`: the demo's job.ini with a coarser `region_grid_spacing` (25 km), at most
four IMTs with 12 levels, no `ps_grid_spacing` and no maps nor spectra; then runs it with
the reference engine (`oq engine --run job_test.ini --exports csv` in a scratch copy) and
copies the mean curves into `expected/hazard_curve-mean-<IMT>.csv`. Run with the
reference engine's Python.
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

OQ = os.path.join(os.path.dirname(sys.executable), "oq")
IMTS = {
    "PGV": "logscale(2, 300, 12)",
    "PGA": "logscale(0.005, 2.13, 12)",
    "SA(0.1)": "logscale(0.005, 2.13, 12)",
    "SA(1.0)": "logscale(0.005, 2.13, 12)",
    "SA(2.0)": "logscale(0.0005, 2.00, 12)",
}


def reduced(job):
    imtls = re.search(r"intensity_measure_types_and_levels\s*=\s*\{[^}]*\}", job)
    kept = [imt for imt in IMTS if '"%s"' % imt in imtls.group(0)]
    new = "intensity_measure_types_and_levels = {%s}" % ", ".join(
        '"%s": %s' % (imt, IMTS[imt]) for imt in kept)
    job = job[:imtls.start()] + new + job[imtls.end():]
    job = re.sub(r"region_grid_spacing\s*=.*", "region_grid_spacing = 25", job)
    job = re.sub(r"hazard_maps\s*=.*", "hazard_maps = false", job)
    job = re.sub(r"uniform_hazard_spectra\s*=.*", "uniform_hazard_spectra = false", job)
    # OpenQuake's point-source gridding is not implemented natively
    job = re.sub(r"\nps_grid_spacing\s*=.*", "", job)
    return re.sub(r"\npoes\s*=.*", "", job)


def main(*dirs):
    for d in dirs:
        with open(os.path.join(d, "job.ini")) as f:
            job = reduced(f.read())
        with open(os.path.join(d, "job_test.ini"), "w") as f:
            f.write(job)
        with tempfile.TemporaryDirectory() as scratch:
            run = os.path.join(scratch, "job")
            shutil.copytree(d, run, ignore=shutil.ignore_patterns("expected"))
            env = dict(os.environ, OQ_DATADIR=os.path.join(scratch, "data"), CI="1")
            subprocess.run([OQ, "engine", "--run", "job_test.ini", "--exports", "csv",
                            "-p", "export_dir=" + run], cwd=run, env=env, check=True)
            out = os.path.join(d, "expected")
            os.makedirs(out, exist_ok=True)
            for fname in glob.glob(os.path.join(run, "hazard_curve-mean-*.csv")):
                name = re.sub(r"_\d+\.csv$", ".csv", os.path.basename(fname))
                shutil.copy(fname, os.path.join(out, name))
                print(d, name)


if __name__ == "__main__":
    main(*sys.argv[1:])
