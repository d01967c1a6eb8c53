#!/usr/bin/env python3
"""Benchmark of the native classical engine against the reference OpenQuake engine (a
benchmark, not a test): the same job.ini files run by both in one run, wall time and peak
memory (resident set of the whole process tree, sampled every 20 ms), and the ratios.

Jobs: the reference wheel's classical demos that the native engine supports (the others are
listed as skipped, with the reason), `demos/classical_area`, and a grid of sites over the
same sources (`--grid N`: N x N sites, default 30) to show scaling. Each run's mean hazard
curves are compared, so a fast wrong answer shows up. With `--repeat N` each job runs N
times on each engine, alternately, and the median time is reported (the machines measured
vary by 20% from run to run).

usage: benches/classical.py [--oqcloud target/release/oqcloud] [--oq .venv-openquake/bin/oq]
                            [--grid 30] [--repeat 1] [--only NAME ...]
Prints a table (and writes it as markdown with --markdown FILE)."""
import argparse
import csv
import os
import pathlib
import shutil
import statistics
import subprocess
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
OQ_DEMOS = ["AreaSourceClassicalPSHA", "CharacteristicFaultSourceCase1ClassicalPSHA",
            "CharacteristicFaultSourceCase2ClassicalPSHA",
            "CharacteristicFaultSourceCase3ClassicalPSHA", "ComplexFaultSourceClassicalPSHA",
            "LogicTreeCase1ClassicalPSHA", "LogicTreeCase2ClassicalPSHA",
            "LogicTreeCase3ClassicalPSHA", "MultiPointClassicalPSHA",
            "PointSourceClassicalPSHA", "SimpleFaultSourceClassicalPSHA"]


def tree_rss_kb(root_pid):
    """Resident memory of a process and all its descendants, in kB: the tree walked through
    /proc/PID/task/TID/children, which costs a few file reads per process where scanning
    all of /proc would take a noticeable share of a core every 20 ms."""
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/status") as f:
                total += next((int(line.split()[1]) for line in f
                               if line.startswith("VmRSS:")), 0)
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    stack.extend(int(child) for child in f.read().split())
        except (OSError, ValueError):
            continue
    return total


