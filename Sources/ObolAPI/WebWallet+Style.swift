extension WebWallet {
    /// The page's style sheet: one column on a phone-sized window (375 px), a grid from 48 rem up.
    static let style = #"""
<style>
  :root { --ink: #222; --muted: #5c5c5c; --line: #ddd; --accent: #2b2d42; --error: #b00020; --ok: #1b6e3a; }
  * { box-sizing: border-box; }
  body { font-family: system-ui, sans-serif; margin: 0; background: #f6f6f3; color: var(--ink); line-height: 1.4; }
  header { background: var(--accent); color: #fff; padding: 0.7rem 1rem; display: flex; flex-wrap: wrap;
           gap: 0.5rem 1rem; align-items: baseline; justify-content: space-between; }
  header h1 { margin: 0; font-size: 1.25rem; }
  #live-status { font-size: 0.85rem; opacity: 0.9; }
  main { max-width: 72rem; margin: 0 auto; padding: 0.8rem; display: grid; gap: 0.8rem;
         grid-template-columns: minmax(0, 1fr); }
  @media (min-width: 48rem) { main { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); padding: 1rem 1.5rem; } .wide { grid-column: 1 / -1; } }
  section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 0.9rem; min-width: 0; }
  h2 { margin: 0 0 0.6rem; font-size: 1.05rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0; }
  dt { color: var(--muted); }
  dd { margin: 0; font-family: ui-monospace, monospace; overflow-wrap: anywhere; min-width: 0; }
  .table-wrap { overflow-x: auto; }
  #send-result, p.mono { overflow-wrap: anywhere; }
  table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
  th, td { text-align: left; padding: 0.25rem 0.4rem; border-bottom: 1px solid #eee; white-space: nowrap; }
  td.mono, .mono { font-family: ui-monospace, monospace; }
  form.inline { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-bottom: 0.6rem; }
  form.inline input { flex: 1 1 12rem; min-width: 0; }
  label { display: block; font-weight: 600; margin: 0.5rem 0 0.2rem; }
  .field-hint { font-weight: normal; color: var(--muted); font-size: 0.85rem; }
  input, textarea { font-family: ui-monospace, monospace; font-size: 1rem; padding: 0.45rem; width: 100%;
                    border: 1px solid #aaa; border-radius: 4px; }
  input[aria-invalid="true"], textarea[aria-invalid="true"] { border-color: var(--error); outline-color: var(--error); }
  button { font-size: 1rem; padding: 0.45rem 0.9rem; border-radius: 4px; border: 1px solid var(--accent);
           background: var(--accent); color: #fff; cursor: pointer; min-height: 2.5rem; }
  button.secondary { background: #fff; color: var(--accent); }
  button:disabled { opacity: 0.45; cursor: not-allowed; }
  button:focus-visible, input:focus-visible, textarea:focus-visible, a:focus-visible { outline: 3px solid #ffbf47; outline-offset: 1px; }
  .row { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
  .error, .field-error { color: var(--error); margin: 0.2rem 0 0; min-height: 1.2em; font-size: 0.9rem; }
  .ok { color: var(--ok); }
  .note { color: var(--muted); font-size: 0.85rem; }
  .address { font-family: ui-monospace, monospace; overflow-wrap: anywhere; background: #f1f1ee; padding: 0.3rem 0.4rem;
             border-radius: 4px; flex: 1 1 16rem; min-width: 0; }
  .amounts { margin-top: 0.6rem; }
  .big { font-size: 1.3rem; font-weight: 600; }
  .hidden { display: none !important; }
  #blocks { display: grid; grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr)); gap: 0.5rem; }
  .block-card { text-align: left; background: #fff; color: var(--ink); border: 1px solid var(--line);
                padding: 0.5rem; font-size: 0.85rem; line-height: 1.35; }
  .block-card strong { display: block; font-size: 1rem; }
  .block-card[aria-current="true"] { border-color: var(--accent); box-shadow: 0 0 0 2px var(--accent); }
  .status-pending { color: #8a5a00; font-weight: 600; }
  .status-confirmed { color: var(--ok); }
  dialog { border: 1px solid var(--line); border-radius: 8px; padding: 1rem; width: min(34rem, calc(100vw - 1.5rem)); }
  dialog::backdrop { background: rgba(0, 0, 0, 0.45); }
  dialog dl { margin-bottom: 0.8rem; }
  .actions { display: flex; flex-wrap: wrap; gap: 0.5rem; justify-content: flex-end; margin-top: 0.6rem; }
</style>
"""#
}
