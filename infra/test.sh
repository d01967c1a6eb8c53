#!/usr/bin/env bash
# Runs the whole test suite. Installs the reference OpenQuake engine into .venv-openquake
# first (about 3 minutes, once) so the tests that run real jobs and compare with it run too;
# set OQCLOUD_SKIP_OPENQUAKE=1 to skip that (those tests then print SKIPPED and pass).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${OQCLOUD_SKIP_OPENQUAKE:-}" ]; then
  if [ -z "${OQCLOUD_OPENQUAKE:-}" ] && [ ! -x .venv-openquake/bin/oq ]; then
    echo "installing the reference OpenQuake engine into .venv-openquake ..."
    bash infra/install-openquake.sh .venv-openquake
  fi
  export OQCLOUD_OPENQUAKE="${OQCLOUD_OPENQUAKE:-$PWD/.venv-openquake/bin/oq}"
fi
source infra/build-tools.sh
cargo test --workspace --no-fail-fast "$@"
