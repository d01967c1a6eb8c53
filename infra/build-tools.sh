# Sourced by the build scripts (infra/test.sh, infra/demo.sh, .ci/run): makes sure a CMake
# >= 3.26, < 4 is available (the static HDF5 that oqcloud-datastore bundles needs it; Debian 12
# ships 3.25) and exports CMAKE and PATH for it. Uses $CMAKE or the cmake on PATH when it
# fits, otherwise pip-installs 'cmake<4' into the repo-local venv .venv-build/ (once, a few
# seconds). Idempotent; prints nothing when the tool is already there.

# Succeeds when the cmake executable $1 is a version in [3.26, 4).
oqcloud_cmake_fits() {
  local version major minor
  version=$("$1" --version 2>/dev/null | sed -n '1s/^cmake version \([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p')
  [ -n "$version" ] || return 1
  major=${version%%.*}
  minor=${version#*.}
  [ "$major" -eq 3 ] && [ "$minor" -ge 26 ]
}

oqcloud_build_tools() {
  local root venv candidate
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  venv="$root/.venv-build"
  for candidate in "${CMAKE:-}" "$venv/bin/cmake" "$(command -v cmake || true)"; do
    if [ -n "$candidate" ] && oqcloud_cmake_fits "$candidate"; then
      CMAKE=$(command -v "$candidate")
      break
    fi
    candidate=
  done
  if [ -z "$candidate" ]; then
    echo "installing CMake 3.x into .venv-build (needed to build the bundled HDF5) ..." >&2
    if ! { python3 -m venv "$venv" >&2 &&
      "$venv/bin/pip" install --quiet --disable-pip-version-check 'cmake>=3.26,<4' >&2; }; then
      echo "build-tools: could not install CMake into $venv (needs python3 with venv and pip)" >&2
      return 1
    fi
    CMAKE="$venv/bin/cmake"
    oqcloud_cmake_fits "$CMAKE" || {
      echo "build-tools: $CMAKE is not a CMake >= 3.26, < 4" >&2
      return 1
    }
  fi
  case ":$PATH:" in
    *":$(dirname "$CMAKE"):"*) ;;
    *) PATH="$(dirname "$CMAKE"):$PATH" ;;
  esac
  export CMAKE PATH
}

oqcloud_build_tools
