// The graph encoder: an iterative post-order walk with an explicit stack (no recursion on the
// data's depth), a memo giving each object one index, and flat records written as msgpack
// (writer.ts: msgpackr's format, read back by msgpackr).
//
// Post-order is what keeps the decoder a single validated forward pass: an object's record is
// written after the records of everything it points at, so references always point backwards.
// A cycle reaches an object that is still on the stack ("pending"); such an object is created
// right there by an early record ([T_NEW_OBJECT], or its create record when its create values
// already exist) and filled by a later record. Pending objects are marked in the memo with
// -2 - (their stack position), so the back edge finds its frame without a search.
//
// The hot path — ordinary objects and dense arrays — allocates nothing per object beyond its
// frame and what the property checks return: their values wait on one shared value stack until
// the object's record is written.
//
// The identity memo costs about as much as the rest of the walk (a hash probe per reference,
// scattered over a table as large as the graph). So a walk starts optimistic: while it meets only
// ordinary objects, dense arrays and leaves, it looks nothing up. A reference is compared with the
// few innermost objects on the stack (parent pointers), and otherwise taken as new; the objects
// met are listed, and added to a Set in batches, a tight loop that proves them distinct (cheaper
// than the memo's Map, lookups and inserts interleaved with the walk). The reference table's
// plain objects go into the Set first; a small graph compares its few objects pairwise instead.
// The first object of any other kind ends the optimism (its handler may have side effects, so it
// runs once, in the exact walk): the listed objects are entered into the memo and the walk goes
// on exactly. An object listed twice — shared, or a cycle longer than the window — means the
// bytes so far are wrong: they are dropped and the graph is walked again exactly. Until then both
// walks write the same bytes.
import { SerializeError } from "./errors.js";
import { defaultHandlers, HandlerRegistry, type EncodeContext, type ObjectHandler } from "./handlers.js";
import { defaultReducers, toReducerRegistry, type ReducerOption, type ReducerRegistry } from "./reducers.js";
import { defaultReferenceTable, type ReferenceTable } from "./reference-table.js";
import { exportPathOf } from "./export-references.js";
import { HandlerList, Raw, ViewedBytes, type Description } from "./kinds/description.js";
import { BufferSpans } from "./buffer-spans.js";
import { describeBuiltin, describeFunction, describeHandler, describeReduced, describeSlowArray, typeNameOf } from "./kinds/index.js";
import { ordinaryProps } from "./kinds/props.js";
import { FLOAT64, INT32, numbersBytes, numbersType, UINT8 } from "./kinds/numbers.js";
import { bigintFields, symbolRecord } from "./kinds/values.js";
import { pathOf } from "./paths.js";
import * as T from "./tags.js";
import { Writer } from "./writer.js";
import * as util from "node:util";

export interface EncodeOptions {
  /** By-reference table (default: the shared defaultReferenceTable). */
  table?: ReferenceTable;
  /** Handlers for kinds this package does not know; asked in order, before the built-in kinds.
   * An array is consulted before the process-wide defaultHandlers. */
  handlers?: HandlerRegistry | readonly ObjectHandler[];
  /** Per-call reducers, consulted before the process-wide ones. */
  reducers?: ReducerOption;
  /** Also write each reducer's restore function when it is a function of compiled code, so that a trusted
   * load in a process where the program's registerReducer calls did not run (a resumed
   * checkpoint) can use it. An untrusted load (allowCode: false) never does. Default false. */
  carryRestorers?: boolean;
  /** Called every PROGRESS_EVERY records of a long encode (without it, the cost is one compare
   * per object). */
  onProgress?: (progress: Progress) => void;
  /** Start with a walk that looks no object up (default true; see encoder.ts). It is undone and
   * the graph walked again when an ordinary object or array turns out to be shared, so `false`
   * suits graphs known to share many plain objects. The bytes are the same either way. */
  optimistic?: boolean;
}

