// Own properties with their full descriptors — the slow but exact path for objects that are not
// ordinary: symbol keys, non-enumerable or read-only properties, accessors, integrity levels.
//
// Wire form (inside fill values): [extensible, key, flags, value] per data property and
// [key, flags | ACCESSOR, get, set] per accessor, after a leading extensible flag (0/1).
// Frozen and sealed need no flag of their own: non-extensible + per-property attributes say it.
import { TRANSIENT } from "@spickle/runtime";
import type { Decoder } from "../decoder.js";

const ENUMERABLE = 1;
const WRITABLE = 2;
const CONFIGURABLE = 4;
const ACCESSOR = 8;
const ORDINARY = ENUMERABLE | WRITABLE | CONFIGURABLE;

const getOwnPropertyNames = Object.getOwnPropertyNames;
const getOwnPropertySymbols = Object.getOwnPropertySymbols;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const isExtensible = Object.isExtensible;

/** Node ≥ 22 gives errors, and objects passed to Error.captureStackTrace, an own
 * `stack` accessor pair of native functions shared by all of them; older versions an own data
 * property. A snapshot holds the stack string as a data property, so it is the same on every
 * version and resumes on any. */
const stackGetter = getOwnPropertyDescriptor(new Error(), "stack")?.get;

/** Fast check: when every own property is an enumerable, writable, configurable data property
 * with a string key (and the object is extensible), returns the keys and writes the values to
 * values[at…]; otherwise null (having written some of them). One descriptor read per key, no
 * descriptor-object map. */
export function ordinaryProps(obj: object, values: unknown[], at: number): string[] | null {
  if (!isExtensible(obj) || getOwnPropertySymbols(obj).length !== 0) return null;
  const names = getOwnPropertyNames(obj);
  for (let i = 0; i < names.length; i++) {
    const key = names[i]!;
    const d = getOwnPropertyDescriptor(obj, key)!;
    // An accessor has writable === undefined; "__proto__" as an own key is routed to the exact
    // path because msgpackr renames it in records.
    if (d.writable !== true || d.enumerable !== true || d.configurable !== true || key === "__proto__") return null;
    values[at + i] = d.value;
  }
  return names;
}

/** Appends the exact own-property list of `obj` to `out`, skipping keys `skip` rejects. Returns
 * false (appending nothing) when there is nothing to restore: extensible and no properties. */
export function describeProps(obj: object, out: unknown[], skip?: (key: string | symbol, d: PropertyDescriptor) => boolean): boolean {
  const start = out.length;
  const extensible = isExtensible(obj);
  out.push(extensible ? 1 : 0);
  for (const key of Reflect.ownKeys(obj)) {
    if (key === TRANSIENT) continue;
    let d = getOwnPropertyDescriptor(obj, key)!;
    if (skip !== undefined && skip(key, d)) continue;
    if (d.get !== undefined && d.get === stackGetter) d = { value: d.get.call(obj), writable: true, enumerable: d.enumerable, configurable: d.configurable };
    const flags = (d.enumerable ? ENUMERABLE : 0) | (d.configurable ? CONFIGURABLE : 0);
    if ("value" in d) out.push(key, flags | (d.writable ? WRITABLE : 0), d.value);
    else out.push(key, flags | ACCESSOR, d.get, d.set);
  }
  if (extensible && out.length === start + 1) {
    out.length = start;
    return false;
  }
  return true;
}

/** Applies a property list written by describeProps, starting at rec[pos]. */
export function applyProps(obj: object, rec: unknown[], pos: number, dec: Decoder): void {
  if (pos >= rec.length) return;
  const extensible = rec[pos++];
  while (pos < rec.length) {
    const key = dec.key(rec[pos++]);
    const flags = rec[pos++];
    if (typeof flags !== "number" || flags >>> 0 !== flags || flags > 15) throw new Error("bad property flags");
    const d: PropertyDescriptor = { enumerable: (flags & ENUMERABLE) !== 0, configurable: (flags & CONFIGURABLE) !== 0 };
    if (flags & ACCESSOR) {
      d.get = dec.accessor(rec[pos++]);
      d.set = dec.accessor(rec[pos++]);
    } else {
      d.value = dec.value(rec[pos++]);
      d.writable = (flags & WRITABLE) !== 0;
    }
    if (pos > rec.length) throw new Error("truncated property list");
    Object.defineProperty(obj, key, d);
  }
  if (extensible === 0) Object.preventExtensions(obj);
}

/** Position in a property list where the property under `valuePos` starts, for path labels. */
export function propertyAt(fill: unknown[], start: number, valuePos: number): string | symbol | undefined {
  let pos = start + 1;
  while (pos < fill.length) {
    const key = fill[pos] as string | symbol;
    const len = (fill[pos + 1] as number) & ACCESSOR ? 4 : 3;
    if (valuePos < pos + len) return valuePos === pos ? undefined : key;
    pos += len;
  }
  return undefined;
}

export { ORDINARY };

/** Applies a property list written by describeProps whose entries a handler's fill values
 * carried (so they arrive decoded). */
export function applyPropList(obj: object, list: unknown[]): void {
  let pos = 1;
  while (pos < list.length) {
    const key = list[pos++] as string | symbol;
    const flags = list[pos++] as number;
    const d: PropertyDescriptor = { enumerable: (flags & ENUMERABLE) !== 0, configurable: (flags & CONFIGURABLE) !== 0 };
    if (flags & ACCESSOR) {
      d.get = list[pos++] as (() => unknown) | undefined;
      d.set = list[pos++] as ((v: unknown) => void) | undefined;
    } else {
      d.value = list[pos++];
      d.writable = (flags & WRITABLE) !== 0;
    }
    Object.defineProperty(obj, key, d);
  }
  if (list[0] === 0) Object.preventExtensions(obj);
}
