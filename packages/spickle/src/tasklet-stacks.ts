// What a checkpoint's header says about its tasklets, so that `spickle inspect` can show them
// without decoding the body (decoding would run the snapshot's code): for each live tasklet, what
// it waits on and its stack — function names and original source lines, as a stack trace shows
// them.
//
// A suspended frame is (state machine, next location `n`). The location is turned into a source
// line through the module's restore form and its source map (the very code and map a snapshot
// carries): in the state machine, the statement that suspended the frame is the `return` that
// continues at `n` — `return ctx.d(iterator, n)` for a `yield*`, `ctx.n = n; return value` for a
// `yield`. Found once per (module, function, location) and cached, so a checkpoint pays for it
// once.

import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";
import type { FrameSummary, TaskletState, TaskletSummary, TaskletsSummary } from "@spickle/pickle";
import { closureOf, frameStack, moduleOf, type Frame, type Tasklet, type ModuleInfo, type Scheduler } from "@spickle/runtime";

/** Tasklets listed with their stacks (the others are counted); frames listed per tasklet. */
export const MAX_TASKLETS = 32;
export const MAX_FRAMES = 16;
const MAX_SOURCE = 160;

// The summary's shape is @spickle/pickle's, which reads it back for `inspect` (snapshotContents).
export type { FrameSummary, TaskletState, TaskletSummary, TaskletsSummary } from "@spickle/pickle";

function stateOf(tasklet: Tasklet): TaskletState {
  switch (tasklet.status) {
    case "blocked":
      return tasklet.waiting === "send" ? "sending" : tasklet.waiting === "acquire" ? "lock" : "receiving";
    case "sleeping":
    case "io":
    case "runnable":
      return tasklet.status;
    default:
      return "current"; // running, or in the host call that takes this checkpoint
  }
}

/** The summary of `tasklets` (those a snapshot of `scheduler` holds; ended ones are skipped). */
export function summarizeTasklets(scheduler: Scheduler, tasklets: Iterable<Tasklet>): TaskletsSummary {
  const alive = [...new Set(tasklets)].filter((t) => t.gen !== null);
  const rank = (t: Tasklet) => (t === scheduler.main ? 0 : t.status === "host" ? 1 : 2);
  alive.sort((a, b) => rank(a) - rank(b) || a.id - b.id);
  const waitedOn = new Map<object, number>();
  const list = alive.slice(0, MAX_TASKLETS).map((tasklet) => {
    const summary: TaskletSummary = { id: tasklet.id, name: tasklet.name, state: stateOf(tasklet), frames: [] };
    if (tasklet.status === "blocked" && tasklet.waitingOn !== null) {
      let n = waitedOn.get(tasklet.waitingOn);
      if (n === undefined) waitedOn.set(tasklet.waitingOn, (n = waitedOn.size + 1));
      summary.on = n;
    }
    if (tasklet.status === "sleeping" && tasklet.timer !== null && scheduler.pausedAt !== null) {
      summary.sleepMs = Math.max(0, Math.round(tasklet.timer.at - scheduler.pausedAt));
    }
    const frames = frameStack(tasklet.gen!).reverse();
    summary.frames = frames.slice(0, MAX_FRAMES).map(frameSummary);
    if (frames.length > MAX_FRAMES) summary.moreFrames = frames.length - MAX_FRAMES;
    return summary;
  });
  return { list, more: alive.length - list.length };
}

/** Site id of each function suspended on a stack → how many frames of it there are, over every
 * live tasklet (the header's `suspended`: `spickle diff` says which changed functions are running). */
