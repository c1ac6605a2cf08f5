// What a snapshot body holds, by type — read from the bytes alone (body-cursor.ts): nothing is
// decoded into live objects, no code of the snapshot runs, no module is imported.
//
// The body (tags.ts) is one msgpack array: [FORMAT, item…, root]. Every item but a fill creates
// one entry of the value table: a record (an ordinary object), an array, or a tag followed by its
// fields. Each entry's type and byte size are noted, and the size of fill items is added to the
// entry they fill. The entries a module record owns (its restore code, source map, tables) count
// as that module. Names that come from the input (handler kinds, classes, error names) are keys of
// Maps only, never of plain objects.
import { BodyError, Cursor } from "./body-cursor.js";
import * as T from "./tags.js";

/** Display type of each tag that creates an entry (fills add to their entry instead). */
const TAG_TYPES = new Map<number, string>([
  [T.T_NEW_OBJECT, "Object"],
  [T.T_NUMBER, "number"],
  [T.T_NEW_ARRAY, "Array"],
  [T.T_OBJECT_KV, "Object"],
  [T.T_REF, "(by reference)"],
  [T.T_NEGZERO, "number"],
  [T.T_BIGINT, "BigInt"],
  [T.T_SYMBOL_FOR, "Symbol"],
  [T.T_SYMBOL_WK, "Symbol"],
  [T.T_SYMBOL, "Symbol"],
  [T.T_REDUCE, "reduced object"],
  [T.T_OBJECT, "Object"],
  [T.T_ARRAY_SLOW, "Array"],
  [T.T_MAP, "Map"],
  [T.T_SET, "Set"],
  [T.T_DATE, "Date"],
  [T.T_REGEXP, "RegExp"],
  [T.T_ARRAYBUFFER, "ArrayBuffer"],
  [T.T_SHARED_BUFFER, "SharedArrayBuffer"],
  [T.T_TYPED_ARRAY, "TypedArray"],
  [T.T_DATAVIEW, "DataView"],
  [T.T_BOXED, "boxed primitive"],
  [T.T_ERROR, "Error"],
  [T.T_NUMBERS, "Array"],
  [T.T_BUFFER_SPAN, "ArrayBuffer"],
]);

/** Tags whose first field is the object's prototype. */
const PROTO_FIRST = new Set([
  T.T_OBJECT, T.T_ARRAY_SLOW, T.T_MAP, T.T_SET, T.T_DATE, T.T_REGEXP, T.T_ARRAYBUFFER, T.T_SHARED_BUFFER,
  T.T_TYPED_ARRAY, T.T_DATAVIEW, T.T_BOXED, T.T_ERROR,
]);

const FILL_TAGS = new Set([T.T_FILL_OBJECT, T.T_FILL_ARRAY, T.T_FILL_KV, T.T_FILL]);

/** The handler kinds of compiled code (see runtime/), by the type they show as. */
const HANDLER_TYPES = new Map<string, string>([
  ["spickle.generator", "Generator"],
  ["spickle.frame", "Frame"],
  ["spickle.closure", "Function"],
  ["spickle.bound", "Function"],
  ["spickle.module", "Module"],
]);
export const MODULE_KIND = "spickle.module";

/** The display type of an entry made by tag `tag` with first fields `first` and `second`;
 * `paths` holds the by-reference paths of earlier entries (a prototype names a class). */
export function entryType(tag: number, first: unknown, second: unknown, paths: ReadonlyMap<number, string>): string {
  if (tag === T.T_HANDLER && typeof first === "string") return HANDLER_TYPES.get(first) ?? first;
  if (tag === T.T_ERROR && typeof second === "string" && second !== "") return second;
  if (PROTO_FIRST.has(tag) && isReference(first)) {
    const path = paths.get(~first);
    const name = path === undefined ? undefined : classOfPath(path);
    if (name !== undefined) return name;
  }
  if (tag === T.T_OBJECT && first === null) return "Object (null prototype)";
  if (tag === T.T_TYPED_ARRAY && typeof second === "string") return second;
  return TAG_TYPES.get(tag) ?? `tag ${tag}`;
}

export interface TypeStats {
  type: string;
  count: number;
  bytes: number;
  /** Size of the largest one. */
  largest: number;
}

export interface BodyContents {
  /** Entries of the value table. */
  entries: number;
  /** By type, largest total first. */
  types: TypeStats[];
  /** Module id → bytes its record takes (restore code, source map, tables). */
  moduleBytes: Map<string, number>;
}

/** A class name from a by-reference path: `@spickle/runtime#Tasklet.prototype` → `Tasklet`. */
function classOfPath(path: string): string | undefined {
  const member = path.slice(path.indexOf("#") + 1);
  if (!member.endsWith(".prototype")) return undefined;
  const name = member.slice(0, -".prototype".length);
  return name.slice(name.lastIndexOf(".") + 1) || undefined;
}

