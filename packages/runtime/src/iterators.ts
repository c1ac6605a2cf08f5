// Serializable iterators. A native array/Map/Set/string iterator keeps its position in internal
// slots that no snapshot can read, so a frame suspended inside `for (const x of arr)` would not
// survive a checkpoint. These classes reproduce the native iteration semantics with plain own
// fields (see data.ts): Map and Set iterators cache a live native iterator under TRANSIENT and
// bring `position` up to date in [SYNC]().

import { registerDataClass, SYNC, TRANSIENT } from "./data.js";
import { isCompiledGenerator } from "./generator.js";

// The builtins are captured at load time: user code replacing `Array.prototype.values` later must
// not be mistaken for the original, and a replaced method is then called as written.
const ArrayValues = Array.prototype.values;
const ArrayKeys = Array.prototype.keys;
const ArrayEntries = Array.prototype.entries;
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const TypedArrayValues = method(TypedArrayPrototype, "values");
const TypedArrayKeys = method(TypedArrayPrototype, "keys");
const TypedArrayEntries = method(TypedArrayPrototype, "entries");
const typedArrayLength = getter(TypedArrayPrototype, "length");
const typedArrayTag = getter(TypedArrayPrototype, Symbol.toStringTag);
const MapEntries = Map.prototype.entries;
const MapKeys = Map.prototype.keys;
const MapValues = Map.prototype.values;
const mapSize = getter(Map.prototype, "size");
const SetValues = Set.prototype.values;
const SetEntries = Set.prototype.entries;
const setSize = getter(Set.prototype, "size");
const StringIteratorMethod = String.prototype[Symbol.iterator];
const StringMatchAll = String.prototype.matchAll;
const RegExpMatchAll = RegExp.prototype[Symbol.matchAll];
const RegExpExec = RegExp.prototype.exec;

function method(object: object, key: PropertyKey): unknown {
  return Object.getOwnPropertyDescriptor(object, key)?.value;
}

function getter(object: object, key: PropertyKey): (this: unknown) => unknown {
  return Object.getOwnPropertyDescriptor(object, key)!.get as (this: unknown) => unknown;
}

function isObject(value: unknown): value is object {
  return (typeof value === "object" && value !== null) || typeof value === "function";
}

/** True for values with a [[MapData]] slot (Maps and subclass instances, not look-alikes). */
function isMap(value: unknown): value is Map<unknown, unknown> {
  if (!isObject(value)) return false;
  try {
    mapSize.call(value);
    return true;
  } catch {
    return false;
  }
}

function isSet(value: unknown): value is Set<unknown> {
  if (!isObject(value)) return false;
  try {
    setSize.call(value);
    return true;
  } catch {
    return false;
  }
}

function isTypedArray(value: unknown): value is ArrayLike<unknown> {
  return isObject(value) && typedArrayTag.call(value) !== undefined;
}

function done<T>(): IteratorResult<T> {
  return { value: undefined, done: true };
}

/** Common base: lets `values()` recognize our iterators, and makes them iterable. */
export abstract class SerializableIterator<T = unknown> implements Iterator<T> {
  abstract next(): IteratorResult<T>;

  [Symbol.iterator](): this {
    return this;
  }
}

export type IterationKind = "keys" | "values" | "entries";

/** %ArrayIteratorPrototype% as data: reads `length` at every step, so growth is seen. Works on any
 * array-like (arrays, `arguments`, typed arrays), as the native one does. */
export class ArrayIterator<T = unknown> extends SerializableIterator<unknown> {
  /** The iterated object; undefined once exhausted (a finished native iterator stays finished). */
  source: ArrayLike<T> | undefined;
  kind: IterationKind;
  index = 0;
  /** Typed arrays measure their length through the internal slot, not the `length` property. */
  typed: boolean;

  constructor(source: ArrayLike<T>, kind: IterationKind = "values", typed = false) {
    super();
    this.source = source;
    this.kind = kind;
    this.typed = typed;
  }

  next(): IteratorResult<unknown> {
    const source = this.source;
    if (source === undefined) return done();
    const length = this.typed ? (typedArrayLength.call(source) as number) : toLength(source.length);
    const index = this.index;
    if (index >= length) {
      this.source = undefined;
      return done();
    }
    this.index = index + 1;
    if (this.kind === "keys") return { value: index, done: false };
    if (this.kind === "values") return { value: source[index], done: false };
    return { value: [index, source[index]], done: false };
  }
}

function toLength(value: unknown): number {
  const n = Math.trunc(Number(value));
  if (!(n > 0)) return 0;
  return Math.min(n, Number.MAX_SAFE_INTEGER);
}

