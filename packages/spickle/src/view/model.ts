// What the viewer's page shows of one snapshot, computed from the header and an index of the
// body's bytes (@spickle/pickle/contents): nothing is decoded into live objects, no code of the
// snapshot runs. The tasklets come from the header's stacks, matched to the Tasklet objects of the
// body for their frames' locals; the source around each frame's line comes from the source map
// the snapshot carries for modules written by value.
import {
  bodyGraph, BodyError, buildBodyIndex, entryFields, KNOWN_HEADER_FIELDS, largestRetained, retainedByType,
  type BodyGraph, type BodyIndex, type FrameSummary, type SnapshotContents, type WireValue,
} from "@spickle/pickle/contents";
import { stateText } from "../cli/inspect.js";
import { bytesText } from "../cli/progress.js";
import { nodeView, valueText, ViaCache, type NodeView } from "./values.js";

/** Lines of source shown before and after a frame's line. */
const CONTEXT_LINES = 4;
/** Objects listed as the largest. */
const LARGEST = 100;
/** Snapshots of at most this many entries carry every entry in the page. */
const ALL_ENTRIES = 30_000;
/** Otherwise: entries near the tasklets' locals, at most this many. */
const NEAR_LOCALS = 20_000;

export interface FrameView {
  fn: string;
  module?: string;
  file?: string;
  line?: number;
  column?: number;
  /** Lines around `line`, the first being line `first` (from the snapshot's source map), or the
   * line alone from the header. */
  source?: { first: number; lines: string[] };
  /** The entry of the frame's locals, and each local's preview. */
  locals?: number;
  vars?: Array<[string, string]>;
}

export interface TaskletView {
  id: number;
  name: string;
  state: string;
  /** What it waits on, in words. */
  waits: string;
  entry?: number;
  frames: FrameView[];
  moreFrames?: number;
}

export interface TypeView {
  type: string;
  count: number;
  bytes: number;
  retained: number;
  largest: number;
}

export interface ViewModel {
  file: string;
  kind: string;
  created: string | null;
  /** The header as rows of label and value. */
  header: Array<[string, string]>;
  signature: "verified" | "not verified" | "unsigned";
  tasklets: TaskletView[];
  unlistedTasklets: number;
  modules: Array<{ id: string; hash: string; byValue: boolean; codeSize: number | null }>;
  types: TypeView[];
  largest: number[];
  entries: number;
  reachable: number;
  /** Every entry is in `nodes` (else the server gives the others, see server.ts). */
  complete: boolean;
  nodes: NodeView[];
  /** Why the body could not be indexed (its objects are then not shown). */
  bodyProblem?: string;
}

/** The index and graph of a snapshot, kept by the server to answer for entries the page lacks. */
export interface IndexedSnapshot {
  model: ViewModel;
  index: BodyIndex | null;
  graph: BodyGraph | null;
}

const isRef = (v: WireValue): v is { ref: number } => typeof v === "object" && v !== null && "ref" in v;
const refOf = (index: BodyIndex, entry: number, key: string): number | undefined => {
  const value = entryFields(index, entry).find((f) => f.key === key)?.value;
  return value !== undefined && isRef(value) ? value.ref : undefined;
};

/** The original source text of each module written by value (from its source map). */
function moduleSources(index: BodyIndex): Map<string, string> {
  const out = new Map<string, string>();
  for (const [entry, id] of index.modules) {
    const info = refOf(index, entry, "info");
    const map = info === undefined ? undefined : refOf(index, info, "map");
    const contents = map === undefined ? undefined : refOf(index, map, "sourcesContent");
    const first = contents === undefined ? undefined : entryFields(index, contents)[0]?.value;
    if (typeof first === "string") out.set(id, first);
  }
  return out;
}

/** The frames of a tasklet's generator, outermost first (its `yield*` chain). */
function framesOf(index: BodyIndex, tasklet: number): number[] {
  const frames: number[] = [];
  const seen = new Set<number>();
  let generator = refOf(index, tasklet, "gen");
  while (generator !== undefined && !seen.has(generator) && index.typeNames[index.type[generator]!] === "Generator") {
    seen.add(generator);
    const frame = refOf(index, generator, "frame");
    if (frame === undefined) break;
    frames.push(frame);
    generator = refOf(index, frame, "delegate");
  }
  return frames;
}

