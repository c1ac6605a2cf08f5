// Messages: a connection's many small snapshots, made cheaply. Each message is an ordinary
// snapshot (decodeSnapshot reads it: magic, version, header, body, CRC-32, HMAC when signed)
// whose header holds only what the caller gives — a message type and a call id, say — without
// the spickle and Node versions or a creation time (a connection states those once, in its
// handshake; a clock read and a header map per message cost more than a small body).
//
// A codec belongs to one connection and keeps, from one message to the next, what `dumps` and
// `loads` build and drop per call: the encoder and decoder (memo, stacks, handler registry), the
// module options, and the writer's buffer. A message is written into that one buffer — room for
// the transport's frame prefix, the envelope, the body, the checksum and the signature — and
// copied out once (a large one leaves without a copy).

import { Decoder, type DecodeOptions } from "./decoder.js";
import { Encoder, type EncodeOptions } from "./encoder.js";
import { MAC_LENGTH, PREFIX, readFrame, sealFrame } from "./frame.js";
import type { ModuleDumpOptions } from "./compiled/module-state.js";
import { keyOf, snapshotParts, type SnapshotKeyOptions, type VerifiedSnapshot } from "./snapshot.js";
import { BODY_HEADER_ROOM, Writer } from "./writer.js";

export interface MessageCodecOptions extends Omit<EncodeOptions, "onProgress">, Pick<DecodeOptions, "table">, SnapshotKeyOptions, ModuleDumpOptions {
  /** Bytes left free at the start of every encoded message, for the transport's frame prefix. */
  reserve?: number;
}

/** A message header: a few fields of short strings and numbers. */
export type MessageHeader = Readonly<Record<string, string | number | boolean | null>>;

/** Messages of at least this many bytes leave in the writer's own buffer rather than a copy. */
const HAND_OVER = 64 * 1024;

export class MessageCodec {
  /** The HMAC key messages are signed with, and that open() verifies by default; null: none. */
  key: Uint8Array | null;
  private readonly reserve: number;
  private readonly encoder: Encoder;
  private readonly decoder: Decoder;
  private readonly writer = new Writer(true);
  /** Set while encoding or decoding: a message encoded or decoded meanwhile (from a handler, or
   * code a decode runs) gets a codec of its own rather than the state in use. */
  private encoding = false;
  private decoding = false;

  constructor(private readonly options: MessageCodecOptions = {}) {
    this.key = keyOf(options) ?? null;
    this.reserve = options.reserve ?? 0;
    // The peer did not run this side's registerReducer calls: a reduced value carries its restore
    // function, which the peer uses once the connection may carry code.
    this.encoder = new Encoder({ carryRestorers: true, ...options });
    this.decoder = new Decoder({ table: options.table, handlers: options.handlers, reducers: options.reducers });
  }

  /** The snapshot of `value` with this header (after `reserve` free bytes). Values that cannot
   * be pickled throw a SerializeError, as with dumps. */
  encode(header: MessageHeader, value: unknown): Uint8Array {
    return this.encodeGraph(header, value, false);
  }

  /** encode() of a list this codec's caller made for the message alone (a call's function and
   * arguments): decoding gives an array of the values, and the list itself is not inspected
   * (see Encoder.writeList). */
  encodeList(header: MessageHeader, values: unknown[]): Uint8Array {
    return this.encodeGraph(header, values, true);
  }

  private encodeGraph(header: MessageHeader, value: unknown, list: boolean): Uint8Array {
    if (this.encoding) return this.spare().encodeGraph(header, value, list);
    this.encoding = true;
    try {
      return this.write(header, value, list);
    } finally {
      this.encoding = false;
    }
  }

  private spare(): MessageCodec {
    const c = new MessageCodec(this.options);
    c.key = this.key;
    return c;
  }

  private write(header: MessageHeader, value: unknown, list: boolean): Uint8Array {
    const w = this.writer;
    const reserve = this.reserve;
    w.begin(reserve + PREFIX);
    writeHeader(w, header);
    const headerEnd = w.pos;
    const itemsStart = headerEnd + 8 + BODY_HEADER_ROOM;
    w.begin(itemsStart);
    if (list) this.encoder.writeList(value as unknown[], w);
    else this.encoder.write(value, w);
    const bodyEnd = w.pos;
    const key = this.key;
    w.ensure(4 + MAC_LENGTH);
    const buf = w.bytes;
    // The array header is known now: move what comes before the body up against it.
    const bodyStart = w.bodyHeader(itemsStart);
    const shift = bodyStart - (headerEnd + 8);
    if (shift > 0) buf.copyWithin(shift, 0, headerEnd + 8);
    const start = shift;
    const end = sealFrame(buf, start + reserve, headerEnd - reserve - PREFIX, bodyEnd - bodyStart, key ?? undefined);
    if (end - start >= HAND_OVER) return w.take().subarray(start, end);
    const out = Buffer.allocUnsafe(end - start);
    buf.copy(out, 0, start, end);
    return out;
  }

  /** Checks a message — length, checksum, and with a key the signature (`key` defaults to the
   * codec's; null reads an unsigned message) — and returns its header and body. */
  open(bytes: Uint8Array, key: Uint8Array | null = this.key): VerifiedSnapshot {
    return snapshotParts(bytes, readFrame(bytes, key ?? undefined));
  }

  /** Decodes a body from open(). `allowCode: false` refuses a body that carries code. */
  decode(body: Uint8Array, options: { allowCode?: boolean } = {}): unknown {
    if (this.decoding) return this.spare().decode(body, options);
    const d = this.decoder;
    d.allowCode = options.allowCode ?? true;
    this.decoding = true;
    try {
      return d.decodeBytes(body);
    } finally {
      this.decoding = false;
    }
  }
}

/** The header as a msgpack map (read back by the snapshot reader). */
function writeHeader(w: Writer, header: MessageHeader): void {
  // for-in lists the keys without making an array (a message header is a fresh literal).
  let n = 0;
  for (const k in header) if (Object.hasOwn(header, k)) n++;
  w.mapHeader(n);
  for (const k in header) {
    if (!Object.hasOwn(header, k)) continue;
    w.string(k);
    const v = header[k];
    if (typeof v === "string") w.string(v);
    else if (typeof v === "number") w.number(v);
    else if (typeof v === "boolean" || v === null) w.value(v);
    else throw new TypeError(`message header field ${k} must be a string, number, boolean or null`);
  }
}