/** %StringIteratorPrototype% as data: one code point per step. */
export class StringIterator extends SerializableIterator<string> {
  source: string | undefined;
  position = 0;

  constructor(source: string) {
    super();
    this.source = source;
  }

  next(): IteratorResult<string> {
    const source = this.source;
    if (source === undefined) return done();
    const position = this.position;
    if (position >= source.length) {
      this.source = undefined;
      return done();
    }
    const codePoint = source.codePointAt(position)!;
    const size = codePoint > 0xffff ? 2 : 1;
    this.position = position + size;
    return { value: source.slice(position, position + size), done: false };
  }
}

/** Map and Set iterators. The native iterator (cached under TRANSIENT) tracks insertions and
 * deletions during iteration exactly, so it does the work while it exists. A snapshot cannot hold
 * it, so [SYNC]() records the keys before its cursor (`visited`); a decoded iterator rebuilds its
 * native one by skipping the leading entries whose keys were visited. That stays right when the
 * program changes the collection between the restore and the next step (typically deleting the
 * entry just visited): deleted entries are gone, added ones are not in `visited`. */
abstract class CollectionIterator<C extends object> extends SerializableIterator<unknown> {
  source: C | undefined;
  kind: IterationKind;
  /** Keys before the cursor, recorded by [SYNC]() for a snapshot; dropped once not needed. */
  visited: unknown[] | undefined = undefined;
  declare [TRANSIENT]?: Iterator<unknown>;

  constructor(source: C, kind: IterationKind) {
    super();
    this.source = source;
    this.kind = kind;
  }

  protected abstract open(source: C): Iterator<unknown>;
  protected abstract keys(source: C): Iterator<unknown>;

  next(): IteratorResult<unknown> {
    const source = this.source;
    if (source === undefined) return done();
    const native = this.native(source);
    const result = native.next();
    if (result.done) {
      this.source = undefined;
      this[TRANSIENT] = undefined;
    }
    return result;
  }

  /** The live native iterator, rebuilt from `visited` when missing (after a decode). */
  private native(source: C): Iterator<unknown> {
    let native = this[TRANSIENT];
    if (native === undefined) {
      native = this.open(source);
      const visited = new Set(this.visited ?? []);
      const keys = this.keys(source);
      for (let key = keys.next(); !key.done && visited.has(key.value); key = keys.next()) native.next();
      this[TRANSIENT] = native;
    }
    this.visited = undefined;
    return native;
  }

  /** Draining the native iterator tells how many entries are still to come (the last ones in
   * iteration order), hence which keys were visited; a fresh native iterator is then opened at
   * the same place (the drained one is finished). */
  [SYNC](): void {
    const source = this.source;
    const native = this[TRANSIENT];
    if (source === undefined || native === undefined) return;
    let remaining = 0;
    while (!native.next().done) remaining++;
    const keys: unknown[] = [];
    const all = this.keys(source);
    for (let key = all.next(); !key.done; key = all.next()) keys.push(key.value);
    keys.length -= remaining;
    const reopened = this.open(source);
    for (let i = 0; i < keys.length; i++) reopened.next();
    this[TRANSIENT] = reopened;
    this.visited = keys;
  }
}

export class MapIterator<K = unknown, V = unknown> extends CollectionIterator<Map<K, V>> {
  protected open(source: Map<K, V>): Iterator<unknown> {
    const open = this.kind === "keys" ? MapKeys : this.kind === "values" ? MapValues : MapEntries;
    return open.call(source) as Iterator<unknown>;
  }

  protected keys(source: Map<K, V>): Iterator<unknown> {
    return MapKeys.call(source) as Iterator<unknown>;
  }
}

export class SetIterator<T = unknown> extends CollectionIterator<Set<T>> {
  protected open(source: Set<T>): Iterator<unknown> {
    return (this.kind === "entries" ? SetEntries : SetValues).call(source) as Iterator<unknown>;
  }

  protected keys(source: Set<T>): Iterator<unknown> {
    return SetValues.call(source) as Iterator<unknown>;
  }
}

/** %RegExpStringIteratorPrototype% as data (the result of `str.matchAll(re)`). `regexp` is the
 * private clone that String.prototype.matchAll creates; its `lastIndex`, the position, is mirrored
 * in a plain field so that a snapshot need not preserve a RegExp's `lastIndex`. */
export class MatchAllIterator extends SerializableIterator<RegExpExecArray> {
  regexp: RegExp | undefined;
  source: string;
  global: boolean;
  fullUnicode: boolean;
  lastIndex: number;

  constructor(regexp: RegExp, source: string, global: boolean, fullUnicode: boolean) {
    super();
    this.regexp = regexp;
    this.source = source;
    this.global = global;
    this.fullUnicode = fullUnicode;
    this.lastIndex = regexp.lastIndex;
  }

