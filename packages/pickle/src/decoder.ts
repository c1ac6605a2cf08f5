// The graph decoder: one forward pass over the records (see tags.ts). References point only
// backwards, so every reference is checked by a bounds test against the values decoded so far,
// and nothing is ever created twice or out of order. Ordinary objects and dense arrays are the
// very objects msgpackr produced, with their reference slots (negative int32 numbers) patched
// in place.
//
// It never calls a function the input chose: only constructors of known builtin types, the
// registered handlers' create/fill and the registered reducers' restore functions, looked up by
// the name the record gives (reducers.ts). References resolve only to reference-table entries
// and never to a function constructor, eval, vm, require or child_process (reference-table.ts).
import { Unpackr } from "./msgpackr.js";
import { asSnapshotError, cut, SnapshotError } from "./errors.js";
import { defaultHandlers, HandlerRegistry, type DecodeContext, type ObjectHandler } from "./handlers.js";
import { defaultReferenceTable, type ReferenceTable } from "./reference-table.js";
import { findRestorer, toReducerRegistry, type ReducerOption, type ReducerRegistry } from "./reducers.js";
import { KINDS, OBJECT_KIND, type KindDecoder } from "./kinds/index.js";
import { settleListenerArrays } from "./kinds/events.js";
import { decodeBigint, decodeSymbol } from "./kinds/values.js";
import * as T from "./tags.js";
import { ModuleLoad, type ModuleLoadOptions } from "./compiled/module-state.js";
import { PROGRESS_EVERY, type Progress } from "./progress.js";
import "./strings.js"; // msgpackr learns to read strings with lone surrogates

export interface DecodeOptions extends ModuleLoadOptions {
  table?: ReferenceTable;
  /** Handlers by kind; an array is consulted before the process-wide defaultHandlers. */
  handlers?: HandlerRegistry | readonly ObjectHandler[];
  /** false: the snapshot is untrusted. Refuses snapshots that carry code (modules by value),
   * references into modules not registered with addModule, and references to `process` and its
   * members; restore functions come from registered reducers only (default true). */
  allowCode?: boolean;
  /** Per-call reducers whose restore functions loading may call, by name (consulted before the
   * process-wide ones). */
  reducers?: ReducerOption;
  /** Called every PROGRESS_EVERY records of a long decode. */
  onProgress?: (progress: Progress) => void;
}

const unpackr = new Unpackr({ useRecords: true, moreTypes: false, structuredClone: false, mapsAsObjects: false, int64AsType: "bigint" } as ConstructorParameters<typeof Unpackr>[0]);

/** fill markers for entries created early or awaiting their fill record */
const ASSIGN = 1; // an ordinary object created by [T_NEW_OBJECT]: plain assignment is exact
const ARRAY_FILL = 2;
type Filler = typeof ASSIGN | typeof ARRAY_FILL | KindDecoder | HandlerFill;
type HandlerFill = { handler: ObjectHandler };

const ObjectProto = Object.prototype;
const getPrototypeOf = Object.getPrototypeOf;
const keysOf = Object.keys;
const isArray = Array.isArray;
const defineProperty = Object.defineProperty;

export class Decoder implements DecodeContext {
  readonly table: ReferenceTable;
  readonly modules: ModuleLoad;
  /** Whether code may be loaded (settable between graphs of a reused decoder). */
  allowCode: boolean;
  private readonly handlers: HandlerRegistry;
  private readonly reducers: ReducerRegistry | undefined;
  private readonly objs: unknown[] = [];
  private readonly fillers: (Filler | undefined)[] = [];
  /** EventEmitters of this graph: their listener arrays get this Node's bookkeeping at the end. */
  readonly emitters: object[] = [];
  /** How many graphs this decoder has started reading (see DecodeContext.generation). */
  generation = 0;
  private readonly onProgress: ((progress: Progress) => void) | undefined;

  constructor(options: DecodeOptions = {}) {
    this.table = options.table ?? defaultReferenceTable;
    this.allowCode = options.allowCode ?? true;
    this.modules = new ModuleLoad(options);
    this.onProgress = options.onProgress;
    this.reducers = toReducerRegistry(options.reducers);
    const h = options.handlers;
    this.handlers = h === undefined ? defaultHandlers : h instanceof HandlerRegistry ? h : defaultHandlers.with(h);
  }

  /** Decodes one graph body (as msgpackr read it). A decoder reads any number of graphs, one at
   * a time (a connection's messages); it keeps nothing of one for the next. */
  decode(body: unknown): unknown {
    this.generation++;
    try {
      return this.decodeBody(body);
    } finally {
      this.objs.length = 0;
      this.fillers.length = 0;
      this.emitters.length = 0;
    }
  }

