#!/usr/bin/env bash
# Builds Obol and starts a mining node on the default devnet, with its
# embedded store in ./.obol/devnet. Extra arguments go to `obol node`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product obol
exec .build/release/obol node --mine --data-dir .obol/devnet "$@"