function sourceAround(f: FrameSummary, sources: Map<string, string>): FrameView["source"] {
  if (f.line === undefined) return undefined;
  const text = f.module === undefined ? undefined : sources.get(f.module);
  if (text === undefined) return f.source === undefined ? undefined : { first: f.line, lines: [f.source] };
  const lines = text.split("\n");
  const first = Math.max(1, f.line - CONTEXT_LINES);
  return { first, lines: lines.slice(first - 1, Math.min(lines.length, f.line + CONTEXT_LINES)) };
}

function taskletViews(contents: SnapshotContents, index: BodyIndex | null): TaskletView[] {
  const byId = new Map<number, number>();
  if (index !== null) {
    const taskletType = index.typeNames.indexOf("Tasklet");
    for (let e = 0; e < index.count && taskletType >= 0; e++) {
      if (index.type[e] !== taskletType) continue;
      const id = entryFields(index, e).find((f) => f.key === "id")?.value;
      if (typeof id === "number") byId.set(id, e);
    }
  }
  const sources = index === null ? new Map<string, string>() : moduleSources(index);
  return (contents.stacks ?? []).map((t) => {
    const entry = byId.get(t.id);
    // The header lists frames innermost first; the body's chain is outermost first.
    const bodyFrames = index === null || entry === undefined ? [] : framesOf(index, entry).reverse();
    const frames = t.frames.map((f, i): FrameView => {
      const view: FrameView = { fn: f.fn, module: f.module, file: f.file, line: f.line, column: f.column, source: sourceAround(f, sources) };
      const frame = bodyFrames[i];
      const locals = frame === undefined || index === null ? undefined : refOf(index, frame, "locals");
      if (locals !== undefined && index !== null) {
        view.locals = locals;
        view.vars = entryFields(index, locals).map((l) => [l.key, valueText(index, l.value)]);
      }
      return view;
    });
    let waits = stateText(t);
    const created = contents.created === null ? NaN : Date.parse(contents.created);
    if (t.sleepMs !== undefined && Number.isFinite(created)) waits += `, deadline ${new Date(created + t.sleepMs).toISOString()}`;
    return { id: t.id, name: t.name, state: t.state, waits, entry, frames, moreFrames: t.moreFrames };
  });
}

/** A header field the page has no row of its own for, as one line of JSON (cut). */
function headerValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? `<${v.length} bytes>` : v)) ?? String(value);
  } catch {
    text = "(too deep to show)";
  }
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

function headerRows(c: SnapshotContents, file: string): Array<[string, string]> {
  const rows: Array<[string, string]> = [["File", file], ["Kind", c.kind]];
  if (c.created !== null) rows.push(["Created", c.created]);
  if (c.entry !== null) rows.push(["Program", c.entry]);
  if (c.pausedIn !== null) rows.push(["Paused in", c.pausedIn]);
  if (c.tasklets !== null) rows.push(["Tasklets", String(c.tasklets)]);
  rows.push(["Size", `${bytesText(c.size)} (header ${bytesText(c.headerSize)}, body ${bytesText(c.bodySize)})`]);
  rows.push(["Spickle", c.spickleVersion ?? "unknown"], ["Node", c.nodeVersion ?? "unknown"], ["Format", `version ${c.formatVersion}`]);
  rows.push([
    "Signature",
    c.signatureVerified === null ? "none (unsigned)" : c.signatureVerified ? "HMAC-SHA256, verified with SPICKLE_KEY" : "HMAC-SHA256, not verified (SPICKLE_KEY is not set)",
  ]);
  rows.push(["Checksum", "ok (CRC-32)"]);
  for (const key of Object.keys(c.header).filter((k) => !KNOWN_HEADER_FIELDS.has(k)).sort()) rows.push([key, headerValue(c.header[key])]);
  return rows;
}