/** How far an encode or decode is. */
export interface Progress {
  /** Records written or read so far. */
  records: number;
  /** Decoding: the records of the whole body (encoding: unknown until the end). */
  total?: number;
  /** Encoding: bytes written so far. */
  bytes?: number;
}

/** Records between two progress calls. */
export const PROGRESS_EVERY = 16384;

const PLAIN = 0;
const ARRAY = 1;
const GENERIC = 2;

/** Sentinel: the value needs its own frame first; the caller retries after it completes. */
const PUSHED: unknown = Symbol("pushed");
/** Thrown when an optimistic walk finds an object twice (see the top of this file). */
const SHARED = Symbol("shared");
/** Innermost stack frames an optimistic walk compares a reference with (object → array →
 * object: a parent pointer is two frames up, a great-grandparent six). */
const WINDOW = 6;
/** Objects an optimistic walk lists before checking them in a Set. */
const BATCH = 1 << 16;
/** A list of objects met longer than this is dropped after a graph, not emptied. */
const KEEP_LISTED = 256;
/** Up to this many objects, the last check compares pairs instead (see checkLast). */
const PAIRWISE = 16;

/** One object being encoded. Frames are reused, one per stack depth; fields are fixed so every
 * frame has one hidden class. */
export class Frame {
  kind = PLAIN;
  obj: object = Frame;
  /** PLAIN: the keys. */
  keys: string[] | null = null;
  /** GENERIC: what to write, and the fields being built (create values, then [i, ...fill
   * values]). */
  desc: Description | null = null;
  vals: unknown[] | null = null;
  /** PLAIN and ARRAY: where the values start on the encoder's value stack (the property values
   * or elements, read at entry and replaced by their wire forms), and how many. */
  base = 0;
  n = 0;
  /** The value being looked at. */
  pos = 0;
  /** Entry index once the object is created, else -1. */
  index = -1;
  stage = 0;
  visit = 0;
}

/** A growing list of int32s. Lists are pooled: a graph of a million objects would otherwise
 * grow its lists from nothing, one large reallocation after another, on every encode. */
class IntList {
  items = new Int32Array(1024);
  length = 0;

  push(x: number): void {
    if (this.length === this.items.length) this.grow();
    this.items[this.length++] = x;
  }

  private grow(): void {
    const items = new Int32Array(this.items.length * 2);
    items.set(this.items);
    this.items = items;
  }
}

/** Lists given back by finished encodes; one longer than this is dropped instead. */
const spareLists: IntList[] = [];
const KEEP_LIST = 1 << 22;

/** The lists of an encoder between graphs. */
const NO_LIST = new IntList();

function takeList(): IntList {
  return spareLists.pop() ?? new IntList();
}

function giveList(list: IntList): void {
  list.length = 0;
  if (list.items.length <= KEEP_LIST && spareLists.length < 4) spareLists.push(list);
}

const getPrototypeOf = Object.getPrototypeOf;
const isExtensible = Object.isExtensible;
const getOwnPropertySymbols = Object.getOwnPropertySymbols;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ownKeys = Reflect.ownKeys;
const isArray = Array.isArray;
const ObjectProto = Object.prototype;
const ArrayProto = Array.prototype;
const isProxy = util.types.isProxy;
const inspect = util.inspect;
/** Records with more keys than this are written as key/value arrays instead of msgpackr records
 * (one-off dictionaries would each define a record structure). */
const MAX_RECORD_KEYS = 64;
/** Dense arrays of numbers at least this long become one binary record (T_NUMBERS). */
const MIN_NUMBERS = 16;
/** Arrays up to this length are checked for extra properties by listing their keys. */
const SMALL_ARRAY = 48;
/** Room left before a body's values for its array header (see Writer.body). */
const BODY_HEADER_ROOM = 5;
/** Frames an encoder keeps for its next graph. */
const KEEP_FRAMES = 64;

