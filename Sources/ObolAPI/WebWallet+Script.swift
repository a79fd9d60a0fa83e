extension WebWallet {
    /// The page's script: `common` (requests, tables, the read-only views, hash routes, live updates)
    /// and `walletScript` (token, wallet, send form and its confirmation).
    static let script = "<script>\n\"use strict\";\n" + common + walletScript + "start();\n</script>\n"

    static let common = #"""
const COIN = 100000000n;
const $ = id => document.getElementById(id);

function coins(units) {
  const n = BigInt(units);
  const whole = n / COIN;
  const frac = (n % COIN).toString().padStart(8, "0").replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : `${whole}`;
}

function short(text) {
  return text && text.length > 20 ? `${text.slice(0, 10)}…${text.slice(-8)}` : (text || "");
}

class HTTPError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

/// A JSON request to this node; `token` adds the bearer token, `body` is sent as JSON.
async function request(path, { method = "GET", token = null, body } = {}) {
  const headers = { "Accept": "application/json" };
  if (token) headers["Authorization"] = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, cache: "no-store",
                                       body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = await response.json().catch(() => null);
  if (!response.ok) {
    const error = answer && answer.error ? answer.error : { code: `http-${response.status}`, message: `HTTP ${response.status}` };
    throw new HTTPError(response.status, error.code, error.message);
  }
  return answer;
}
const getJSON = path => request(path);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node && !key.startsWith("aria")) node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.filter(c => c !== null && c !== undefined).map(c => c instanceof Node ? c : String(c)));
  return node;
}

function txLink(txid) { return el("a", { href: `#tx/${txid}`, className: "mono", title: txid }, short(txid)); }

function fillList(id, pairs) {
  $(id).replaceChildren(...pairs.flatMap(([label, value]) =>
    [el("dt", {}, label), el("dd", {}, value instanceof Node ? value : String(value))]));
}

/// A table of `rows`; a row is an array of cells (text or nodes), or { cells, props } for the row's own attributes.
function fillTable(id, headings, rows) {
  const table = $(id);
  table.replaceChildren();
  if (headings.length) table.append(el("thead", {}, el("tr", {}, ...headings.map(h => el("th", { scope: "col" }, h)))));
  const tbody = el("tbody");
  for (const row of rows) {
    const { cells, props } = Array.isArray(row) ? { cells: row, props: {} } : row;
    tbody.append(el("tr", props, ...cells.map(cell => el("td", { className: "mono" }, cell))));
  }
  table.append(tbody);
}

function txRow(tx) {
  return [txLink(tx.txid), tx.kind, short(tx.from || "(new coins)"), short(tx.to),
          coins(tx.amount), coins(tx.fee), tx.status, tx.height ?? ""];
}
const TX_HEADINGS = ["txid", "kind", "from", "to", "amount", "fee", "status", "height"];

/// Runs `fn` at most once at a time; calls during a run make it run once more after.
function coalesced(fn) {
  let running = false, again = false;
  return async () => {
    if (running) { again = true; return; }
    running = true;
    try { do { again = false; await fn(); } while (again); } finally { running = false; }
  };
}

const refreshStatus = coalesced(async () => {
  try {
    const s = await getJSON("/status");
    const sync = s.syncing ? `syncing: headers to ${s.headers}` : "synced";
    fillList("status", [["network", `${s.network} (id ${s.networkID})`], ["height", `${s.height} (${sync})`],
                        ["tip", s.tip], ["peers", s.peers], ["mempool", s.mempoolSize],
                        ["hash rate", `${Math.round(s.hashRate)} H/s`], ["minimum fee", `${coins(s.minimumFee)} OBOL`]]);
    $("status-error").textContent = "";
  } catch (e) {
    $("status-error").textContent = `status: ${e.message}`;
  }
});

const refreshPeers = coalesced(async () => {
  try {
    const list = await getJSON("/peers");
    $("peers-count").textContent = `(${list.peers.length})`;
    fillTable("peers", ["address", "direction", "height", "ping"],
              list.peers.map(p => [p.address, p.established ? p.direction : `${p.direction} (connecting)`, p.height,
                                   p.pingMs == null ? "" : `${Math.round(p.pingMs)} ms`]));
  } catch (e) {
    $("peers-count").textContent = `(${e.message})`;
  }
});

const refreshMempool = coalesced(async () => {
  try {
    const m = await getJSON("/mempool");
    $("mempool-count").textContent = `(${m.count})`;
    fillTable("mempool", TX_HEADINGS, m.transactions.slice(0, 50).map(txRow));
  } catch (e) {
    $("mempool-count").textContent = `(${e.message})`;
  }
});

let openBlockHash = null;

const refreshBlocks = coalesced(async () => {
  try {
    const page = await getJSON("/blocks?limit=12");
    $("blocks").replaceChildren(...page.blocks.map(b => el("div", { role: "listitem" },
      el("button", { type: "button", className: "block-card", dataset: { hash: b.hash },
                     "aria-current": String(b.hash === openBlockHash),
                     "aria-label": `Block ${b.height}, ${b.transactionCount} transactions: show them`,
                     onclick: () => { location.hash = `block/${b.hash}`; } },
         el("strong", {}, `#${b.height}`), el("span", { className: "mono" }, short(b.hash)), el("br"),
         new Date(b.timestamp * 1000).toLocaleTimeString(), el("br"),
         `${b.transactionCount} tx${b.transactionCount === 1 ? "" : "s"}`))));
  } catch (e) {
    $("blocks").replaceChildren(el("p", { className: "error" }, `blocks: ${e.message}`));
  }
});

