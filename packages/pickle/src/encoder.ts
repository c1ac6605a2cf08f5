// The graph encoder: an iterative post-order walk with an explicit stack (no recursion on the
// data's depth), a memo giving each object one index, and flat records for msgpackr to pack.
//
// Post-order is what keeps the decoder a single validated forward pass: an object's record is
// written after the records of everything it points at, so references always point backwards.
// A cycle reaches an object that is still on the stack ("pending"); such an object is created
// right there by an early record ([T_NEW_OBJECT], or its create record when its create values
// already exist) and filled by a later record. Pending objects are marked in the memo with
// -2 - (their stack position), so the back edge finds its frame without a search.
import { Packr } from "msgpackr";
import { SerializeError } from "./errors.js";
import { defaultHandlers, HandlerRegistry, type EncodeContext, type ObjectHandler } from "./handlers.js";
import { defaultReducers, toReducerRegistry, type ReducerOption, type ReducerRegistry } from "./reducers.js";
import { defaultReferenceTable, type ReferenceTable } from "./reference-table.js";
import { Raw, type Description } from "./kinds/description.js";
import { describeBuiltin, describeFunction, describeHandler, describeReduced, describeSlowArray, typeNameOf } from "./kinds/index.js";
import { ordinaryProps } from "./kinds/props.js";
import { bigintFields, symbolRecord } from "./kinds/values.js";
import { segmentOf } from "./paths.js";
import * as T from "./tags.js";
import * as util from "node:util";

export interface EncodeOptions {
  /** By-reference table (default: the shared defaultReferenceTable). */
  table?: ReferenceTable;
  /** Handlers for kinds this package does not know; asked in order, before the built-in kinds.
   * An array is consulted before the process-wide defaultHandlers. */
  handlers?: HandlerRegistry | readonly ObjectHandler[];
  /** Per-call reducers, consulted before the process-wide ones. */
  reducers?: ReducerOption;
}

const PLAIN = 0;
const ARRAY = 1;
const GENERIC = 2;

/** Sentinel: the value needs its own frame first; the caller retries after it completes. */
const PUSHED: unknown = Symbol("pushed");

/** One object being encoded. Fields are fixed so every frame has one hidden class. */
export class Frame {
  /** PLAIN: values read at entry, replaced by their wire form; ARRAY: wire form of elements;
   * GENERIC: the fields being built (create values, then [i, ...fill values]). */
  vals: unknown[];
  pos = 0;
  index = -1;
  stage = 0;
  visit = 0;
  constructor(readonly kind: number, readonly obj: object, readonly keys: string[] | null, vals: unknown[], readonly desc: Description | null) {
    this.vals = vals;
  }
}

// msgpackr with records (own structures, defined inline, so each body is self-contained),
// no structured clone (identity is ours), no toJSON, no extension types beyond the defaults.
const packr = new Packr({ useRecords: true, moreTypes: false, structuredClone: false, useToJSON: false, encodeUndefinedAsNil: false } as ConstructorParameters<typeof Packr>[0]);

const getPrototypeOf = Object.getPrototypeOf;
const isExtensible = Object.isExtensible;
const keysOf = Object.keys;
const getOwnPropertySymbols = Object.getOwnPropertySymbols;
const isArray = Array.isArray;
const ObjectProto = Object.prototype;
const ArrayProto = Array.prototype;
const isProxy = util.types.isProxy;
/** Records with more keys than this are written as key/value arrays instead of msgpackr records
 * (one-off dictionaries would each define a record structure). */
const MAX_RECORD_KEYS = 64;

export class Encoder implements EncodeContext {
  readonly table: ReferenceTable;
  private readonly handlers: readonly ObjectHandler[];
  private readonly reducers: ReducerRegistry | undefined;
  private readonly fast: boolean;
  /** value → visit number. One Map write per value: the state of a visit lives in `visits`. */
  private readonly memo = new Map<unknown, number>();
  /** visit number → entry index, or -2 - stack position while pending (on the stack, not yet
   * created). */
  private readonly visits: number[] = [];
  private readonly out: unknown[] = [T.FORMAT, null];
  private readonly stack: Frame[] = [];
  /** Frames whose early creation is being attempted (guards createNow against cycles). */
  private readonly creating = new Set<Frame>();
  private count = 0;
  private negZero = 0;