  private decodeBody(body: unknown): unknown {
    if (!isArray(body) || body.length < 2 || typeof body[0] !== "number") throw new SnapshotError("not a spickle graph body");
    if (body[0] !== T.FORMAT) throw new SnapshotError(`graph body format ${body[0]} but this reader supports ${T.FORMAT}`);
    const last = body.length - 1;
    // In chunks between progress calls (one chunk without a callback): nothing per record.
    const onProgress = this.onProgress;
    const chunk = onProgress === undefined ? last : PROGRESS_EVERY;
    for (let p = 1, end = Math.min(last, 1 + chunk); p < last; end = Math.min(last, end + chunk)) {
      for (; p < end; p++) {
        const item = body[p];
        if (typeof item === "number") {
          const fields = body[++p];
          if (p >= last || !isArray(fields)) throw new Error("record without fields");
          this.record(item, fields);
        } else if (isArray(item)) this.objs.push(this.patchArray(item));
        else this.plain(item);
      }
      if (onProgress !== undefined) onProgress({ records: p, total: last });
    }
    if (this.emitters.length > 0) settleListenerArrays(this.emitters);
    return this.value(body[last]);
  }

  /** Resolves a wire value: a negative int32 ~i is entry i, other primitives are themselves. */
  value(w: unknown): unknown {
    if (typeof w === "number") return w < 0 && (w | 0) === w ? this.ref(w) : w;
    if (typeof w === "object" && w !== null) throw new Error("unexpected object in a value slot");
    return w;
  }

  private ref(w: number): unknown {
    const v = this.objs[~w];
    if (v === undefined) throw new Error(`reference to entry ${~w} before it exists`);
    return v;
  }

  /** A value that must be an object (or function). */
  object(w: unknown): object {
    const v = this.value(w);
    if ((typeof v !== "object" || v === null) && typeof v !== "function") throw new Error("expected an object");
    return v as object;
  }

  /** A prototype slot: DEFAULT_PROTO, null or an object. */
  proto(w: unknown, def: object): object | null {
    if (w === T.DEFAULT_PROTO) return def;
    return w === null ? null : this.object(w);
  }

  key(w: unknown): string | symbol {
    const k = this.value(w);
    if (typeof k !== "string" && typeof k !== "symbol") throw new Error("bad property key");
    return k;
  }

  accessor(w: unknown): ((...args: unknown[]) => unknown) | undefined {
    const f = this.value(w);
    if (f !== undefined && typeof f !== "function") throw new Error("accessor is not a function");
    return f as ((...args: unknown[]) => unknown) | undefined;
  }

  private push(v: unknown, filler?: Filler): void {
    if (filler !== undefined) this.fillers[this.objs.length] = filler;
    this.objs.push(v);
  }

  /** An ordinary object: the msgpackr record itself, references patched in place. */
  private plain(rec: unknown): void {
    if (typeof rec !== "object" || rec === null || getPrototypeOf(rec) !== ObjectProto) throw new Error("bad record");
    const o = rec as Record<string, unknown>;
    const keys = keysOf(o);
    for (let i = 0; i < keys.length; i++) {
      const v = o[keys[i]!];
      if (typeof v === "number") {
        if (v < 0 && (v | 0) === v) o[keys[i]!] = this.ref(v);
      } else if (typeof v === "object" && v !== null) throw new Error("unexpected object in a value slot");
    }
    this.objs.push(o);
  }

