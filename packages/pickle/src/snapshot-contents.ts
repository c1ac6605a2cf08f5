// What a snapshot holds, as `spickle inspect` shows it: the frame's facts (frame.ts), the header's
// known fields checked one by one (module table, tasklet stacks), and the body's objects by type
// (body-contents.ts) — after the whole snapshot verified, and without decoding anything into live
// objects: none of the snapshot's code runs, no module is imported.
//
// Imported as "@spickle/pickle/contents" (not from the package's index, which every resume loads).
// Any input gives contents or throws a one-line SnapshotError (the fuzz corpus of
// packages/spickle/test/inspect-bounded.test.ts runs inspect on mutated snapshots).
import { bodyContents, type TypeStats } from "./body-contents.js";
import { SnapshotError } from "./errors.js";
import { readFrame } from "./frame.js";
import { keyOf, parseHeader, type SnapshotKeyOptions } from "./snapshot.js";

export { bodyContents, type BodyContents, type TypeStats } from "./body-contents.js";
import { functionTables, type FunctionTables } from "./snapshot-functions.js";
export type { FunctionTables } from "./snapshot-functions.js";

/** One frame of a tasklet's stack, as a checkpoint's header lists it. */
export interface FrameSummary {
  /** Function name. */
  fn: string;
  /** Module id (path from its project root), when the function is compiled code. */
  module?: string;
  /** Original source file, 1-based line and column, and the line's text. */
  file?: string;
  line?: number;
  column?: number;
  source?: string;
  /** Site id of the frame's function (its state machine) and its resume point. */
  site?: string;
  at?: number;
}

export type TaskletState = "current" | "runnable" | "receiving" | "sending" | "lock" | "sleeping" | "io";

export interface TaskletSummary {
  id: number;
  name: string;
  state: TaskletState;
  /** The channel or lock it waits on, numbered in order of appearance in this summary. */
  on?: number;
  /** Sleeping: milliseconds left. */
  sleepMs?: number;
  /** Innermost first (as a stack trace). */
  frames: FrameSummary[];
  /** Frames not listed (outermost ones of a deep stack). */
  moreFrames?: number;
}

/** The header's `stacks` field, written by a checkpoint. */
export interface TaskletsSummary {
  /** Listed tasklets: main first, then the one that asked for the checkpoint, then by id. */
  list: TaskletSummary[];
  /** Live tasklets not listed. */
  more: number;
}

export interface ModuleEntry {
  id: string;
  hash: string;
  byValue: boolean;
  /** Bytes its code, source map and tables take in the snapshot (null: by reference). */
  codeSize: number | null;
}

export interface SnapshotContents {
  kind: string;
  size: number;
  headerSize: number;
  bodySize: number;
  formatVersion: number;
  signed: boolean;
  /** true: checked against the key; false: signed but no key to check it with; null: unsigned. */
  signatureVerified: boolean | null;
  created: string | null;
  spickleVersion: string | null;
  nodeVersion: string | null;
  entry: string | null;
  tasklets: number | null;
  pausedIn: string | null;
  /** Modules the snapshot refers to (null: the header has no module table). */
  modules: ModuleEntry[] | null;
  /** Live tasklets with their stacks, innermost frame first (null: the header has none). */
  stacks: TaskletSummary[] | null;
  /** Live tasklets the header does not list. */
  unlistedTasklets: number;
  /** What the body holds, by type, largest total first (null: a body format this reader does
   * not know, or a body it cannot read). */
  objects: TypeStats[] | null;
  /** The whole header, as stored. */
  header: Record<string, unknown>;
}

/** Deeper headers are refused: showing them (JSON, the listing) would recurse that deep. */
export const MAX_HEADER_DEPTH = 100;

/** Throws when `header` nests arrays or maps deeper than MAX_HEADER_DEPTH (checked iteratively). */
function checkDepth(header: Record<string, unknown>): void {
  const stack: Array<[unknown, number]> = [[header, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== "object" || value === null || ArrayBuffer.isView(value) || value instanceof Date) continue;
    if (depth >= MAX_HEADER_DEPTH) throw new SnapshotError(`snapshot header nested deeper than ${MAX_HEADER_DEPTH} levels`);
    for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push([child, depth + 1]);
  }
}

/** Header fields snapshotContents reads into their own fields. */
export const KNOWN_HEADER_FIELDS: ReadonlySet<string> = new Set(["kind", "created", "spickle", "node", "entry", "tasklets", "caller", "modules", "stacks", "sites", "suspended"]);

