// CRC-32 (IEEE, as zip/zlib). Node >= 20.15 ships zlib.crc32 in C++; older runtimes use the
// table-driven fallback below (slicing-by-4 would be faster, but this path is only a fallback).
import * as zlib from "node:zlib";

const native = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

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
  if (native !== undefined) return native(data, crc) >>> 0;
  return crc32Js(data, crc);
}

export function crc32Js(data: Uint8Array, crc = 0): number {
  const t = (table ??= makeTable());
  let c = ~crc;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