async function openBlock(hash) {
  openBlockHash = hash;
  for (const card of document.querySelectorAll(".block-card")) card.setAttribute("aria-current", String(card.dataset.hash === hash));
  const detail = $("block-detail");
  try {
    const b = await getJSON(`/blocks/${encodeURIComponent(hash)}`);
    const table = el("table", { id: "block-transactions" });
    detail.replaceChildren(el("h3", {}, `Block ${b.height}`),
      el("p", { className: "note mono" }, `${b.hash} · ${new Date(b.timestamp * 1000).toISOString()} · ${b.size} bytes`
         + (b.mainChain ? "" : " · not on the best chain")),
      el("div", { className: "table-wrap" }, table));
    fillTable("block-transactions", TX_HEADINGS, b.transactions.map(txRow));
  } catch (e) {
    detail.replaceChildren(el("p", { className: "error", role: "alert" }, `block: ${e.message}`));
  }
}

async function lookUpAccount(address) {
  $("account-error").textContent = "";
  try {
    const a = await getJSON(`/accounts/${encodeURIComponent(address)}`);
    fillList("account", [["address", a.address], ["balance", coins(a.balance)],
                         ["spendable (newly mined coins wait)", coins(a.spendable)], ["nonce", a.nonce],
                         ["next nonce (with pending)", a.pendingNonce]]);
    fillTable("account-txs", TX_HEADINGS, a.transactions.map(txRow));
  } catch (e) {
    fillList("account", []);
    fillTable("account-txs", [], []);
    $("account-error").textContent = e.message;
  }
}

async function lookUpTransaction(txid) {
  $("tx-error").textContent = "";
  try {
    const t = await getJSON(`/transactions/${encodeURIComponent(txid)}`);
    fillList("tx", [["txid", t.txid], ["kind", t.kind], ["status", t.status], ["from", t.from || "(new coins)"],
                    ["to", t.to], ["amount", coins(t.amount)], ["fee", coins(t.fee)], ["nonce", t.nonce ?? ""],
                    ["block", t.blockHash || ""], ["height", t.height ?? ""], ["data", t.data || ""]]);
  } catch (e) {
    fillList("tx", []);
    $("tx-error").textContent = e.message;
  }
}

$("account-form").addEventListener("submit", event => {
  event.preventDefault();
  const address = $("account-address").value.trim();
  if (address) location.hash = `account/${address}`;
});
$("tx-form").addEventListener("submit", event => {
  event.preventDefault();
  const txid = $("tx-id").value.trim();
  if (txid) location.hash = `tx/${txid}`;
});

/// Hash routes: #tx/<txid>, #block/<hash>, #account/<address> (and the older #tx=…, #account=…).
function openFromHash() {
  let fragment;
  try { fragment = decodeURIComponent(location.hash.slice(1)); } catch { return; }  // a malformed link opens nothing
  const match = /^(tx|block|account)[/=](.+)$/.exec(fragment);
  if (!match) return;
  const [, kind, value] = match;
  if (kind === "account") {
    $("account-address").value = value;
    lookUpAccount(value);
  } else if (kind === "tx") {
    $("tx-id").value = value;
    lookUpTransaction(value);
    $("tx-section").scrollIntoView({ block: "nearest" });
  } else {
    openBlock(value);
  }
}
window.addEventListener("hashchange", openFromHash);

function refreshAll() { refreshStatus(); refreshPeers(); refreshMempool(); refreshBlocks(); refreshWallet(); }

// Live updates: GET /events; polling every 3 s while the stream is down or missing.
let pollTimer = null;
function setLive(text) { $("live-status").textContent = text; }
function startPolling(reason) {
  setLive(`polling every 3 s (${reason})`);
  if (pollTimer === null) pollTimer = setInterval(refreshAll, 3000);
}
function stopPolling() {
  if (pollTimer !== null) clearInterval(pollTimer);
  pollTimer = null;
}
function connectEvents() {
  if (typeof EventSource !== "function") { startPolling("no EventSource in this browser"); return; }
  const source = new EventSource("/events");
  source.addEventListener("open", () => { stopPolling(); setLive("live"); refreshAll(); });
  source.addEventListener("error", () => startPolling("event stream unavailable"));
  source.addEventListener("tip", () => { refreshStatus(); refreshBlocks(); refreshWallet(); });
  source.addEventListener("mempool", event => {
    try { $("mempool-count").textContent = `(${JSON.parse(event.data).count})`; } catch { /* a count comes with the refresh */ }
    refreshMempool();
    refreshStatus();
  });
  source.addEventListener("wallet", () => refreshWallet());
}

function start() {
  setUpWallet();
  openFromHash();
  refreshAll();
  connectEvents();
}

"""#
}
