// Length-prefixed frames: a u32 (big-endian) byte count, then that many bytes. Before the
// handshake a frame holds a JSON handshake message and may be at most PRE_AUTH_FRAME_BYTES long;
// after it, a message (a snapshot, followed by its MAC when the connection has a key, see
// session.ts) up to the connection's limit. A message is encoded with room for its prefix at the
// front (MessageCodec's `reserve`), so a frame goes out without a copy. The reader keeps the
// chunks it got and joins them once per complete frame, so a 50 MB message costs one copy, not
// one per chunk; a frame inside a single chunk costs none. A frame over the limit is refused as
// soon as its prefix is read, before any of its bytes are kept.

import { ProtocolError } from "./errors.js";

export const PREFIX_BYTES = 4;
/** Default largest message either side accepts once authenticated (bytes). */
export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
/** Largest frame accepted before the other side has proved the key (handshake messages). */
export const PRE_AUTH_FRAME_BYTES = 64 * 1024;
const U32_MAX = 0xffff_ffff;

/** Fills in the length prefix of a frame whose first PREFIX_BYTES bytes were left free;
 * `extra` bytes that follow in a separate chunk (a MAC) count too. */
export function setFramePrefix(framed: Uint8Array, extra = 0): void {
  const length = framed.length - PREFIX_BYTES + extra;
  if (length > U32_MAX) throw new ProtocolError(`a message of ${length} bytes is too large to send (at most ${U32_MAX})`);
  framed[0] = length >>> 24;
  framed[1] = (length >>> 16) & 0xff;
  framed[2] = (length >>> 8) & 0xff;
  framed[3] = length & 0xff;
}

/** A frame of `payload` (a new buffer: prefix and payload). */
export function frame(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(PREFIX_BYTES + payload.length);
  out.set(payload, PREFIX_BYTES);
  setFramePrefix(out);
  return out;
}

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Length of the frame being read, or -1 while its prefix is incomplete. */
  private need = -1;

  /** `limit`: the largest frame accepted; it may change between frames (after a handshake). */
  constructor(public limit: number) {}

  /** Keeps bytes for next(). */
  add(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next complete frame, or null. Throws a ProtocolError for an empty or oversized frame
   * (as soon as its prefix is read). */
  next(): Buffer | null {
    if (this.need < 0) {
      if (this.buffered < PREFIX_BYTES) return null;
      const length = this.take(PREFIX_BYTES).readUInt32BE(0);
      if (length === 0) throw new ProtocolError("malformed message: empty frame");
      if (length > this.limit) {
        this.chunks = [];
        this.buffered = 0;
        throw new ProtocolError(`message of ${length} bytes exceeds the limit of ${this.limit} bytes`);
      }
      this.need = length;
    }
    if (this.buffered < this.need) return null;
    const out = this.take(this.need);
    this.need = -1;
    return out;
  }

  /** add() then every complete frame. */
  push(chunk: Buffer): Buffer[] {
    this.add(chunk);
    const frames: Buffer[] = [];
    for (let f = this.next(); f !== null; f = this.next()) frames.push(f);
    return frames;
  }

  /** Removes the next n buffered bytes (n <= buffered). */
  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0]!;
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const used = Math.min(c.length, n - filled);
      c.copy(out, filled, 0, used);
      filled += used;
      if (used === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(used);
    }
    return out;
  }
}
