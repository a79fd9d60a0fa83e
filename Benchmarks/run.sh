#!/usr/bin/env bash
# Runs Obol's benchmarks (release build) from this folder. Arguments go to the
# benchmark tool, for example:
#   ./run.sh                                  all benchmarks
#   ./run.sh --filter "HeaderHash.*"          a subset (the regex must match the whole name)
#   ./run.sh --filter "Block.*" --scale       per-iteration totals instead of per-item values
#   ./run.sh --filter "Block.validate1000" --allocation-stacks   where the allocations come from
#   ./run.sh baseline update main             store a baseline (.benchmarkBaselines/, git-ignored)
#   ./run.sh baseline compare main            compare this run against it
# On a loaded machine, as root: nice -n -15 ./run.sh
set -euo pipefail
cd "$(dirname "$0")"
exec swift package --allow-writing-to-package-directory benchmark "$@"