  constructor(options: EncodeOptions = {}) {
    this.table = options.table ?? defaultReferenceTable;
    const h = options.handlers;
    const registry = h === undefined ? defaultHandlers : h instanceof HandlerRegistry ? h : defaultHandlers.with(h);
    this.handlers = registry.handlers;
    this.reducers = toReducerRegistry(options.reducers);
    this.fast = !registry.claimsPlainObjects && !defaultReducers.reducesPlainObjects && !(this.reducers?.reducesPlainObjects ?? false);
  }

  /** Encodes the graph under `root` into msgpack bytes (the body of a snapshot). */
  encode(root: unknown): Uint8Array {
    let w = this.wire(root);
    if (w === PUSHED) {
      this.run();
      w = this.wire(root);
    }
    this.out[1] = w;
    return packr.pack(this.out);
  }

  fail(typeName: string, reason: string): never {
    throw new SerializeError(typeName, this.path(), reason);
  }

  /** The path of the value currently being looked at, built from the stack on demand. */
  path(): string {
    let p = "root";
    for (const f of this.stack) p += segmentOf(f);
    return p;
  }

  /** Wire form of a value: a primitive, a reference ~i, or PUSHED. */
  private wire(v: unknown): unknown {
    switch (typeof v) {
      case "number":
        if (v < 0 ? (v | 0) === v : v === 0 && 1 / v < 0) return this.numberRef(v);
        return v;
      case "string":
      case "boolean":
      case "undefined":
        return v;
      case "object":
      case "function": {
        if (v === null) return null;
        const n = this.memo.get(v);
        if (n === undefined) return this.begin(v as object);
        const m = this.visits[n]!;
        return m >= 0 ? ~m : this.backEdge(m);
      }
      case "bigint": {
        const n = this.memo.get(v);
        return ~(n !== undefined ? this.visits[n]! : this.leaf(v, T.T_BIGINT, bigintFields(v)));
      }
      case "symbol": {
        const n = this.memo.get(v);
        if (n !== undefined) return ~this.visits[n]!;
        const [tag, fields] = symbolRecord(v);
        return ~this.leaf(v, tag, fields);
      }
    }
  }

  /** Negative int32 numbers would read as references, and msgpack drops the sign of -0: both
   * become records of their own (one per distinct value). */
  private numberRef(v: number): number {
    if (v === 0) {
      if (this.negZero === 0) this.negZero = ~this.emit(T.T_NEGZERO, []);
      return this.negZero;
    }
    const n = this.memo.get(v);
    return ~(n !== undefined ? this.visits[n]! : this.leaf(v, T.T_NUMBER, [v]));
  }

  /** Appends a record (a map/array item, or a tag and its fields) that creates a value, and
   * returns the new entry's index. */
  private emit(tag: number, item: unknown): number {
    if (tag >= 0) this.out.push(tag, item);
    else this.out.push(item);
    return this.count++;
  }

  /** A value created by one record and never on the stack. */
  private leaf(v: unknown, tag: number, item: unknown): number {
    const i = this.emit(tag, item);
    this.memo.set(v, this.visits.length);
    this.visits.push(i);
    return i;
  }

  /** Creates the object of frame `f`. */
  private created(f: Frame, tag: number, item: unknown): number {
    const i = this.emit(tag, item);
    this.visits[f.visit] = i;
    return i;
  }

