#!/usr/bin/env bash
# Kills `obol node` with SIGKILL N times at random moments and checks that it always comes back whole.
#   scripts/crash-test.sh [N=10] [--obol PATH]      (or OBOL=PATH; default .build/debug/obol)
# The nodes run a copy of the test network (trivial difficulty) that never retargets, allows timestamps a
# day ahead and has a coinbase maturity of 10 blocks, so one mining thread makes hundreds of blocks a second
# and the stored accounts carry maturity locks. A source node on 127.0.66.1 first mines a chain of 3,000
# blocks with a few transfers, then serves it without mining. The victim, on 127.0.66.2, takes turns:
#   mining    it mines alone on its own data directory, with a transfer submitted to it;
#   import    it syncs the source's chain with --peer into a new data directory;
#   reorg     in a new data directory it mines a branch of its own (20 to 200 blocks, stopped cleanly), then
#             connects to the source, whose chain is longer, fetches it and reorganizes onto it.
# Each run is killed at a random moment after start (mining 0.3-3 s, import and reorg 0.5-8 s); the summary
# counts the import and reorg kills that hit while the victim was still behind the source.
# After each kill: `obol verify` on the killed data directory (the node stopped) must pass; then the
# node is restarted with the same arguments, and its height (GET /status) must reach the last height
# /status reported before the kill within 60 s; then it is stopped with SIGTERM.
# Prints "crash-test: N kills, R clean restarts, F verify failures"; exits non-zero on any failure.
# Stops every process it started and removes its data (trap on EXIT).
set -euo pipefail
cd "$(dirname "$0")/.."