export class Encoder implements EncodeContext {
  readonly table: ReferenceTable;
  private readonly handlers: readonly ObjectHandler[];
  private readonly reducers: ReducerRegistry | undefined;
  private readonly carryRestorers: boolean;
  private readonly registry: HandlerRegistry;
  /** Whether ordinary objects and arrays may take the fast path: no handler or reducer claims
   * them (decided per graph: a handler's claim may change between the graphs of a reused
   * encoder). */
  private fast = true;
  /** Whether the walk is optimistic (no memo lookups for objects; see the top of this file). */
  private optimistic = false;
  /** Optimistic walk: the objects met since the last check (listed[0…nListed-1]); all of them
   * are added to `seen`, where they are proven distinct. */
  private readonly listed: unknown[] = [];
  private nListed = 0;
  private readonly seen = new Set<unknown>();
  /** How many of the first objects in `seen` are the table's (see checkListed). */
  private seeded = 0;
  /** The visit numbers of the objects met, in the order met. */
  private listedVisits = NO_LIST;
  /** value → visit number. One Map write per value: the state of a visit lives in `visits`. */
  private readonly memo = new Map<unknown, number>();
  /** visit number → entry index, or -2 - stack position while pending (on the stack, not yet
   * created). */
  private visits = NO_LIST;
  /** Frames stack[0…depth-1] are live; those above are kept for reuse. */
  private readonly stack: Frame[] = [];
  private depth = 0;
  /** Values of the PLAIN and ARRAY frames on the stack, each frame's above its parent's; `top`
   * is the first free slot (the array only grows, so no slot is reallocated). */
  private readonly values: unknown[] = [];
  private top = 0;
  /** Frames whose early creation is being attempted (guards createNow against cycles). */
  private readonly creating = new Set<Frame>();
  private out: Writer | null = null;
  /** Buffers met through views (see buffer-spans.ts). */
  private readonly spans = new BufferSpans();
  private count = 0;
  private negZero = 0;
  private readonly onProgress: ((progress: Progress) => void) | undefined;
  private readonly tryOptimistic: boolean;
  /** `count` at which onProgress is next called (never, without one). */
  private progressAt = Number.MAX_SAFE_INTEGER;
  /** How many graphs this encoder has started writing (see EncodeContext.generation). */
  generation = 0;
  /** Set by walkAgain(): the graph is written once more (at most once). */
  private again = false;

  constructor(options: EncodeOptions = {}) {
    this.table = options.table ?? defaultReferenceTable;
    const h = options.handlers;
    const registry = h === undefined ? defaultHandlers : h instanceof HandlerRegistry ? h : defaultHandlers.with(h);
    this.registry = registry;
    this.handlers = registry.handlers;
    this.reducers = toReducerRegistry(options.reducers);
    this.carryRestorers = options.carryRestorers ?? false;
    this.onProgress = options.onProgress;
    this.tryOptimistic = options.optimistic ?? true;
    if (this.onProgress !== undefined) this.progressAt = PROGRESS_EVERY;
  }

  /** Encodes the graph under `root` into msgpack bytes (the body of a snapshot):
   * [FORMAT, item…, root wire value]. */
  encode(root: unknown): Uint8Array {
    return this.encodeWith(root, (body) => {
      const copy = Buffer.allocUnsafeSlow(body.length);
      copy.set(body);
      return copy;
    });
  }

  /** Encodes like encode(), and hands `use` the body where it was written (valid only during
   * the call: a caller that copies it anyway — into a snapshot — saves a copy). */
  encodeWith<T>(root: unknown, use: (body: Uint8Array) => T): T {
    const out = new Writer();
    try {
      out.begin(BODY_HEADER_ROOM);
      this.write(root, out);
      return use(out.body(BODY_HEADER_ROOM));
    } finally {
      out.release();
    }
  }

  /** Writes the values of the body of the graph under `root` to `out` (whose owner adds the
   * array header). An encoder writes any number of graphs, one at a time: its memo and stacks
   * are emptied after each, and kept for the next (a connection's many small messages). */
  write(root: unknown, out: Writer): void {
    this.writeGraph(root, false, out);
  }