  /** First visit of an object: a leaf record now, or a frame to be run. */
  private begin(v: object): unknown {
    const table = this.table;
    if (isProxy(v)) {
      // Only a registered one (a module namespace some loaders wrap in a proxy) can be written.
      const path = table.pathOf(v);
      if (path !== undefined) return ~this.leaf(v, T.T_REF, [path]);
      this.fail("Proxy", "a proxy's target and handler are not observable");
    }
    const proto = typeof v === "function" ? null : getPrototypeOf(v);
    // Ordinary objects and dense arrays are looked up in the table only when a cheap filter
    // (first key, length) says the table holds one like it: a hash lookup per object is not free.
    if (this.fast) {
      if (proto === ObjectProto) {
        const vals: unknown[] = [];
        const keys = ordinaryProps(v, vals);
        if (keys !== null) {
          if (table.mayHavePlain(keys.length === 0 ? "" : keys[0]!)) {
            const path = table.pathOf(v);
            if (path !== undefined) return ~this.leaf(v, T.T_REF, [path]);
          }
          return this.push(new Frame(PLAIN, v, keys, vals, null));
        }
      } else if (proto === ArrayProto && isArray(v) && denseArray(v as unknown[])) {
        const n = (v as unknown[]).length;
        if (table.mayHaveArray(n)) {
          const path = table.pathOf(v);
          if (path !== undefined) return ~this.leaf(v, T.T_REF, [path]);
        }
        return this.push(new Frame(ARRAY, v, null, new Array(n), null));
      }
    }
    const path = table.pathOf(v);
    if (path !== undefined) return ~this.leaf(v, T.T_REF, [path]);
    for (const h of this.handlers) {
      if (h.claims(v)) return this.pushGeneric(v, describeHandler(h, v, this));
    }
    if (typeof v === "function") return this.pushGeneric(v, describeFunction(v, this));
    const reducer = this.reducers?.get(proto) ?? defaultReducers.get(proto);
    if (reducer !== undefined) return this.pushGeneric(v, describeReduced(v, reducer, this));
    if (isArray(v)) return this.pushGeneric(v, describeSlowArray(v, proto));
    return this.pushGeneric(v, describeBuiltin(v, proto, this, this.handlers));
  }

  private pushGeneric(v: object, desc: Description): unknown {
    return this.push(new Frame(GENERIC, v, null, new Array(desc.create.length), desc));
  }

  private push(f: Frame): unknown {
    f.visit = this.visits.length;
    this.memo.set(f.obj, f.visit);
    this.visits.push(-2 - this.stack.length);
    this.stack.push(f);
    return PUSHED;
  }

  /** A reference to an object still on the stack: create it now if its kind allows. */
  private backEdge(m: number): unknown {
    const f = this.stack[-2 - m]!;
    if (f.kind === PLAIN) f.index = this.created(f, T.T_NEW_OBJECT, []);
    else if (f.kind === ARRAY) f.index = this.created(f, T.T_NEW_ARRAY, []);
    else {
      const fields = f.desc!.early && !this.creating.has(f) ? this.createNow(f) : undefined;
      if (fields === undefined) {
        this.fail(f.desc!.typeName, "it is reachable from its own create values (a cycle through a reducer's state or a handler's create values)");
      }
      f.index = this.created(f, f.desc!.tag, fields);
    }
    return ~f.index;
  }

  /** The create record of a generic frame whose remaining create values all exist already, or
   * undefined. The frame itself carries on unchanged (it will find its index set). */
  private createNow(f: Frame): unknown[] | undefined {
    const c = f.desc!.create;
    const fields = f.vals.slice();
    this.creating.add(f);
    try {
      for (let i = f.pos; i < c.length; i++) {
        const v = c[i];
        if (v instanceof Raw) fields[i] = v.value;
        else if ((typeof v === "object" && v !== null) || typeof v === "function") {
          // A create value still on the stack (an ancestor) can be created early in turn.
          const n = this.memo.get(v);
          const m = n === undefined ? -1 : this.visits[n]!;
          if (m >= 0) fields[i] = ~m;
          else if (m === -1) return undefined;
          else fields[i] = this.backEdge(m);
        } else fields[i] = this.wire(v);
      }
    } finally {
      this.creating.delete(f);
    }
    return fields;
  }

