// The page's script, part 1: DOM helpers, the virtualized list, the value tree and node loading.
// Kept as text (inlined into the one self-contained page, see page.ts); it reads the page's model
// from the JSON script block, builds the DOM with textContent only (snapshot text never becomes
// markup) and, when served by `spickle view`, asks the server for entries the page does not carry.
export const CLIENT_WIDGETS = String.raw`
"use strict";
const MODEL = JSON.parse(document.getElementById("model").textContent);
const SNAP = MODEL.snap;
const NODES = new Map(SNAP.nodes.map((n) => [n.id, n]));
const SERVED = location.protocol === "http:" || location.protocol === "https:";

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(typeof c === "string" || typeof c === "number" ? String(c) : c);
  return el;
}

function bytes(n) {
  if (n < 1024) return n + " B";
  const units = ["KiB", "MiB", "GiB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return (v >= 100 ? v.toFixed(0) : v.toFixed(1)) + " " + units[u];
}

/** An entry of the body: from the page, or (served) from the server; null when neither has it. */
async function loadNode(id) {
  if (NODES.has(id)) return NODES.get(id);
  if (!SERVED) return null;
  const res = await fetch("api/node?id=" + id);
  if (!res.ok) return null;
  const got = await res.json();
  for (const n of got) NODES.set(n.id, n);
  return NODES.get(id) || null;
}

/** A list drawing only the rows in view: tables of millions of rows stay fast. Arrow keys or
 * j/k move the selection, Enter (or a click) opens a row. */
const LISTS = [];
function virtualList(opts) {
  const rowHeight = opts.rowHeight || 24;
  const el = h("div", { class: "vlist", tabindex: "0", role: "listbox", "aria-label": opts.label });
  const inner = h("div", { class: "vinner" });
  el.append(inner);
  const list = { el, count: opts.count, selected: -1, printAll: false };
  function draw() {
    inner.style.height = list.printAll ? "auto" : list.count * rowHeight + "px";
    const height = el.clientHeight || 400;
    const start = list.printAll ? 0 : Math.max(0, Math.floor(el.scrollTop / rowHeight) - 5);
    const end = list.printAll ? Math.min(list.count, 2000) : Math.min(list.count, start + Math.ceil(height / rowHeight) + 10);
    const rows = [];
    for (let i = start; i < end; i++) {
      const row = opts.row(i);
      row.classList.add("vrow");
      if (i === list.selected) row.classList.add("selected");
      row.setAttribute("role", "option");
      row.dataset.index = String(i);
      if (!list.printAll) { row.style.top = i * rowHeight + "px"; row.style.height = rowHeight + "px"; }
      row.addEventListener("click", () => list.select(i, true));
      rows.push(row);
    }
    inner.replaceChildren(...rows);
  }
  list.draw = draw;
  list.select = (i, open) => {
    if (list.count === 0) return;
    list.selected = Math.max(0, Math.min(list.count - 1, i));
    const top = list.selected * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
    draw();
    if (open && opts.open) opts.open(list.selected);
  };
  list.setCount = (n) => { list.count = n; list.selected = -1; el.scrollTop = 0; draw(); };
  el.addEventListener("scroll", draw);
  el.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "j") { list.select(list.selected + 1, true); e.preventDefault(); }
    else if (e.key === "ArrowUp" || e.key === "k") { list.select(list.selected - 1, true); e.preventDefault(); }
    else if (e.key === "Home") { list.select(0, true); e.preventDefault(); }
    else if (e.key === "End") { list.select(list.count - 1, true); e.preventDefault(); }
    else if (e.key === "Enter" && list.selected >= 0) { opts.open && opts.open(list.selected); e.preventDefault(); }
  });
  LISTS.push(list);
  requestAnimationFrame(draw);
  return list;
}
window.addEventListener("beforeprint", () => { for (const l of LISTS) { l.printAll = true; l.draw(); } });
window.addEventListener("afterprint", () => { for (const l of LISTS) { l.printAll = false; l.draw(); } });

/** One row of a value tree: key, value preview and, for an object, a toggle that loads and shows
 * its fields. ancestors: the entries above it (a field leading back to one is marked circular). */
function treeRow(key, text, ref, ancestors, full, internal) {
  const row = h("div", { class: "tree-row" + (internal ? " internal" : "") });
  const children = h("div", { class: "tree-children", hidden: true });
  const keyEl = h("span", { class: "key" }, key);
  const circular = ref !== undefined && ancestors.includes(ref);
  const valEl = h("span", { class: "val" + (circular ? " cycle" : "") }, circular ? "[Circular *" + ref + "] " + text : text);
  const wrap = h("div", { class: "tree-item" }, row, children);
  if (ref !== undefined && !circular) {
    const toggle = h("button", { class: "twisty", "aria-expanded": "false", "aria-label": "expand " + key, title: "expand" }, "▸");
    let loaded = false;
    async function set(open) {
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = open ? "▾" : "▸";
      children.hidden = !open;
      if (open && !loaded) {
        loaded = true;
        const node = await loadNode(ref);
        if (node === null) children.append(h("div", { class: "note" }, "not in this file (open it with spickle view to see every object)"));
        else renderFields(children, node, ancestors.concat([ref]));
      }
    }
    toggle.addEventListener("click", () => set(toggle.getAttribute("aria-expanded") !== "true"));
    toggle.addEventListener("keydown", (e) => {
      if (e.key === "ArrowRight") { set(true); e.preventDefault(); }
      else if (e.key === "ArrowLeft") { set(false); e.preventDefault(); }
    });
    row.append(toggle, keyEl, ": ", valEl, " ", h("a", { class: "why", href: "#object/" + ref, title: "why is this in the snapshot" }, "@" + ref));
  } else {
    row.append(h("span", { class: "twisty-space" }), keyEl, ": ", valEl);
    if (full) {
      const more = h("button", { class: "more", title: "show the whole text" }, "show all");
      more.addEventListener("click", () => { valEl.textContent = JSON.stringify(full); more.remove(); });
      row.append(" ", more);
    }
  }
  return wrap;
}

function renderFields(container, node, ancestors) {
  if (node.f.length === 0) container.append(h("div", { class: "note" }, "(no properties)"));
  for (const f of node.f) container.append(treeRow(f.k, f.v, f.ref, ancestors, f.full, f.internal));
  if (node.more) container.append(h("div", { class: "note" }, "… " + node.more + " more fields"));
}

/** The retainer path of an entry, root first (from the parents the page or server has). */
async function retainerPath(id) {
  const path = [];
  let node = await loadNode(id);
  while (node !== null && path.length < 10000) {
    path.push(node);
    if (node.par < 0) break;
    node = await loadNode(node.par);
  }
  return path.reverse();
}
`;
