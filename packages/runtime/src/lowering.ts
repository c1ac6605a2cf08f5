// What lowered generator bodies call (see packages/transform/src/lower/). The compiler rewrites
// `for-of`, `for-in`, destructuring, spread and template literals that contain a `yield` into
// sequential code whose state across a suspension is plain data: the objects below and the
// serializable iterators of iterators.ts, never closures or native iterators.

import { registerDataClass } from "./data.js";
import { isCompiledGenerator } from "./generator.js";
import { ForInIterator, iteratorOf, SerializableIterator } from "./iterators.js";

// ---------------------------------------------------------------------------------------------
// Iterator records: the state of a lowered for-of loop or array destructuring.

/** The spec's Iterator Record as data. `done` is set *before* calling `next()`, so that an error
 * thrown by `next()` (or by the `done`/`value` getters) does not close the iterator, as the spec
 * requires; it is cleared only once a value has been obtained. */
export class IteratorRecord {
  /** Undefined once done or closed: a frame keeps only live state. */
  iterator: Iterator<unknown> | undefined;
  done = false;
  /** The value of the last step, until the loop head takes it. */
  value: unknown = undefined;
  /** GetIterator reads `next` once (observable with a getter), so a user iterator's `next` is
   * kept; for our own iterators and compiled generators it is not observable, and omitted. */
  next: unknown;

  constructor(iterator: Iterator<unknown>) {
    this.iterator = iterator;
    this.next = iterator instanceof SerializableIterator || isCompiledGenerator(iterator) ? undefined : iterator.next;
  }
}

registerDataClass(IteratorRecord, "IteratorRecord");

/** GetIterator(value): `for (x of value)` and `[a, b] = value`. */
export function iter(value: unknown): IteratorRecord {
  return new IteratorRecord(iteratorOf(value));
}

/** IteratorStep: calls `next()`; false when the iterator is done (then it is dropped), true with
 * the value stored in the record otherwise. */
export function step(record: IteratorRecord): boolean {
  const iterator = record.iterator;
  if (record.done || iterator === undefined) return false;
  record.done = true;
  const result: unknown = record.next === undefined ? iterator.next() : callNext(record.next, iterator);
  if (!isObject(result)) throw new TypeError(`Iterator result ${String(result)} is not an object`);
  if ((result as IteratorResult<unknown>).done) {
    release(record);
    return false;
  }
  record.value = (result as IteratorResult<unknown>).value;
  record.done = false;
  return true;
}

/** The value of the last successful `step`, cleared from the record. */
export function take(record: IteratorRecord): unknown {
  const value = record.value;
  record.value = undefined;
  return value;
}

/** IteratorStepValue for an array pattern element: undefined once the iterator is done. */
export function stepValue(record: IteratorRecord): unknown {
  return step(record) ? take(record) : undefined;
}

/** The rest element of an array pattern: every remaining value. */
export function restOf(record: IteratorRecord): unknown[] {
  const rest: unknown[] = [];
  while (step(record)) rest[rest.length] = take(record);
  return rest;
}

function callNext(next: unknown, iterator: Iterator<unknown>): unknown {
  if (typeof next !== "function") throw new TypeError(`${String(next)} is not a function`);
  return next.call(iterator);
}

function release(record: IteratorRecord): void {
  record.iterator = undefined;
  record.value = undefined;
  record.next = undefined;
}

/** IteratorClose for a normal, break, continue or return completion: calls `return()` unless the
 * iterator is done; its errors propagate and a non-object result is a TypeError. */
export function closeIterator(record: IteratorRecord): void {
  const iterator = record.iterator;
  if (record.done || iterator === undefined) return;
  record.done = true;
  release(record);
  const close = iterator.return;
  if (close === undefined || close === null) return;
  if (typeof close !== "function") throw new TypeError(`${String(close)} is not a function`);
  const result: unknown = close.call(iterator);
  if (!isObject(result)) throw new TypeError(`Iterator result ${String(result)} is not an object`);
}

/** IteratorClose for a throw completion: `return()` is called, but whatever it does (throw,
 * return a non-object) is ignored, so that the original exception is the one rethrown. */
