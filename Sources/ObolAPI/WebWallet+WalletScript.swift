extension WebWallet {
    /// The wallet part of the page's script: the API token (asked once, kept in `sessionStorage`),
    /// `GET /wallet` and its transfers, the send form checked as it is typed (an `obol1` bech32m
    /// address with its checksum, an amount of at most 8 decimals within what is spendable, data of
    /// at most 256 UTF-8 bytes), and the confirmation dialog whose nonce `POST /wallet/send` carries,
    /// so that the node signs exactly what was shown or refuses (409 `nonce-changed`).
    static let walletScript = #"""
const TOKEN_KEY = "obol-api-token";
const wallet = { token: sessionStorage.getItem(TOKEN_KEY), info: null, reviewed: null, touched: new Set() };

function showTokenForm(show) {
  $("token-form").classList.toggle("hidden", !show);
  $("token-saved").classList.toggle("hidden", show || !wallet.token);
}

function forgetToken(message) {
  wallet.token = null;
  wallet.info = null;
  sessionStorage.removeItem(TOKEN_KEY);
  showTokenForm(true);
  $("wallet-details").classList.add("hidden");
  $("token-error").textContent = message;
  $("token-input").setAttribute("aria-invalid", message ? "true" : "false");
  validateSend();
}

const refreshWallet = coalesced(async () => {
  if (!wallet.token) {
    showTokenForm(true);
    $("wallet-message").textContent = "Enter the node's API token to use its wallet.";
    return;
  }
  try {
    const info = await request("/wallet", { token: wallet.token });
    wallet.info = info;
    showTokenForm(false);
    $("token-error").textContent = "";
    $("token-input").setAttribute("aria-invalid", "false");
    $("wallet-message").textContent = "";
    $("wallet-details").classList.remove("hidden");
    $("wallet-address").textContent = info.address;
    $("wallet-balance").textContent = coins(info.balance);
    $("wallet-spendable").textContent = coins(info.spendable);
    $("wallet-pending").textContent = info.pending.count === 0 ? "none"
      : `${info.pending.count} transfer${info.pending.count === 1 ? "" : "s"}: −${coins(info.pending.outgoing)} out, +${coins(info.pending.incoming)} in`;
    $("wallet-network").textContent = `${info.network} (id ${info.networkID}), minimum fee ${coins(info.minimumFee)} OBOL`;
    validateSend();
    await refreshWalletTransactions();
  } catch (e) {
    if (e.status === 401) {
      forgetToken(`Wrong token: ${e.message}`);
    } else {
      wallet.info = null;
      $("wallet-details").classList.add("hidden");
      $("wallet-message").textContent = e.status === 404
        ? (e.code === "no-wallet" ? e.message : "This node serves no wallet.") : `wallet: ${e.message}`;
      validateSend();
    }
  }
});

async function refreshWalletTransactions() {
  if (!wallet.token || !wallet.info) return;
  try {
    const list = await request("/wallet/transactions?limit=20", { token: wallet.token });
    const me = list.address;
    fillTable("wallet-transactions", ["status", "", "counterparty", "amount", "fee", "txid", "height"],
      list.transactions.map(tx => {
        const direction = tx.kind === "coinbase" ? "mined" : tx.from === me ? (tx.to === me ? "to self" : "sent") : "received";
        const other = direction === "received" ? tx.from : direction === "mined" ? "(new coins)" : tx.to;
        return { props: { className: `status-${tx.status}`, dataset: { txid: tx.txid, status: tx.status } },
                 cells: [tx.status, direction, short(other), coins(tx.amount), coins(tx.fee), txLink(tx.txid), tx.height ?? ""] };
      }));
  } catch (e) {
    if (e.status === 401) forgetToken(`Wrong token: ${e.message}`);
    else fillTable("wallet-transactions", [], [[`transfers: ${e.message}`]]);
  }
}

// Addresses: bech32m (BIP 350) with the prefix "obol" and 20 bytes of payload.
const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
function polymod(values) {
  const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GEN[i];
  }
  return chk >>> 0;
}
const HRP_VALUES = [..."obol"].map(c => c.charCodeAt(0) >> 5).concat([0], [..."obol"].map(c => c.charCodeAt(0) & 31));