N=10
OBOL=${OBOL:-.build/debug/obol}
while (( $# > 0 )); do
    case "$1" in
        --obol) OBOL=${2:?--obol needs a path}; shift 2 ;;
        --obol=*) OBOL=${1#--obol=}; shift ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) N=$1; shift ;;
    esac
done
if ! [[ "$N" =~ ^[0-9]+$ ]] || (( N < 1 || N > 10000 )); then echo "crash-test: N must be from 1 to 10000" >&2; exit 2; fi
if [[ ! -x "$OBOL" ]]; then echo "crash-test: no obol binary at $OBOL (swift build, or pass --obol PATH)" >&2; exit 2; fi
command -v curl >/dev/null || { echo "crash-test: needs curl" >&2; exit 2; }

WORK=$(mktemp -d /tmp/obol-crash-test.XXXXXX)
SOURCE_HOST=127.0.66.1
VICTIM_HOST=127.0.66.2
PORT=19333
HTTP=8080
SOURCE_PID=""
VICTIM_PID=""
cleanup() {
    for pid in $VICTIM_PID $SOURCE_PID; do kill -9 "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# The height /status reports at HOST, or nothing when the API does not answer.
height() {
    curl -s --max-time 1 "http://$1:$HTTP/status" 2>/dev/null | sed -n 's/.*"height" *: *\([0-9][0-9]*\).*/\1/p' || true
}

# Waits up to $2 seconds for the API at $1 to answer.
wait_for_api() {
    local deadline=$(( $(date +%s) + $2 ))
    while [[ -z "$(height "$1")" ]]; do
        (( $(date +%s) < deadline )) || return 1
        sleep 0.1
    done
}

# A random whole number of milliseconds from $1 to $2.
random_ms() { echo $(( $1 + (RANDOM * 32768 + RANDOM) % ($2 - $1 + 1) )); }

# The same, in seconds (for sleep).
random_seconds() {
    local ms; ms=$(random_ms "$1" "$2")
    printf '%d.%03d' $(( ms / 1000 )) $(( ms % 1000 ))
}

VICTIM_ARGS=()
start_victim() {
    "$OBOL" node --network "$NETWORK" --http-host "$VICTIM_HOST" --http-port "$HTTP" --no-listen --log-level warning \
        "${VICTIM_ARGS[@]}" >>"$WORK/victim.log" 2>&1 &
    VICTIM_PID=$!
}

# SIGTERM, then up to 30 s for a clean exit (SIGKILL after that).
stop_victim() {
    [[ -n "$VICTIM_PID" ]] || return 0
    kill -TERM "$VICTIM_PID" 2>/dev/null || true
    local waited=0
    while kill -0 "$VICTIM_PID" 2>/dev/null && (( waited < 300 )); do sleep 0.1; waited=$((waited + 1)); done
    kill -9 "$VICTIM_PID" 2>/dev/null || true
    wait "$VICTIM_PID" 2>/dev/null || true
    VICTIM_PID=""
}

# Runs the victim for a random moment from $1 to $2 ms after it starts, polling /status, then SIGKILLs it.
# Sets LAST_HEIGHT to the last height /status reported before the kill (empty if it never answered).
run_and_kill() {
    start_victim
    local until_ns=$(( $(date +%s%N) + $(random_ms "$1" "$2") * 1000000 ))
    LAST_HEIGHT=""
    while (( $(date +%s%N) < until_ns )); do
        local h; h=$(height "$VICTIM_HOST")
        if [[ -n "$h" ]]; then
            if [[ -z "$LAST_HEIGHT" && -n "${TRANSFER_ON_START:-}" ]]; then send_transfer "$VICTIM_HOST"; fi
            LAST_HEIGHT=$h
        fi
        sleep 0.05
    done
    kill -9 "$VICTIM_PID" 2>/dev/null || true
    wait "$VICTIM_PID" 2>/dev/null || true
    VICTIM_PID=""
}

fail() { echo "crash-test: kill $1 ($2): $3" >&2; FAILURES=$((FAILURES + 1)); }

NETWORK=$WORK/crash-test.json
cat >"$NETWORK" <<'JSON'
{"name": "crash-test", "networkID": 184649301, "magic": 184649301, "defaultPort": 19366,
 "genesisTimestamp": 1700000000, "genesisAllocationAddress": "obol1te4u9nrf9wya4s40skkh9qe29kaxq82gj4vnn3",
 "genesisAllocationAmount": 100000000000000, "targetBlockTime": 5, "retargetInterval": 1000000,
 "initialBits": {"bits": 545259519}, "maxTargetBits": {"bits": 545259519}, "blockReward": 5000000000,
 "halvingInterval": 100000, "minimumFee": 1000, "maxBlockSize": 1000000, "maxBlockTransactions": 5000,
 "maxFutureDrift": 86400, "medianTimeSpan": 11, "coinbaseMaturity": 10,
 "minimumChainWork": "0000000000000000000000000000000000000000000000000000000000000000"}
JSON
# The genesis allocation's key (the devnet's, public) pays a few recipients through the source.
ALLOCATION_KEY=0b01000000000000000000000000000000000000000000000000000000000de7
# Throwaway key files: encrypted under a fixed passphrase, with the cheapest scrypt cost, for this network.
export OBOL_PASSPHRASE="crash test"
"$OBOL" wallet import --key "$ALLOCATION_KEY" --key-file "$WORK/allocation.json" --network "$NETWORK" \
    --scrypt-log2n 10 >/dev/null </dev/null
for r in 1 2 3; do
    "$OBOL" wallet new --key-file "$WORK/recipient$r.json" --network "$NETWORK" --scrypt-log2n 10 >/dev/null
done
RECIPIENTS=()
for r in 1 2 3; do RECIPIENTS+=("$("$OBOL" wallet address --key-file "$WORK/recipient$r.json")"); done
# A transfer from the allocation to one of the recipients, submitted to the node at $1.
send_transfer() {
    "$OBOL" wallet send --key-file "$WORK/allocation.json" --to "${RECIPIENTS[$(( RANDOM % 3 ))]}" \
        --amount "$(( 1 + RANDOM % 50 )).5" --node "http://$1:$HTTP" >/dev/null 2>&1 || true
}

# Starts a node that mines alone into the data directory $1 and stops it cleanly at height $2 or more.
mine_alone_until() {
    VICTIM_ARGS=(--data-dir "$1" --mine --threads 1)
    start_victim
    local deadline=$(( $(date +%s) + 60 ))
    until h=$(height "$VICTIM_HOST"); [[ -n "$h" ]] && (( h >= $2 )); do
        (( $(date +%s) < deadline )) || break
        sleep 0.02
    done
    stop_victim
}

START=$(date +%s)
mkdir -p "$WORK/source"
"$OBOL" node --network "$NETWORK" --data-dir "$WORK/source" --listen "$SOURCE_HOST:$PORT" --http-host "$SOURCE_HOST" \
    --http-port "$HTTP" --mine --threads 1 --log-level warning >"$WORK/source.log" 2>&1 &
SOURCE_PID=$!
wait_for_api "$SOURCE_HOST" 60 || { echo "crash-test: the source node did not start" >&2; tail -5 "$WORK/source.log" >&2; exit 1; }
for _ in 1 2 3 4 5; do send_transfer "$SOURCE_HOST"; done
# A chain long enough that importing it takes a while (several seconds for the debug build), then no more
# mining: the victims' own branches stay shorter than it.
deadline=$(( $(date +%s) + 120 ))
until h=$(height "$SOURCE_HOST"); [[ -n "$h" ]] && (( h >= 3000 )); do
    (( $(date +%s) < deadline )) || { echo "crash-test: the source node did not reach height 3000" >&2; exit 1; }
    sleep 0.01
done
kill -TERM "$SOURCE_PID"
wait "$SOURCE_PID" 2>/dev/null || true
"$OBOL" node --network "$NETWORK" --data-dir "$WORK/source" --listen "$SOURCE_HOST:$PORT" --http-host "$SOURCE_HOST" \
    --http-port "$HTTP" --log-level warning >>"$WORK/source.log" 2>&1 &
SOURCE_PID=$!
wait_for_api "$SOURCE_HOST" 60 || { echo "crash-test: the source node did not restart" >&2; exit 1; }
SOURCE_HEIGHT=$(height "$SOURCE_HOST")

KILLS=0
RESTARTS=0
VERIFY_FAILURES=0
FAILURES=0
LOST_AT_RESTART=0
SYNCING_KILLS=0
declare -A BY_MODE=([mining]=0 [import]=0 [reorg]=0)
MODES=(mining import reorg)
for i in $(seq 1 "$N"); do
    mode=${MODES[$(( (i - 1) % 3 ))]}
    TRANSFER_ON_START=""
    case "$mode" in
        mining)
            # Kept across kills, until it grows long enough to make verify slow.
            if [[ -n "${MINING_HEIGHT:-}" ]] && (( MINING_HEIGHT > 5000 )); then rm -rf "$WORK/mining"; fi
            VICTIM_ARGS=(--data-dir "$WORK/mining" --mine --threads 1)
            TRANSFER_ON_START=1
            run_and_kill 300 3000
            MINING_HEIGHT=${LAST_HEIGHT:-0} ;;
        import)
            rm -rf "$WORK/import"
            VICTIM_ARGS=(--data-dir "$WORK/import" --peer "$SOURCE_HOST:$PORT")
            run_and_kill 500 8000 ;;
        reorg)
            rm -rf "$WORK/reorg"
            mine_alone_until "$WORK/reorg" $(( 20 + RANDOM % 181 ))
            VICTIM_ARGS=(--data-dir "$WORK/reorg" --peer "$SOURCE_HOST:$PORT")
            run_and_kill 500 8000 ;;
    esac
    KILLS=$((KILLS + 1))
    if [[ "$mode" != mining ]] && (( ${LAST_HEIGHT:-0} < SOURCE_HEIGHT )); then SYNCING_KILLS=$((SYNCING_KILLS + 1)); fi
    BY_MODE[$mode]=$(( BY_MODE[$mode] + 1 ))
    dir=${VICTIM_ARGS[1]}

    # The killed store, the node stopped.
    if ! out=$("$OBOL" verify --data-dir "$dir" --network "$NETWORK" 2>/dev/null); then
        VERIFY_FAILURES=$((VERIFY_FAILURES + 1))
        fail "$i" "$mode" "verify failed:"
        echo "$out" | head -20 >&2
        cp -r "$dir" "/tmp/obol-crash-test-failed-$i" 2>/dev/null && echo "  kept a copy in /tmp/obol-crash-test-failed-$i" >&2
    fi

    # Restart with the same arguments; its height must reach the last one reported before the kill.
    start_victim
    if ! wait_for_api "$VICTIM_HOST" 60; then
        fail "$i" "$mode" "the restarted node's API did not answer within 60 s"
        stop_victim
        continue
    fi
    first=""
    for _ in $(seq 1 50); do first=$(height "$VICTIM_HOST"); [[ -n "$first" ]] && break; sleep 0.2; done
    target=${LAST_HEIGHT:-0}
    if [[ -n "$first" ]] && (( first < target )); then LOST_AT_RESTART=$((LOST_AT_RESTART + 1)); fi
    deadline=$(( $(date +%s) + 60 ))
    reached=""
    while :; do
        h=$(height "$VICTIM_HOST")
        if [[ -n "$h" ]] && (( h >= target )); then reached=$h; break; fi
        (( $(date +%s) < deadline )) || break
        sleep 0.2
    done
    if [[ -n "$reached" ]]; then
        RESTARTS=$((RESTARTS + 1))
    else
        fail "$i" "$mode" "restarted at height ${first:-?}, still below $target (the height before the kill) after 60 s"
    fi
    stop_victim
    printf 'kill %d (%s): height %s before the kill, %s at restart, verify %s\n' \
        "$i" "$mode" "${LAST_HEIGHT:-none}" "${first:-?}" "$([[ ${out:-} == verify:\ ok* ]] && echo ok || echo FAILED)"
done

# The source, stopped cleanly, must verify too.
kill -TERM "$SOURCE_PID" 2>/dev/null || true
wait "$SOURCE_PID" 2>/dev/null || true
SOURCE_PID=""
if ! out=$("$OBOL" verify --data-dir "$WORK/source" --network "$NETWORK" 2>/dev/null); then
    fail "-" "source" "verify of the source node's store failed:"
    echo "$out" | head -20 >&2
fi

ELAPSED=$(( $(date +%s) - START ))
echo "kills by activity: mining ${BY_MODE[mining]}, import ${BY_MODE[import]}, reorg ${BY_MODE[reorg]}" \
     "(source chain: $SOURCE_HEIGHT blocks; $SYNCING_KILLS import/reorg kills while still behind it); restarts that first answered below the height before the kill:" \
     "$LOST_AT_RESTART; $ELAPSED s"
echo "crash-test: $KILLS kills, $RESTARTS clean restarts, $VERIFY_FAILURES verify failures"
(( FAILURES == 0 ))
