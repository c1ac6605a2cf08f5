// The page's script, part 2: the views (tasklets, memory, modules, header, compare, search), the
// tabs and the keyboard. Text, inlined after client-widgets.ts's (see page.ts).
export const CLIENT_VIEWS = String.raw`
const main = document.getElementById("main");
const TABS = ["tasklets", "memory", "modules", "header"].concat(MODEL.compare ? ["compare"] : [], ["search"]);
const views = {};

function tasklet(t) {
  const head = h("div", { class: "detail-head" }, h("h2", {}, "#" + t.id + " " + t.name), h("div", { class: "state state-" + t.state }, t.waits));
  const frames = t.frames.map((f, i) => {
    const where = f.line === undefined ? "" : " (" + (f.file || f.module || "") + ":" + f.line + (f.column === undefined ? "" : ":" + f.column) + ")";
    const box = h("div", { class: "frame" }, h("div", { class: "frame-head" }, (i === 0 ? "at " : "from ") + f.fn + where));
    if (f.source) {
      const pre = h("pre", { class: "source" });
      f.source.lines.forEach((line, j) => {
        const n = f.source.first + j;
        pre.append(h(n === f.line ? "mark" : "span", { class: "line" }, h("span", { class: "ln" }, String(n).padStart(5) + "  "), line + "\n"));
      });
      box.append(pre);
    }
    if (f.locals !== undefined) {
      const node = NODES.get(f.locals);
      const locals = h("div", { class: "locals" }, h("div", { class: "locals-head" }, "locals"));
      if (node) renderFields(locals, node, [f.locals]);
      else for (const [k, v] of f.vars || []) locals.append(treeRow(k, v, undefined, []));
      box.append(locals);
    }
    return box;
  });
  if (t.moreFrames) frames.push(h("div", { class: "note" }, "… " + t.moreFrames + " more frames"));
  return h("div", { class: "tasklet-detail" }, head, frames);
}

views.tasklets = () => {
  const filter = h("input", { id: "tasklet-filter", type: "search", placeholder: "Filter tasklets (name, id, state)", "aria-label": "filter tasklets" });
  const states = ["all"].concat([...new Set(SNAP.tasklets.map((t) => t.state))]);
  const stateSel = h("select", { id: "state-filter", "aria-label": "state" }, states.map((s) => h("option", { value: s }, s)));
  const detail = h("div", { id: "tasklet-detail", class: "detail" }, h("div", { class: "note" }, SNAP.tasklets.length ? "Select a tasklet." : "This snapshot lists no tasklets."));
  let shown = SNAP.tasklets;
  const list = virtualList({
    label: "tasklets", count: shown.length,
    row: (i) => { const t = shown[i]; return h("div", { class: "tasklet-row" }, h("span", { class: "tid" }, "#" + t.id), " ", h("b", {}, t.name), " ", h("span", { class: "state state-" + t.state }, t.waits)); },
    open: (i) => detail.replaceChildren(tasklet(shown[i])),
  });
  function apply() {
    const q = filter.value.toLowerCase();
    const s = stateSel.value;
    shown = SNAP.tasklets.filter((t) => (s === "all" || t.state === s) && (q === "" || ("#" + t.id + " " + t.name + " " + t.waits).toLowerCase().includes(q)));
    list.setCount(shown.length);
  }
  filter.addEventListener("input", apply);
  stateSel.addEventListener("change", apply);
  const more = SNAP.unlistedTasklets ? h("div", { class: "note" }, "… " + SNAP.unlistedTasklets + " more tasklets (not listed in the header)") : null;
  const view = h("div", { class: "split" }, h("div", { class: "side" }, h("div", { class: "tools" }, filter, stateSel), list.el, more), detail);
  view.openTasklet = (id) => { const i = shown.findIndex((t) => t.id === id); if (i >= 0) list.select(i, true); };
  if (shown.length > 0) setTimeout(() => list.select(0, true));
  return view;
};

async function objectDetail(id) {
  const node = await loadNode(id);
  const box = h("div", { class: "object-detail", id: "object-detail" });
  if (node === null) { box.append(h("div", { class: "note" }, "Object @" + id + " is not in this file (open it with spickle view to see every object).")); return box; }
  box.append(h("h3", {}, node.t + " @" + node.id), h("div", { class: "preview" }, node.p),
    h("div", { class: "sizes" }, "shallow " + bytes(node.s) + " · retained " + bytes(node.r)));
  const path = await retainerPath(id);
  const holder = path.slice().reverse().find((n) => n.id !== id && (n.t === "Tasklet" || n.t === "Module"));
  const retainers = h("ol", { class: "retainers", "aria-label": "retainer path" });
  path.forEach((n, i) => {
    const label = (n.via !== undefined && i > 0 ? "." + n.via + " → " : "") + n.t + " @" + n.id;
    retainers.append(h("li", { class: n === holder ? "holder" : "" }, h("a", { href: "#object/" + n.id }, label), " ", h("span", { class: "val" }, n.p)));
  });
  box.append(h("h4", {}, "Why it is in the snapshot"),
    h("div", { class: "held-by" }, node.par === -2 ? "not reachable from the root" : holder ? "held by " + holder.p : node.par === -1 ? "it is the root" : "held by the root"),
    retainers, h("h4", {}, "Fields"));
  const fields = h("div", { class: "tree" });
  renderFields(fields, node, [id]);
  box.append(fields);
  return box;
}

views.memory = () => {
  const detail = h("div", { class: "detail", id: "memory-detail" }, h("div", { class: "note" }, "Select an object."));
  const head = h("div", { class: "thead types-row" }, h("span", {}, "Type"), h("span", {}, "Count"), h("span", {}, "Shallow"), h("span", {}, "Retained"));
  const types = virtualList({
    label: "objects by type", count: SNAP.types.length,
    row: (i) => { const t = SNAP.types[i]; return h("div", { class: "types-row" }, h("span", {}, t.type), h("span", {}, t.count.toLocaleString()), h("span", {}, bytes(t.bytes)), h("span", {}, bytes(t.retained))); },
    open: (i) => showObjects(SNAP.types[i].type),
  });
  let ids = SNAP.largest;
  let title = h("h3", {}, "Largest objects (retained size)");
  const objects = virtualList({
    label: "objects", count: ids.length,
    row: (i) => { const n = NODES.get(ids[i]); return h("div", { class: "object-row" }, h("span", { class: "tid" }, "@" + ids[i]), " ", n ? h("b", {}, n.t) : "", " ", n ? bytes(n.r) : "", " ", h("span", { class: "val" }, n ? n.p : "")); },
    open: (i) => { location.hash = "#object/" + ids[i]; },
  });
  function showObjects(type) {
    ids = SNAP.nodes.filter((n) => n.t === type).sort((a, b) => b.r - a.r).map((n) => n.id);
    title.textContent = type + ": " + ids.length + " objects" + (SNAP.complete ? "" : " in this page");
    objects.setCount(ids.length);
  }
  const view = h("div", { class: "split" }, h("div", { class: "side" },
    h("div", { class: "summary" }, SNAP.entries.toLocaleString() + " objects, " + SNAP.reachable.toLocaleString() + " reachable from the root"),
    SNAP.bodyProblem ? h("div", { class: "error" }, SNAP.bodyProblem) : null,
    h("h3", {}, "Objects by type"), head, types.el, title, objects.el), detail);
  view.showObject = async (id) => detail.replaceChildren(await objectDetail(id));
  return view;
};

function table(head, rows) {
  return h("table", {}, h("thead", {}, h("tr", {}, head.map((c) => h("th", {}, c)))), h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, c))))));
}

views.modules = () => h("div", { class: "page" },
  h("h3", {}, "Modules: " + SNAP.modules.filter((m) => m.byValue).length + " by value, " + SNAP.modules.filter((m) => !m.byValue).length + " by reference"),
  table(["Module", "Mode", "Code size", "Hash"], SNAP.modules.map((m) => [m.id, m.byValue ? "by value" : "by reference", m.codeSize === null ? "-" : bytes(m.codeSize), m.hash.slice(0, 12)])));

views.header = () => h("div", { class: "page" }, h("h3", {}, "Header"),
  h("div", { id: "signature", class: "signature sig-" + SNAP.signature.replace(" ", "-") }, "Signature: " + SNAP.signature),
  table(["Field", "Value"], SNAP.header));

views.compare = () => {
  const c = MODEL.compare;
  const sect = (title, head, rows) => h("section", { class: "cmp" }, h("h3", {}, title + " (" + rows.length + ")"), rows.length ? table(head, rows) : h("div", { class: "note" }, "none"));
  return h("div", { class: "page" },
    h("div", { class: "summary" }, "Before: " + c.before.file + " (" + (c.before.created || "?") + ") → after: " + c.after.file + " (" + (c.after.created || "?") + ")"),
    sect("Tasklets created", ["Id", "Name", "State"], c.created.map((t) => ["#" + t.id, t.name, t.waits])),
    sect("Tasklets ended", ["Id", "Name", "State before"], c.ended.map((t) => ["#" + t.id, t.name, t.waits])),
    sect("Frames that moved", ["Tasklet", "Before", "After"], c.moved.map((m) => ["#" + m.id + " " + m.name, m.before, m.after])),
    sect("Changed locals", ["Tasklet", "Frame", "Local", "Before", "After"], c.locals.map((l) => ["#" + l.id + " " + l.name, l.fn, l.key, l.before, l.after])),
    sect("Growth by type", ["Type", "Count", "Δ count", "Bytes", "Δ bytes"], c.growth.map((g) => [g.type, String(g.count), (g.countDelta > 0 ? "+" : "") + g.countDelta, bytes(g.bytes), (g.bytesDelta > 0 ? "+" : "-") + bytes(Math.abs(g.bytesDelta))])));
};

/** Search over tasklet and frame names, locals, types and the fields (names and values) of the
 * objects the page has. */
function search(q) {
  const out = [];
  const s = q.toLowerCase();
  if (!s) return out;
  for (const t of SNAP.tasklets) {
    if (("#" + t.id + " " + t.name).toLowerCase().includes(s)) out.push({ kind: "tasklet", id: t.id, text: "tasklet #" + t.id + " " + t.name });
    for (const f of t.frames) {
      if (f.fn.toLowerCase().includes(s)) out.push({ kind: "tasklet", id: t.id, text: "frame " + f.fn + " of #" + t.id });
      for (const [k, v] of f.vars || []) if (k.toLowerCase().includes(s) || v.toLowerCase().includes(s)) out.push({ kind: "tasklet", id: t.id, text: "local " + k + " = " + v + " (#" + t.id + " " + f.fn + ")" });
    }
  }
  for (const n of SNAP.nodes) {
    if (out.length > 5000) break;
    for (const f of n.f) if (f.k.toLowerCase().includes(s) || (f.ref === undefined && f.v.toLowerCase().includes(s))) { out.push({ kind: "object", id: n.id, text: n.t + " @" + n.id + " ." + f.k + " = " + f.v }); break; }
  }
  return out;
}

views.search = () => {
  let results = [];
  const title = h("h3", {}, "Search");
  const list = virtualList({
    label: "search results", count: 0,
    row: (i) => h("div", { class: "result-row" }, results[i].text),
    open: (i) => { const r = results[i]; location.hash = r.kind === "tasklet" ? "#tasklet/" + r.id : "#object/" + r.id; },
  });
  const view = h("div", { class: "page" }, title, list.el);
  view.run = (q) => { results = search(q); title.textContent = results.length + " results for " + JSON.stringify(q); list.setCount(results.length); };
  return view;
};

const built = {};
const tabButtons = {};
function show(name) {
  if (!built[name]) { built[name] = views[name](); built[name].id = "view-" + name; main.append(built[name]); }
  for (const n of TABS) {
    if (built[n]) built[n].hidden = n !== name;
    tabButtons[n].setAttribute("aria-selected", String(n === name));
  }
  const list = built[name].querySelector(".vlist");
  if (list) LISTS.forEach((l) => l.draw());
  return built[name];
}

function route() {
  const [kind, arg] = location.hash.slice(1).split("/");
  if (kind === "object") show("memory").showObject(Number(arg));
  else if (kind === "tasklet") show("tasklets").openTasklet(Number(arg));
  else if (TABS.includes(kind)) show(kind);
}

const nav = document.getElementById("tabs");
TABS.forEach((name, i) => {
  tabButtons[name] = h("button", { role: "tab", id: "tab-" + name, title: "key " + (i + 1), onclick: () => { location.hash = "#" + name; } }, name[0].toUpperCase() + name.slice(1));
  nav.append(tabButtons[name]);
});
const searchBox = document.getElementById("search");
let searchTimer = 0;
searchBox.addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => { show("search").run(searchBox.value); if (location.hash !== "#search") history.replaceState(null, "", "#search"); }, 150);
});
document.addEventListener("keydown", (e) => {
  const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
  if (e.key === "/" && !typing) { searchBox.focus(); e.preventDefault(); }
  else if (e.key === "Escape" && typing) e.target.blur();
  else if (!typing && !e.ctrlKey && !e.metaKey && !e.altKey && /^[1-9]$/.test(e.key) && TABS[Number(e.key) - 1]) location.hash = "#" + TABS[Number(e.key) - 1];
});
window.addEventListener("hashchange", route);
if (!location.hash) location.hash = MODEL.compare ? "#compare" : "#tasklets";
else route();
document.body.dataset.ready = "true";
`;