def measure(cmd, env=None, cwd=None):
    """Runs cmd; returns (exit code, seconds, peak tree RSS in MB, stderr tail)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_kb(proc.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    lines = err.strip().splitlines()
    errors = [line for line in lines if line.startswith("Error:")]
    return proc.returncode, elapsed, peak[0] / 1024, (errors or lines)[-3:]


def mean_curves(export_dir):
    """(lon, lat, imt) -> list of PoEs from hazard_curve-mean-*.csv files."""
    curves = {}
    for path in pathlib.Path(export_dir).glob("hazard_curve-mean-*.csv"):
        imt = path.name[len("hazard_curve-mean-"):].rsplit("_", 1)[0]
        with open(path) as f:
            rows = list(csv.reader(f))[2:]
        for row in rows:
            curves[(row[0], row[1], imt)] = [float(x) for x in row[3:]]
    return curves


def max_rel_diff(ours, theirs):
    worst = 0.0
    for key, expected in theirs.items():
        if key not in ours:
            return float("inf")
        for a, b in zip(ours[key], expected):
            if abs(b) > 1e-8:
                worst = max(worst, abs(a - b) / abs(b))
    return worst


def grid_job(base, n, dest):
    """demos/classical_area with an n x n grid of sites over its sources (sites_csv)."""
    shutil.copytree(base, dest)
    ini = (dest / "job.ini").read_text().splitlines()
    ini = [line for line in ini if not line.strip().startswith("sites")]
    out = []
    for line in ini:
        out.append(line)
        if line.strip() == "[geometry]":
            out.append("sites_csv = sites.csv")
    (dest / "job.ini").write_text("\n".join(out) + "\n")
    with open(dest / "sites.csv", "w") as f:
        for i in range(n):
            for j in range(n):
                f.write(f"{19.5 + 2.5 * i / (n - 1):.4f},{-46.0 + 3.0 * j / (n - 1):.4f}\n")
    return dest / "job.ini"


def run_both(args, oq, scratch, name, job, tag):
    """One run of `job` on each engine: (our s, our MB, their s, their MB, our export
    directory, theirs), or why it could not run."""
    ours_dir = scratch / f"ours-{tag}"
    code, t_ours, m_ours, err = measure(
        [args.oqcloud, "engine", "--run", str(job), "--engine", "native",
         "--exports", "csv", "--export-dir", str(ours_dir)])
    if code != 0:
        return err[-1] if err else f"exit {code}"
    ref_dir = scratch / f"ref-{tag}"
    env = dict(os.environ, OQ_DATADIR=str(scratch / f"oqdata-{tag}"), CI="1")
    work = scratch / f"refjob-{tag}"
    shutil.copytree(job.parent, work)
    code, t_ref, m_ref, err = measure(
        [str(oq), "engine", "--run", "job.ini", "--exports", "csv",
         "-p", f"export_dir={ref_dir}"],
        env=env, cwd=work)
    if code != 0:
        print(f"{name}: reference failed {err}", flush=True)
        return "reference failed: " + (err[-1] if err else "")
    return t_ours, m_ours, t_ref, m_ref, ours_dir, ref_dir


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--oqcloud", default=str(ROOT / "target/release/oqcloud"))
    ap.add_argument("--oq", default=str(ROOT / ".venv-openquake/bin/oq"))
    ap.add_argument("--grid", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--markdown")
    args = ap.parse_args()
    oq = pathlib.Path(args.oq).resolve()
    demos_dir = oq.parent.parent / "demos" / "hazard"
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="oqcloud-bench-"))
    jobs = [(d, demos_dir / d / "job.ini") for d in OQ_DEMOS]
    jobs.append(("demos/classical_area", ROOT / "demos/classical_area/job.ini"))
    jobs.append((f"classical_area grid {args.grid}x{args.grid}",
                 grid_job(ROOT / "demos/classical_area", args.grid, scratch / "grid")))
    if args.only:
        jobs = [(n, j) for n, j in jobs if any(o in n for o in args.only)]

    rows = []
    for name, job in jobs:
        runs = [run_both(args, oq, scratch, name, job, f"{len(rows)}-{k}")
                for k in range(args.repeat)]
        failed = next((r for r in runs if isinstance(r, str)), None)
        if failed:
            rows.append((name, None, failed))
            print(f"{name}: skipped ({failed})", flush=True)
            continue
        t_ours = statistics.median(r[0] for r in runs)
        m_ours = max(r[1] for r in runs)
        t_ref = statistics.median(r[2] for r in runs)
        m_ref = max(r[3] for r in runs)
        ours_dir, ref_dir = runs[0][4], runs[0][5]
        diff = max_rel_diff(mean_curves(ours_dir), mean_curves(ref_dir))
        rows.append((name, (t_ref, t_ours, m_ref, m_ours, diff), None))
        print(f"{name}: OQ {t_ref:.2f} s {m_ref:.0f} MB, oqcloud {t_ours:.3f} s {m_ours:.0f} MB, "
              f"x{t_ref / t_ours:.0f} time, x{m_ref / max(m_ours, 1):.0f} memory, "
              f"max rel diff {diff:.1e}", flush=True)
        if args.repeat > 1:
            print(f"  runs: oqcloud {' '.join(f'{r[0]:.3f}' for r in runs)} s, "
                  f"OQ {' '.join(f'{r[2]:.2f}' for r in runs)} s", flush=True)

    lines = ["| job | OpenQuake s | oqcloud s | time ratio | OpenQuake MB | oqcloud MB "
             "| memory ratio | max rel. diff of mean curves |",
             "|---|---|---|---|---|---|---|---|"]
    for name, numbers, why in rows:
        if numbers is None:
            lines.append(f"| {name} | | | | | | | not run natively: {why} |")
            continue
        t_ref, t_ours, m_ref, m_ours, diff = numbers
        lines.append(f"| {name} | {t_ref:.2f} | {t_ours:.3f} | {t_ref / t_ours:.0f}x | "
                     f"{m_ref:.0f} | {m_ours:.0f} | {m_ref / max(m_ours, 1):.0f}x | {diff:.1e} |")
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        pathlib.Path(args.markdown).write_text(table + "\n")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
