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
# The SAM template, linted offline: cfn-lint (installed with moto) and `sam validate --lint`
# (aws-sam-cli, installed into its own venv .venv-sam: about 4 minutes and 340 MB, once;
# OQCLOUD_SKIP_SAM=1 skips it).
if command -v cfn-lint >/dev/null; then
  cfn-lint template.yaml
else
  echo "SKIPPED cfn-lint template.yaml: cfn-lint is not installed"
fi
if [ -z "${OQCLOUD_SKIP_SAM:-}" ]; then
  if [ ! -x .venv-sam/bin/sam ]; then
    echo "installing aws-sam-cli into .venv-sam ..."
    python3 -m venv .venv-sam
    .venv-sam/bin/pip install --quiet --disable-pip-version-check aws-sam-cli
  fi
  SAM_CLI_TELEMETRY=0 .venv-sam/bin/sam validate --lint --region us-east-1 --template-file template.yaml
fi
# The browser test of the web pages (tests/browser.rs): Debian's chromium, Node and the
# script's playwright-core (tests/browser, from package-lock.json). chromium and Node are
# apt-installed when missing and this runs as root (CI); OQCLOUD_SKIP_BROWSER=1 skips all
# of it (the test then prints SKIPPED).
if [ -z "${OQCLOUD_SKIP_BROWSER:-}" ]; then
  missing=()
  [ -n "${OQCLOUD_CHROMIUM:-}" ] || [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v npm >/dev/null || missing+=(nodejs npm)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "installing ${missing[*]} (for the browser test) ..."
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      echo "SKIPPED installing ${missing[*]}: not root (the browser test will print SKIPPED)"
    fi
  fi
  if command -v npm >/dev/null && [ ! -d tests/browser/node_modules/playwright-core ]; then
    (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
cargo test --workspace --no-fail-fast "$@"