/// Why `text` is not an Obol address, or null when it is one.
function addressProblem(text) {
  if (text === "") return "Enter the recipient's address (obol1…).";
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) return "An address is all lower case (or all upper case).";
  const lower = text.toLowerCase();
  if (!lower.startsWith("obol1")) return "An Obol address starts with obol1.";
  const values = [];
  for (const c of lower.slice(5)) {
    const value = CHARSET.indexOf(c);
    if (value < 0) return `"${c}" cannot appear in an address.`;
    values.push(value);
  }
  if (values.length !== 38) return `An address has 38 characters after obol1; this one has ${values.length}.`;
  if (polymod(HRP_VALUES.concat(values)) !== 0x2bc830a3) return "The checksum does not match: a character is mistyped.";
  return null;
}

/// Base units of a decimal OBOL amount ("1.5"), or null when it is not one.
function parseCoins(text) {
  const match = /^(\d{1,11})(?:\.(\d{1,8}))?$/.exec(text);
  return match ? BigInt(match[1]) * COIN + BigInt((match[2] || "").padEnd(8, "0")) : null;
}

const SEND_FIELDS = ["send-to", "send-amount", "send-fee", "send-data"];

/// The form's values and the problem of each field (null when fine).
function checkSend() {
  const info = wallet.info;
  const to = $("send-to").value.trim(), amountText = $("send-amount").value.trim();
  const feeText = $("send-fee").value.trim(), data = $("send-data").value;
  const problems = { "send-to": addressProblem(to), "send-amount": null, "send-fee": null, "send-data": null };
  const minimumFee = info ? BigInt(info.minimumFee) : 0n;
  const amount = parseCoins(amountText);
  const fee = feeText === "" ? minimumFee : parseCoins(feeText);
  if (feeText !== "" && fee === null) problems["send-fee"] = "A fee in OBOL, with at most 8 decimals.";
  else if (info && fee < minimumFee) problems["send-fee"] = `At least the minimum fee, ${coins(minimumFee)} OBOL.`;
  if (amountText === "") problems["send-amount"] = "Enter an amount.";
  else if (amount === null) problems["send-amount"] = "An amount in OBOL, such as 1.5, with at most 8 decimals.";
  else if (amount === 0n) problems["send-amount"] = "The amount must be more than 0.";
  else if (info && amount > BigInt(info.spendable)) problems["send-amount"] = `More than the spendable ${coins(info.spendable)} OBOL.`;
  else if (info && fee !== null && amount + fee > BigInt(info.spendable) - BigInt(info.pending.outgoing))
    problems["send-amount"] = `Amount plus fee is more than the ${coins(BigInt(info.spendable) - BigInt(info.pending.outgoing))} OBOL available (spendable less pending transfers).`;
  const bytes = new TextEncoder().encode(data).length;
  if (bytes > 256) problems["send-data"] = `${bytes} bytes: at most 256.`;
  return { to, amount, fee, data, problems };
}

/// Shows the problems of the fields typed in (or all, with `all`) and enables review when there are none.
function validateSend(all = false) {
  const check = checkSend();
  for (const id of SEND_FIELDS) {
    const problem = all || wallet.touched.has(id) ? check.problems[id] : null;
    $(`${id}-error`).textContent = problem || "";
    $(id).setAttribute("aria-invalid", problem ? "true" : "false");
  }
  $("send-review").disabled = !wallet.info || Object.values(check.problems).some(p => p !== null);
  return check;
}

