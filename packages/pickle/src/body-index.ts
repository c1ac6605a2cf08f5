// An index of a snapshot body's entries, read in one streaming pass over the bytes (body-cursor.ts)
// without decoding anything into live objects: where each entry's items start, its display type,
// its byte size, and the references it holds (edges of the object graph). entryFields reads one
// entry's fields on demand from the bytes, named as the format names them (tags.ts), so a viewer
// can show any object of a snapshot of millions without building any of them.
import { BodyError, Cursor, RecordHistory } from "./body-cursor.js";
import { entryType, isReference, MODULE_KIND } from "./body-contents.js";
import * as T from "./tags.js";

/** Item kind of an entry that is an ordinary object written as a record, or a dense array. */
export const RECORD_ITEM = 253;
export const ARRAY_ITEM = 254;

export interface BodyIndex {
  body: Uint8Array;
  /** Entries of the value table. */
  count: number;
  /** Offset of each entry's item (its tag for a tagged item). */
  at: Uint32Array;
  /** Tag of each entry's item (RECORD_ITEM, ARRAY_ITEM or a tag of tags.ts). */
  tag: Uint8Array;
  /** Bytes each entry takes, its fills included. */
  size: Float64Array;
  /** Each entry's display type, as an index into typeNames. */
  type: Uint32Array;
  typeNames: string[];
  /** Offsets of each entry's fill items: fillHead[i] is the first (or -1), fillNext chains them. */
  fillHead: Int32Array;
  fillAt: number[];
  fillNext: number[];
  /** References out of entry i: edgeTo[edgeStart[i] … edgeStart[i + 1]). */
  edgeStart: Uint32Array;
  edgeTo: Uint32Array;
  /** The entry the root wire value refers to, or -1 when the root is a primitive. */
  root: number;
  /** Entries that are module records, with their module ids. */
  modules: Map<number, string>;
  /** The body's record definitions, for reading an entry on its own. */
  records: RecordHistory;
}

/** A value as the body holds it: a primitive, a reference to an entry, or binary data. */
export type WireValue = string | number | boolean | null | undefined | { ref: number } | { binary: Uint8Array } | { list: WireValue[] };

export interface EntryField {
  /** Property name, index, or the format's name of the field. */
  key: string;
  value: WireValue;
  /** What the key is when it is not a plain property name: a Map key, a field of the format. */
  role?: "mapKey" | "mapValue" | "setValue" | "internal" | "keyRef";
}

