#!/usr/bin/env bash
# The local AWS mode in one command: starts moto_server on 127.0.0.1:$MOTO_PORT (installing
# moto[server] into .venv-build if needed), creates the resources, and serves the API on
# 127.0.0.1:8800 over them with queue-polling workers. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/local/env.sh
if [ -d .venv-build/bin ]; then export PATH="$PATH:$PWD/.venv-build/bin"; fi
if ! command -v moto_server >/dev/null; then
  [ -x .venv-build/bin/pip ] || python3 -m venv .venv-build
  .venv-build/bin/pip install --quiet --disable-pip-version-check 'moto[server]'
  export PATH="$PATH:$PWD/.venv-build/bin"
fi
moto_server -H 127.0.0.1 -p "$MOTO_PORT" >/tmp/oqcloud-moto.log 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null || true' EXIT
until curl -s -o /dev/null "$AWS_ENDPOINT_URL"; do sleep 0.2; done
bash infra/local/setup.sh
source infra/build-tools.sh
cargo run -q --bin oqcloud -- serve --backend aws --data-dir oqdata-aws "$@"
