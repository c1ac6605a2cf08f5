// A cursor over a graph body's msgpack bytes in msgpackr's record format (see tags.ts and
// writer.ts), for reading a body without building it: primitives are read, everything else is
// skipped by an explicit count of values still to skip (no recursion). Every step consumes at
// least one byte, so a walk is bounded by the body's length whatever lengths it declares.

/** The body cannot be read (truncated, or not msgpack as the encoder writes it). */
export class BodyError extends Error {}

/** Every record definition of a body with where it is: a cursor that starts in the middle of the
 * body (reading one entry) finds the definition in force there. */
export class RecordHistory {
  private readonly byId = new Map<number, { at: number[]; keys: string[][] }>();

  add(id: number, at: number, keys: string[]): void {
    let defs = this.byId.get(id);
    if (defs === undefined) this.byId.set(id, (defs = { at: [], keys: [] }));
    defs.at.push(at);
    defs.keys.push(keys);
  }

  /** The keys of the last definition of `id` before `pos`. */
  before(id: number, pos: number): string[] | undefined {
    const defs = this.byId.get(id);
    if (defs === undefined) return undefined;
    let lo = 0;
    let hi = defs.at.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (defs.at[mid]! < pos) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found === -1 ? undefined : defs.keys[found];
  }
}

/** A cursor over msgpack bytes in msgpackr's record format. */
export class Cursor {
  pos = 0;
  private readonly view: DataView;
  /** Record id → number of keys (a definition may replace an id). */
  private readonly structures = new Map<number, string[]>();
  /** Shared: cursors are made per entry read, and a decoder is costly to make. */
  private static readonly decoder = new TextDecoder();

  /** `history`: a reading pass records definitions into it (`recording`), or a cursor placed in
   * the middle of the body looks up the definitions made before it. */
  constructor(
    private readonly bytes: Uint8Array,
    private readonly history?: RecordHistory,
    private readonly recording = false,
  ) {
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
      return Cursor.decoder.decode(this.bytes.subarray(start, start + n));
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

  /** Skips `count` values, however nested; with `refs`, pushes the entry index of every
   * reference (negative int32 `~i`, see tags.ts) met on the way. */
  skip(count: number, refs?: number[]): void {
    let remaining = count;
    while (remaining > 0) {
      remaining--;
      const b = this.byte();
      if (b >= 0xe0) {
        if (refs !== undefined) refs.push(~(b - 0x100));
        continue;
      }
      if (b <= 0x3f || b === 0xc0 || b === 0xc2 || b === 0xc3) continue;
      if (refs !== undefined && (b === 0xd0 || b === 0xd1 || b === 0xd2)) {
        this.pos--;
        const v = this.primitive() as number;
        if (v < 0) refs.push(~v);
        continue;
      }
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

  /** The bytes of a msgpack bin value, or undefined (the cursor stays) when the next value is
   * not one. The bytes are a view of the body. */
  binary(): Uint8Array | undefined {
    const b = this.bytes[this.pos];
    if (b !== 0xc4 && b !== 0xc5 && b !== 0xc6) return undefined;
    this.pos++;
    const n = this.uint(b === 0xc4 ? 1 : b === 0xc5 ? 2 : 4);
    const start = this.pos;
    this.advance(n);
    return this.bytes.subarray(start, start + n);
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
    const at = this.pos;
    const n = this.arrayLength();
    if (n < 0) throw new BodyError("bad record definition");
    const keys: string[] = [];
    for (let i = 0; i < n; i++) keys.push(String(this.primitive()));
    this.structures.set(id, keys);
    if (this.recording) this.history!.add(id, at, keys);
    return keys;
  }

  private structure(id: number): string[] {
    const keys = this.structures.get(id) ?? (this.recording ? undefined : this.history?.before(id, this.pos));
    if (keys === undefined) throw new BodyError(`record ${id} used before its definition`);
    return keys;
  }
}