/** The header's module table (`[id, hash, byValue]` rows), or null when absent or unknown. */
function modulesOf(value: unknown, sizes: ReadonlyMap<string, number>): ModuleEntry[] | null {
  if (!Array.isArray(value)) return null;
  const out: ModuleEntry[] = [];
  for (const row of value) {
    if (!Array.isArray(row) || typeof row[0] !== "string") return null;
    const id = row[0];
    out.push({ id, hash: typeof row[1] === "string" ? row[1] : "", byValue: row[2] === true, codeSize: sizes.get(id) ?? null });
  }
  return out;
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** An own field of a header value (a plain object from msgpack), never an inherited one. */
function field(value: object, name: string): unknown {
  return Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined;
}

const STATES: ReadonlySet<string> = new Set<TaskletState>(["current", "runnable", "receiving", "sending", "lock", "sleeping", "io"]);

function frameOf(value: unknown): FrameSummary | null {
  if (typeof value !== "object" || value === null) return null;
  const fn = field(value, "fn");
  if (typeof fn !== "string") return null;
  const frame: FrameSummary = { fn };
  const module = field(value, "module");
  if (typeof module === "string") frame.module = module;
  const file = field(value, "file");
  const line = num(field(value, "line"));
  if (typeof file === "string" && line !== undefined) {
    frame.file = file;
    frame.line = line;
    frame.column = num(field(value, "column"));
    frame.source = str(field(value, "source")) ?? undefined;
  }
  const site = field(value, "site");
  const at = num(field(value, "at"));
  if (typeof site === "string" && at !== undefined) {
    frame.site = site;
    frame.at = at;
  }
  return frame;
}

function taskletOf(value: unknown): TaskletSummary | null {
  if (typeof value !== "object" || value === null) return null;
  const id = num(field(value, "id"));
  const name = field(value, "name");
  const state = field(value, "state");
  const frames = field(value, "frames");
  if (id === undefined || typeof name !== "string" || typeof state !== "string" || !STATES.has(state) || !Array.isArray(frames)) return null;
  const summary: TaskletSummary = { id, name, state: state as TaskletState, frames: frames.map(frameOf).filter((f) => f !== null) };
  const on = num(field(value, "on"));
  const sleepMs = num(field(value, "sleepMs"));
  const moreFrames = num(field(value, "moreFrames"));
  if (on !== undefined) summary.on = on;
  if (sleepMs !== undefined) summary.sleepMs = sleepMs;
  if (moreFrames !== undefined) summary.moreFrames = moreFrames;
  return summary;
}

/** The header's tasklet stacks (written by checkpoints), checked field by field. */
function stacksOf(value: unknown): { stacks: TaskletSummary[] | null; unlisted: number } {
  if (typeof value !== "object" || value === null) return { stacks: null, unlisted: 0 };
  const list = field(value, "list");
  if (!Array.isArray(list)) return { stacks: null, unlisted: 0 };
  return { stacks: list.map(taskletOf).filter((t) => t !== null), unlisted: num(field(value, "more")) ?? 0 };
}

/**
 * What the snapshot `bytes` holds, after the whole of it verified: length, checksum and, with a
 * key (`key` option or SPICKLE_KEY), the signature. Throws a one-line SnapshotError for anything
 * else than a valid snapshot.
 */
export function snapshotContents(bytes: Uint8Array, options?: SnapshotKeyOptions): SnapshotContents {
  return snapshotContentsAndBody(bytes, options).contents;
}

/** snapshotContents, with the body's bytes (a view of `bytes`) for a reader that indexes it;
 * with `objects: false` the body is not read (`objects` and the modules' code sizes are null:
 * that reader computes them from its index). */
export function snapshotContentsAndBody(
  bytes: Uint8Array,
  options?: SnapshotKeyOptions & { objects?: boolean },
): { contents: SnapshotContents; body: Uint8Array } {
  const key = keyOf(options);
  const layout = readFrame(bytes, key);
  const header = parseHeader(bytes, layout);
  checkDepth(header);
  const body = bytes.subarray(layout.bodyStart, layout.bodyEnd);
  const contents = options?.objects === false ? null : bodyContents(body);
  const { stacks, unlisted } = stacksOf(field(header, "stacks"));
  const tasklets = field(header, "tasklets");
  const summary: SnapshotContents = {
    kind: str(field(header, "kind")) ?? "value",
    size: bytes.length,
    headerSize: layout.headerEnd - layout.headerStart,
    bodySize: body.length,
    formatVersion: layout.version,
    signed: layout.signed,
    signatureVerified: layout.signed ? key !== undefined : null,
    created: str(field(header, "created")),
    spickleVersion: str(field(header, "spickle")),
    nodeVersion: str(field(header, "node")),
    entry: str(field(header, "entry")),
    tasklets: typeof tasklets === "number" ? tasklets : null,
    pausedIn: str(field(header, "caller")),
    modules: modulesOf(field(header, "modules"), contents?.moduleBytes ?? new Map()),
    stacks,
    unlistedTasklets: unlisted,
    objects: contents?.types ?? null,
    header,
  };
  return { contents: summary, body };
}

export {
  buildBodyIndex, entryFields, ARRAY_ITEM, RECORD_ITEM, type BodyIndex, type EntryField, type WireValue,
} from "./body-index.js";
export { bodyGraph, largestRetained, retainedByType, retainerPath, type BodyGraph } from "./body-graph.js";
export { BodyError } from "./body-cursor.js";
export interface SnapshotFunctions extends FunctionTables {
  stacks: TaskletSummary[];
}

/** The function sites a checkpoint holds, from its header alone (after the whole snapshot
 * verified; the body is not read): see snapshot-functions.ts. */
export function snapshotFunctions(bytes: Uint8Array, options?: SnapshotKeyOptions): SnapshotFunctions {
  const layout = readFrame(bytes, keyOf(options));
  const header = parseHeader(bytes, layout);
  checkDepth(header);
  return { ...functionTables(header), stacks: stacksOf(field(header, "stacks")).stacks ?? [] };
}
