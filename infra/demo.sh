#!/usr/bin/env bash
# Builds oqcloud, starts the embedded server on 127.0.0.1:8800 (data in ./oqdata), runs the
# demo job demos/classical_area through its REST API, prints the log and the results, and
# keeps serving until Ctrl-C. Installs the reference OpenQuake engine (used to run jobs the
# native engine cannot run yet) into .venv-openquake on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${OQCLOUD_PORT:-8800}
base="http://127.0.0.1:$port"
if [ -z "${OQCLOUD_OPENQUAKE:-}" ] && [ ! -x .venv-openquake/bin/oq ]; then
  echo "installing the reference OpenQuake engine into .venv-openquake ..."
  bash infra/install-openquake.sh .venv-openquake
fi
export OQCLOUD_OPENQUAKE="${OQCLOUD_OPENQUAKE:-$PWD/.venv-openquake/bin/oq}"
source infra/build-tools.sh
cargo build --bin oqcloud
"${CARGO_TARGET_DIR:-target}"/debug/oqcloud serve --port "$port" --data-dir oqdata &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 100); do curl -sf "$base/v1/engine_version" >/dev/null && break; sleep 0.1; done

echo "== submitting demos/classical_area"
args=()
for f in demos/classical_area/*; do args+=(-F "archive=@$f"); done
reply=$(curl -sf "${args[@]}" "$base/v1/calc/run")
echo "$reply"
id=$(echo "$reply" | python3 -c 'import json,sys; print(json.load(sys.stdin)["job_id"])')
status=created
while [ "$status" = created ] || [ "$status" = submitted ] || [ "$status" = executing ]; do
  sleep 1
  status=$(curl -sf "$base/v1/calc/$id/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
  echo "job $id: $status"
done
echo "== log"
curl -sf "$base/v1/calc/$id/log/:" | python3 -c 'import json,sys; [print(*row) for row in json.load(sys.stdin)]'
echo "== results"
curl -sf "$base/v1/calc/$id/results" | python3 -m json.tool
echo "Serving on $base (job $id is there); Ctrl-C to stop."
wait $server
