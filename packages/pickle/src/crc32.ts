// CRC-32 (IEEE, as zip/zlib). Node >= 20.15 ships zlib.crc32 in C++, used for large inputs; small
// ones (and older runtimes) use the table-driven code below, so that checking a small snapshot
// does not load node:zlib and the stream modules it pulls in (about 1-2 ms of a start).
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

let table: Uint32Array | undefined;
function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** CRC-32 of `data`, continuing from `crc` (0 to start). Unsigned 32-bit result. */
export function crc32(data: Uint8Array, crc = 0): number {
  const fast = data.length >= NATIVE_FROM ? nativeCrc() : null;
  if (fast !== null) return fast(data, crc) >>> 0;
  return crc32Js(data, crc);
}

export function crc32Js(data: Uint8Array, crc = 0): number {
  const t = (table ??= makeTable());
  let c = ~crc;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
