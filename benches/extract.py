#!/usr/bin/env python3
"""Benchmark of the extract API on a large datastore (a benchmark, not a test): the same
10,000-site classical job (the two area sources of demos/classical_area, on a 100 x 100 grid
of sites) is submitted to oqcloud and, when it is installed, to the reference OpenQuake
server in the same run; once each is complete, GET /v1/calc/:id/extract/hcurves?kind=mean&
imt=PGA is timed warm (one request first, then --repeat timed ones, one at a time).

usage: benches/extract.py [--oqcloud target/release/oqcloud] [--oq .venv-openquake/bin/oq]
                          [--side 100] [--repeat 20]
Prints a table; writes nothing else."""
import argparse
import io
import json
import os
import pathlib
import re
import statistics
import tempfile
import time
import urllib.request
import zipfile

import spine

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEMO = ROOT / "demos" / "classical_area"
SPEC = "hcurves?kind=mean&imt=PGA"


def write_job(directory, side):
    """The demo's area sources (not its fault) on a side x side grid of sites."""
    directory.mkdir(parents=True)
    ini = (DEMO / "job.ini").read_text()
    ini = re.sub(r"(?m)^sites = .*$", "sites_csv = sites.csv", ini)
    ini = ini.replace("description = oqcloud demo:", "description = extract benchmark:")
    (directory / "job.ini").write_text(ini)
    model = (DEMO / "source_model.xml").read_text()
    model = re.sub(r"\s*<simpleFaultSource.*?</simpleFaultSource>", "", model, flags=re.S)
    (directory / "source_model.xml").write_text(model)
    for name in ("source_model_logic_tree.xml", "gsim_logic_tree.xml"):
        (directory / name).write_text((DEMO / name).read_text())
    step = 2.0 / side
    rows = [f"{20.0 + i * step:.4f},{-45.5 + j * step:.4f}"
            for j in range(side) for i in range(side)]
    (directory / "sites.csv").write_text("\n".join(rows) + "\n")
    return sorted(directory.iterdir(), key=lambda p: (p.suffix != ".ini", p.name))


def submit_and_wait(base, files, timeout):
    body, content_type = spine.multipart(files)
    request = urllib.request.Request(base + "/v1/calc/run", data=body,
                                     headers={"Content-Type": content_type})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        job_id = json.load(response)["job_id"]
    while time.perf_counter() - start < timeout:
        status = spine.get_json(f"{base}/v1/calc/{job_id}/status")["status"]
        if status in ("complete", "failed", "aborted"):
            if status != "complete":
                raise SystemExit(f"{base}: calculation {job_id} ended {status}")
            return job_id, time.perf_counter() - start
        time.sleep(0.5)
    raise SystemExit(f"{base}: calculation {job_id} did not end in {timeout} s")


def timed_extracts(base, job_id, repeat):
    url = f"{base}/v1/calc/{job_id}/extract/{SPEC}"
    body = urllib.request.urlopen(url, timeout=600).read()  # warm-up
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        members = archive.namelist()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        urllib.request.urlopen(url, timeout=600).read()
        times.append(time.perf_counter() - start)
    return len(body), members, times


def bench(name, base, files, repeat, timeout):
    spine.wait_up(base)
    job_id, compute = submit_and_wait(base, files, timeout)
    size, members, times = timed_extracts(base, job_id, repeat)
    return {"server": name, "compute s": round(compute, 1), "npz bytes": size,
            "members": len(members), "median ms": round(statistics.median(times) * 1e3, 1),
            "min ms": round(min(times) * 1e3, 1)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--oqcloud", default=str(ROOT / "target/release/oqcloud"))
    parser.add_argument("--oq", default=os.environ.get("OQCLOUD_OPENQUAKE",
                                                      str(ROOT / ".venv-openquake/bin/oq")))
    parser.add_argument("--side", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--timeout", type=int, default=3600)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = write_job(pathlib.Path(tmp) / "job", args.side)
        rows = spine.on_both_servers(
            args, tmp, 8873,
            lambda name, base: bench(name, base, files, args.repeat, args.timeout))
    print(f"extract/{SPEC} on {args.side * args.side} sites, {args.repeat} warm requests")
    keys = list(rows[0])
    print(" | ".join(keys))
    for row in rows:
        print(" | ".join(str(row[k]) for k in keys))
    if len(rows) == 2:
        print(f"extract time ratio reference/oqcloud (median): "
              f"{rows[1]['median ms'] / rows[0]['median ms']:.1f}x")


if __name__ == "__main__":
    main()
