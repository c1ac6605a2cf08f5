// The body writer: msgpack in msgpackr's format, written straight from the encoder's walk, and
// read back by msgpackr's Unpackr. Handing msgpackr's Packr a JS object per record (an ordinary
// object's record, a fields array) meant building every record and walking it again, which cost
// more than the graph walk itself; here the walk writes the bytes. Ordinary objects use msgpackr's
// record extension: a structure is defined inline the first time (`d4 72 id [keys…]` then the
// values), later records are the id byte then the values.
//
// What it writes is canonical, so equal states give equal bytes: the shortest header for every
// length, integers as msgpackr writes them (positive fixints stop at 0x3f, 0x40–0x7f being record
// ids), other numbers as float64 with one canonical NaN, no 64-bit integers (msgpackr would
// decode them as BigInt). A string that is not well-formed UTF-16 is written as its code units
// (strings.ts).

import { isWellFormed, STRING16 } from "./strings.js";

/** Record structures (ids 0x40–0x7f) in use at once; a 65th shape takes the oldest id. */
const MAX_STRUCTURES = 64;
/** Strings up to this length are encoded by a JS loop when they are ASCII. */
const SHORT_STRING = 64;
const INITIAL_SIZE = 0x10000;
/** A scratch buffer that grew past this is not kept for the next body. */
const KEEP_SIZE = 0x1000000;

/** A node of the shape trie: the keys seen so far along a path, and its record id if defined. */
export class Shape {
  readonly next = new Map<string, Shape>();
  id = -1;
}

/** Room a body's values leave before them for its array header (see body()). */
export const BODY_HEADER_ROOM = 5;

/** Shape-trie nodes a long-lived writer keeps before starting a new trie. */
const MAX_SHAPE_NODES = 4096;
const EMPTY = Buffer.alloc(0);

let scratch: Buffer | null = null;
/** Buffers handed out by takeBody, which encodeSnapshot may give back (see reuseBody). */
const lent = new WeakSet<ArrayBufferLike>();

export interface WriterMark {
  readonly pos: number;
  readonly length: number;
  readonly owners: readonly (Shape | null)[] | null;
  readonly nextId: number;
}

export class Writer {
  private buf: Buffer;
  private view: DataView;
  pos = 0;
  /** Top-level values written so far (the body array's length). */
  length = 0;
  private shapes = new Shape();
  /** Nodes in the shape trie (see begin). */
  private shapeNodes = 0;
  /** Shape holding each record id, and the next id to hand out. */
  private readonly owners: (Shape | null)[] = new Array<Shape | null>(MAX_STRUCTURES).fill(null);
  private nextId = 0;
  /** The last record's keys and shape: consecutive records of one shape skip the trie. */
  private lastKeys: readonly string[] | null = null;
  private lastShape: Shape | null = null;

  /** `own`: a buffer of its own, kept across bodies (a connection's writer, see begin); else
   * the module-level scratch buffer, given back by release(). */
  constructor(own = false) {
    // The module-level scratch buffer is reused (the result is copied out); a nested encode
    // (a handler encoding something itself) gets a buffer of its own.
    const b = (own ? null : scratch) ?? Buffer.allocUnsafeSlow(INITIAL_SIZE);
    if (!own) scratch = null;
    this.buf = b;
    this.view = new DataView(b.buffer, b.byteOffset, b.length);
  }

  /** Starts a new body whose values are written from byte `at` on: the bytes before it are the
   * caller's (an envelope), and finish() is not used — the caller writes the array header. */
  begin(at: number): void {
    if (this.buf.length === 0) this.setBuffer(Buffer.allocUnsafeSlow(INITIAL_SIZE));
    this.pos = 0;
    this.room(at);
    this.pos = at;
    this.length = 0;
    this.lastKeys = null;
    this.lastShape = null;
    for (let i = 0; i < MAX_STRUCTURES; i++) {
      const s = this.owners[i];
      if (s === null) break; // ids are handed out in order
      s.id = -1;
      this.owners[i] = null;
    }
    this.nextId = 0;
    // A long-lived writer meets many shapes: the trie is dropped when it grows large.
    if (this.shapeNodes > MAX_SHAPE_NODES) {
      this.shapes = new Shape();
      this.shapeNodes = 0;
    }
  }

  /** Where the writer is: rewind(mark()) undoes everything written after it, record
   * definitions included. */
  mark(): WriterMark {
    // Ids are handed out in order: with none in use (a fresh body) there is nothing to copy.
    const owners = this.owners[0] === null ? null : this.owners.slice();
    return { pos: this.pos, length: this.length, owners, nextId: this.nextId };
  }

