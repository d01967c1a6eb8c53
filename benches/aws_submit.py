#!/usr/bin/env python3
"""Submissions per second through a server in AWS mode (a benchmark, not a test).

Submits demos/classical_area (multipart, 4 files) N times from C client threads to a
running server and reports the rate of accepted submissions. Each submission validates the
job, allocates an id (DynamoDB), stores 4 inputs (S3), records the job and queues its run
(SQS). Start the server without workers so runs do not compete:
  bash infra/local/up.sh --no-worker        (moto on :5000, API on :8800)
usage: benches/aws_submit.py [--base http://127.0.0.1:8800] [-n 200] [-c 8]"""
import argparse
import concurrent.futures
import pathlib
import sys
import time
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from spine import DEMO, multipart  # noqa: E402


def submit(base, body, content_type):
    request = urllib.request.Request(f"{base}/v1/calc/run", data=body, method="POST",
                                     headers={"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8800")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("-c", type=int, default=8)
    args = parser.parse_args()
    files = sorted(DEMO.iterdir(), key=lambda p: (p.suffix != ".ini", p.name))
    body, content_type = multipart([p for p in files if p.is_file()])
    submit(args.base, body, content_type)  # warm up
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(args.c) as pool:
        codes = list(pool.map(lambda _: submit(args.base, body, content_type), range(args.n)))
    elapsed = time.perf_counter() - start
    accepted = codes.count(200)
    print(f"{accepted}/{args.n} accepted in {elapsed:.2f} s with {args.c} clients: "
          f"{accepted / elapsed:.1f} submissions/s")


if __name__ == "__main__":
    main()
