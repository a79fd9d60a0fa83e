#!/usr/bin/env bash
# Builds the CSHA256 C harness with clang (the Swift toolchain's when present)
# and gcc, warnings as errors, runs the checks, then benchmarks each kernel.
# Usage: Tests/CSHA256Harness/run.sh [harness args, e.g. --no-bench --seconds 2 --runs 3]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
src="$root/Sources/CSHA256"
out="${TMPDIR:-/tmp}/csha256-harness"
mkdir -p "$out"
cc=clang
[ -x /opt/swift/usr/bin/clang ] && cc=/opt/swift/usr/bin/clang
# -O2 -fPIC -g -fno-omit-frame-pointer is what SwiftPM release builds use for C.
flags=(-O2 -fPIC -g -fno-omit-frame-pointer -Wall -Wextra -Werror -I "$src/include" -I "$src")
if command -v gcc >/dev/null; then
    gcc "${flags[@]}" "$src"/*.c "$root/Tests/CSHA256Harness/harness.c" -o "$out/harness-gcc"
    "$out/harness-gcc" --no-bench --iters 500
fi
"$cc" "${flags[@]}" "$src"/*.c "$root/Tests/CSHA256Harness/harness.c" -o "$out/harness"
"$out/harness" "$@"