class Growing {
  data = new Uint32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

const FILL_TAGS = new Set([T.T_FILL_OBJECT, T.T_FILL_ARRAY, T.T_FILL_KV, T.T_FILL]);

/** Indexes a body; throws a BodyError when its format is not the one this reader knows or the
 * body cannot be read. */
export function buildBodyIndex(body: Uint8Array): BodyIndex {
  const records = new RecordHistory();
  const c = new Cursor(body, records, true);
  const items = c.arrayLength();
  if (items < 2 || c.primitive() !== T.FORMAT) throw new BodyError("not a graph body of a known format");
  let capacity = Math.max(16, Math.min(items, 1 << 20));
  let at = new Uint32Array(capacity);
  let tag = new Uint8Array(capacity);
  let size = new Float64Array(capacity);
  let type = new Uint32Array(capacity);
  let fillHead = new Int32Array(capacity).fill(-1);
  const fillAt: number[] = [];
  const fillNext: number[] = [];
  const typeNames: string[] = [];
  const typeIds = new Map<string, number>();
  const paths = new Map<number, string>();
  const modules = new Map<number, string>();
  const from = new Growing();
  const to = new Growing();
  const refs: number[] = [];
  let count = 0;
  const typeId = (name: string) => {
    let id = typeIds.get(name);
    if (id === undefined) typeIds.set(name, (id = typeNames.push(name) - 1));
    return id;
  };
  const grow = () => {
    capacity *= 2;
    const resize = <A extends Uint32Array | Uint8Array | Float64Array | Int32Array>(a: A, make: (n: number) => A): A => {
      const next = make(capacity);
      next.set(a as never);
      return next;
    };
    at = resize(at, (n) => new Uint32Array(n));
    tag = resize(tag, (n) => new Uint8Array(n));
    size = resize(size, (n) => new Float64Array(n));
    type = resize(type, (n) => new Uint32Array(n));
    const heads = new Int32Array(capacity).fill(-1);
    heads.set(fillHead);
    fillHead = heads;
  };
  const addEdges = (owner: number) => {
    for (const r of refs) {
      if (r >= count && owner !== r) throw new BodyError("reference to an entry that does not exist yet");
      from.push(owner);
      to.push(r);
    }
    refs.length = 0;
  };
  for (let item = 1; item < items - 1; item++) {
    const start = c.pos;
    if (count === capacity) grow();
    if (c.atRecord()) {
      const keys = c.recordKeys();
      c.skip(keys.length, refs);
      at[count] = start;
      tag[count] = RECORD_ITEM;
      size[count] = c.pos - start;
      type[count] = typeId("Object");
      addEdges(count++);
      continue;
    }
    const length = c.arrayLength();
    if (length >= 0) {
      c.skip(length, refs);
      at[count] = start;
      tag[count] = ARRAY_ITEM;
      size[count] = c.pos - start;
      type[count] = typeId("Array");
      addEdges(count++);
      continue;
    }
    const t = c.primitive();
    if (typeof t !== "number" || !Number.isInteger(t) || t < 0 || t >= T.TAG_COUNT) throw new BodyError("unexpected item");
    item++;
    const fields = c.arrayLength();
    if (fields < 0) throw new BodyError("tag without fields");
    if (FILL_TAGS.has(t)) {
      const target = fields > 0 ? c.primitive() : undefined;
      if (typeof target !== "number" || !Number.isInteger(target) || target < 0 || target >= count) {
        throw new BodyError("fill of an entry that does not exist");
      }
      c.skip(Math.max(0, fields - 1), refs);
      size[target] += c.pos - start;
      fillNext.push(-1);
      fillAt.push(start);
      // Append at the chain's end: fields read in the order they were written.
      let last = fillHead[target]!;
      if (last === -1) fillHead[target] = fillAt.length - 1;
      else {
        while (fillNext[last] !== -1) last = fillNext[last]!;
        fillNext[last] = fillAt.length - 1;
      }
      addEdges(target);
      continue;
    }
    const fieldsAt = c.pos;
    const first = fields > 0 ? c.primitive() : undefined;
    const second = fields > 1 ? c.primitive() : undefined;
    c.pos = fieldsAt;
    c.skip(fields, refs);
    if (t === T.T_REF && typeof first === "string") paths.set(count, first);
    if (t === T.T_HANDLER && first === MODULE_KIND) modules.set(count, "");
    at[count] = start;
    tag[count] = t;
    size[count] = c.pos - start;
    type[count] = typeId(entryType(t, first, second, paths));
    addEdges(count++);
  }
  const rootValue = c.primitive();
  const root = isReference(rootValue) && ~rootValue < count ? ~rootValue : -1;
  const index: BodyIndex = {
    body, count, at: at.subarray(0, count), tag: tag.subarray(0, count), size: size.subarray(0, count), type: type.subarray(0, count),
    typeNames, fillHead: fillHead.subarray(0, count), fillAt, fillNext, ...csr(count, from, to), root, modules, records,
  };
  for (const entry of modules.keys()) modules.set(entry, moduleIdOf(index, entry) ?? `module ${entry}`);
  return index;
}

/** Edges as compressed rows: each entry's references in the order they were read. */
function csr(count: number, from: Growing, to: Growing): { edgeStart: Uint32Array; edgeTo: Uint32Array } {
  const edgeStart = new Uint32Array(count + 1);
  for (let e = 0; e < from.length; e++) edgeStart[from.data[e]! + 1]!++;
  for (let i = 0; i < count; i++) edgeStart[i + 1]! += edgeStart[i]!;
  const fillPos = edgeStart.slice(0, count);
  const edgeTo = new Uint32Array(from.length);
  for (let e = 0; e < from.length; e++) edgeTo[fillPos[from.data[e]!]!++] = to.data[e]!;
  return { edgeStart, edgeTo };
}

/** The `id` of a module record's info. */
function moduleIdOf(index: BodyIndex, entry: number): string | undefined {
  const create = entryFields(index, entry).find((f) => f.key === "info");
  if (create === undefined || typeof create.value !== "object" || create.value === null || !("ref" in create.value)) return undefined;
  const id = entryFields(index, create.value.ref).find((f) => f.key === "id");
  return typeof id?.value === "string" ? id.value : undefined;
}

/** Reads a wire value: a primitive, a reference, binary data, or a list (two levels at most: the
 * format nests lists of wire values only in an item's fields). */
function wire(c: Cursor, depth = 0): WireValue {
  const bytes = c.binary();
  if (bytes !== undefined) return { binary: bytes };
  const n = c.arrayLength();
  if (n >= 0) {
    if (depth >= 2) {
      c.skip(n);
      return { list: [] };
    }
    const list: WireValue[] = [];
    for (let i = 0; i < n; i++) list.push(wire(c, depth + 1));
    return { list };
  }
  if (c.atRecord()) {
    const keys = c.recordKeys();
    c.skip(keys.length);
    return { list: [] };
  }
  const v = c.primitive();
  if (isReference(v)) return { ref: ~v };
  return v as WireValue;
}

/** Names of the fields of handler kinds of compiled code (create values, then fill values). */
const HANDLER_FIELDS = new Map<string, { create: string[]; fill: string[] }>([
  ["spickle.generator", { create: ["prototype"], fill: ["frame"] }],
  // runtime's FRAME_FIELDS, `l` shown as locals.
  ["spickle.frame", { create: [], fill: ["body", "fn", "self", "locals", "tries", "n", "p", "v", "state", "method", "arg", "delegate", "delegateNext", "pending"] }],
  ["spickle.closure", { create: ["module", "function", "class", "scope"], fill: ["module state", "properties"] }],
  ["spickle.bound", { create: ["target", "this", "arguments"], fill: [] }],
  ["spickle.module", { create: ["info"], fill: [] }],
]);

const CREATE_FIELDS = new Map<number, string[]>([
  [T.T_NUMBER, ["value"]], [T.T_REF, ["path"]], [T.T_BIGINT, ["hex"]], [T.T_SYMBOL_FOR, ["key"]], [T.T_SYMBOL_WK, ["name"]],
  [T.T_SYMBOL, ["description"]], [T.T_REDUCE, ["restorer", "state", "restore"]], [T.T_OBJECT, ["prototype"]],
  [T.T_ARRAY_SLOW, ["prototype"]], [T.T_MAP, ["prototype"]], [T.T_SET, ["prototype"]], [T.T_DATE, ["prototype", "time"]],
  [T.T_REGEXP, ["prototype", "source", "flags"]], [T.T_ARRAYBUFFER, ["prototype", "bytes", "maxByteLength"]],
  [T.T_SHARED_BUFFER, ["prototype", "bytes", "maxByteLength"]], [T.T_TYPED_ARRAY, ["prototype", "type", "buffer", "byteOffset", "length"]],
  [T.T_DATAVIEW, ["prototype", "buffer", "byteOffset", "byteLength"]], [T.T_BOXED, ["prototype", "value"]],
  [T.T_ERROR, ["prototype", "constructor"]], [T.T_NUMBERS, ["type", "bytes"]], [T.T_BUFFER_SPAN, ["bytes", "base"]],
]);

/** Own properties in their exact form (kinds/props.ts): an extensible flag, then per property
 * [key, flags, value] or, for an accessor (flags & 8), [key, flags, get, set]. */
function slowProps(values: WireValue[], from: number, out: EntryField[]): void {
  let i = from + 1;
  while (i + 2 < values.length) {
    const key = values[i];
    const flags = values[i + 1];
    if (typeof flags !== "number") break;
    const name = typeof key === "object" && key !== null && "ref" in key ? `[${key.ref}]` : String(key);
    const role = typeof key === "object" && key !== null && "ref" in key ? "keyRef" : undefined;
    if ((flags & 8) !== 0) {
      out.push({ key: `get ${name}`, value: values[i + 2], role }, { key: `set ${name}`, value: values[i + 3], role });
      i += 4;
    } else {
      out.push({ key: name, value: values[i + 2], role });
      i += 3;
    }
  }
}

/** The numbers of a T_NUMBERS field. */
function numbersOf(kind: WireValue, bytes: WireValue): number[] {
  if (typeof bytes !== "object" || bytes === null || !("binary" in bytes)) return [];
  const b = bytes.binary;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: number[] = [];
  if (kind === T.NUMBERS_FLOAT64) for (let i = 0; i + 8 <= b.length; i += 8) out.push(view.getFloat64(i, true));
  else if (kind === T.NUMBERS_INT32) for (let i = 0; i + 4 <= b.length; i += 4) out.push(view.getInt32(i, true));
  else for (let i = 0; i < b.length; i++) out.push(b[i]!);
  return out;
}

/** The fields of entry `entry`: its properties, elements or the format's fields, fills included. */
export function entryFields(index: BodyIndex, entry: number): EntryField[] {
  const c = new Cursor(index.body, index.records);
  c.pos = index.at[entry]!;
  const t = index.tag[entry]!;
  const out: EntryField[] = [];
  let handler: { create: string[]; fill: string[] } | undefined;
  if (t === RECORD_ITEM) {
    for (const key of c.recordKeys()) out.push({ key, value: wire(c, 1) });
  } else if (t === ARRAY_ITEM) {
    const n = c.arrayLength();
    for (let i = 0; i < n; i++) out.push({ key: String(i), value: wire(c, 1) });
  } else {
    c.primitive();
    const n = c.arrayLength();
    const values: WireValue[] = [];
    for (let i = 0; i < n; i++) values.push(wire(c));
    if (t === T.T_HANDLER) {
      handler = HANDLER_FIELDS.get(String(values[0]));
      out.push({ key: "kind", value: values[0], role: "internal" });
      values.slice(1).forEach((value, i) => out.push({ key: handler?.create[i] ?? String(i), value, role: "internal" }));
    } else if (t === T.T_OBJECT_KV) {
      const keys = (values[0] as { list: WireValue[] } | undefined)?.list ?? [];
      const vals = (values[1] as { list: WireValue[] } | undefined)?.list ?? [];
      keys.forEach((key, i) => out.push({ key: String(key), value: vals[i] }));
    } else if (t === T.T_NUMBERS) {
      numbersOf(values[0], values[1]).forEach((value, i) => out.push({ key: String(i), value }));
    } else {
      const names = CREATE_FIELDS.get(t) ?? [];
      values.forEach((value, i) => out.push({ key: names[i] ?? String(i), value, role: "internal" }));
    }
  }
  for (let f = index.fillHead[entry]!; f !== -1; f = index.fillNext[f]!) fillFields(c, index.fillAt[f]!, t, handler, out);
  return out;
}

function fillFields(c: Cursor, at: number, t: number, handler: { fill: string[] } | undefined, out: EntryField[]): void {
  c.pos = at;
  const fillTag = c.primitive();
  const n = c.arrayLength();
  c.primitive(); // the target
  if (fillTag === T.T_FILL_OBJECT) {
    if (!c.atRecord()) return;
    for (const key of c.recordKeys()) out.push({ key, value: wire(c, 1) });
    return;
  }
  const values: WireValue[] = [];
  for (let i = 1; i < n; i++) values.push(wire(c));
  if (fillTag === T.T_FILL_ARRAY) {
    const list = (values[0] as { list: WireValue[] } | undefined)?.list ?? [];
    list.forEach((value, i) => out.push({ key: String(i), value }));
  } else if (fillTag === T.T_FILL_KV) {
    const keys = (values[0] as { list: WireValue[] } | undefined)?.list ?? [];
    const vals = (values[1] as { list: WireValue[] } | undefined)?.list ?? [];
    keys.forEach((key, i) => out.push({ key: String(key), value: vals[i] }));
  } else if (t === T.T_MAP || t === T.T_SET) {
    const size = typeof values[0] === "number" ? values[0] : 0;
    const step = t === T.T_MAP ? 2 : 1;
    let i = 1;
    for (let k = 0; k < size && i < values.length; k++, i += step) {
      if (t === T.T_MAP) out.push({ key: String(k), value: values[i], role: "mapKey" }, { key: String(k), value: values[i + 1], role: "mapValue" });
      else out.push({ key: String(k), value: values[i], role: "setValue" });
    }
    if (i < values.length) slowProps(values, i, out);
  } else if (t === T.T_OBJECT || t === T.T_ARRAY_SLOW || t === T.T_ERROR) {
    slowProps(values, 0, out);
  } else if (handler !== undefined) {
    values.forEach((value, i) => out.push({ key: handler.fill[i] ?? String(i), value, role: "internal" }));
  } else {
    values.forEach((value, i) => out.push({ key: String(i), value, role: "internal" }));
  }
}
