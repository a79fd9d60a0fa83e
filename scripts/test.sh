#!/usr/bin/env bash
# Installs what the tests need and runs every test: the C hash kernels against
# their scalar reference (every kernel, every lane), the Swift test suites, the
# HTTP API against docs/openapi.yaml (schemathesis, scripts/api-check.sh), the web
# wallet in headless Chromium against a devnet node with a wallet (scripts/test-browser.sh), a short
# crash test (a node killed with SIGKILL three times, its store verified each time),
# every libFuzzer target for 3 s (scripts/fuzz.sh: an AddressSanitizer build in
# .build-fuzz), then
# the demo network with two attackers (processes, TCP and Noise on 127.0.3.x/127.0.4.x),
# which must end converged with every attack refused.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
command -v python3 >/dev/null || OBOL_EXTRA_PACKAGES=python3 scripts/install-deps.sh
command -v curl >/dev/null || OBOL_EXTRA_PACKAGES=curl scripts/install-deps.sh
Tests/CSHA256Harness/run.sh --no-bench
swift build --build-tests
swift test --skip-build
scripts/api-check.sh
OBOL_BIN=.build/debug/obol scripts/test-browser.sh
scripts/crash-test.sh 3 --obol .build/debug/obol
scripts/fuzz.sh 3
python3 scripts/demo.py --nodes 4 --attackers 2 --blocks 20 --duration 600 --obol .build/debug/obol
