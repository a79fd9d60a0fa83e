#!/usr/bin/env bash
# Checks the HTTP API against its specification: starts a test-network node with
# its chain in a temporary directory on 127.0.6.1 (no peers, no mining), holding a
# new throwaway wallet (--wallet), and runs schemathesis
# against docs/openapi.yaml, a bounded and derandomized number of examples per
# operation, with the checks not_a_server_error, status_code_conformance,
# content_type_conformance, response_schema_conformance and negative_data_rejection
# (invalid requests must be refused). The wallet routes need the node's token: curl
# first checks that they answer 401 (with WWW-Authenticate: Bearer) without it, then
# schemathesis sends the token from DATA_DIR/api.token with every request
# (-H "Authorization: Bearer ..."), so the wallet routes are fuzzed past the check;
# the throwaway wallet holds no coins, so a send that passes the form checks is
# refused with 422. Exits non-zero on any failure. Builds
# nothing: give the obol binary (default .build/debug/obol).
#
#   scripts/api-check.sh [path/to/obol]
#
# schemathesis is installed, pinned, into .venv-schemathesis/ (git-ignored) on the
# first run; python3-venv comes from apt when missing. OBOL_API_CHECK_EXAMPLES sets
# the examples per operation (default 25). Left out: the tracker's routes (served by
# `obol tracker`, not a node), POST /peers, which dials whatever address it is
# given (the tests talk only to 127.0.0.0/8), and GET /events, an endless stream that
# schemathesis would read until its request timeout (its tests in ObolAPITests read it).
set -euo pipefail
cd "$(dirname "$0")/.."
obol="${1:-.build/debug/obol}"
examples="${OBOL_API_CHECK_EXAMPLES:-25}"
version="3.39.16"
hypothesis="6.120.0"  # newer ones break schemathesis 3.39 (AttributeError: 'many' object has no attribute 'more')
venv=.venv-schemathesis
host=127.0.6.1

[ -x "$obol" ] || { echo "api-check: no obol binary at $obol (build first)" >&2; exit 2; }

if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$version" || ! "$venv/bin/pip" show hypothesis 2>/dev/null | grep -q "^Version: $hypothesis$"; then
  python3 -m venv --help >/dev/null 2>&1 && python3 -c 'import ensurepip' 2>/dev/null \
    || OBOL_EXTRA_PACKAGES=python3-venv scripts/install-deps.sh
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" "hypothesis==$hypothesis"
fi

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("'"$host"'", 0)); print(s.getsockname()[1]); s.close()')"
log="$(mktemp)"
work="$(mktemp -d)"
# The throwaway key file is encrypted for the node's network; a low scrypt cost keeps the check quick.
export OBOL_PASSPHRASE="api-check throwaway wallet"
"$obol" wallet new --network test --scrypt-log2n 10 --key-file "$work/wallet.json" >/dev/null
"$obol" node --network test --data-dir "$work/data" --wallet "$work/wallet.json" \
  --http-host "$host" --http-port "$port" --no-listen >"$log" 2>&1 &
node=$!
trap 'kill "$node" 2>/dev/null; wait "$node" 2>/dev/null; rm -f "$log"; rm -rf "$work"' EXIT

for _ in $(seq 1 100); do
  curl -fsS "http://$host:$port/status" >/dev/null 2>&1 && break
  kill -0 "$node" 2>/dev/null || { echo "api-check: the node exited:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "http://$host:$port/status" >/dev/null || { echo "api-check: the node did not answer" >&2; cat "$log" >&2; exit 1; }

token="$(cat "$work/data/api.token")"
[ "${#token}" -eq 64 ] || { echo "api-check: no 64-digit token in $work/data/api.token" >&2; exit 1; }
unauthorized="$(curl -sS -o /dev/null -D - "http://$host:$port/wallet" | tr -d '\r')"
grep -q '^HTTP/1.1 401' <<<"$unauthorized" && grep -qi '^www-authenticate: Bearer$' <<<"$unauthorized" \
  || { echo "api-check: GET /wallet without the token is not 401 with WWW-Authenticate: Bearer:" >&2; echo "$unauthorized" >&2; exit 1; }
[ "$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://$host:$port/wallet")" = 200 ] \
  || { echo "api-check: GET /wallet with the token is not 200" >&2; exit 1; }

"$venv/bin/st" run docs/openapi.yaml \
  --base-url "http://$host:$port" \
  -H "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection \
  --exclude-tag tracker --exclude-operation-id connectPeer --exclude-operation-id getEvents \
  --data-generation-method all \
  --hypothesis-max-examples "$examples" --hypothesis-derandomize \
  --hypothesis-suppress-health-check all \
  --request-timeout 10000 --no-color
echo "api-check: the API agrees with docs/openapi.yaml"
