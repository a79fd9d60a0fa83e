#!/usr/bin/env bash
# Drives the web wallet (GET /) in headless Chromium against a real devnet node that holds the devnet
# allocation key as its wallet: a wrong then the right API token, the wallet's address and balance, an
# invalid recipient refused as it is typed, then 1.5 OBOL sent to a second address through the
# confirmation dialog, seen pending and then confirmed without a reload (live updates). The wallet's
# node does not mine, so the transfer stays pending until the test starts a mining node that peers
# with it (it fetches the pending transfer on connecting, mines it, and relays the block back). Screenshots of each state go to .artifacts/browser/ (git-ignored); the path is
# printed. Exits non-zero with a message on any failure. Only loopback addresses.
#
#   scripts/test-browser.sh            # builds, then uses .build/debug/obol
#   OBOL_BIN=path/to/obol scripts/test-browser.sh
#
# Installs what it needs when missing: Debian's chromium and chromium-driver (scripts/install-deps.sh),
# and selenium, pinned, in .venv-browser/ (git-ignored). Selenium runs offline (SE_OFFLINE: no driver
# download), with /usr/bin/chromium and /usr/bin/chromedriver.
set -euo pipefail
cd "$(dirname "$0")/.."
selenium_spec="selenium<4.52"
venv=.venv-browser
host=127.0.7.1
miner_host=127.0.7.2
artifacts="$PWD/.artifacts/browser"

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  OBOL_EXTRA_PACKAGES="chromium chromium-driver" scripts/install-deps.sh
fi
if ! "$venv/bin/python" -c 'import selenium' 2>/dev/null; then
  python3 -m venv --help >/dev/null 2>&1 && python3 -c 'import ensurepip' 2>/dev/null \
    || OBOL_EXTRA_PACKAGES=python3-venv scripts/install-deps.sh
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$selenium_spec"
fi

if [ -z "${OBOL_BIN:-}" ]; then
  swift build --product obol
  obol=.build/debug/obol
else
  obol="$OBOL_BIN"
fi
[ -x "$obol" ] || { echo "test-browser: no obol binary at $obol" >&2; exit 2; }

tmp="$(mktemp -d)"
node=""
cleanup() {
  if [ -n "$node" ]; then kill "$node" 2>/dev/null || true; wait "$node" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# Key files are read with this passphrase once they are encrypted; a plain key file ignores it.
export OBOL_PASSPHRASE="browser-test-passphrase"
"$obol" wallet import --key 0b01000000000000000000000000000000000000000000000000000000000de7 \
  --key-file "$tmp/wallet.json" >/dev/null
"$obol" wallet new --key-file "$tmp/other.json" >/dev/null
other="$("$obol" wallet address --key-file "$tmp/other.json" | grep -o 'obol1[a-z0-9]*' | head -n 1)"
[ -n "$other" ] || { echo "test-browser: could not read the second wallet's address" >&2; exit 1; }

free_port() {
  python3 -c 'import socket, sys; s=socket.socket(); s.bind((sys.argv[1], 0)); print(s.getsockname()[1]); s.close()' "$1"
}
port="$(free_port "$host")"
peer_port="$(free_port "$host")"
miner_port="$(free_port "$miner_host")"
"$obol" node --network devnet --wallet "$tmp/wallet.json" --data-dir "$tmp/data" \
  --http-host "$host" --http-port "$port" --listen "$host:$peer_port" >"$tmp/node.log" 2>&1 &
node=$!

for _ in $(seq 1 150); do
  curl -fsS "http://$host:$port/status" >/dev/null 2>&1 && break
  kill -0 "$node" 2>/dev/null || { echo "test-browser: the node exited:" >&2; cat "$tmp/node.log" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "http://$host:$port/status" >/dev/null \
  || { echo "test-browser: the node did not answer" >&2; cat "$tmp/node.log" >&2; exit 1; }
[ -s "$tmp/data/api.token" ] || { echo "test-browser: the node wrote no $tmp/data/api.token" >&2; cat "$tmp/node.log" >&2; exit 1; }

rm -rf "$artifacts"
mkdir -p "$artifacts"
status=0
SE_OFFLINE=true "$venv/bin/python" scripts/browser_test.py --url "http://$host:$port/" \
  --token "$(cat "$tmp/data/api.token")" --to "$other" --artifacts "$artifacts" \
  --miner "$obol node --network devnet --mine --threads 1 --data-dir :memory: --http-port 0 --listen $miner_host:$miner_port --peer $host:$peer_port" \
  --miner-log "$tmp/miner.log" || status=$?
echo "test-browser: screenshots in $artifacts"
if [ "$status" -ne 0 ]; then
  echo "test-browser: FAILED; the node's log:" >&2
  tail -n 40 "$tmp/node.log" >&2
  if [ -s "$tmp/miner.log" ]; then echo "test-browser: the miner's log:" >&2; tail -n 20 "$tmp/miner.log" >&2; fi
  exit "$status"
fi
echo "test-browser: the web wallet works end to end"
