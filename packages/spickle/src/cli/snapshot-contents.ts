// What a snapshot body holds, by type, for `spickle inspect` — read from the bytes alone: nothing
// is decoded into live objects, no code of the snapshot runs, no module is imported.
//
// The body (packages/pickle/src/tags.ts) is one msgpack array, in msgpackr's format with its
// records: [FORMAT, item…, root]. Every item but a fill creates one entry of the value table: a
// record (an ordinary object), an array, or a tag followed by its fields. This reader walks the
// items without building them (an explicit count of values still to skip, no recursion), notes each
// entry's type and byte size, and adds the size of fill items to the entry they fill. The entries
// a module record owns (its restore code, source map, tables) count as that module.

/** The body format this reader knows (tags.ts FORMAT). */
const BODY_FORMAT = 2;

// Tags of tags.ts that this reader tells apart.
const T_NEW_OBJECT = 1;
const T_FILL_OBJECT = 2;
const T_NUMBER = 3;
const T_NEW_ARRAY = 4;
const T_FILL_ARRAY = 5;
const T_OBJECT_KV = 6;
const T_FILL_KV = 7;
const T_FILL = 8;
const T_REF = 9;
const T_HANDLER = 15;
const T_OBJECT = 17;
const T_TYPED_ARRAY = 25;
const T_ERROR = 28;
const T_NUMBERS = 29;

const TAG_TYPES: Record<number, string> = {
  [T_NEW_OBJECT]: "Object",
  [T_NUMBER]: "number",
  [T_NEW_ARRAY]: "Array",
  [T_OBJECT_KV]: "Object",
  [T_REF]: "(by reference)",
  10: "number",
  11: "BigInt",
  12: "Symbol",
  13: "Symbol",
  14: "Symbol",
  16: "reduced object",
  [T_OBJECT]: "Object",
  18: "Array",
  19: "Map",
  20: "Set",
  21: "Date",
  22: "RegExp",
  23: "ArrayBuffer",
  24: "SharedArrayBuffer",
  [T_TYPED_ARRAY]: "TypedArray",
  26: "DataView",
  27: "boxed primitive",
  [T_ERROR]: "Error",
  [T_NUMBERS]: "Array",
  30: "ArrayBuffer",
};

/** Tags whose first field is the object's prototype. */
const PROTO_FIRST = new Set([T_OBJECT, 18, 19, 20, 21, 22, 23, 24, T_TYPED_ARRAY, 26, 27, T_ERROR]);

const HANDLER_TYPES: Record<string, string> = {
  "spickle.generator": "Generator",
  "spickle.frame": "Frame",
  "spickle.closure": "Function",
  "spickle.bound": "Function",
  "spickle.module": "Module",
};

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
  moduleBytes: Record<string, number>;
}

class BodyError extends Error {}

/** A cursor over msgpack bytes in msgpackr's record format. */
class Cursor {
  pos = 0;
  private readonly view: DataView;
  /** Record id → number of keys (a definition may replace an id). */
  private readonly structures = new Map<number, string[]>();
  private readonly decoder = new TextDecoder();

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private byte(): number {
    if (this.pos >= this.bytes.length) throw new BodyError("truncated body");
    return this.bytes[this.pos++]!;
  }

  private uint(width: 1 | 2 | 4): number {
    if (this.pos + width > this.bytes.length) throw new BodyError("truncated body");
    const v = width === 1 ? this.view.getUint8(this.pos) : width === 2 ? this.view.getUint16(this.pos) : this.view.getUint32(this.pos);
    this.pos += width;
    return v;
  }

  private advance(n: number): void {
    if (this.pos + n > this.bytes.length) throw new BodyError("truncated body");
    this.pos += n;
  }

  /** An array header's length, or -1 (the cursor stays) when the next value is not an array. */
  arrayLength(): number {
    const b = this.bytes[this.pos];
    if (b === undefined) throw new BodyError("truncated body");
    if ((b & 0xf0) === 0x90) {
      this.pos++;
      return b & 0x0f;
    }
    if (b === 0xdc || b === 0xdd) {
      this.pos++;
      return this.uint(b === 0xdc ? 2 : 4);
    }
    return -1;
  }