async function review(event) {
  event.preventDefault();
  const check = validateSend(true);
  if (!wallet.info || Object.values(check.problems).some(p => p !== null)) return;
  $("send-error").textContent = "";
  try {
    wallet.info = await request("/wallet", { token: wallet.token });  // the nonce the node will sign with now
  } catch (e) {
    if (e.status === 401) forgetToken(`Wrong token: ${e.message}`); else $("send-error").textContent = e.message;
    return;
  }
  const info = wallet.info;
  wallet.reviewed = { to: check.to, amount: check.amount, fee: check.fee, data: check.data, nonce: info.nextNonce };
  $("confirm-from").textContent = info.address;
  $("confirm-to").textContent = check.to;
  $("confirm-amount").textContent = `${coins(check.amount)} OBOL`;
  $("confirm-fee").textContent = `${coins(check.fee)} OBOL`;
  $("confirm-total").textContent = `${coins(check.amount + check.fee)} OBOL`;
  $("confirm-nonce").textContent = String(info.nextNonce);
  $("confirm-network").textContent = `${info.network} (id ${info.networkID})`;
  $("confirm-data").textContent = check.data === "" ? "(none)" : check.data;
  $("confirm-error").textContent = "";
  $("confirm-send").disabled = false;
  $("confirm-dialog").showModal();
}

async function confirmSend() {
  const r = wallet.reviewed;
  if (!r) return;
  $("confirm-send").disabled = true;
  const body = { to: r.to, amount: Number(r.amount), fee: Number(r.fee), nonce: r.nonce };
  if (r.data !== "") body.data = r.data;
  try {
    const sent = await request("/wallet/send", { method: "POST", token: wallet.token, body });
    $("confirm-dialog").close();
    wallet.reviewed = null;
    for (const id of SEND_FIELDS) $(id).value = "";
    wallet.touched.clear();
    const result = $("send-result");
    result.dataset.txid = sent.txid;
    result.replaceChildren(el("p", { className: "ok" }, `Sent ${coins(r.amount)} OBOL to ${short(r.to)}: `,
      el("a", { id: "send-result-link", href: `#tx/${sent.txid}`, className: "mono" }, sent.txid), ` (${sent.transaction.status})`));
    refreshWallet();
  } catch (e) {
    $("confirm-send").disabled = e.code === "nonce-changed";
    if (e.status === 401) { $("confirm-dialog").close(); forgetToken(`Wrong token: ${e.message}`); return; }
    $("confirm-error").textContent = e.code === "nonce-changed"
      ? "The wallet sent another transfer meanwhile (its nonce changed): cancel and review again." : e.message;
    refreshWallet();
  }
}

async function copyAddress() {
  const address = $("wallet-address").textContent;
  try {
    await navigator.clipboard.writeText(address);
  } catch {
    const range = document.createRange();  // no clipboard access: select it for the user to copy
    range.selectNodeContents($("wallet-address"));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    $("copy-status").textContent = "Selected: press Ctrl+C (⌘C) to copy.";
    return;
  }
  $("copy-status").textContent = "Copied.";
}

function setUpWallet() {
  $("token-form").addEventListener("submit", event => {
    event.preventDefault();
    const token = $("token-input").value.trim();
    if (!token) {
      $("token-error").textContent = "Enter the token.";
      $("token-input").setAttribute("aria-invalid", "true");
      return;
    }
    wallet.token = token;
    sessionStorage.setItem(TOKEN_KEY, token);
    $("token-input").value = "";
    refreshWallet();
  });
  $("token-change").addEventListener("click", () => {
    showTokenForm(true);
    $("token-saved").classList.remove("hidden");
    $("token-input").focus();
  });
  $("copy-address").addEventListener("click", copyAddress);
  for (const id of SEND_FIELDS) {
    $(id).addEventListener("input", () => { wallet.touched.add(id); validateSend(); });
  }
  $("send-form").addEventListener("submit", review);
  $("confirm-send").addEventListener("click", confirmSend);
  $("confirm-cancel").addEventListener("click", () => $("confirm-dialog").close());
  showTokenForm(!wallet.token);
  if (!wallet.token) $("token-input").focus();
}

"""#
}