  next(): IteratorResult<RegExpExecArray> {
    const regexp = this.regexp;
    if (regexp === undefined) return done();
    regexp.lastIndex = this.lastIndex;
    const match = regExpExec(regexp, this.source);
    if (match === null || !this.global) {
      this.regexp = undefined;
      return match === null ? done() : { value: match, done: false };
    }
    if (`${match[0]}` === "") {
      const index = toLength(regexp.lastIndex);
      regexp.lastIndex = advanceStringIndex(this.source, index, this.fullUnicode);
    }
    this.lastIndex = regexp.lastIndex;
    return { value: match, done: false };
  }
}

/** RegExpExec: honours a user-defined `exec`, as the native iterator does. */
function regExpExec(regexp: RegExp, source: string): RegExpExecArray | null {
  const exec = regexp.exec;
  if (typeof exec === "function") {
    const result: unknown = exec.call(regexp, source);
    if (result !== null && !isObject(result)) throw new TypeError("RegExp exec method returned something other than an Object or null");
    return result as RegExpExecArray | null;
  }
  return RegExpExec.call(regexp, source);
}

function advanceStringIndex(source: string, index: number, fullUnicode: boolean): number {
  if (!fullUnicode || index + 1 >= source.length) return index + 1;
  const codePoint = source.codePointAt(index)!;
  return index + (codePoint > 0xffff ? 2 : 1);
}

/** The keys a `for-in` loop visits, computed up front with a native for-in (so the order is the
 * engine's); a key deleted before it is reached is skipped, as V8 does, and keys added during the
 * loop are not visited. */
export class ForInIterator extends SerializableIterator<string> {
  source: object | undefined;
  keys: string[];
  index = 0;

  constructor(value: unknown) {
    super();
    const keys: string[] = [];
    if (value === null || value === undefined) {
      this.source = undefined;
    } else {
      const source = Object(value) as object;
      for (const key in source) keys.push(key);
      this.source = source;
    }
    this.keys = keys;
  }

  next(): IteratorResult<string> {
    const source = this.source;
    if (source !== undefined) {
      while (this.index < this.keys.length) {
        const key = this.keys[this.index++]!;
        if (key in source) return { value: key, done: false };
      }
      this.source = undefined;
      this.keys = [];
    }
    return done();
  }
}

// Frames own these objects: a snapshot copies their fields (see data.ts and frames.ts).
registerDataClass(ArrayIterator, "ArrayIterator");
registerDataClass(StringIterator, "StringIterator");
registerDataClass(MapIterator, "MapIterator");
registerDataClass(SetIterator, "SetIterator");
registerDataClass(MatchAllIterator, "MatchAllIterator");
registerDataClass(ForInIterator, "ForInIterator");

/** GetIterator(value, sync), except that builtin iterables whose iteration method is the original
 * one get a serializable iterator instead of the native one (the observable behaviour is the same). */
export function iteratorOf(value: unknown): Iterator<unknown> {
  if (value === null || value === undefined) throw new TypeError(`${String(value)} is not iterable`);
  const iterate = (value as { [Symbol.iterator]?: unknown })[Symbol.iterator];
  const builtin = builtinIterator(value, iterate);
  if (builtin !== undefined) return builtin;
  if (typeof iterate !== "function") throw new TypeError(`${describe(value)} is not iterable`);
  const iterator: unknown = iterate.call(value);
  if (!isObject(iterator)) throw new TypeError("Result of the Symbol.iterator method is not an object");
  return iterator as Iterator<unknown>;
}

function builtinIterator(value: unknown, iterate: unknown): Iterator<unknown> | undefined {
  if (typeof value === "string") {
    return iterate === StringIteratorMethod ? new StringIterator(value) : undefined;
  }
  if (!isObject(value)) return undefined;
  if (iterate === ArrayValues) return new ArrayIterator(value as ArrayLike<unknown>, "values");
  if (iterate === TypedArrayValues && isTypedArray(value)) return new ArrayIterator(value, "values", true);
  if (iterate === MapEntries && isMap(value)) return new MapIterator(value, "entries");
  if (iterate === SetValues && isSet(value)) return new SetIterator(value, "values");
  return undefined;
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return value.name ? `function ${value.name}` : "function";
  if (isObject(value)) return "object";
  return String(value);
}

/** The `yield*` operand conversion (regenerator's `regeneratorValues`): compiled generators and our
 * own iterators are delegated to as they are; builtin iterables get serializable iterators. */
export function values(value: unknown): Iterator<unknown> {
  if (value instanceof SerializableIterator || isCompiledGenerator(value)) return value as Iterator<unknown>;
  return iteratorOf(value);
}

