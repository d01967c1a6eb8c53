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
# moto's AWS-API emulator, for the tests of oqcloud-store-aws (they start and stop it);
# installed into .venv-build unless OQCLOUD_SKIP_MOTO=1 (those tests then print SKIPPED).
if [ -d .venv-build/bin ]; then export PATH="$PATH:$PWD/.venv-build/bin"; fi
if [ -z "${OQCLOUD_SKIP_MOTO:-}" ] && ! command -v moto_server >/dev/null; then
  echo "installing moto (AWS-API emulator) into .venv-build ..."
  [ -x .venv-build/bin/pip ] || python3 -m venv .venv-build
  .venv-build/bin/pip install --quiet --disable-pip-version-check 'moto[server]'
  export PATH="$PATH:$PWD/.venv-build/bin"
fi
cargo test --workspace --no-fail-fast "$@"
