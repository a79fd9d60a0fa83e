import Hummingbird

/// The read-only web wallet served at `GET /`: node status, account and
/// transaction look-ups, the connected peers, the mempool and recent blocks,
/// all from this API.
///
/// One self-contained page (no external scripts, fonts or styles). It cannot
/// send coins: signing in the browser would need secp256k1 in JavaScript,
/// which the page does not ship; `obol wallet send` signs on the command line.
enum WebWallet {
    static var response: Response {
        Response(status: .ok,
                 headers: [.contentType: "text/html; charset=utf-8",
                           .contentSecurityPolicy: "default-src 'none'; script-src 'unsafe-inline'; "
                               + "style-src 'unsafe-inline'; connect-src 'self'",
                           .xContentTypeOptions: "nosniff"],
                 body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Obol node</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #f6f6f3; color: #222; }
  header { background: #2b2d42; color: #fff; padding: 0.8rem 1.5rem; }
  header h1 { margin: 0; font-size: 1.3rem; }
  main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem; }
  section { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 1rem; margin-bottom: 1rem; }
  h2 { margin: 0 0 0.6rem; font-size: 1.05rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0; }
  dt { color: #666; }
  dd { margin: 0; font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
  table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
  th, td { text-align: left; padding: 0.25rem 0.4rem; border-bottom: 1px solid #eee; }
  td.mono { font-family: ui-monospace, monospace; }
  form { display: flex; gap: 0.5rem; margin-bottom: 0.6rem; }
  input { flex: 1; font-family: ui-monospace, monospace; padding: 0.35rem; }
  button { padding: 0.35rem 0.9rem; }
  .error { color: #b00020; }
  .note { color: #666; font-size: 0.85rem; }
</style>
</head>
<body>
<header><h1>Obol node</h1></header>
<main>
  <section>
    <h2>Node status</h2>
    <dl id="status"><dt>loading</dt><dd>…</dd></dl>
    <p class="error" id="status-error"></p>
  </section>

  <section>
    <h2>Account</h2>
    <form id="account-form">
      <input id="account-address" placeholder="obol1…" autocomplete="off" spellcheck="false">
      <button type="submit">Look up</button>
    </form>
    <p class="error" id="account-error"></p>
    <dl id="account"></dl>
    <table id="account-txs"></table>
  </section>

  <section>
    <h2>Transaction</h2>
    <form id="tx-form">
      <input id="tx-id" placeholder="transaction id (64 hex digits)" autocomplete="off" spellcheck="false">
      <button type="submit">Look up</button>
    </form>
    <p class="error" id="tx-error"></p>
    <dl id="tx"></dl>
  </section>

  <section>
    <h2>Peers <span id="peers-count" class="note"></span></h2>
    <table id="peers"></table>
  </section>

  <section>
    <h2>Mempool <span id="mempool-count" class="note"></span></h2>
    <table id="mempool"></table>
  </section>

  <section>
    <h2>Recent blocks</h2>
    <table id="blocks"></table>
  </section>

  <p class="note">This page is read-only. To send coins use the command line wallet,
  <code>obol wallet send --to ADDRESS --amount 1.5</code>: signing in the browser would need
  secp256k1 in JavaScript, which this page does not ship.</p>
</main>
<script>
"use strict";
const COIN = 100000000n;

function coins(units) {
  const n = BigInt(units);
  const whole = n / COIN;
  let frac = (n % COIN).toString().padStart(8, "0").replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : `${whole}`;
}

function short(text) {
  return text && text.length > 20 ? `${text.slice(0, 10)}…${text.slice(-8)}` : (text || "");
}

async function getJSON(path) {
  const response = await fetch(path, { headers: { "Accept": "application/json" } });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const message = body && body.error ? body.error.message : `HTTP ${response.status}`;
    throw new Error(message);
  }
  return body;
}

function fillList(id, pairs) {
  const dl = document.getElementById(id);
  dl.replaceChildren();
  for (const [label, value] of pairs) {
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.textContent = String(value);
    dl.append(dt, dd);
  }
}

function fillTable(id, headings, rows) {
  const table = document.getElementById(id);
  table.replaceChildren();
  const head = table.insertRow();
  for (const h of headings) {
    const th = document.createElement("th");
    th.textContent = h;
    head.append(th);
  }
  for (const row of rows) {
    const tr = table.insertRow();
    for (const cell of row) {
      const td = tr.insertCell();
      td.className = "mono";
      td.textContent = String(cell);
    }
  }
}

function txRow(tx) {
  return [short(tx.txid), tx.kind, short(tx.from || "(new coins)"), short(tx.to),
          coins(tx.amount), coins(tx.fee), tx.status, tx.height ?? ""];
}
const TX_HEADINGS = ["txid", "kind", "from", "to", "amount", "fee", "status", "height"];

async function refreshStatus() {
  const error = document.getElementById("status-error");
  try {
    const s = await getJSON("/status");
    const sync = s.syncing ? `syncing: headers to ${s.headers}` : "synced";
    fillList("status", [["network", `${s.network} (id ${s.networkID})`], ["height", `${s.height} (${sync})`],
                        ["tip", s.tip], ["peers", s.peers], ["mempool", s.mempoolSize],
                        ["hash rate", `${Math.round(s.hashRate)} H/s`], ["minimum fee", coins(s.minimumFee)]]);
    error.textContent = "";
  } catch (e) {
    error.textContent = `status: ${e.message}`;
  }
}

async function refreshPeers() {
  try {
    const list = await getJSON("/peers");
    document.getElementById("peers-count").textContent = `(${list.peers.length})`;
    fillTable("peers", ["address", "direction", "height", "ping"],
              list.peers.map(p => [p.address, p.established ? p.direction : `${p.direction} (connecting)`, p.height,
                                   p.pingMs == null ? "" : `${Math.round(p.pingMs)} ms`]));
  } catch (e) {
    document.getElementById("peers-count").textContent = `(${e.message})`;
  }
}

async function refreshMempool() {
  try {
    const m = await getJSON("/mempool");
    document.getElementById("mempool-count").textContent = `(${m.count})`;
    fillTable("mempool", TX_HEADINGS, m.transactions.map(txRow));
  } catch (e) {
    document.getElementById("mempool-count").textContent = `(${e.message})`;
  }
}

async function refreshBlocks() {
  try {
    const page = await getJSON("/blocks?limit=10");
    fillTable("blocks", ["height", "hash", "time", "transactions", "size"],
              page.blocks.map(b => [b.height, short(b.hash), new Date(b.timestamp * 1000).toISOString(),
                                    b.transactionCount, b.size]));
  } catch (e) {
    fillTable("blocks", ["error"], [[e.message]]);
  }
}

async function lookUpAccount(address) {
  const error = document.getElementById("account-error");
  error.textContent = "";
  try {
    const a = await getJSON(`/accounts/${encodeURIComponent(address)}`);
    fillList("account", [["address", a.address], ["balance", coins(a.balance)],
                         ["spendable (newly mined coins wait)", coins(a.spendable)], ["nonce", a.nonce],
                         ["next nonce (with pending)", a.pendingNonce]]);
    fillTable("account-txs", TX_HEADINGS, a.transactions.map(txRow));
  } catch (e) {
    fillList("account", []);
    fillTable("account-txs", [], []);
    error.textContent = e.message;
  }
}

async function lookUpTransaction(txid) {
  const error = document.getElementById("tx-error");
  error.textContent = "";
  try {
    const t = await getJSON(`/transactions/${encodeURIComponent(txid)}`);
    fillList("tx", [["txid", t.txid], ["kind", t.kind], ["status", t.status], ["from", t.from || "(new coins)"],
                    ["to", t.to], ["amount", coins(t.amount)], ["fee", coins(t.fee)], ["nonce", t.nonce ?? ""],
                    ["block", t.blockHash || ""], ["height", t.height ?? ""], ["data", t.data || ""]]);
  } catch (e) {
    fillList("tx", []);
    error.textContent = e.message;
  }
}

document.getElementById("account-form").addEventListener("submit", event => {
  event.preventDefault();
  const address = document.getElementById("account-address").value.trim();
  if (address) location.hash = `account=${address}`;
});
document.getElementById("tx-form").addEventListener("submit", event => {
  event.preventDefault();
  const txid = document.getElementById("tx-id").value.trim();
  if (txid) location.hash = `tx=${txid}`;
});

// Links such as /#account=obol1... or /#tx=<txid> open a look-up directly.
function openFromHash() {
  let fragment;
  try { fragment = decodeURIComponent(location.hash.slice(1)); } catch { return; }  // a malformed link opens nothing
  const [kind, value] = fragment.split("=", 2);
  if (kind === "account" && value) {
    document.getElementById("account-address").value = value;
    lookUpAccount(value);
  } else if (kind === "tx" && value) {
    document.getElementById("tx-id").value = value;
    lookUpTransaction(value);
  }
}
window.addEventListener("hashchange", openFromHash);

function refreshAll() { refreshStatus(); refreshPeers(); refreshMempool(); refreshBlocks(); }
openFromHash();
refreshAll();
setInterval(refreshAll, 5000);
</script>
</body>
</html>
"""#
}