export function suspendedSites(tasklets: Iterable<Tasklet>): Record<string, number> {
  const counts = new Map<string, number>();
  for (const tasklet of new Set(tasklets)) {
    if (tasklet.gen === null) continue;
    for (const frame of frameStack(tasklet.gen)) {
      const id = closureOf(frame.body)?.id;
      if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function frameSummary(frame: Frame): FrameSummary {
  const fn = frame.fn?.name || "<anonymous>";
  const body = closureOf(frame.body);
  const record = body === undefined ? undefined : moduleOf(body.registry);
  if (body === undefined || record === undefined) return { fn };
  const n = frame.state === 0 ? -1 : frame.n;
  const at = sourceLocation(record.info, body.id, n);
  return at === undefined ? { fn, module: record.id, site: body.id, at: n } : { fn, module: record.id, ...at, site: body.id, at: n };
}

// ---------------------------------------------------------------------------------------------
// Source locations of suspension points.

interface Location {
  file: string;
  line: number;
  column: number;
  source: string;
}

interface ModuleLocator {
  code: string;
  map: SourceMap;
  sources: string[];
  sourcesContent: (string | null)[];
  lineStarts: number[];
  /** `site id:n` → location (undefined: not found). */
  found: Map<string, Location | undefined>;
}

const locators = new WeakMap<ModuleInfo, ModuleLocator | null>();

function locatorOf(info: ModuleInfo): ModuleLocator | null {
  let locator = locators.get(info);
  if (locator !== undefined) return locator;
  locator = null;
  const map = info.map as { sources?: unknown; sourcesContent?: unknown } | null;
  if (typeof info.code === "string" && map !== null && typeof map === "object" && Array.isArray(map.sources)) {
    try {
      const lineStarts = [0];
      for (let i = info.code.indexOf("\n"); i >= 0; i = info.code.indexOf("\n", i + 1)) lineStarts.push(i + 1);
      locator = {
        code: info.code,
        map: new SourceMap(map as ConstructorParameters<typeof SourceMap>[0]),
        sources: map.sources as string[],
        sourcesContent: Array.isArray(map.sourcesContent) ? (map.sourcesContent as (string | null)[]) : [],
        lineStarts,
        found: new Map(),
      };
    } catch {
      locator = null; // a malformed map: no source lines
    }
  }
  locators.set(info, locator);
  return locator;
}

/** Where the frame of site `siteId` suspended with next location `n` (-1: not started) is. */
export function sourceLocation(info: ModuleInfo, siteId: string, n: number): Location | undefined {
  const locator = locatorOf(info);
  if (locator === null) return undefined;
  const key = `${siteId}:${n}`;
  if (locator.found.has(key)) return locator.found.get(key);
  let location: Location | undefined;
  try {
    const range = functionRange(locator.code, siteId);
    const offset = range === undefined ? undefined : suspensionOffset(locator.code, range, n);
    location = offset === undefined ? undefined : originalLocation(locator, offset);
  } catch {
    location = undefined;
  }
  locator.found.set(key, location);
  return location;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** [start, end) of the state machine of site `siteId` in a restore form: the sites table names
 * its local (`"id": name`); a factory's first inner function is the function itself. The end is
 * the first later line that closes at the function's own indentation (Babel's printing). */
function functionRange(code: string, siteId: string): [number, number] | undefined {
  const named = new RegExp(`${escapeRegExp(JSON.stringify(siteId))}: ([\\w$]+)`).exec(code);
  if (named === null) return undefined;
  const name = named[1]!;
  let start = code.indexOf(`function ${name}(`, named.index);
  if (start < 0) start = code.indexOf(`function ${name}(`);
  if (start < 0) return undefined;
  if (name.endsWith("$factory")) {
    start = code.indexOf("function ", start + 1);
    if (start < 0) return undefined;
  }
  const lineStart = code.lastIndexOf("\n", start) + 1;
  const indent = /^ */.exec(code.slice(lineStart, start))![0];
  const close = new RegExp(`\\n${indent}\\}`, "g");
  close.lastIndex = start;
  const end = close.exec(code);
  return [start, end === null ? code.length : end.index];
}

/** Offset of the `return` that suspends the state machine and continues at `n` (or, for a frame
 * that has not started, of its first statement). */
function suspensionOffset(code: string, [start, end]: [number, number], n: number): number | undefined {
  const body = code.slice(start, end);
  if (n < 0) {
    const first = /case 0:\s*/.exec(body);
    return first === null ? undefined : start + first.index + first[0].length;
  }
  // `ctx.n = n; return value` (a yield)
  const plain = new RegExp(`[\\w$]+\\.n = ${n};\\s*(return\\b)`).exec(body);
  if (plain !== null) return start + plain.index + plain[0].length - "return".length;
  // `return ctx.d(iterator, n);` (a yield*), on one line or, when its arguments hold a function
  // literal, on several: then the nearest `return ctx.d(` before the `, n);` that ends it (the
  // function literal may have returns of its own).
  const oneLine = new RegExp(`return [\\w$]+\\.d\\([^\\n]*, ${n}\\);\\n`).exec(body);
  if (oneLine !== null) return start + oneLine.index;
  const ending = new RegExp(`\\), ${n}\\);\\n`).exec(body);
  if (ending === null) return undefined;
  const delegates = [...body.slice(0, ending.index).matchAll(/return [\w$]+\.d\(/g)];
  return delegates.length === 0 ? undefined : start + delegates[delegates.length - 1]!.index;
}

function originalLocation(locator: ModuleLocator, offset: number): Location | undefined {
  const starts = locator.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  const entry = locator.map.findEntry(lo, offset - starts[lo]!) as {
    originalSource?: string;
    originalLine?: number;
    originalColumn?: number;
  };
  if (entry.originalSource === undefined || entry.originalLine === undefined) return undefined;
  const index = locator.sources.indexOf(entry.originalSource);
  const text = index >= 0 ? locator.sourcesContent[index] : undefined;
  const line = typeof text === "string" ? (text.split("\n")[entry.originalLine] ?? "") : "";
  let file = entry.originalSource;
  if (file.startsWith("file://")) file = fileURLToPath(file);
  const source = line.trim();
  return {
    file,
    line: entry.originalLine + 1,
    column: (entry.originalColumn ?? 0) + 1,
    source: source.length > MAX_SOURCE ? `${source.slice(0, MAX_SOURCE - 1)}…` : source,
  };
}