  rewind(m: WriterMark): void {
    this.pos = m.pos;
    this.length = m.length;
    this.nextId = m.nextId;
    for (const s of this.owners) if (s !== null) s.id = -1;
    for (let i = 0; i < MAX_STRUCTURES; i++) {
      const s = m.owners === null ? null : m.owners[i]!;
      this.owners[i] = s;
      if (s !== null) s.id = i;
    }
    this.lastKeys = null;
    this.lastShape = null;
  }

  /** The buffer being written (valid until the next write that needs more room). */
  get bytes(): Buffer {
    return this.buf;
  }

  /** Makes room for n more bytes after pos. */
  ensure(n: number): void {
    this.room(n);
  }

  /** Hands the buffer over to the caller (a large message leaves as it is, without a copy); the
   * next begin() allocates another. */
  take(): Buffer {
    const b = this.buf;
    this.setBuffer(EMPTY);
    return b;
  }

  /** A msgpack map header of n entries (an envelope's header). */
  mapHeader(n: number): void {
    this.room(3);
    if (n < 0x10) this.buf[this.pos++] = 0x80 | n;
    else {
      this.buf[this.pos++] = 0xde;
      this.buf[this.pos++] = n >> 8;
      this.buf[this.pos++] = n & 0xff;
    }
  }

  private setBuffer(b: Buffer): void {
    this.buf = b;
    this.view = new DataView(b.buffer, b.byteOffset, b.length);
  }

  /** The body written since begin(at), its array header put right before its values: a view
   * of the buffer (at must leave room for the header: 5 bytes). */
  body(at: number): Uint8Array {
    return this.buf.subarray(this.bodyHeader(at), this.pos);
  }

  /** Writes the body's array header (its `length` values) so that it ends at `at`; returns
   * where it starts. */
  bodyHeader(at: number): number {
    const n = this.length;
    const b = this.buf;
    if (n < 0x10) {
      b[at - 1] = 0x90 | n;
      return at - 1;
    }
    if (n < 0x10000) {
      b[at - 3] = 0xdc;
      b.writeUInt16BE(n, at - 2);
      return at - 3;
    }
    b[at - 5] = 0xdd;
    b.writeUInt32BE(n, at - 4);
    return at - 5;
  }

  /** body(at), copied out of the writer's buffer. */
  copyBody(at: number): Buffer {
    const body = this.body(at);
    const copy = Buffer.allocUnsafeSlow(body.length);
    copy.set(body);
    return copy;
  }

  /** body(at), the writer's buffer handed over with it (no copy): the writer is done. */
  takeBody(at: number): Uint8Array {
    const body = this.body(at);
    this.setBuffer(EMPTY);
    lent.add(body.buffer);
    return body;
  }