  private run(): void {
    const stack = this.stack;
    while (stack.length > 0) {
      const f = stack[stack.length - 1]!;
      const done = f.kind === PLAIN ? this.stepPlain(f) : f.kind === ARRAY ? this.stepArray(f) : this.stepGeneric(f);
      if (!done) continue;
      stack.pop();
      // The parent is waiting on this very value: hand it the reference and move it on,
      // instead of looking the value up again.
      const p = stack[stack.length - 1];
      if (p !== undefined) {
        p.vals[p.stage === 0 ? p.pos : p.pos + 1] = ~f.index;
        p.pos++;
      }
    }
  }

  private stepPlain(f: Frame): boolean {
    const vals = f.vals;
    const n = vals.length;
    for (let i = f.pos; i < n; i++) {
      f.pos = i;
      const w = this.wire(vals[i]);
      if (w === PUSHED) return false;
      vals[i] = w;
    }
    const keys = f.keys!;
    if (n > MAX_RECORD_KEYS) {
      if (f.index < 0) f.index = this.created(f, T.T_OBJECT_KV, [keys, vals]);
      else this.out.push(T.T_FILL_KV, [f.index, keys, vals]);
      return true;
    }
    const r: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) r[keys[i]!] = vals[i];
    if (f.index < 0) f.index = this.created(f, -1, r);
    else this.out.push(T.T_FILL_OBJECT, [f.index, r]);
    return true;
  }

  private stepArray(f: Frame): boolean {
    const a = f.obj as unknown[];
    const vals = f.vals;
    const n = vals.length;
    for (let i = f.pos; i < n; i++) {
      f.pos = i;
      const w = this.wire(a[i]);
      if (w === PUSHED) return false;
      vals[i] = w;
    }
    if (f.index < 0) f.index = this.created(f, -1, vals);
    else this.out.push(T.T_FILL_ARRAY, [f.index, vals]);
    return true;
  }

  private stepGeneric(f: Frame): boolean {
    const d = f.desc!;
    if (f.stage === 0) {
      const c = d.create;
      for (let i = f.pos; i < c.length; i++) {
        f.pos = i;
        const v = c[i];
        const w = v instanceof Raw ? v.value : this.wire(v);
        if (w === PUSHED) return false;
        f.vals[i] = w;
      }
      if (f.index < 0) f.index = this.created(f, d.tag, f.vals);
      if (d.fill.length === 0) return true;
      f.stage = 1;
      f.pos = 0;
      f.vals = new Array(d.fill.length + 1);
      f.vals[0] = f.index;
    }
    const fill = d.fill;
    for (let i = f.pos; i < fill.length; i++) {
      f.pos = i;
      const v = fill[i];
      const w = v instanceof Raw ? v.value : this.wire(v);
      if (w === PUSHED) return false;
      f.vals[i + 1] = w;
    }
    const keys = d.fillKeys;
    if (keys === null) this.out.push(T.T_FILL, f.vals);
    else if (keys.length > MAX_RECORD_KEYS) this.out.push(T.T_FILL_KV, [f.index, keys, f.vals.slice(1)]);
    else {
      const r: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) r[keys[i]!] = f.vals[i + 1];
      this.out.push(T.T_FILL_OBJECT, [f.index, r]);
    }
    return true;
  }
}

/** A dense, extensible array whose only own properties are its indices and `length`.
 * What this does not see, to stay cheap (Object.getOwnPropertyNames would name every index):
 * accessor or read-only *elements*, and non-enumerable string-keyed extra properties, of an
 * extensible array. Frozen/sealed arrays, holes, enumerable or symbol-keyed extras are seen. */
function denseArray(a: unknown[]): boolean {
  if (!isExtensible(a)) return false;
  const n = a.length;
  for (let i = 0; i < n; i++) if (a[i] === undefined && !(i in a)) return false;
  return keysOf(a).length === n && getOwnPropertySymbols(a).length === 0;
}

/** Encodes a value graph into msgpack bytes (no snapshot envelope). */
export function encodeGraph(root: unknown, options?: EncodeOptions): Uint8Array {
  return new Encoder(options).encode(root);
}

export { typeNameOf };