export function isReference(v: unknown): v is number {
  return typeof v === "number" && v < 0 && (v | 0) === v;
}

interface Entry {
  type: string;
  bytes: number;
  /** Where its item starts, and a record's keys (for a second look at module records). */
  at: number;
  keys?: string[];
}

/** Reads a body; null when its format is not the one this reader knows or it cannot be read
 * (never a partial result). */
export function bodyContents(body: Uint8Array): BodyContents | null {
  try {
    return readBody(body);
  } catch (error) {
    if (error instanceof BodyError) return null;
    throw error;
  }
}

function readBody(body: Uint8Array): BodyContents | null {
  const c = new Cursor(body);
  const items = c.arrayLength();
  if (items < 2 || c.primitive() !== T.FORMAT) return null;
  const entries: Entry[] = [];
  const paths = new Map<number, string>();
  const modules: number[] = [];
  for (let item = 1; item < items - 1; item++) {
    const at = c.pos;
    if (c.atRecord()) {
      const keys = c.recordKeys();
      c.skip(keys.length);
      entries.push({ type: "Object", bytes: c.pos - at, at, keys });
      continue;
    }
    const length = c.arrayLength();
    if (length >= 0) {
      c.skip(length);
      entries.push({ type: "Array", bytes: c.pos - at, at });
      continue;
    }
    const tag = c.primitive();
    if (typeof tag !== "number") throw new BodyError("unexpected item");
    item++;
    const fields = c.arrayLength();
    if (fields < 0) throw new BodyError("tag without fields");
    if (FILL_TAGS.has(tag)) {
      const target = fields > 0 ? c.primitive() : undefined;
      c.skip(Math.max(0, fields - 1));
      const entry = typeof target === "number" && Number.isInteger(target) ? entries[target] : undefined;
      if (entry === undefined) throw new BodyError("fill of an entry that does not exist");
      entry.bytes += c.pos - at;
      continue;
    }
    const first = fields > 0 ? c.primitive() : undefined;
    const second = fields > 1 ? c.primitive() : undefined;
    c.skip(Math.max(0, fields - 2));
    if (tag === T.T_REF && typeof first === "string") paths.set(entries.length, first);
    else if (tag === T.T_HANDLER && first === MODULE_KIND && isReference(second)) modules.push(entries.length);
    entries.push({ type: entryType(tag, first, second, paths), bytes: c.pos - at, at });
  }
  const moduleBytes = claimModules(body, entries, modules);
  return { entries: entries.length, types: typeStats(entries), moduleBytes };
}

/** Folds each module record's own entries (its info, source map, tables: the plain objects and
 * arrays reached from it) into the module's entry; returns the bytes per module id. */
function claimModules(body: Uint8Array, entries: Entry[], modules: number[]): Map<string, number> {
  const out = new Map<string, number>();
  const c = new Cursor(body);
  for (const index of modules) {
    const module = entries[index]!;
    c.pos = module.at; // tag, [kind, info]
    c.primitive();
    c.arrayLength();
    c.primitive();
    const info = ~(c.primitive() as number);
    let id: string | undefined;
    const stack = [info];
    while (stack.length > 0) {
      const i = stack.pop()!;
      const entry = entries[i];
      if (entry === undefined || (entry.type !== "Object" && entry.type !== "Array")) continue;
      module.bytes += entry.bytes;
      entry.type = ""; // counted as the module's
      for (const [key, value] of plainValues(c, entry)) {
        if (i === info && key === "id" && typeof value === "string") id = value;
        if (isReference(value)) stack.push(~value);
      }
    }
    if (id !== undefined) out.set(id, module.bytes);
  }
  return out;
}

/** The (key, primitive value) pairs of a record or array entry (an array's keys are ""). */
function plainValues(c: Cursor, entry: Entry): [string, unknown][] {
  c.pos = entry.at;
  const out: [string, unknown][] = [];
  if (entry.keys !== undefined) {
    c.skipRecordStart();
    for (const key of entry.keys) out.push([key, c.primitive()]);
    return out;
  }
  const n = c.arrayLength();
  for (let i = 0; i < n; i++) out.push(["", c.primitive()]);
  return out;
}

function typeStats(entries: Entry[]): TypeStats[] {
  const byType = new Map<string, TypeStats>();
  for (const entry of entries) {
    if (entry.type === "") continue;
    let stats = byType.get(entry.type);
    if (stats === undefined) byType.set(entry.type, (stats = { type: entry.type, count: 0, bytes: 0, largest: 0 }));
    stats.count++;
    stats.bytes += entry.bytes;
    if (entry.bytes > stats.largest) stats.largest = entry.bytes;
  }
  return [...byType.values()].sort((a, b) => b.bytes - a.bytes || a.type.localeCompare(b.type));
}
