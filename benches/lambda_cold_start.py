#!/usr/bin/env python3
"""Cold start of a Lambda function binary, measured locally.

Runs the binary as Lambda would (provided.al2023: the `bootstrap` executable polling the
Runtime API) against a minimal Runtime API served here, and measures, per start:
  init   - from exec to the function's first `GET /invocation/next` (its init phase),
  first  - from handing it an API Gateway event to receiving its response.
No AWS call is made: the event is `GET /v1/engine_version`, which reads no store.

usage: benches/lambda_cold_start.py BINARY [RUNS]
e.g.   cargo build --release -p oqcloud-functions --bin engine-version
       benches/lambda_cold_start.py target/release/engine-version 20
"""
import http.server
import json
import os
import pathlib
import statistics
import subprocess
import sys
import threading
import time

EVENT = json.loads(
    (pathlib.Path(__file__).parent.parent / "tests/data/lambda/apigw-http-v2.json").read_text()
)


class RuntimeApi(http.server.BaseHTTPRequestHandler):
    """The two Runtime API calls a function makes: next invocation, and its response."""

    state = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        state = self.state
        if state.get("first_poll") is None:
            state["first_poll"] = time.perf_counter()
        if state.get("served"):
            state["done"].set()
            time.sleep(5)  # the process is killed meanwhile
            return
        state["served"] = True
        body = json.dumps(EVENT).encode()
        self.send_response(200)
        self.send_header("Lambda-Runtime-Aws-Request-Id", "bench-1")
        self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30000))
        self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:bench")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        state["event_sent"] = time.perf_counter()

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        payload = self.rfile.read(length)
        self.state["responded"] = time.perf_counter()
        self.state["response"] = json.loads(payload)
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()


def one_start(binary):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RuntimeApi)
    RuntimeApi.state = {"done": threading.Event()}
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = dict(
        os.environ,
        AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{server.server_address[1]}",
        AWS_LAMBDA_FUNCTION_NAME="bench",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE="1024",
        AWS_LAMBDA_FUNCTION_VERSION="$LATEST",
        AWS_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        OQCLOUD_JOBS_TABLE="jobs",
        OQCLOUD_BUCKET="bucket",
        OQCLOUD_QUEUE_URL="https://sqs.us-east-1.amazonaws.com/123456789012/runs",
        OQCLOUD_MAIL_FROM="oq@example.com",
        OQCLOUD_BATCH_JOB_QUEUE="jobs",
        OQCLOUD_BATCH_JOB_DEFINITION="worker",
        RUST_LOG="warn",
    )
    start = time.perf_counter()
    process = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL)
    try:
        if not RuntimeApi.state["done"].wait(30):
            raise SystemExit("the function did not answer within 30 s")
    finally:
        process.kill()
        process.wait()
        server.shutdown()
    state = RuntimeApi.state
    assert state["response"]["statusCode"] == 200, state["response"]
    return state["first_poll"] - start, state["responded"] - state["event_sent"]


def main():
    binary = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    one_start(binary)  # page cache warm, as on a warm Lambda host
    inits, firsts = zip(*(one_start(binary) for _ in range(runs)))
    size = os.path.getsize(binary) / 1e6
    print(f"{binary}: {size:.1f} MB")
    print(f"init  (exec -> first poll): median {statistics.median(inits) * 1000:.1f} ms, "
          f"max {max(inits) * 1000:.1f} ms over {runs} starts")
    print(f"first invocation (engine_version): median {statistics.median(firsts) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
