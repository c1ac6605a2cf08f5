// Buffers the graph reaches only through views. A view writes the bytes it covers, not its whole
// buffer: a small Buffer lives in Node's shared 8 KiB pool among other buffers' bytes, a subarray
// can be a window on megabytes. Views of one buffer must still share memory after decoding, so
// each such buffer becomes one entry — a T_BUFFER_SPAN record of the span its views cover, with
// the bytes no view covers left zero — and the views keep their offsets in the original (the
// decoder subtracts the span's start). Which views a graph holds is known only at the end of the
// walk, while post-order needs the buffer's record before the first view's: the record's place is
// reserved when the first view is met, and its bytes are inserted there at the end. A buffer that
// the graph holds itself is written whole, as it is, by the same record.
import { DEFAULT_PROTO, T_ARRAYBUFFER, T_BUFFER_SPAN } from "./tags.js";
import type { Writer } from "./writer.js";

interface Span {
  /** Entry index of the buffer. */
  readonly entry: number;
  /** Where its record goes in the writer's bytes. */
  readonly at: number;
  lo: number;
  hi: number;
  /** The covered ranges, [start, end) pairs (each view's). */
  readonly ranges: number[];
  /** The graph holds the buffer itself: all of it is written. */
  whole: boolean;
}

export class BufferSpans {
  private readonly spans = new Map<ArrayBuffer, Span>();

  get size(): number {
    return this.spans.size;
  }

  /** The entry of `buffer` if one of its views was met, else -1. */
  entryOf(buffer: ArrayBuffer): number {
    return this.spans.get(buffer)?.entry ?? -1;
  }

  /** Notes bytes start…end of `buffer` as covered by a view; the first time, its entry is
   * `entry` and its record goes at the writer's current position. Returns the entry. */
  cover(buffer: ArrayBuffer, start: number, end: number, entry: number, out: Writer): number {
    let s = this.spans.get(buffer);
    if (s === undefined) {
      s = { entry, at: out.reserveTagged(), lo: start, hi: end, ranges: [], whole: false };
      this.spans.set(buffer, s);
    }
    if (start < s.lo) s.lo = start;
    if (end > s.hi) s.hi = end;
    s.ranges.push(start, end);
    return s.entry;
  }

  /** The graph holds `buffer` itself (its entry exists): it is written whole. */
  holdWhole(buffer: ArrayBuffer): number {
    const s = this.spans.get(buffer)!;
    s.whole = true;
    return s.entry;
  }

  /** Writes every span's record at its place, and forgets them. */
  flush(out: Writer): void {
    if (this.spans.size === 0) return;
    const at: number[] = [];
    const tags: number[] = [];
    const fields: unknown[][] = [];
    for (const [buffer, s] of this.spans) {
      at.push(s.at);
      if (s.whole) {
        tags.push(T_ARRAYBUFFER);
        fields.push([DEFAULT_PROTO, new Uint8Array(buffer)]);
      } else {
        tags.push(T_BUFFER_SPAN);
        fields.push([spanBytes(buffer, s), s.lo]);
      }
    }
    this.spans.clear();
    out.insertTagged(at, tags, fields);
  }

  clear(): void {
    this.spans.clear();
  }
}

/** The bytes of the span, those that no view covers left zero. */
function spanBytes(buffer: ArrayBuffer, s: Span): Uint8Array {
  const r = s.ranges;
  if (r.length === 2) return new Uint8Array(buffer, s.lo, s.hi - s.lo);
  const bytes = new Uint8Array(s.hi - s.lo);
  for (let i = 0; i < r.length; i += 2) bytes.set(new Uint8Array(buffer, r[i]!, r[i + 1]! - r[i]!), r[i]! - s.lo);
  return bytes;
}