  /** write() for a root that is a list the caller made for this graph alone (a message's
   * function and arguments): the list is written as a dense array, without the checks a
   * program's array needs (extra properties, holes, a proxy). Decoding gives an array. */
  writeList(values: unknown[], out: Writer): void {
    this.writeGraph(values, true, out);
  }

  private writeGraph(root: unknown, list: boolean, out: Writer): void {
    if (this.out !== null) throw new Error("an Encoder encodes one graph at a time");
    this.out = out;
    this.generation++;
    this.fast = !this.registry.claimsPlainObjects && !defaultReducers.reducesPlainObjects && !(this.reducers?.reducesPlainObjects ?? false);
    const start = out.mark();
    this.visits = takeList();
    this.listedVisits = takeList();
    try {
      try {
        this.walk(root, list, this.fast && this.tryOptimistic);
      } catch (e) {
        if (e !== SHARED) throw e;
        this.reset();
        out.rewind(start);
        this.walk(root, list, false);
      }
      if (this.again) {
        this.generation++;
        this.reset();
        out.rewind(start);
        this.walk(root, list, false);
      }
    } finally {
      this.again = false;
      this.clear();
    }
  }

  private walk(root: unknown, list: boolean, optimistic: boolean): void {
    const out = this.out!;
    this.optimistic = optimistic;
    out.top(T.FORMAT);
    let w = list ? this.pushList(root as object, root as unknown[]) : this.wire(root);
    if (w === PUSHED) {
      this.run();
      w = ~this.stack[0]!.index; // the root's frame, done
    }
    if (this.optimistic) this.checkLast();
    this.spans.flush(out);
    out.top(w);
  }

  /** Forgets the graph just written (also after a failure), keeping the containers. */
  private clear(): void {
    this.out = null;
    this.reset();
    giveList(this.visits);
    giveList(this.listedVisits);
    this.visits = NO_LIST;
    this.listedVisits = NO_LIST;
    if (this.onProgress !== undefined) this.progressAt = PROGRESS_EVERY;
  }

  /** Forgets the walk so far. Progress is not reset: a walk started again reports only past the
   * records already reported. */
  private reset(): void {
    this.optimistic = false;
    this.forgetListed();
    if (this.memo.size > 0) this.memo.clear();
    this.visits.length = 0;
    this.values.length = 0;
    if (this.creating.size > 0) this.creating.clear();
    this.spans.clear();
    const stack = this.stack;
    if (stack.length > KEEP_FRAMES) stack.length = KEEP_FRAMES;
    for (let i = 0; i < stack.length; i++) {
      const f = stack[i]!;
      f.obj = Frame;
      f.keys = null;
      f.desc = null;
      f.vals = null;
    }
    this.depth = 0;
    this.top = 0;
    this.count = 0;
    this.negZero = 0;
  }

  walkAgain(): void {
    this.again = true;
  }

  fail(typeName: string, reason: string, settles?: PromiseLike<unknown>): never {
    throw new SerializeError(typeName, this.path(), reason, settles === undefined ? undefined : { settles });
  }

  /** The path of the value currently being looked at, built from the stack on demand. */
  path(): string {
    return pathOf(this.stack, this.depth);
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
        if (this.optimistic) return this.sighted(v as object);
        const n = this.memo.get(v);
        if (n === undefined) return this.begin(v as object);
        const m = this.visits.items[n]!;
        return m >= 0 ? ~m : this.backEdge(this.stack[-2 - m]!);
      }
      case "bigint": {
        const n = this.memo.get(v);
        return ~(n !== undefined ? this.visits.items[n]! : this.leaf(v, T.T_BIGINT, bigintFields(v)));
      }
      case "symbol": {
        const n = this.memo.get(v);
        if (n !== undefined) return ~this.visits.items[n]!;
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
    return ~(n !== undefined ? this.visits.items[n]! : this.leaf(v, T.T_NUMBER, [v]));
  }

