// CRC-32 (IEEE, as zip/zlib). Node >= 20.15 ships zlib.crc32 in C++, used for large inputs; small
// ones (and older runtimes) use the table-driven code below, so that checking a small snapshot
// does not load node:zlib and the stream modules it pulls in (a cost every start would pay;
// scripts/bench/results.md, "Figures behind the code").
import { createRequire } from "node:module";

type NativeCrc = (data: Uint8Array, value?: number) => number;
let native: NativeCrc | null | undefined;
function nativeCrc(): NativeCrc | null {
  if (native === undefined) {
    const zlib = createRequire(import.meta.url)("node:zlib") as { crc32?: NativeCrc };
    native = zlib.crc32 ?? null;
  }
  return native;
}

/** Below this many bytes the table is as fast as a call into C++. */
const NATIVE_FROM = 64 * 1024;

/** Four tables for slicing-by-4: four bytes per step (tables[k][n] is the CRC of byte n followed
 * by k zero bytes). About three times the speed of one byte per step. */
let tables: Uint32Array[] | undefined;
function makeTables(): Uint32Array[] {
  const t = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[0]![n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 4; k++) t[k]![n] = (t[k - 1]![n]! >>> 8) ^ t[0]![t[k - 1]![n]! & 0xff]!;
  }
  return t;
}

/** CRC-32 of `data`, continuing from `crc` (0 to start). Unsigned 32-bit result. */
export function crc32(data: Uint8Array, crc = 0): number {
  return crc32Range(data, 0, data.length, crc);
}

/** CRC-32 of data[start…end-1] (no subarray made: a small message's envelope checks it twice). */
export function crc32Range(data: Uint8Array, start: number, end: number, crc = 0): number {
  const fast = end - start >= NATIVE_FROM ? nativeCrc() : null;
  if (fast !== null) return fast(data.subarray(start, end), crc) >>> 0;
  return crc32Js(data, crc, start, end);
}

export function crc32Js(data: Uint8Array, crc = 0, start = 0, end = data.length): number {
  const t = (tables ??= makeTables());
  const t0 = t[0]!;
  const t1 = t[1]!;
  const t2 = t[2]!;
  const t3 = t[3]!;
  let c = ~crc;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    c ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    c = t3[c & 0xff]! ^ t2[(c >>> 8) & 0xff]! ^ t1[(c >>> 16) & 0xff]! ^ t0[c >>> 24]!;
  }
  for (; i < end; i++) c = t0[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