  private patchArray(a: unknown): unknown[] {
    if (!isArray(a)) throw new Error("bad array record");
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (typeof v === "number") {
        if (v < 0 && (v | 0) === v) a[i] = this.ref(v);
      } else if (typeof v === "object" && v !== null) throw new Error("unexpected object in a value slot");
    }
    return a;
  }

  /** Takes the filler of entry rec[0], which must be awaiting one. */
  private target(rec: unknown[]): { obj: unknown; filler: Filler } {
    const i = rec[0];
    const filler = typeof i === "number" ? this.fillers[i] : undefined;
    if (filler === undefined) throw new Error("fill record for an entry that awaits none");
    this.fillers[i as number] = undefined;
    return { obj: this.objs[i as number], filler };
  }

  private record(tag: number, rec: unknown[]): void {
    switch (tag) {
      case T.T_NEW_OBJECT:
        return this.push({}, ASSIGN);
      case T.T_NEW_ARRAY:
        return this.push([], ARRAY_FILL);
      case T.T_FILL_OBJECT:
      case T.T_FILL_KV: {
        const { obj, filler } = this.target(rec);
        if (filler !== ASSIGN && filler !== OBJECT_KIND) throw new Error("object fill for another kind");
        const define = filler === OBJECT_KIND;
        if (tag === T.T_FILL_OBJECT) this.assign(obj as object, rec[1], define);
        else this.assignKV(obj as object, rec[1], rec[2], define);
        return;
      }
      case T.T_OBJECT_KV: {
        const o = {};
        this.assignKV(o, rec[0], rec[1], false);
        return this.push(o);
      }
      case T.T_FILL_ARRAY: {
        const { obj, filler } = this.target(rec);
        if (filler !== ARRAY_FILL) throw new Error("array fill for another kind");
        const src = this.patchArray(rec[1]);
        const a = obj as unknown[];
        for (let i = 0; i < src.length; i++) a.push(src[i]);
        return;
      }
      case T.T_FILL: {
        const { obj, filler } = this.target(rec);
        if (typeof filler !== "object" || filler === null) throw new Error("fill record for another kind");
        if ("handler" in filler) {
          const values = new Array(rec.length - 1);
          for (let i = 1; i < rec.length; i++) values[i - 1] = this.value(rec[i]);
          filler.handler.fill!(obj as object, values, this);
        } else filler.fill!(obj, rec, 1, this);
        return;
      }
      case T.T_NUMBER: {
        const v = rec[0];
        if (typeof v !== "number" || !(v < 0) || (v | 0) !== v) throw new Error("bad number record");
        return this.push(v);
      }
      case T.T_REF: {
        const path = rec[0];
        if (typeof path !== "string") throw new Error("bad reference path");
        return this.push(this.table.resolve(path, !this.allowCode));
      }
      case T.T_NEGZERO:
        return this.push(-0);
      case T.T_BIGINT:
        return this.push(decodeBigint(rec));
      case T.T_SYMBOL_FOR:
      case T.T_SYMBOL_WK:
      case T.T_SYMBOL:
        return this.push(decodeSymbol(tag, rec));
      case T.T_HANDLER:
        return this.handlerRecord(rec);
      case T.T_REDUCE: {
        const named = this.value(rec[0]);
        const restore = findRestorer(named, this.reducers, rec.length > 2 ? this.value(rec[2]) : undefined, this.allowCode);
        if (restore === undefined) {
          if (typeof named === "string") throw new SnapshotError(`no reducer named ${cut(JSON.stringify(named))} is registered (register it in the loading process)`);
          throw new SnapshotError(`refusing to call ${typeof named === "function" ? `function ${cut(named.name || "(anonymous)")}` : "a non-function"} as a restore function: only registered reducers restore`);
        }
        const obj = restore(this.value(rec[1]));
        if (obj === undefined) throw new Error(`restore function of ${typeof named === "string" ? named : restore.name} returned undefined`);
        return this.push(obj);
      }
    }
    const kind = KINDS[tag];
    if (kind === undefined) throw new Error(`unknown record tag ${tag}`);
    this.push(kind.create(rec, this), kind.fill === undefined ? undefined : kind);
  }

  private handlerRecord(rec: unknown[]): void {
    const kind = rec[0];
    const handler = typeof kind === "string" ? this.handlers.get(kind) : undefined;
    if (handler === undefined) throw new SnapshotError(`no handler for kind ${cut(JSON.stringify(kind))} is registered`);
    const values = new Array(rec.length - 1);
    for (let i = 1; i < rec.length; i++) values[i - 1] = this.value(rec[i]);
    const obj = handler.create(values, this);
    if ((typeof obj !== "object" || obj === null) && typeof obj !== "function") throw new Error(`handler ${kind} created a non-object`);
    this.push(obj, handler.fill === undefined ? undefined : { handler });
  }

  private assign(o: object, rec: unknown, define: boolean): void {
    if (typeof rec !== "object" || rec === null || getPrototypeOf(rec) !== ObjectProto) throw new Error("bad object fill");
    const src = rec as Record<string, unknown>;
    const keys = keysOf(src);
    for (let i = 0; i < keys.length; i++) this.set(o, keys[i]!, this.value(src[keys[i]!]), define);
  }

  private assignKV(o: object, keys: unknown, vals: unknown, define: boolean): void {
    if (!Array.isArray(keys) || !Array.isArray(vals) || keys.length !== vals.length) throw new Error("bad key/value record");
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (typeof k !== "string") throw new Error("bad key");
      this.set(o, k, this.value(vals[i]), define || k === "__proto__");
    }
  }

  private set(o: object, k: string, v: unknown, define: boolean): void {
    // Instances of other prototypes may inherit setters or read-only properties: define.
    if (define) defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
    else (o as Record<string, unknown>)[k] = v;
  }

  /** Decodes msgpack bytes made by encodeGraph. Any failure is a SnapshotError. */
  decodeBytes(bytes: Uint8Array): unknown {
    let body: unknown;
    try {
      body = unpackr.unpack(bytes);
    } catch (err) {
      throw asSnapshotError(err, "graph body");
    }
    try {
      return this.decode(body);
    } catch (err) {
      throw asSnapshotError(err, "graph body");
    }
  }
}

/** Decodes msgpack bytes made by encodeGraph. Any failure is a SnapshotError. */
export function decodeGraph(bytes: Uint8Array, options?: DecodeOptions): unknown {
  return new Decoder(options).decodeBytes(bytes);
}