export function closeIteratorOnThrow(record: IteratorRecord): void {
  const iterator = record.iterator;
  if (record.done || iterator === undefined) return;
  record.done = true;
  release(record);
  try {
    const close = iterator.return;
    if (close !== undefined && close !== null) close.call(iterator);
  } catch {
    // The throw completion wins.
  }
}

// ---------------------------------------------------------------------------------------------
// for-in

/** The keys `for (k in value)` visits, as a serializable iterator. */
export function forInKeys(value: unknown): ForInIterator {
  return new ForInIterator(value);
}

/** The next key of a lowered for-in loop, or undefined when there are no more (keys are strings,
 * so undefined is free to mean "done"). */
export function nextKey(keys: ForInIterator): string | undefined {
  const result = keys.next();
  return result.done ? undefined : result.value;
}

// ---------------------------------------------------------------------------------------------
// Expressions

function isObject(value: unknown): value is object {
  return (typeof value === "object" && value !== null) || typeof value === "function";
}

/** ToPropertyKey, converting an object exactly once (its ToPrimitive may even yield a symbol). */
export function toPropertyKey(value: unknown): string | symbol {
  if (typeof value === "string" || typeof value === "symbol") return value;
  if (!isObject(value)) return String(value);
  return Reflect.ownKeys({ [value as unknown as PropertyKey]: undefined })[0]!;
}

/** ToString as a template literal substitution applies it (a symbol throws a TypeError). */
export function templateString(value: unknown): string {
  return `${value as string}`;
}

/** A tagged template's strings array: frozen, with a frozen non-enumerable `raw`. The compiler
 * caches the result per call site, so every evaluation passes the same object, as native code does. */
export function templateObject(cooked: readonly (string | undefined)[], raw: readonly string[]): TemplateStringsArray {
  const strings = cooked.slice();
  Object.defineProperty(strings, "raw", { value: Object.freeze(raw.slice()) });
  return Object.freeze(strings) as unknown as TemplateStringsArray;
}

/** `...value` in an array literal or argument list, iterated at its place in the evaluation order. */
export function spreadArray(value: unknown): unknown[] {
  const record = iter(value);
  return restOf(record);
}

/** `...value` in an object literal: a copy of its own enumerable properties (string keys, then
 * symbols) by define semantics, taken at its place in the evaluation order. */
export function spreadObject(value: unknown): object {
  return { ...(value as object) };
}

/** RequireObjectCoercible for an object pattern. */
export function requireObjectCoercible<T>(value: T): T {
  if (value === null || value === undefined) throw new TypeError(`Cannot destructure '${String(value)}' as it is ${String(value)}.`);
  return value;
}

/** The rest element of an object pattern: own enumerable properties not named before it. */
export function objectRest(value: unknown, excluded: readonly PropertyKey[]): Record<PropertyKey, unknown> {
  const source = Object(requireObjectCoercible(value)) as Record<PropertyKey, unknown>;
  const rest: Record<PropertyKey, unknown> = {};
  for (const key of Reflect.ownKeys(source)) {
    if (excluded.includes(key)) continue;
    const descriptor = Reflect.getOwnPropertyDescriptor(source, key);
    if (descriptor === undefined || !descriptor.enumerable) continue;
    Object.defineProperty(rest, key, { value: source[key], writable: true, enumerable: true, configurable: true });
  }
  return rest;
}

/** A call whose arguments were evaluated one by one (spread with yield). */
export function spreadCall(callee: unknown, thisArgument: unknown, args: readonly unknown[]): unknown {
  if (typeof callee !== "function") throw new TypeError(`${String(callee)} is not a function`);
  return Reflect.apply(callee, thisArgument, args);
}

/** A method call whose function was read before its arguments were evaluated (`o.m(yield x)`,
 * `a.b?.(x)`). */
export function callMethod(callee: unknown, thisArgument: unknown, ...args: unknown[]): unknown {
  return spreadCall(callee, thisArgument, args);
}

/** `new C(...)` whose arguments were evaluated one by one. */
export function spreadNew(callee: unknown, args: readonly unknown[]): unknown {
  if (typeof callee !== "function") throw new TypeError(`${String(callee)} is not a constructor`);
  return Reflect.construct(callee, args);
}
