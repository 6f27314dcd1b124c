#!/usr/bin/env bash
# Installs what pyasm's build needs and is missing (Debian packages), then
# configures and builds into build/. Safe to run again: it installs nothing
# that is already there and rebuilds only what changed.
#
# Usage: tools/bootstrap.sh [extra cmake -D options...]
# PYASM_BOOTSTRAP_CLANG=1 also installs clang, for the fuzz targets
# (tests/fuzz/run.sh; CI sets it).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ make re2c lemon libcli11-dev doctest-dev python3 pkg-config)
[ "${PYASM_BOOTSTRAP_CLANG:-0}" = 1 ] && packages+=(clang)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build build -j"$(nproc)"
