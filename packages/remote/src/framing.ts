// Length-prefixed frames: a u32 (big-endian) byte count, then that many bytes (one message, a
// snapshot). A message is encoded with room for its prefix at the front (MessageCodec's
// `reserve`), so a frame goes out as one buffer, without a copy. The reader keeps the chunks it got and joins them once per complete frame, so a
// 50 MB message costs one copy, not one per chunk; a frame inside a single chunk costs none.

import { ProtocolError } from "./errors.js";

export const PREFIX_BYTES = 4;
/** Default largest message either side accepts (bytes). */
export const DEFAULT_MAX_MESSAGE_BYTES = 512 * 1024 * 1024;
const U32_MAX = 0xffff_ffff;

/** Fills in the length prefix of a frame whose first PREFIX_BYTES bytes were left free. */
export function setFramePrefix(framed: Uint8Array): void {
  const length = framed.length - PREFIX_BYTES;
  if (length > U32_MAX) throw new ProtocolError(`a message of ${length} bytes is too large to send (at most ${U32_MAX})`);
  framed[0] = length >>> 24;
  framed[1] = (length >>> 16) & 0xff;
  framed[2] = (length >>> 8) & 0xff;
  framed[3] = length & 0xff;
}

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Length of the frame being read, or -1 while its prefix is incomplete. */
  private need = -1;

  constructor(private readonly maxMessageBytes: number) {}

  /** Adds bytes; returns the frames they complete. Throws a ProtocolError for an empty or
   * oversized frame (as soon as its prefix is read). */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.need < 0) {
        if (this.buffered < PREFIX_BYTES) break;
        const length = this.take(PREFIX_BYTES).readUInt32BE(0);
        if (length === 0) throw new ProtocolError("malformed message: empty frame");
        if (length > this.maxMessageBytes) {
          throw new ProtocolError(`message of ${length} bytes exceeds the limit of ${this.maxMessageBytes} bytes`);
        }
        this.need = length;
      }
      if (this.buffered < this.need) break;
      frames.push(this.take(this.need));
      this.need = -1;
    }
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