  /** Gives the scratch buffer back (also after a failed encode); the writer is done. */
  release(): void {
    if (this.buf.length <= KEEP_SIZE && this.buf !== EMPTY) scratch = this.buf;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const b = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n, INITIAL_SIZE));
    this.buf.copy(b, 0, 0, this.pos);
    this.setBuffer(b);
  }

  /** A top-level value of the body: a tag, then `fields` (an array) as the next one. */
  tagged(tag: number, fields: readonly unknown[]): void {
    this.number(tag);
    this.any(fields);
    this.length += 2;
  }

  /** Keeps the place of a top-level tagged record written later by insertTagged (counted in
   * the body's length now); returns the place. */
  reserveTagged(): number {
    this.length += 2;
    return this.pos;
  }

  /** Writes the tagged records of places reserved earlier (`at` ascending), moving what was
   * written after each place up. */
  insertTagged(at: readonly number[], tags: readonly number[], fields: readonly (readonly unknown[])[]): void {
    const end = this.pos;
    const starts: number[] = [];
    // Written past the end first (where room is made as needed), then moved into place.
    for (let i = 0; i < at.length; i++) {
      starts.push(this.pos);
      this.number(tags[i]!);
      this.any(fields[i]);
    }
    starts.push(this.pos);
    const b = this.buf;
    const records = Buffer.from(b.subarray(end, this.pos));
    let shift = this.pos - end;
    let segmentEnd = end;
    for (let i = at.length - 1; i >= 0; i--) {
      const size = starts[i + 1]! - starts[i]!;
      b.copyWithin(at[i]! + shift, at[i]!, segmentEnd);
      shift -= size;
      b.set(records.subarray(starts[i]! - end, starts[i + 1]! - end), at[i]! + shift);
      segmentEnd = at[i]!;
    }
  }

  /** A top-level array of `n` wire values, values[base…]. */
  array(values: readonly unknown[], base: number, n: number): void {
    this.arrayHeader(n);
    for (let i = 0; i < n; i++) this.value(values[base + i]);
    this.length++;
  }

  /** A top-level record (an ordinary object): keys[i] → values[base + i]. */
  record(keys: readonly string[], values: readonly unknown[], base: number): void {
    this.recordValue(keys, values, base);
    this.length++;
  }

  /** A top-level tag followed by [index, record] (T_FILL_OBJECT). */
  taggedFill(tag: number, index: number, keys: readonly string[], values: readonly unknown[], base: number): void {
    this.number(tag);
    this.room(1);
    this.buf[this.pos++] = 0x92;
    this.number(index);
    this.recordValue(keys, values, base);
    this.length += 2;
  }

  /** A top-level value: a primitive (the root's wire value). */
  top(v: unknown): void {
    this.any(v);
    this.length++;
  }

  /** Bytes for a T_NUMBERS record: tag, then [type, bin]. */
  taggedBytes(tag: number, type: number, bytes: Uint8Array): void {
    this.number(tag);
    this.room(1);
    this.buf[this.pos++] = 0x92;
    this.number(type);
    this.bin(bytes);
    this.length += 2;
  }

  private recordValue(keys: readonly string[], values: readonly unknown[], base: number): void {
    const n = keys.length;
    let shape = this.lastShape;
    const last = this.lastKeys;
    let same = last !== null && last.length === n;
    if (same) {
      for (let i = 0; i < n; i++) {
        if (last![i] !== keys[i]) {
          same = false;
          break;
        }
      }
    }
    if (!same) {
      let node = this.shapes;
      for (let i = 0; i < n; i++) {
        const key = keys[i]!;
        let next: Shape | undefined = node.next.get(key);
        if (next === undefined) {
          node.next.set(key, (next = new Shape()));
          this.shapeNodes++;
        }
        node = next;
      }
      shape = node;
      this.lastKeys = keys;
      this.lastShape = shape;
    }
    const s = shape!;
    this.room(3);
    if (s.id >= 0) this.buf[this.pos++] = 0x40 | s.id;
    else {
      const id = this.nextId;
      this.nextId = (id + 1) % MAX_STRUCTURES;
      const old = this.owners[id];
      if (old !== null) old.id = -1;
      this.owners[id] = s;
      s.id = id;
      this.buf[this.pos++] = 0xd4; // fixext 1, type "r": a record definition
      this.buf[this.pos++] = 0x72;
      this.buf[this.pos++] = 0x40 | id;
      this.arrayHeader(n);
      for (let i = 0; i < n; i++) this.string(keys[i]!);
    }
    for (let i = 0; i < n; i++) this.value(values[base + i]);
  }

  /** A wire value: a primitive (a negative int32 being a reference). */
  value(v: unknown): void {
    switch (typeof v) {
      case "number":
        return this.number(v);
      case "string":
        return this.string(v);
      case "boolean":
        this.room(1);
        this.buf[this.pos++] = v ? 0xc3 : 0xc2;
        return;
      case "undefined":
        this.room(3);
        this.buf[this.pos++] = 0xd4; // fixext 1 of type 0: msgpackr's undefined
        this.buf[this.pos++] = 0;
        this.buf[this.pos++] = 0;
        return;
      case "object":
        if (v === null) {
          this.room(1);
          this.buf[this.pos++] = 0xc0;
          return;
        }
    }
    this.any(v);
  }

  /** A field: a wire value, bytes (Raw), or an array of those (key lists). */
  private any(v: unknown): void {
    if (typeof v !== "object" || v === null) return this.value(v);
    if (v instanceof Uint8Array) return this.bin(v);
    if (Array.isArray(v)) {
      const n = v.length;
      this.arrayHeader(n);
      for (let i = 0; i < n; i++) this.any(v[i]);
      return;
    }
    throw new TypeError("internal: not a record field");
  }

  number(v: number): void {
    this.room(9);
    const b = this.buf;
    if (v >>> 0 === v) {
      if (v < 0x40) b[this.pos++] = v;
      else if (v < 0x100) {
        b[this.pos++] = 0xcc;
        b[this.pos++] = v;
      } else if (v < 0x10000) {
        b[this.pos++] = 0xcd;
        b[this.pos++] = v >> 8;
        b[this.pos++] = v & 0xff;
      } else {
        b[this.pos++] = 0xce;
        this.view.setUint32(this.pos, v);
        this.pos += 4;
      }
    } else if (v >> 0 === v) {
      if (v >= -0x20) b[this.pos++] = v & 0xff;
      else if (v >= -0x80) {
        b[this.pos++] = 0xd0;
        b[this.pos++] = v & 0xff;
      } else if (v >= -0x8000) {
        b[this.pos++] = 0xd1;
        this.view.setInt16(this.pos, v);
        this.pos += 2;
      } else {
        b[this.pos++] = 0xd2;
        this.view.setInt32(this.pos, v);
        this.pos += 4;
      }
    } else {
      b[this.pos++] = 0xcb;
      this.view.setFloat64(this.pos, v === v ? v : NaN);
      this.pos += 8;
    }
  }

  string(s: string): void {
    const n = s.length;
    if (n <= SHORT_STRING) {
      // ASCII (the common case) byte by byte; anything else through the native encoder.
      this.room(n + 2);
      const b = this.buf;
      let p = this.pos + (n < 0x20 ? 1 : 2);
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[p++] = c;
      }
      if (i === n) {
        if (n < 0x20) b[this.pos] = 0xa0 | n;
        else {
          b[this.pos] = 0xd9;
          b[this.pos + 1] = n;
        }
        this.pos = p;
        return;
      }
    }
    if (!isWellFormed(s)) return this.string16(s);
    const len = Buffer.byteLength(s, "utf8");
    this.room(len + 5);
    const b = this.buf;
    if (len < 0x20) b[this.pos++] = 0xa0 | len;
    else this.sizeHeader(len, 0xd9, 0xda, 0xdb);
    this.pos += b.write(s, this.pos, len, "utf8");
  }

  /** A string with a lone surrogate: its UTF-16LE code units in a STRING16 extension (fixext for
   * the lengths that have one, the shortest ext header otherwise). */
  private string16(s: string): void {
    const len = s.length * 2;
    this.room(len + 6);
    const b = this.buf;
    if (len === 2) b[this.pos++] = 0xd5;
    else if (len === 4) b[this.pos++] = 0xd6;
    else if (len === 8) b[this.pos++] = 0xd7;
    else if (len === 16) b[this.pos++] = 0xd8;
    else this.sizeHeader(len, 0xc7, 0xc8, 0xc9);
    b[this.pos++] = STRING16;
    this.pos += b.write(s, this.pos, len, "utf16le");
  }

  private bin(bytes: Uint8Array): void {
    const len = bytes.length;
    this.room(len + 5);
    this.sizeHeader(len, 0xc4, 0xc5, 0xc6);
    this.buf.set(bytes, this.pos);
    this.pos += len;
  }

  /** A type code with its size in the 1-, 2- or 4-byte form msgpack gives str and bin (the
   * caller has reserved room). */
  private sizeHeader(len: number, code8: number, code16: number, code32: number): void {
    const b = this.buf;
    if (len < 0x100) {
      b[this.pos++] = code8;
      b[this.pos++] = len;
    } else if (len < 0x10000) {
      b[this.pos++] = code16;
      this.view.setUint16(this.pos, len);
      this.pos += 2;
    } else {
      b[this.pos++] = code32;
      this.view.setUint32(this.pos, len);
      this.pos += 4;
    }
  }

  private arrayHeader(n: number): void {
    this.room(5);
    const b = this.buf;
    if (n < 0x10) b[this.pos++] = 0x90 | n;
    else if (n < 0x10000) {
      b[this.pos++] = 0xdc;
      b[this.pos++] = n >> 8;
      b[this.pos++] = n & 0xff;
    } else {
      b[this.pos++] = 0xdd;
      this.view.setUint32(this.pos, n);
      this.pos += 4;
    }
  }
}

/** Takes back the buffer of a body from takeBody once its bytes were copied elsewhere, so the next
 * encode writes into memory already in use rather than growing a new buffer. The buffer is moved
 * (transferred), which empties `body` and every other view of it: nothing still reading it can
 * see the next encode's bytes (bodyMoved tells). */
export function reuseBody(body: Uint8Array): void {
  const buffer = body.buffer;
  if (scratch !== null || !lent.has(buffer) || buffer.byteLength > KEEP_SIZE) return;
  lent.delete(buffer);
  let kept: ArrayBuffer;
  try {
    kept = structuredClone(buffer, { transfer: [buffer as ArrayBuffer] }) as ArrayBuffer;
  } catch {
    return; // not transferable here: the next encode grows a buffer of its own
  }
  moved.add(buffer);
  scratch = Buffer.from(kept);
}

/** Buffers reuseBody moved away (their views are empty). */
const moved = new WeakSet<ArrayBufferLike>();

/** Whether `body` is a body reuseBody took back (it reads as empty). */
export function bodyMoved(body: Uint8Array): boolean {
  return moved.has(body.buffer);
}
