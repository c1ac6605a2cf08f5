// Dense arrays of numbers (T_NUMBERS): one binary field instead of one msgpack value per
// element — bytes when every element is an integer in 0…255, little-endian int32s when every one
// is an int32 (other than -0), float64s otherwise. The encoder finds the kind while it checks
// the array for holes (encoder.ts: scanElements); this writes and reads the bytes.
import * as T from "../tags.js";

// Element kinds, from the most general (the order matters to scanElements).
export const FLOAT64 = 2;
export const INT32 = 3;
export const UINT8 = 4;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The `type` field of a T_NUMBERS record for an element kind. */
export function numbersType(kind: number): number {
  return kind === UINT8 ? T.NUMBERS_UINT8 : kind === INT32 ? T.NUMBERS_INT32 : T.NUMBERS_FLOAT64;
}

/** The `bytes` field of a T_NUMBERS record. NaN is written as the one canonical NaN (equal
 * states, equal bytes). */
export function numbersBytes(a: readonly number[], n: number, kind: number): Uint8Array {
  if (kind === UINT8) {
    const bytes = new Uint8Array(n);
    for (let i = 0; i < n; i++) bytes[i] = a[i]!;
    return bytes;
  }
  if (kind === INT32) {
    const ints = new Int32Array(n);
    for (let i = 0; i < n; i++) ints[i] = a[i]!;
    return littleEndian(new Uint8Array(ints.buffer), 4);
  }
  const doubles = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    doubles[i] = x === x ? x : NaN;
  }
  return littleEndian(new Uint8Array(doubles.buffer), 8);
}

export const NUMBERS_KIND = {
  create(rec: unknown[]): number[] {
    const type = rec[0];
    const bytes = rec[1];
    const width = type === T.NUMBERS_FLOAT64 ? 8 : type === T.NUMBERS_INT32 ? 4 : type === T.NUMBERS_UINT8 ? 1 : 0;
    if (width === 0 || !(bytes instanceof Uint8Array) || bytes.length % width !== 0) throw new Error("bad numbers record");
    // msgpackr's bytes are a view into the input at any offset: copied when the view below
    // would be unaligned (or the bytes need swapping).
    const own = width === 1 || (LITTLE_ENDIAN && bytes.byteOffset % width === 0) ? bytes : littleEndian(new Uint8Array(bytes), width);
    const n = own.length / width;
    const src = width === 8 ? new Float64Array(own.buffer, own.byteOffset, n) : width === 4 ? new Int32Array(own.buffer, own.byteOffset, n) : own;
    const a: number[] = new Array(n);
    for (let i = 0; i < n; i++) a[i] = src[i]!;
    return a;
  },
};

/** Platform order ⇄ little-endian, in place (a no-op on little-endian machines). */
function littleEndian(b: Uint8Array, width: number): Uint8Array {
  if (LITTLE_ENDIAN) return b;
  for (let i = 0; i < b.length; i += width) b.subarray(i, i + width).reverse();
  return b;
}