  /** The buffer of a view: the buffer itself if the graph holds it and it is written already
   * (or it goes by reference), else its span entry (see buffer-spans.ts). */
  private viewed(v: ViewedBytes): unknown {
    const b = v.buffer;
    if (this.spans.entryOf(b) < 0 && (this.memo.has(b) || this.table.pathOf(b) !== undefined)) return this.wire(b);
    const entry = this.spans.cover(b, v.start, v.end, this.count, this.out!);
    if (entry === this.count) this.count++;
    return ~entry;
  }

  /** Writes a tagged record that creates a value, and returns the new entry's index. */
  private emit(tag: number, fields: readonly unknown[]): number {
    this.out!.tagged(tag, fields);
    return this.count++;
  }

  /** A value created by one record and never on the stack. */
  private leaf(v: unknown, tag: number, fields: readonly unknown[]): number {
    return this.memoLeaf(v, this.emit(tag, fields));
  }

  private memoLeaf(v: unknown, i: number): number {
    this.remember(v, this.visits.length);
    this.visits.push(i);
    // Leaves complete no frame: a long run of them reports its progress here.
    if (this.count >= this.progressAt) this.reportProgress();
    return i;
  }

  /** Enters a value into the memo, or lists it in an optimistic walk. Primitives (numbers,
   * symbols, bigints) always go to the memo: they are looked up in either walk. */
  private remember(v: unknown, visit: number): void {
    if (!this.optimistic || (typeof v !== "object" && typeof v !== "function")) {
      this.memo.set(v, visit);
      return;
    }
    this.listed[this.nListed++] = v;
    this.listedVisits.push(visit);
    if (this.nListed === BATCH) this.checkListed();
  }

  /** Proves the objects listed since the last check distinct from each other and from those
   * before; throws SHARED if one was met twice. */
  private checkListed(): void {
    const seen = this.seen;
    // The table's plain objects go in first: one of them met by the walk is written by
    // reference, which only the exact walk does.
    if (seen.size === 0) {
      for (const o of this.table.plainObjects()) seen.add(o);
      this.seeded = seen.size;
    }
    const listed = this.listed;
    const n = this.nListed;
    const expected = seen.size + n;
    for (let i = 0; i < n; i++) seen.add(listed[i]);
    if (n <= KEEP_LISTED) listed.fill(undefined, 0, n);
    this.nListed = 0;
    if (seen.size !== expected) throw SHARED;
  }

  /** The last check of an optimistic walk. The few objects of a small graph (a message) are
   * compared pairwise, which costs less than a Set; they stay listed. */
  private checkLast(): void {
    const n = this.nListed;
    if (this.seen.size > 0 || n > PAIRWISE) {
      this.checkListed();
      return;
    }
    const listed = this.listed;
    const plain = this.table.plainObjects();
    for (let i = 0; i < n; i++) {
      const v = listed[i];
      if (plain.has(v as object)) throw SHARED;
      for (let j = 0; j < i; j++) if (listed[j] === v) throw SHARED;
    }
  }

  private forgetListed(): void {
    // Drop the references (a large list is dropped whole: most graphs are small).
    const listed = this.listed;
    if (listed.length > KEEP_LISTED) listed.length = 0;
    else listed.fill(undefined, 0, this.nListed);
    this.nListed = 0;
    this.listedVisits.length = 0;
    if (this.seen.size > 0) this.seen.clear();
    this.seeded = 0;
  }

  /** Optimistic walk: a reference to an object that is not looked up. */
  private sighted(v: object): unknown {
    const stack = this.stack;
    const low = this.depth > WINDOW ? this.depth - WINDOW : 0;
    for (let d = this.depth - 1; d >= low; d--) {
      const f = stack[d]!;
      if (f.obj === v) return f.index >= 0 ? ~f.index : this.backEdge(f);
    }
    return this.begin(v);
  }

