#!/usr/bin/env bash
# Installs what the tests need and runs every test: the C hash kernels against
# their scalar reference (every kernel, every lane), then the Swift test suites.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
Tests/CSHA256Harness/run.sh --no-bench
swift build --build-tests
swift test --skip-build
