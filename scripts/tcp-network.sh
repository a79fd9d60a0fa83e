#!/usr/bin/env bash
# A network of N `obol node` processes over TCP with Noise on loopback, found through `obol tracker`:
# node 1 mines; every node must reach the same tip of at least BLOCKS blocks.
#   scripts/tcp-network.sh [N=20] [BLOCKS=12]
# Each node listens on its own address (127.0.1.1, 127.0.1.2, …) with its HTTP API on port 8080 there.
# Prints when each node reached the tip, then "tcp-network: N nodes converged on height H in S s";
# exits non-zero if they do not converge within 5 minutes. Stops every process and removes its data.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20}
BLOCKS=${2:-12}
if ! [[ "$N" =~ ^[0-9]+$ ]] || (( N < 2 || N > 200 )); then echo "N must be from 2 to 200" >&2; exit 2; fi
if ! [[ "$BLOCKS" =~ ^[0-9]+$ ]] || (( BLOCKS < 1 )); then echo "BLOCKS must be a positive number" >&2; exit 2; fi
if ! built=$(swift build -c release --product obol 2>&1); then echo "$built" >&2; exit 1; fi
OBOL=.build/release/obol
WORK=$(mktemp -d /tmp/obol-tcp-network.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

host() { echo "127.0.1.$1"; }
TRACKER=127.0.0.1:19400
$OBOL tracker --listen "$TRACKER" --heartbeat 5 >"$WORK/tracker.log" 2>&1 &
PIDS+=($!)
sleep 1
START=$(date +%s.%N)
for i in $(seq 1 "$N"); do
    args=(node --data-dir "$WORK/node$i" --listen "$(host "$i"):9333" --http-host "$(host "$i")" --http-port 8080
          --tracker "http://$TRACKER" --log-level warning)
    if (( i == 1 )); then args+=(--mine --threads 1); fi
    $OBOL "${args[@]}" >"$WORK/node$i.log" 2>&1 &
    PIDS+=($!)
done

status() { curl -s --max-time 2 "http://$(host "$1"):8080/status" || true; }
field() { python3 -c "import json,sys; d=json.loads(sys.stdin.read() or '{}'); print(d.get('$1', ''))"; }

deadline=$(( $(date +%s) + 300 ))
while :; do
    tip=$(status 1 | field tip); height=$(status 1 | field height)
    if [[ -n "$height" ]] && (( height >= BLOCKS )); then
        behind=0
        for i in $(seq 2 "$N"); do
            [[ "$(status "$i" | field tip)" == "$tip" ]] || behind=$((behind + 1))
        done
        if (( behind == 0 )); then break; fi
    fi
    if (( $(date +%s) > deadline )); then
        echo "tcp-network: not converged after 300 s (node 1 at height ${height:-?}, $behind behind)" >&2
        for i in $(seq 1 "$N"); do echo "node $i: $(status "$i")" >&2; done
        exit 1
    fi
    sleep 1
done
END=$(date +%s.%N)
peers=$(for i in $(seq 1 "$N"); do status "$i" | field peers; done | sort -n | tr '\n' ' ')
echo "peers per node: $peers"
echo "tracker lists: $(curl -s "http://$TRACKER/tracker/peers?count=50" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["peers"]))') nodes"
printf "tcp-network: %d nodes converged on height %s in %s s\n" "$N" "$height" "$(python3 -c "print(round($END - $START, 1))")"
