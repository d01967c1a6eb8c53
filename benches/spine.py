#!/usr/bin/env python3
"""Benchmark of the spine (a benchmark, not a test): submit-to-executing latency of the demo
job and GET /v1/calc/:id/status throughput, for oqcloud and, when it is installed, for the
reference OpenQuake server on the same job in the same run.

usage: benches/spine.py [--oqcloud target/release/oqcloud] [--oq .venv-openquake/bin/oq]
Needs wrk (apt-get install wrk). Prints a table; writes nothing else."""
import argparse
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
import uuid

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEMO = ROOT / "demos" / "classical_area"


def multipart(files):
    boundary = uuid.uuid4().hex
    body = b""
    for path in files:
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"archive\"; "
                 f"filename=\"{path.name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
        body += path.read_bytes() + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def wait_up(base, timeout=120):
    start = time.time()
    while time.time() - start < timeout:
        try:
            urllib.request.urlopen(base + "/v1/engine_version", timeout=1).read()
            return
        except Exception:
            time.sleep(0.1)
    raise SystemExit(f"{base} did not come up")


def run_demo(base):
    """Submits the demo; returns (job id, seconds to executing, seconds to the end, status)."""
    files = sorted(DEMO.iterdir(), key=lambda p: (p.suffix != ".ini", p.name))
    body, content_type = multipart(files)
    request = urllib.request.Request(base + "/v1/calc/run", data=body,
                                     headers={"Content-Type": content_type})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        job_id = json.load(response)["job_id"]
    to_executing = None
    while True:
        status = get_json(f"{base}/v1/calc/{job_id}/status")["status"]
        now = time.perf_counter() - start
        if status == "executing" and to_executing is None:
            to_executing = now
        if status in ("complete", "failed", "aborted"):
            return job_id, to_executing if to_executing is not None else now, now, status
        time.sleep(0.01)


def wrk(url, seconds):
    out = subprocess.run(["wrk", "-t2", "-c32", f"-d{seconds}s", url],
                         capture_output=True, text=True, check=True).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def bench(name, base, seconds):
    wait_up(base)
    job_id, to_exec, total, status = run_demo(base)
    rate = wrk(f"{base}/v1/calc/{job_id}/status", seconds)
    return {"server": name, "submit->executing s": round(to_exec, 3),
            "submit->end s": round(total, 1), "final": status, "status req/s": round(rate)}


def on_both_servers(args, tmp, port, bench_one):
    """Runs `bench_one(name, base_url)` against `oqcloud serve` on `port`, then against the
    reference server (`oq webui start`) on `port + 1` when it is installed; the rows."""
    rows = []
    env = dict(os.environ, OQCLOUD_OPENQUAKE=args.oq)
    server = subprocess.Popen([args.oqcloud, "serve", "--port", str(port), "--data-dir",
                               f"{tmp}/oqcloud"], env=env, stderr=subprocess.DEVNULL)
    try:
        rows.append(bench_one("oqcloud", f"http://127.0.0.1:{port}"))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=90)
    if os.access(args.oq, os.X_OK):
        oq_env = dict(os.environ, OQ_DATADIR=f"{tmp}/oqdata", OQ_DATABASE="127.0.0.1",
                      HOME=tmp)
        reference = subprocess.Popen([args.oq, "webui", "start", f"127.0.0.1:{port + 1}", "-s"],
                                     env=oq_env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            rows.append(bench_one("OpenQuake 3.26.2 webui", f"http://127.0.0.1:{port + 1}"))
        finally:
            os.killpg(reference.pid, signal.SIGTERM)
            reference.wait(timeout=30)
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--oqcloud", default=str(ROOT / "target/release/oqcloud"))
    parser.add_argument("--oq", default=os.environ.get("OQCLOUD_OPENQUAKE",
                                                      str(ROOT / ".venv-openquake/bin/oq")))
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = on_both_servers(args, tmp, 8871,
                               lambda name, base: bench(name, base, args.seconds))
    keys = list(rows[0])
    print(" | ".join(keys))
    for row in rows:
        print(" | ".join(str(row[k]) for k in keys))
    if len(rows) == 2:
        print(f"status throughput ratio oqcloud/reference: "
              f"{rows[0]['status req/s'] / rows[1]['status req/s']:.1f}x; "
              f"submit->executing ratio reference/oqcloud: "
              f"{rows[1]['submit->executing s'] / rows[0]['submit->executing s']:.1f}x")


if __name__ == "__main__":
    main()