  /** Ends an optimistic walk: from here on, every object is looked up. */
  private beExact(): void {
    this.checkLast();
    const memo = this.memo;
    const visits = this.listedVisits.items;
    let i = -this.seeded;
    for (const v of this.seen) {
      if (i >= 0) memo.set(v, visits[i]!);
      i++;
    }
    const listed = this.listed;
    for (let j = 0; j < this.nListed; j++) memo.set(listed[j], visits[i++]!);
    this.forgetListed();
    this.optimistic = false;
  }

  /** Creates the object of frame `f`. */
  private created(f: Frame, tag: number, fields: readonly unknown[]): number {
    const i = this.emit(tag, fields);
    this.visits.items[f.visit] = i;
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
    // Ordinary objects and dense arrays are looked up among the table's few plain entries.
    if (this.fast) {
      if (proto === ObjectProto) {
        const base = this.top;
        const keys = ordinaryProps(v, this.values, base);
        if (keys !== null) {
          // (An optimistic walk leaves table entries to its distinctness check.)
          const path = this.optimistic ? undefined : table.pathOfPlain(v);
          if (path !== undefined) return ~this.leaf(v, T.T_REF, [path]);
          const n = keys.length;
          if (n <= MAX_RECORD_KEYS && this.wirePrimitives(this.values, base, n)) {
            this.out!.record(keys, this.values, base);
            return ~this.memoLeaf(v, this.count++);
          }
          this.top = base + n;
          return this.push(PLAIN, v, keys, null, base, n);
        }
      } else if (proto === ArrayProto && isArray(v)) {
        const a = v as unknown[];
        const n = a.length;
        const elements = scanElements(a, n);
        if (elements !== HOLEY && onlyElements(a, n)) {
          const path = this.optimistic ? undefined : table.pathOfPlain(v);
          if (path !== undefined) return ~this.leaf(v, T.T_REF, [path]);
          if (elements !== MIXED && n >= MIN_NUMBERS) {
            this.out!.taggedBytes(T.T_NUMBERS, numbersType(elements), numbersBytes(a as number[], n, elements));
            return ~this.memoLeaf(v, this.count++);
          }
          const base = this.top;
          const values = this.values;
          for (let i = 0; i < n; i++) values[base + i] = a[i];
          if (this.wirePrimitives(values, base, n)) {
            this.out!.array(values, base, n);
            return ~this.memoLeaf(v, this.count++);
          }
          this.top = base + n;
          return this.push(ARRAY, v, null, null, base, n);
        }
      }
    }
    if (v instanceof HandlerList) return this.pushList(v, v.items);
    if (this.optimistic) {
      this.beExact();
      return this.wire(v);
    }
    // A buffer some views were met of: the entry they reference, written whole.
    if (this.spans.size > 0 && this.spans.entryOf(v as ArrayBuffer) >= 0) return ~this.memoLeaf(v, this.spans.holdWhole(v as ArrayBuffer));
    const path = table.pathOf(v);
    if (path !== undefined) return ~this.leaf(v, T.T_REF, [path]);
    for (const h of this.handlers) {
      if (h.claims(v)) return this.pushGeneric(v, describeHandler(h, v, this));
    }
    // Unknown identity: an export of a loaded builtin or package is written by reference.
    const exported = exportPathOf(v, this);
    if (exported !== undefined) return ~this.leaf(v, T.T_REF, [exported]);
    if (typeof v === "function") return this.pushGeneric(v, describeFunction(v, this));
    const reducer = this.reducers?.get(proto) ?? defaultReducers.get(proto);
    if (reducer !== undefined) return this.pushGeneric(v, describeReduced(v, reducer, this, this.carryRestorers));
    if (isArray(v)) return this.pushGeneric(v, describeSlowArray(v, proto));
    return this.pushGeneric(v, describeBuiltin(v, proto, this, this.handlers));
  }

