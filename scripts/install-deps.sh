#!/usr/bin/env bash
# Installs the system libraries Obol builds against, when they are missing.
set -euo pipefail
need=()
# OBOL_EXTRA_PACKAGES adds more (the test script asks for python3 when it is missing).
for pkg in libsecp256k1-dev libsqlite3-dev pkg-config ${OBOL_EXTRA_PACKAGES:-}; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
