"""Runs a small classical job with the reference OpenQuake engine and saves what its extract
API returns for each spec oqcloud implements, as the fixtures of oqcloud's extract tests.

Usage: python tools/reference_extracts.py [JOB_INI [OUT_DIR]]

Defaults: tests/data/qa/oqcloud/area_quantiles/job.ini (3 sites, 2 realizations, mean and
quantiles, maps and spectra) and tests/data/extract. For a disaggregation job (such as
tests/data/extract-disagg/job/job.ini, written to tests/data/extract-disagg) the specs are
DISAGG_SPECS, for an event-based one (tests/data/extract-event/job/job.ini) EVENT_SPECS, for a
scenario (tests/data/extract-scenario/job/job.ini) SCENARIO_SPECS, for the risk jobs of
tests/data/extract-risk-<kind>/job (scenario_risk, scenario_damage, event_based_risk,
event_based_damage) SCENARIO_RISK_SPECS, SCENARIO_DAMAGE_SPECS, EVENT_RISK_SPECS and
EVENT_DAMAGE_SPECS, for the directories of SPECS_BY_DIR (tests/data/extract-scenario-fault)
their own. Run with the reference engine's Python (.venv-openquake/bin/python). Writes into
OUT_DIR:

* `calc.hdf5`: the reference datastore of the run (small: the tests read it);
* `<name>.npz`: `Extractor(calc).get(spec)` saved as the reference server saves it
  (`hdf5.save_npz`), one file per spec; object arrays of strings (the reference pickles
  them; DataFrame columns included) are saved as `<U` arrays, as oqcloud writes them;
* `specs.json`: file name -> spec, in the order of SPECS (a spec the reference fails on is
  reported and left out).

REUSE_DATASTORE=1 keeps an existing OUT_DIR/calc.hdf5 and only extracts again.
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import types

import numpy
import pandas
from openquake.baselib import hdf5
from openquake.calculators.extract import extract
from openquake.commonlib import datastore

OQ = os.path.join(os.path.dirname(sys.executable), "oq")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SPECS = [
    "oqparam",
    "realizations",
    "weights",
    "gsims_by_trt",
    "sitecol",
    "sitecol?field=vs30",
    "hcurves",
    "hcurves?kind=mean&imt=PGA",
    "hcurves?kind=mean&site_id=0",
    "hcurves?kind=rlzs",
    "hcurves?kind=stats",
    "hcurves?kind=rlz-1&imt=SA(0.1)&site_id=2",
    "hcurves?kind=quantile-0.15&kind=mean",
    "hmaps",
    "hmaps?kind=mean",
    "hmaps?kind=rlzs&imt=PGA",
    "hmaps?kind=stats&site_id=1",
    "uhs",
    "uhs?kind=mean",
    "uhs?kind=rlzs&site_id=0",
    "uhs?kind=stats",
    "hcurves-stats",
    "hcurves-rlzs",
    "hmaps-stats",
    "hmaps-rlzs",
]

DISAGG_SPECS = [
    "oqparam",
    "realizations",
    "hcurves?kind=mean&imt=PGA",
    "hmaps?kind=rlzs",
    "disagg?kind=Mag&imt=PGA&site_id=0&poe_id=0&spec=rlzs",
    "disagg?kind=Mag_Dist&imt=PGA&site_id=0&poe_id=0&spec=rlzs-traditional",
    "disagg?kind=Mag_Dist_Eps&imt=PGA&site_id=0&poe_id=0&spec=stats",
    "disagg?kind=Lon_Lat&imt=SA(0.1)&site_id=1&poe_id=1&spec=rlzs",
    "disagg?kind=TRT_Mag&site_id=1&spec=rlzs-traditional",
    "disagg?kind=TRT&site_id=0&spec=rlzs&imt=SA(0.1)&imt=PGA&poe_id=1&poe_id=0",
    "disagg?kind=Mag_Lon_Lat&site_id=1&spec=stats&poe_id=1",
    "disagg_layer",
    "disagg_layer?kind=Mag&kind=TRT_Mag_Dist",
]

EVENT_SPECS = [
    "oqparam",
    "realizations",
    "hcurves?kind=mean&imt=PGA",
    "events",
    "num_events",
    "gmf_data",
    "gmf_data?event_id=1225",
    "avg_gmf?imt=PGA",
    "event_based_mfd",
    "rupture_info",
    "rupture_info?min_mag=6",
    "rupture_info?boundaries=no",
    "rupture_info?min_mag=6.5&boundaries=no",
    "rupture_info?min_mag=7",
    "ruptures",
    "ruptures?min_mag=6",
    "ruptures?rup_id=6",
    "ruptures?rup_id=1073743054",
    "ruptures?slice=0&slice=3",
    "ruptures?min_mag=6.5&slice=-2&slice=1000",
]

SCENARIO_SPECS = [
    "events",
    "gmf_scenario?imt=SA(0.6)&kind=rlz-0",
    "rupture_info",
    "rupture_info?boundaries=no",
    "ruptures",
]

# a scenario on a fault mesh
FAULT_SPECS = [
    "ruptures",
    "ruptures?min_mag=7",
    "rupture_info",
]

# the specs of fixture directories whose job's calculation mode does not say them
SPECS_BY_DIR = {"extract-scenario-fault": FAULT_SPECS}

SCENARIO_RISK_SPECS = [
    "oqparam",
    "realizations",
    "agg_losses/structural",
    "agg_losses/structural?NAME_1=*",
    "agg_losses/nonstructural?taxonomy=Wood",
    "agg_losses/occupants?taxonomy=Wood&NAME_1=*",
    "agg_losses/structural?taxonomy=Adobe&NAME_1=Central",
    "agg_losses/structural?NAME_1=East&NAME_2=Rapti",
    "agg_losses/structural?NAME_2=Rapti&NAME_1=*",
    "aggregate/avg_losses?kind=rlz-0&loss_type=structural&tag=taxonomy",
    "aggregate/avg_losses?kind=rlz-0&tag=NAME_1&tag=taxonomy",
    "aggregate/avg_losses?kind=rlzs&loss_type=occupants&tag=NAME_1",
    "avg_losses_by/taxonomy",
    "avg_losses_by/NAME_1",
    "risk_stats/aggrisk",
    "losses_by_asset",
    "losses_by_site",
    "losses_by_location",
    "exposure_by_location",
]

SCENARIO_DAMAGE_SPECS = [
    "oqparam",
    "realizations",
    "gmf_scenario?imt=PGA&kind=rlz-0",
    "gmf_scenario?imt=PGA&kind=rlz-1",
    "agg_damages/structural",
    "agg_damages/structural?NAME_1=*",
    "agg_damages/structural?taxonomy=Wood",
    "agg_damages/structural?taxonomy=Wood&NAME_1=*",
    "damages-rlzs",
    "damages-stats",
    "risk_stats/aggrisk",
    "exposure_by_location",
]

EVENT_RISK_SPECS = [
    "oqparam",
    "realizations",
    "agg_losses/structural",
    "agg_losses/nonstructural?NAME_1=*",
    "agg_losses/structural?taxonomy=Wood&NAME_1=*",
    "aggregate/avg_losses?kind=mean&loss_type=structural&tag=NAME_1",
    "aggregate/avg_losses?kind=quantile-0.85&tag=taxonomy&tag=NAME_1",
    "aggregate/avg_losses?kind=rlz-1",
    "agg_curves?kind=mean&loss_type=structural&absolute=1&NAME_1=Central",
    "agg_curves?kind=stats&loss_type=nonstructural&absolute=0&NAME_1=West",
    "agg_curves?kind=rlzs&loss_type=structural&absolute=1&NAME_1=Mid-Western",
    "agg_curves?kind=rlz-1&loss_type=structural&absolute=0&NAME_1=East",
    "risk_stats/aggrisk",
    "risk_stats/aggcurves",
    "aggrisk_tags",
    "losses_by_asset",
    "losses_by_site",
    "losses_by_location",
]

EVENT_DAMAGE_SPECS = [  # no realizations: oqcloud does not list sampled ones yet
    "oqparam",
    "agg_damages/structural?NAME_1=East",
    "agg_damages/structural?taxonomy=*&NAME_1=Mid-Western",
    "damages-rlzs",
    "damages-stats",
    "agg_curves?kind=mean&loss_type=structural&absolute=1&taxonomy=Adobe&NAME_1=East",
    "agg_curves?kind=rlzs&loss_type=structural&absolute=0&taxonomy=Wood&NAME_1=Mid-Western",
    "risk_stats/aggrisk",
    "risk_stats/aggcurves",
    "exposure_by_location",
]

SPECS_BY_MODE = {
    "disaggregation": DISAGG_SPECS,
    "event_based": EVENT_SPECS,
    "scenario": SCENARIO_SPECS,
    "scenario_risk": SCENARIO_RISK_SPECS,
    "scenario_damage": SCENARIO_DAMAGE_SPECS,
    "event_based_risk": EVENT_RISK_SPECS,
    "event_based_damage": EVENT_DAMAGE_SPECS,
}


def file_name(spec):
    """`hcurves?kind=mean&imt=PGA` -> `hcurves_kind-mean_imt-PGA.npz`,
    `agg_losses/structural?NAME_1=*` -> `agg_losses-structural_NAME_1-all.npz`."""
    spec = spec.replace("/", "-").replace("*", "all")
    return re.sub(r"[?&]", "_", spec).replace("=", "-").replace("(", "").replace(")", "") + ".npz"


def run(job_ini, scratch):
    env = dict(os.environ, OQ_DATADIR=os.path.join(scratch, "data"), CI="1",
               OQ_DATABASE="127.0.0.1")
    subprocess.run([OQ, "engine", "--run", os.path.abspath(job_ini)],
                   cwd=os.path.dirname(os.path.abspath(job_ini)), env=env, check=True)
    # risk jobs also leave a scratch calc_<id>_tmp.hdf5
    [path] = glob.glob(os.path.join(scratch, "data", "calc_[0-9]*[0-9].hdf5"))
    return path


def unpickled(aw):
    """Object arrays of strings as `<U` arrays, as oqcloud writes them, object arrays of numbers
    (`risk_stats` values) as f8 arrays; dtypes without the
    metadata numpy refuses to save (`disagg_layer`'s records carry some). A DataFrame
    becomes an object with one attribute per column (no `extra`, as the reference)."""
    if isinstance(aw, pandas.DataFrame):
        aw = types.SimpleNamespace(**{col: aw[col].to_numpy() for col in aw.columns})
    for key, val in list(vars(aw).items()):
        if isinstance(val, (list, numpy.ndarray)) and numpy.asarray(val).dtype == object:
            if all(isinstance(v, str) for v in val):
                setattr(aw, key, numpy.array([str(v) for v in val]))
            else:
                setattr(aw, key, numpy.array([float(v) for v in val]))
        elif isinstance(val, numpy.ndarray) and val.dtype.metadata:
            plain = val.dtype.descr if val.dtype.names else val.dtype.str
            setattr(aw, key, val.view(numpy.dtype(plain)))
    return aw


def main(job_ini=os.path.join(ROOT, "tests/data/qa/oqcloud/area_quantiles/job.ini"),
         out=os.path.join(ROOT, "tests/data/extract")):
    os.makedirs(out, exist_ok=True)
    calc = os.path.join(out, "calc.hdf5")
    if os.environ.get("REUSE_DATASTORE") != "1" or not os.path.exists(calc):
        with tempfile.TemporaryDirectory() as scratch:
            shutil.copy(run(job_ini, scratch), calc)
    index = {}
    with datastore.read(calc) as ds:
        mode = ds["oqparam"].calculation_mode
        specs = (SPECS_BY_DIR.get(os.path.basename(os.path.normpath(out)))
                 or SPECS_BY_MODE.get(mode, SPECS))
        for spec in specs:
            name = file_name(spec)
            try:
                result = extract(ds, spec)
            except Exception as exc:  # a reference bug: reported, no fixture
                print(spec, "-> FAILS:", type(exc).__name__, exc)
                continue
            hdf5.save_npz(unpickled(result), os.path.join(out, name))
            index[name] = spec
            print(spec, "->", name)
    with open(os.path.join(out, "specs.json"), "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