/** The entries the page carries: all of a small snapshot; of a large one, those near the
 * tasklets' locals, the largest, and every entry on their retainer paths. */
function pageEntries(index: BodyIndex, graph: BodyGraph, tasklets: TaskletView[], largest: number[]): number[] {
  if (index.count <= ALL_ENTRIES) return Array.from({ length: index.count }, (_, i) => i);
  const chosen = new Set<number>();
  const queue: number[] = [];
  const add = (e: number | undefined) => {
    if (e === undefined || chosen.has(e) || chosen.size >= NEAR_LOCALS) return;
    chosen.add(e);
    queue.push(e);
  };
  if (index.root >= 0) add(index.root);
  for (const t of tasklets) {
    add(t.entry);
    for (const f of t.frames) add(f.locals);
  }
  // Breadth-first from the locals: what expanding them shows first.
  for (let head = 0; head < queue.length && chosen.size < NEAR_LOCALS; head++) {
    const v = queue[head]!;
    for (let e = index.edgeStart[v]!; e < index.edgeStart[v + 1]!; e++) add(index.edgeTo[e]);
  }
  for (const e of largest) chosen.add(e);
  for (const e of [...chosen]) for (let p = graph.parent[e]!; p >= 0 && !chosen.has(p); p = graph.parent[p]!) chosen.add(p);
  return [...chosen].sort((a, b) => a - b);
}

/** The page's model of a verified snapshot. */
export function buildModel(file: string, contents: SnapshotContents, body: Uint8Array): IndexedSnapshot {
  let index: BodyIndex | null = null;
  let graph: BodyGraph | null = null;
  let bodyProblem: string | undefined;
  try {
    index = buildBodyIndex(body);
    graph = bodyGraph(index);
  } catch (error) {
    if (!(error instanceof BodyError)) throw error;
    bodyProblem = `the body's objects cannot be shown: ${error.message}`;
  }
  const tasklets = taskletViews(contents, index);
  let types: TypeView[] = (contents.objects ?? []).map((t) => ({ ...t, retained: 0 }));
  const modules = (contents.modules ?? []).map((m) => ({ ...m }));
  let largest: number[] = [];
  let nodes: NodeView[] = [];
  if (index !== null && graph !== null) {
    const byType = retainedByType(index, graph);
    const counts = new Map<number, TypeView>();
    for (let e = 0; e < index.count; e++) {
      const t = index.type[e]!;
      let view = counts.get(t);
      if (view === undefined) counts.set(t, (view = { type: index.typeNames[t]!, count: 0, bytes: 0, retained: byType[t]!, largest: 0 }));
      view.count++;
      view.bytes += index.size[e]!;
      if (index.size[e]! > view.largest) view.largest = index.size[e]!;
    }
    types = [...counts.values()].sort((a, b) => b.retained - a.retained || b.bytes - a.bytes);
    largest = largestRetained(index, graph, LARGEST);
    // A by-value module's code: what its record retains (its info, code, source map, tables).
    const moduleEntries = new Map([...index.modules].map(([entry, id]) => [id, entry]));
    for (const m of modules) {
      const entry = moduleEntries.get(m.id);
      if (m.byValue && entry !== undefined) m.codeSize = graph.retained[entry]!;
    }
    const g = graph;
    const i = index;
    const via = new ViaCache();
    nodes = pageEntries(index, graph, tasklets, largest).map((e) => nodeView(i, g, e, via));
  }
  const model: ViewModel = {
    file,
    kind: contents.kind,
    created: contents.created,
    header: headerRows(contents, file),
    signature: contents.signatureVerified === null ? "unsigned" : contents.signatureVerified ? "verified" : "not verified",
    tasklets,
    unlistedTasklets: contents.unlistedTasklets,
    modules,
    types,
    largest,
    entries: index?.count ?? 0,
    reachable: graph?.reachable ?? 0,
    complete: index !== null && nodes.length === index.count,
    nodes,
    bodyProblem,
  };
  return { model, index, graph };
}