  /** Whether the next value starts a record (a definition or a reference to one). */
  atRecord(): boolean {
    const b = this.bytes[this.pos];
    return b !== undefined && ((b >= 0x40 && b <= 0x7f) || (b === 0xd4 && this.bytes[this.pos + 1] === 0x72));
  }

  /** Reads a primitive (number, string, boolean, null, undefined); anything else is skipped and
   * read as `undefined`. */
  primitive(): unknown {
    const b = this.bytes[this.pos];
    if (b === undefined) throw new BodyError("truncated body");
    if (b <= 0x3f) return this.pos++, b;
    if (b >= 0xe0) return this.pos++, b - 0x100;
    if ((b & 0xe0) === 0xa0 || b === 0xd9 || b === 0xda || b === 0xdb) {
      this.pos++;
      const n = (b & 0xe0) === 0xa0 ? b & 0x1f : this.uint(b === 0xd9 ? 1 : b === 0xda ? 2 : 4);
      const start = this.pos;
      this.advance(n);
      return this.decoder.decode(this.bytes.subarray(start, start + n));
    }
    switch (b) {
      case 0xc0:
        return this.pos++, null;
      case 0xc2:
      case 0xc3:
        return this.pos++, b === 0xc3;
      case 0xcc:
      case 0xcd:
      case 0xce:
        this.pos++;
        return this.uint(b === 0xcc ? 1 : b === 0xcd ? 2 : 4);
      case 0xd0:
      case 0xd1:
      case 0xd2: {
        this.pos++;
        const width = b === 0xd0 ? 1 : b === 0xd1 ? 2 : 4;
        if (this.pos + width > this.bytes.length) throw new BodyError("truncated body");
        const v = width === 1 ? this.view.getInt8(this.pos) : width === 2 ? this.view.getInt16(this.pos) : this.view.getInt32(this.pos);
        this.pos += width;
        return v;
      }
      case 0xcb: {
        this.pos++;
        this.advance(8);
        return this.view.getFloat64(this.pos - 8);
      }
    }
    this.skip(1);
    return undefined;
  }

  /** Skips `count` values, however nested. */
  skip(count: number): void {
    let remaining = count;
    while (remaining > 0) {
      remaining--;
      const b = this.byte();
      if (b <= 0x3f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) continue;
      if (b <= 0x7f) {
        remaining += this.structure(b & 0x3f).length; // a record: its values follow
        continue;
      }
      if (b <= 0x8f) remaining += 2 * (b & 0x0f);
      else if (b <= 0x9f) remaining += b & 0x0f;
      else if (b <= 0xbf) this.advance(b & 0x1f);
      else {
        switch (b) {
          case 0xc4:
          case 0xd9:
            this.advance(this.uint(1));
            break;
          case 0xc5:
          case 0xda:
            this.advance(this.uint(2));
            break;
          case 0xc6:
          case 0xdb:
            this.advance(this.uint(4));
            break;
          case 0xc7:
            this.advance(this.uint(1) + 1);
            break;
          case 0xc8:
            this.advance(this.uint(2) + 1);
            break;
          case 0xc9:
            this.advance(this.uint(4) + 1);
            break;
          case 0xca:
            this.advance(4);
            break;
          case 0xcb:
          case 0xcf:
          case 0xd3:
            this.advance(8);
            break;
          case 0xcc:
          case 0xd0:
            this.advance(1);
            break;
          case 0xcd:
          case 0xd1:
            this.advance(2);
            break;
          case 0xce:
          case 0xd2:
            this.advance(4);
            break;
          case 0xd4:
            if (this.bytes[this.pos] === 0x72) {
              this.pos++;
              remaining += this.define(this.byte() & 0x3f).length;
            } else this.advance(2);
            break;
          case 0xd5:
            this.advance(3);
            break;
          case 0xd6:
            this.advance(5);
            break;
          case 0xd7:
            this.advance(9);
            break;
          case 0xd8:
            this.advance(17);
            break;
          case 0xdc:
            remaining += this.uint(2);
            break;
          case 0xdd:
            remaining += this.uint(4);
            break;
          case 0xde:
            remaining += 2 * this.uint(2);
            break;
          case 0xdf:
            remaining += 2 * this.uint(4);
            break;
          default:
            throw new BodyError(`unexpected byte 0x${b.toString(16)}`);
        }
      }
    }
  }

