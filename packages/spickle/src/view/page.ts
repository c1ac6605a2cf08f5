// The viewer's page: one self-contained HTML file (style, script and the snapshot's model inlined;
// no network request, no server needed). `spickle view` serves the same page.
import { CLIENT_VIEWS } from "./client-views.js";
import { CLIENT_WIDGETS } from "./client-widgets.js";
import type { CompareView } from "./compare.js";
import type { ViewModel } from "./model.js";

const STYLE = `
:root { --fg: #1d1f21; --muted: #666; --line: #ddd; --accent: #2459c4; --bg2: #f5f6f8; --mark: #fff3b0; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); }
body { margin: 0; }
[hidden] { display: none !important; }
header { display: flex; gap: 1em; align-items: center; padding: .5em 1em; border-bottom: 1px solid var(--line); background: var(--bg2); flex-wrap: wrap; }
header h1 { font-size: 1.1em; margin: 0; }
header .file { color: var(--muted); font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
#search { margin-left: auto; min-width: 18em; padding: .3em .5em; }
#tabs { display: flex; gap: .25em; padding: 0 1em; border-bottom: 1px solid var(--line); }
#tabs button { border: 0; background: none; padding: .5em .8em; cursor: pointer; font: inherit; border-bottom: 2px solid transparent; }
#tabs button[aria-selected=true] { border-bottom-color: var(--accent); color: var(--accent); }
main { padding: .5em 1em; }
.split { display: grid; grid-template-columns: minmax(20em, 1fr) 2fr; gap: 1em; }
.side { display: flex; flex-direction: column; gap: .4em; min-width: 0; }
.tools { display: flex; gap: .4em; }
.tools input { flex: 1; }
.vlist { position: relative; overflow-y: auto; height: 22em; border: 1px solid var(--line); outline-offset: -2px; }
.vinner { position: relative; }
.vrow { position: absolute; left: 0; right: 0; padding: 0 .5em; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; cursor: pointer; box-sizing: border-box; line-height: 24px; }
.vrow:hover { background: var(--bg2); }
.vrow.selected { background: #dde7fb; }
.types-row { display: grid; grid-template-columns: 2fr 1fr 1fr 1fr; gap: .5em; }
.thead { font-weight: 600; padding: 0 .5em; }
.tid { color: var(--muted); font-family: ui-monospace, monospace; }
.state { color: var(--muted); }
.state-current { color: #1a7f37; }
.detail { min-width: 0; }
.detail-head h2 { margin: .2em 0; }
.frame { border: 1px solid var(--line); border-radius: 4px; margin: .6em 0; }
.frame-head { font-family: ui-monospace, monospace; padding: .3em .6em; background: var(--bg2); }
pre.source { margin: 0; padding: .3em 0; overflow-x: auto; font-size: 13px; }
pre.source .line { display: block; padding: 0 .6em; }
pre.source mark { background: var(--mark); }
.ln { color: var(--muted); user-select: none; }
.locals { padding: .3em .6em; border-top: 1px solid var(--line); }
.locals-head { font-weight: 600; }
.tree-children { padding-left: 1.3em; }
.tree-row { font-family: ui-monospace, monospace; font-size: 13px; white-space: pre-wrap; overflow-wrap: anywhere; }
.tree-row.internal .key { color: var(--muted); font-style: italic; }
.twisty { border: 0; background: none; cursor: pointer; width: 1.3em; padding: 0; font: inherit; }
.twisty-space { display: inline-block; width: 1.3em; }
.key { color: #8a3ab9; }
.val.cycle { color: #b3261e; }
.why { color: var(--muted); font-size: 11px; }
.more { font-size: 11px; }
.note { color: var(--muted); font-style: italic; }
.error { color: #b3261e; }
.retainers li.holder { font-weight: 600; }
.held-by { margin-bottom: .3em; }
table { border-collapse: collapse; }
td, th { text-align: left; padding: .2em .8em .2em 0; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
.cmp td:nth-child(-n+3) { white-space: nowrap; }
.signature { margin: .5em 0; font-weight: 600; }
.sig-verified { color: #1a7f37; }
.sig-not-verified { color: #b3261e; }
@media print {
  header input, #tabs, .twisty, .why, .more, .tools { display: none !important; }
  .split { display: block; }
  .vlist { height: auto !important; overflow: visible; border: 0; }
  .vrow { position: static !important; height: auto !important; white-space: normal; }
  .vinner { height: auto !important; }
  .frame { break-inside: avoid; }
  :root { font-size: 11pt; }
}
`;

/** JSON for a script block: `<` escaped, so no text of the snapshot can end the block. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

/** The page of `snap` (with `compare`, the changes since an earlier checkpoint). */
export function renderPage(snap: ViewModel, compare?: CompareView): string {
  const title = compare === undefined ? snap.file : `${compare.before.file} → ${snap.file}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src data:">
<title>spickle view: ${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>spickle view</h1><span class="file">${escapeHtml(title)}</span><input id="search" type="search" placeholder="Search names and values  ( / )" aria-label="search names and values"></header>
<nav id="tabs" role="tablist"></nav>
<main id="main"></main>
<script id="model" type="application/json">${scriptJson({ snap, compare })}</script>
<script>${CLIENT_WIDGETS}${CLIENT_VIEWS}</script>
</body>
</html>
`;
}