  /** A leaf — an object or array whose values are all primitives — is written at once, without
   * a frame (half the objects of a typical tree are leaves, most of them empty arrays). Replaces
   * values[base…base+n-1] by their wire forms if they are all primitives, else returns false
   * (changing nothing). */
  private wirePrimitives(values: unknown[], base: number, n: number): boolean {
    for (let i = base; i < base + n; i++) {
      const x = values[i];
      if ((typeof x === "object" && x !== null) || typeof x === "function") return false;
    }
    for (let i = base; i < base + n; i++) values[i] = this.wire(values[i]);
    return true;
  }

  /** A list made for this graph alone (writeList's root, a HandlerList): a dense array frame,
   * or a leaf, without an array's checks. */
  private pushList(obj: object, a: unknown[]): unknown {
    const n = a.length;
    const base = this.top;
    const values = this.values;
    for (let i = 0; i < n; i++) values[base + i] = a[i];
    // No program holds the list: it needs no identity (no memo entry).
    if (this.wirePrimitives(values, base, n)) {
      this.out!.array(values, base, n);
      return ~this.count++;
    }
    this.top = base + n;
    return this.push(ARRAY, obj, null, null, base, n, false);
  }

  private pushGeneric(v: object, desc: Description): unknown {
    return this.push(GENERIC, v, null, desc, 0, 0);
  }

  /** A frame for `obj`; `identity`: whether the object is entered into the memo (or listed). */
  private push(kind: number, obj: object, keys: string[] | null, desc: Description | null, base: number, n: number, identity = true): unknown {
    const depth = this.depth++;
    let f = this.stack[depth];
    if (f === undefined) this.stack.push((f = new Frame()));
    f.kind = kind;
    f.obj = obj;
    f.keys = keys;
    f.desc = desc;
    f.vals = desc === null ? null : new Array(desc.create.length);
    f.base = base;
    f.n = n;
    f.pos = 0;
    f.index = -1;
    f.stage = 0;
    f.visit = this.visits.length;
    if (identity) this.remember(obj, f.visit);
    this.visits.push(-2 - depth);
    return PUSHED;
  }

  /** A reference to an object still on the stack: create it now if its kind allows. */
  private backEdge(f: Frame): unknown {
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
    const fields = f.vals!.slice();
    this.creating.add(f);
    try {
      for (let i = f.pos; i < c.length; i++) {
        const v = c[i];
        if (v instanceof Raw) fields[i] = v.value;
        else if (v instanceof ViewedBytes) fields[i] = this.viewed(v);
        else if ((typeof v === "object" && v !== null) || typeof v === "function") {
          // A create value still on the stack (an ancestor) can be created early in turn.
          const n = this.memo.get(v);
          const m = n === undefined ? -1 : this.visits.items[n]!;
          if (m >= 0) fields[i] = ~m;
          else if (m === -1) return undefined;
          else fields[i] = this.backEdge(this.stack[-2 - m]!);
        } else fields[i] = this.wire(v);
      }
    } finally {
      this.creating.delete(f);
    }
    return fields;
  }

  private run(): void {
    const stack = this.stack;
    while (this.depth > 0) {
      const f = stack[this.depth - 1]!;
      const done = f.kind === PLAIN ? this.stepPlain(f) : f.kind === ARRAY ? this.stepArray(f) : this.stepGeneric(f);
      if (!done) continue;
      const depth = --this.depth;
      if (this.count >= this.progressAt) this.reportProgress();
      // The parent is waiting on this very value: hand it the reference and move it on,
      // instead of looking the value up again.
      if (depth > 0) {
        const p = stack[depth - 1]!;
        if (p.kind !== GENERIC) this.values[p.base + p.pos] = ~f.index;
        else p.vals![p.stage === 0 ? p.pos : p.pos + 1] = ~f.index;
        p.pos++;
      }
    }
  }

  private reportProgress(): void {
    // What is reported must stand: an optimistic walk first proves its objects distinct.
    if (this.optimistic) this.checkListed();
    this.progressAt = this.count + PROGRESS_EVERY;
    this.onProgress!({ records: this.count, bytes: this.out!.pos });
  }

