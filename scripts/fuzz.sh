#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (AddressSanitizer and libFuzzer, release, scratch path .build-fuzz)
# and runs each for SECONDS (default 60) on a copy of its seed corpus Fuzz/Corpus/<target>/, so the
# committed corpus never changes. Exits non-zero when any target crashes, breaks a property, leaks, times
# out or runs out of memory, naming the target and the saved input.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz.sh 3, scripts/fuzz.sh 600 FuzzBlock
#
# FUZZ_RUNS=N also stops each target after N inputs (for a long run that aims at a number of executions).
# Findings are kept in .build-fuzz/fuzz-findings/<target>/, logs in .build-fuzz/fuzz-logs/<target>.log.
# Replay one input: SWIFT_BACKTRACE=enable=no .build-fuzz/release/<target> <input file>
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift $(( $# > 0 ? 1 : 0 ))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(FuzzBlock FuzzBlockHeader FuzzTransfer FuzzWireFrames FuzzNoiseHandshake FuzzNoiseFrames
             FuzzChainSpec FuzzKeyFiles FuzzAPIRequests)
fi

scratch=.build-fuzz
# The comma form: two separate -sanitize flags keep only the last. lld: gold fails to link libFuzzer's
# driver into a Swift executable ("internal error in format_file_lineno").
build=(swift build --package-path Fuzz --scratch-path "$scratch" -c release
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld)
echo "== fuzz: building ${#targets[@]} targets (${build[*]})"
build_start=$SECONDS
"${build[@]}"
echo "== fuzz: built in $(( SECONDS - build_start )) s"
bin=$("${build[@]}" --show-bin-path)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
findings="$scratch/fuzz-findings"
logs="$scratch/fuzz-logs"
mkdir -p "$findings" "$logs"

failed=()
printf '%-20s %14s %10s %8s  %s\n' target executions exec/s seconds result
for target in "${targets[@]}"; do
    corpus="$work/corpus/$target"
    mkdir -p "$corpus" "$findings/$target"
    cp -R "Fuzz/Corpus/$target/." "$corpus/"
    log="$logs/$target.log"
    start=$SECONDS
    status=0
    SWIFT_BACKTRACE=enable=no "$bin/$target" "$corpus" \
        -max_total_time="$seconds" -runs="${FUZZ_RUNS:--1}" -detect_leaks=1 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$findings/$target/" >"$log" 2>&1 || status=$?
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    result=ok
    if [ "$status" -ne 0 ]; then
        artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
        reason=$(grep -m1 -E '^(==[0-9]+== ?ERROR|SUMMARY|ALARM|.*Fatal error)' "$log" || true)
        result="FAILED (exit $status): ${reason:-see $log}; input: ${artifact:-none saved}"
        failed+=("$target")
    fi
    printf '%-20s %14s %10s %8s  %s\n' "$target" "${executions:-?}" "${rate:-?}" "$(( SECONDS - start ))" "$result"
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "== fuzz: FAILED: ${failed[*]} (logs in $logs/, inputs in $findings/)" >&2
    exit 1
fi
echo "== fuzz: every target ran ${seconds} s without a finding"