/** `x.entries()` in a for-of head or `yield*` operand. */
export function entriesOf(value: unknown): Iterator<unknown> {
  return iterationMethod(value, "entries");
}

/** `x.keys()` in a for-of head or `yield*` operand. */
export function keysOf(value: unknown): Iterator<unknown> {
  return iterationMethod(value, "keys");
}

/** `x.values()` in a for-of head or `yield*` operand. */
export function valuesOf(value: unknown): Iterator<unknown> {
  return iterationMethod(value, "values");
}

const arrayMethods = { keys: ArrayKeys, values: ArrayValues, entries: ArrayEntries };
const typedArrayMethods = { keys: TypedArrayKeys, values: TypedArrayValues, entries: TypedArrayEntries };
const mapMethods = { keys: MapKeys, values: MapValues, entries: MapEntries };
const setMethods = { keys: SetValues, values: SetValues, entries: SetEntries };

/** Reads `value[kind]` once, as the call `value.kind()` would, and replaces the call by a
 * serializable iterator only when that is the builtin method on its own kind of receiver. */
function iterationMethod(value: unknown, kind: IterationKind): Iterator<unknown> {
  const read = (value as Record<string, unknown>)[kind];
  if (isObject(value)) {
    if (read === arrayMethods[kind]) return new ArrayIterator(value as ArrayLike<unknown>, kind);
    if (read === typedArrayMethods[kind] && isTypedArray(value)) return new ArrayIterator(value, kind, true);
    if (read === mapMethods[kind] && isMap(value)) return new MapIterator(value, kind);
    if (read === setMethods[kind] && isSet(value)) return new SetIterator(value, kind === "keys" ? "values" : kind);
  }
  if (typeof read !== "function") throw new TypeError(`${describe(value)}.${kind} is not a function`);
  return read.call(value) as Iterator<unknown>;
}

/** `s.matchAll(re)` in a for-of head or `yield*` operand: String.prototype.matchAll and
 * RegExp.prototype[Symbol.matchAll] reproduced for a string receiver and a plain RegExp. */
export function matchAllOf(source: unknown, regexp: unknown): Iterator<unknown> {
  const read = (source as { matchAll?: unknown }).matchAll;
  if (typeof source !== "string" || read !== StringMatchAll) {
    if (typeof read !== "function") throw new TypeError(`${describe(source)}.matchAll is not a function`);
    return read.call(source, regexp) as Iterator<unknown>;
  }
  let matcher: unknown;
  if (regexp !== null && regexp !== undefined) {
    if (isRegExp(regexp)) {
      const flags: unknown = (regexp as RegExp).flags;
      if (flags === null || flags === undefined) throw new TypeError("String.prototype.matchAll called with invalid flags");
      if (!`${flags as string}`.includes("g")) {
        throw new TypeError("String.prototype.matchAll called with a non-global RegExp argument");
      }
    }
    matcher = (regexp as { [Symbol.matchAll]?: unknown })[Symbol.matchAll];
    if (matcher !== undefined && matcher !== null) {
      if (matcher === RegExpMatchAll && plainRegExp(regexp)) return regExpMatchAll(regexp as RegExp, source);
      if (typeof matcher !== "function") throw new TypeError(`${describe(matcher)} is not a function`);
      return matcher.call(regexp, source) as Iterator<unknown>;
    }
  }
  const created = new RegExp(regexp as string, "g");
  if (created[Symbol.matchAll] !== RegExpMatchAll || !plainRegExp(created)) {
    return created[Symbol.matchAll](source) as Iterator<unknown>;
  }
  return regExpMatchAll(created, source);
}

function isRegExp(value: unknown): boolean {
  if (!isObject(value)) return false;
  const matcher = (value as { [Symbol.match]?: unknown })[Symbol.match];
  if (matcher !== undefined) return Boolean(matcher);
  return value instanceof RegExp;
}

/** A real RegExp whose species constructor is RegExp itself, so cloning it with `new RegExp` is
 * exactly what RegExp.prototype[Symbol.matchAll] does. */
function plainRegExp(value: unknown): boolean {
  if (!(value instanceof RegExp)) return false;
  const constructor = value.constructor;
  return constructor === RegExp && (RegExp as { [Symbol.species]?: unknown })[Symbol.species] === RegExp;
}

function regExpMatchAll(regexp: RegExp, source: string): MatchAllIterator {
  const flags = `${regexp.flags}`;
  const clone = new RegExp(regexp, flags);
  clone.lastIndex = toLength(regexp.lastIndex);
  return new MatchAllIterator(clone, source, flags.includes("g"), flags.includes("u") || flags.includes("v"));
}