  private stepPlain(f: Frame): boolean {
    const values = this.values;
    const base = f.base;
    const keys = f.keys!;
    const n = f.n;
    for (let i = f.pos; i < n; i++) {
      f.pos = i;
      const w = this.wire(values[base + i]);
      if (w === PUSHED) return false;
      values[base + i] = w;
    }
    const out = this.out!;
    if (n > MAX_RECORD_KEYS) {
      const vals = values.slice(base, base + n);
      if (f.index < 0) f.index = this.created(f, T.T_OBJECT_KV, [keys, vals]);
      else out.tagged(T.T_FILL_KV, [f.index, keys, vals]);
    } else if (f.index < 0) {
      out.record(keys, values, base);
      f.index = this.count++;
      this.visits.items[f.visit] = f.index;
    } else out.taggedFill(T.T_FILL_OBJECT, f.index, keys, values, base);
    this.top = base;
    return true;
  }

  private stepArray(f: Frame): boolean {
    const values = this.values;
    const base = f.base;
    const n = f.n;
    for (let i = f.pos; i < n; i++) {
      f.pos = i;
      const w = this.wire(values[base + i]);
      if (w === PUSHED) return false;
      values[base + i] = w;
    }
    const out = this.out!;
    if (f.index < 0) {
      out.array(values, base, n);
      f.index = this.count++;
      this.visits.items[f.visit] = f.index;
    } else out.tagged(T.T_FILL_ARRAY, [f.index, values.slice(base, base + n)]);
    this.top = base;
    return true;
  }

  private stepGeneric(f: Frame): boolean {
    const d = f.desc!;
    if (f.stage === 0) {
      const c = d.create;
      for (let i = f.pos; i < c.length; i++) {
        f.pos = i;
        const v = c[i];
        const w = v instanceof Raw ? v.value : v instanceof ViewedBytes ? this.viewed(v) : this.wire(v);
        if (w === PUSHED) return false;
        f.vals![i] = w;
      }
      if (f.index < 0) f.index = this.created(f, d.tag, f.vals!);
      if (d.fill.length === 0) return true;
      f.stage = 1;
      f.pos = 0;
      f.vals = new Array(d.fill.length + 1);
      f.vals[0] = f.index;
    }
    const fill = d.fill;
    const vals = f.vals!;
    for (let i = f.pos; i < fill.length; i++) {
      f.pos = i;
      const w = this.wire(fill[i]);
      if (w === PUSHED) return false;
      vals[i + 1] = w;
    }
    const keys = d.fillKeys;
    const out = this.out!;
    if (keys === null) out.tagged(T.T_FILL, vals);
    else if (keys.length > MAX_RECORD_KEYS) out.tagged(T.T_FILL_KV, [f.index, keys, vals.slice(1)]);
    else out.taggedFill(T.T_FILL_OBJECT, f.index, keys, vals, 1);
    return true;
  }
}

const HOLEY = 0;
const MIXED = 1;

/** One pass over the elements: HOLEY (a hole, or an element that is not there), MIXED, or only
 * numbers: UINT8 (integers 0…255), INT32 (int32s, no -0) or FLOAT64. */
function scanElements(a: unknown[], n: number): number {
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
function onlyElements(a: unknown[], n: number): boolean {
  if (!isExtensible(a)) return false;
  if (n <= SMALL_ARRAY) {
    if (ownKeys(a).length !== n + 1) return false;
  } else if (getOwnPropertySymbols(a).length !== 0 || inspect(a, INSPECT_KEYS) !== `[ ... ${n} more items, [length]: ${n} ]`) {
    return false;
  }
  return getOwnPropertyDescriptor(a, "length")!.writable === true;
}

/** Encodes a value graph into msgpack bytes (no snapshot envelope). */
export function encodeGraph(root: unknown, options?: EncodeOptions): Uint8Array {
  return new Encoder(options).encode(root);
}

export { typeNameOf };
