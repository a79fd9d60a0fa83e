import Hummingbird

/// The web wallet served at `GET /`: the node wallet (address, balance, a send form whose
/// confirmation shows exactly what the node will sign, its transfers), the node's status, account
/// and transaction look-ups, the chain as block cards, the mempool and the peers; all from this API,
/// live through `GET /events` (polling every 3 s when that fails).
///
/// One self-contained page (no external scripts, fonts or styles, enforced by its content security
/// policy), written as Swift strings so that the binary serves it from anywhere: the markup here,
/// `style` and `script` beside it. The wallet routes need the node's API token (`DATA_DIR/api.token`),
/// which the page asks for once and keeps in the tab's `sessionStorage`.
enum WebWallet {
    /// Nothing from another origin, no plug-ins, no framing, no form posting elsewhere; fetches and
    /// the event stream only to this node.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    static var response: Response {
        Response(status: .ok,
                 headers: [.contentType: "text/html; charset=utf-8",
                           .contentSecurityPolicy: contentSecurityPolicy,
                           .xContentTypeOptions: "nosniff"],
                 body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static let html = head + style + "</head>\n" + body + script + "</body>\n</html>\n"

    static let head = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Obol node</title>

"""#

    static let body = #"""
<body>
<header><h1>Obol node</h1><span id="live-status" role="status">connecting…</span></header>
<main>
  <section id="wallet-section" class="wide" aria-labelledby="wallet-heading">
    <h2 id="wallet-heading">Wallet</h2>
    <form id="token-form" class="inline" autocomplete="off">
      <label for="token-input" style="flex-basis: 100%">API token
        <span class="field-hint">(in the node's data directory: <code>api.token</code>)</span></label>
      <input id="token-input" type="password" aria-describedby="token-error" spellcheck="false"
             placeholder="64 hex digits">
      <button id="token-save" type="submit">Save token</button>
      <p id="token-error" class="field-error" role="alert" style="flex-basis: 100%"></p>
    </form>
    <p id="token-saved" class="row hidden"><span class="note">Token saved for this tab.</span>
      <button id="token-change" type="button" class="secondary">Change token</button></p>
    <p id="wallet-message" class="note" role="status"></p>
    <div id="wallet-details" class="hidden">
      <div class="row">
        <code id="wallet-address" class="address" aria-label="Wallet address"></code>
        <button id="copy-address" type="button" class="secondary" aria-describedby="copy-status">Copy address</button>
        <span id="copy-status" class="note" aria-live="polite"></span>
      </div>
      <dl class="amounts">
        <dt>Balance</dt><dd><span id="wallet-balance" class="big"></span> OBOL</dd>
        <dt>Spendable</dt><dd><span id="wallet-spendable"></span> OBOL</dd>
        <dt>Pending</dt><dd id="wallet-pending"></dd>
        <dt>Network</dt><dd id="wallet-network"></dd>
      </dl>
    </div>
  </section>

  <section id="send-section" aria-labelledby="send-heading">
    <h2 id="send-heading">Send</h2>
    <form id="send-form" novalidate autocomplete="off">
      <label for="send-to">Recipient</label>
      <input id="send-to" placeholder="obol1…" spellcheck="false" aria-describedby="send-to-error" aria-invalid="false">
      <p id="send-to-error" class="field-error" role="alert"></p>
      <label for="send-amount">Amount <span class="field-hint">(OBOL, up to 8 decimals)</span></label>
      <input id="send-amount" inputmode="decimal" placeholder="1.5" aria-describedby="send-amount-error" aria-invalid="false">
      <p id="send-amount-error" class="field-error" role="alert"></p>
      <label for="send-fee">Fee <span class="field-hint">(OBOL, optional: the node's minimum)</span></label>
      <input id="send-fee" inputmode="decimal" aria-describedby="send-fee-error" aria-invalid="false">
      <p id="send-fee-error" class="field-error" role="alert"></p>
      <label for="send-data">Data <span class="field-hint">(optional text, at most 256 bytes)</span></label>
      <input id="send-data" aria-describedby="send-data-error" aria-invalid="false">
      <p id="send-data-error" class="field-error" role="alert"></p>
      <div class="actions"><button id="send-review" type="submit" disabled>Review transfer</button></div>
      <p id="send-error" class="error" role="alert"></p>
      <div id="send-result" aria-live="polite"></div>
    </form>
  </section>

  <section id="wallet-transactions-section" aria-labelledby="wallet-transactions-heading">
    <h2 id="wallet-transactions-heading">Wallet transfers</h2>
    <div class="table-wrap"><table id="wallet-transactions"></table></div>
  </section>

  <dialog id="confirm-dialog" aria-labelledby="confirm-heading">
    <h2 id="confirm-heading">Confirm the transfer</h2>
    <p class="note">The node signs exactly this:</p>
    <dl>
      <dt>From</dt><dd id="confirm-from"></dd>
      <dt>To</dt><dd id="confirm-to"></dd>
      <dt>Amount</dt><dd id="confirm-amount"></dd>
      <dt>Fee</dt><dd id="confirm-fee"></dd>
      <dt>Total</dt><dd id="confirm-total"></dd>
      <dt>Nonce</dt><dd id="confirm-nonce"></dd>
      <dt>Network</dt><dd id="confirm-network"></dd>
      <dt>Data</dt><dd id="confirm-data"></dd>
    </dl>
    <p id="confirm-error" class="error" role="alert"></p>
    <div class="actions">
      <button id="confirm-cancel" type="button" class="secondary">Cancel</button>
      <button id="confirm-send" type="button">Sign and send</button>
    </div>
  </dialog>

  <section aria-labelledby="status-heading">
    <h2 id="status-heading">Node status</h2>
    <dl id="status"><dt>loading</dt><dd>…</dd></dl>
    <p class="error" id="status-error" role="alert"></p>
  </section>

  <section id="tx-section" aria-labelledby="tx-heading">
    <h2 id="tx-heading">Transaction</h2>
    <form id="tx-form" class="inline">
      <input id="tx-id" placeholder="transaction id (64 hex digits)" autocomplete="off" spellcheck="false"
             aria-label="Transaction id" aria-describedby="tx-error">
      <button type="submit">Look up</button>
    </form>
    <p class="error" id="tx-error" role="alert"></p>
    <dl id="tx"></dl>
  </section>

  <section class="wide" aria-labelledby="blocks-heading">
    <h2 id="blocks-heading">Chain</h2>
    <div id="blocks" role="list"></div>
    <div id="block-detail" aria-live="polite"></div>
  </section>

  <section aria-labelledby="account-heading">
    <h2 id="account-heading">Account</h2>
    <form id="account-form" class="inline">
      <input id="account-address" placeholder="obol1…" autocomplete="off" spellcheck="false"
             aria-label="Account address" aria-describedby="account-error">
      <button type="submit">Look up</button>
    </form>
    <p class="error" id="account-error" role="alert"></p>
    <dl id="account"></dl>
    <div class="table-wrap"><table id="account-txs"></table></div>
  </section>

  <section aria-labelledby="mempool-heading">
    <h2 id="mempool-heading">Mempool <span id="mempool-count" class="note"></span></h2>
    <div class="table-wrap"><table id="mempool"></table></div>
  </section>

  <section class="wide" aria-labelledby="peers-heading">
    <h2 id="peers-heading">Peers <span id="peers-count" class="note"></span></h2>
    <div class="table-wrap"><table id="peers"></table></div>
  </section>
</main>

"""#
}