  /** Reads a record's start (definition or reference); returns its keys, the values following. */
  recordKeys(): string[] {
    const b = this.byte();
    if (b >= 0x40 && b <= 0x7f) return this.structure(b & 0x3f);
    this.pos++; // 0xd4 0x72
    return this.define(this.byte() & 0x3f);
  }

  /** Moves past a record's start (its keys are known from an earlier pass). */
  skipRecordStart(): void {
    if (this.byte() !== 0xd4) return;
    this.pos += 2; // 0x72, id
    this.skip(1); // the keys
  }

  private define(id: number): string[] {
    const n = this.arrayLength();
    if (n < 0) throw new BodyError("bad record definition");
    const keys: string[] = [];
    for (let i = 0; i < n; i++) keys.push(String(this.primitive()));
    this.structures.set(id, keys);
    return keys;
  }

  private structure(id: number): string[] {
    const keys = this.structures.get(id);
    if (keys === undefined) throw new BodyError(`record ${id} used before its definition`);
    return keys;
  }
}

/** A class name from a by-reference path: `@spickle/runtime#Tasklet.prototype` → `Tasklet`. */
function classOfPath(path: string): string | undefined {
  const member = path.slice(path.indexOf("#") + 1);
  if (!member.endsWith(".prototype")) return undefined;
  const name = member.slice(0, -".prototype".length);
  return name.slice(name.lastIndexOf(".") + 1) || undefined;
}

function isReference(v: unknown): v is number {
  return typeof v === "number" && v < 0 && (v | 0) === v;
}

interface Entry {
  type: string;
  bytes: number;
  /** Where its item starts, and a record's keys (for a second look at module records). */
  at: number;
  keys?: string[];
}

/** Reads a body; null when its format is not the one this reader knows or it cannot be read. */
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
  if (items < 2 || c.primitive() !== BODY_FORMAT) return null;
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
    if (tag === T_FILL_OBJECT || tag === T_FILL_ARRAY || tag === T_FILL_KV || tag === T_FILL) {
      const target = fields > 0 ? c.primitive() : undefined;
      c.skip(Math.max(0, fields - 1));
      const entry = typeof target === "number" ? entries[target] : undefined;
      if (entry === undefined) throw new BodyError("fill of an entry that does not exist");
      entry.bytes += c.pos - at;
      continue;
    }
    const first = fields > 0 ? c.primitive() : undefined;
    const second = fields > 1 ? c.primitive() : undefined;
    c.skip(Math.max(0, fields - 2));
    let type = TAG_TYPES[tag] ?? `tag ${tag}`;
    if (tag === T_REF && typeof first === "string") paths.set(entries.length, first);
    else if (tag === T_HANDLER && typeof first === "string") {
      type = HANDLER_TYPES[first] ?? first;
      if (first === "spickle.module" && isReference(second)) modules.push(entries.length);
    } else if (tag === T_ERROR && typeof second === "string" && second !== "") type = second;
    else if (PROTO_FIRST.has(tag) && isReference(first)) {
      const path = paths.get(~first);
      const name = path === undefined ? undefined : classOfPath(path);
      if (name !== undefined) type = name;
    } else if (tag === T_OBJECT && first === null) type = "Object (null prototype)";
    else if (tag === T_TYPED_ARRAY && typeof second === "string") type = second;
    entries.push({ type, bytes: c.pos - at, at });
  }
  const moduleBytes = claimModules(body, entries, modules);
  return { entries: entries.length, types: typeStats(entries), moduleBytes };
}

/** Folds each module record's own entries (its info, source map, tables: the plain objects and
 * arrays reached from it) into the module's entry; returns the bytes per module id. */
function claimModules(body: Uint8Array, entries: Entry[], modules: number[]): Record<string, number> {
  const out: Record<string, number> = {};
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
    if (id !== undefined) out[id] = module.bytes;
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
