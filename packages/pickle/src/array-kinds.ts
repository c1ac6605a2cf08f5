// Array kinds, found in one pass: whether an array is dense with only its elements (the encoder's
// fast path), and whether its elements are all numbers of one width (one binary record).
import * as util from "node:util";
import { FLOAT64, INT32, UINT8 } from "./kinds/numbers.js";

const isExtensible = Object.isExtensible;
const getOwnPropertySymbols = Object.getOwnPropertySymbols;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ownKeys = Reflect.ownKeys;
const inspect = util.inspect;
/** Dense arrays of numbers at least this long become one binary record (T_NUMBERS). */
export const MIN_NUMBERS = 16;
/** Arrays up to this length are checked for extra properties by listing their keys. */
const SMALL_ARRAY = 48;

export const HOLEY = 0;
export const MIXED = 1;

/** One pass over the elements: HOLEY (a hole, or an element that is not there), MIXED, or only
 * numbers: UINT8 (integers 0…255), INT32 (int32s, no -0) or FLOAT64. */
export function scanElements(a: unknown[], n: number): number {
  let kind = UINT8;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    if (typeof x === "number") {
      if (kind > FLOAT64) {
        if ((x | 0) !== x || (x === 0 && 1 / x < 0)) kind = FLOAT64;
        else if (kind === UINT8 && (x < 0 || x > 0xff)) kind = INT32;
      }
    } else {
      if (x === undefined && !(i in a)) return HOLEY;
      kind = MIXED;
    }
  }
  return kind;
}

const INSPECT_KEYS: util.InspectOptions = {
  showHidden: true, depth: 0, maxArrayLength: 0, maxStringLength: 0, customInspect: false, getters: false,
  showProxy: false, colors: false, compact: 3, breakLength: Infinity, sorted: false, numericSeparator: false,
};

/**
 * Whether an array without holes is extensible and has no own properties besides its indices
 * and a writable `length` (no extra string or symbol keys, enumerable or not). Listing the keys
 * names every index, as a string: fine for a short array, far too slow for a long one (a million
 * strings). For those, util.inspect lists only the non-index keys (Node's
 * getOwnNonIndexProperties, which it does not export), without calling getters: with no elements
 * shown, any key besides `length` changes its output. Own symbols are ruled out first, so that
 * inspect reads no own Symbol.toStringTag.
 * What this does not see: accessor or read-only *elements* (reading one calls its getter).
 */
export function onlyElements(a: unknown[], n: number): boolean {
  if (!isExtensible(a)) return false;
  if (n <= SMALL_ARRAY) {
    if (ownKeys(a).length !== n + 1) return false;
  } else if (getOwnPropertySymbols(a).length !== 0 || inspect(a, INSPECT_KEYS) !== `[ ... ${n} more items, [length]: ${n} ]`) {
    return false;
  }
  return getOwnPropertyDescriptor(a, "length")!.writable === true;
}

