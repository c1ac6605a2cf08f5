// Reducers: per-type persistence policies (Python's copyreg, Eris' __persist). A reducer turns an
// object into plain state and back. The snapshot stores the reducer's *name* next to the state,
// and the loading process looks the restore function up by that name among the reducers it
// registered (and the built-in ones): a snapshot never chooses which function the decoder calls.
import { closureOf, methodOf } from "@spickle/runtime";
import { restoreFileHandle, restoreReadStream, restoreWriteStream } from "./host-restore.js";
import * as P from "./platform-restore.js";
import { restoreDefinedBy, restoreImmutable } from "./package-restore.js";

/** How instances of one class are written and re-created. */
export interface Reducer<T = unknown, S = unknown> {
  /** Returns the state to write in place of `obj`. Any serializable value. */
  reduce(obj: T): S;
  /** Re-creates the object from the decoded state. The loading process must register a
   * reducer of the same name (its restore is what runs). */
  restore(state: S): T;
  /** Stable name written into the snapshot (default: the class's name). */
  name?: string;
}

/** A registered reducer, its name settled. */
export interface NamedReducer extends Reducer {
  readonly name: string;
}

export type Constructor = abstract new (...args: never[]) => unknown;
type Restore = (state: never) => unknown;

/** Restore functions of the built-in policies (kinds/host.ts, kinds/platform.ts), by the names they write. */
export const BUILTIN_RESTORERS: ReadonlyMap<string, Restore> = new Map<string, Restore>([
  ["spickle.fs.ReadStream", restoreReadStream],
  ["spickle.fs.WriteStream", restoreWriteStream],
  ["spickle.fs.FileHandle", restoreFileHandle],
  // Platform data classes (kinds/platform.ts).
  ["spickle.URL", P.restoreURL],
  ["spickle.URLSearchParams", P.restoreSearchParams],
  ["spickle.TextEncoder", P.restoreTextEncoder],
  ["spickle.TextDecoder", P.restoreTextDecoder],
  ["spickle.AbortController", P.restoreAbortController],
  ["spickle.AbortSignal", P.restoreAbortSignal],
  ["spickle.Headers", P.restoreHeaders],
  ["spickle.DOMException", P.restoreDOMException],
  ["spickle.Event", P.restoreEvent],
  ["spickle.Intl", P.restoreIntl],
  ["spickle.fs.Stats", P.restoreStats],
  ["spickle.fs.Dirent", P.restoreDirent],
  // Package instances (kinds/packages.ts).
  ["spickle.definedBy", restoreDefinedBy],
  ["spickle.immutable", restoreImmutable],
]);


/** Reducers keyed by the prototype their instances have (matched exactly, not by instanceof:
 * a subclass has its own state layout and needs its own reducer), and by name for loading. */
export class ReducerRegistry {
  private readonly byProto = new Map<object, NamedReducer>();
  private readonly byName = new Map<string, NamedReducer>();
  private readonly byRestore = new Map<unknown, NamedReducer>();

  register<T, S>(cls: Constructor | { prototype: T }, reducer: Reducer<T, S>): this {
    const proto = (cls as { prototype?: unknown }).prototype;
    if (typeof proto !== "object" || proto === null) throw new TypeError("registerReducer: class has no prototype object");
    if (typeof reducer?.reduce !== "function" || typeof reducer.restore !== "function") {
      throw new TypeError("registerReducer: reducer needs reduce() and restore() functions");
    }
    const name = reducer.name ?? (cls as { name?: unknown }).name;
    if (typeof name !== "string" || name.length === 0) throw new TypeError("registerReducer: the class has no name: give the reducer a `name`");
    if (BUILTIN_RESTORERS.has(name)) throw new TypeError(`registerReducer: ${name} is the name of a built-in reducer`);
    const other = this.byName.get(name);
    if (other !== undefined && this.byProto.get(proto) !== other) {
      throw new TypeError(`registerReducer: a reducer named ${JSON.stringify(name)} is already registered for another class (give one a \`name\`)`);
    }
    this.unregister({ prototype: proto });
    const named: NamedReducer = { reduce: reducer.reduce as (obj: unknown) => unknown, restore: reducer.restore as (s: unknown) => unknown, name };
    this.byProto.set(proto, named);
    this.byName.set(name, named);
    this.byRestore.set(named.restore, named);
    return this;
  }

  unregister(cls: { prototype: unknown }): boolean {
    const r = this.byProto.get(cls.prototype as object);
    if (r === undefined) return false;
    this.byProto.delete(cls.prototype as object);
    this.byName.delete(r.name);
    if (this.byRestore.get(r.restore) === r) this.byRestore.delete(r.restore);
    return true;
  }

  get(proto: object | null): NamedReducer | undefined {
    return proto === null ? undefined : this.byProto.get(proto);
  }

  /** The registrations, by prototype. */
  entries(): IterableIterator<[object, NamedReducer]> {
    return this.byProto.entries();
  }

  /** The restore function registered under `name`, if any. */
  restorer(name: string): ((state: unknown) => unknown) | undefined {
    return this.byName.get(name)?.restore;
  }

  /** Whether `fn` is the restore function of a reducer registered here. */
  hasRestore(fn: unknown): boolean {
    return this.byRestore.has(fn);
  }

  get size(): number {
    return this.byProto.size;
  }

  /** True when plain objects (Object.prototype) have a reducer: the fast path must then yield. */
  get reducesPlainObjects(): boolean {
    return this.byProto.has(Object.prototype) || this.byProto.has(Array.prototype);
  }
}

/** Reducers registered process-wide with registerReducer(). */
export const defaultReducers = new ReducerRegistry();

/** Registers a process-wide reducer for instances whose prototype is `cls.prototype`. Register
 * it in the loading process too: loading finds the restore function by the reducer's name. */
export function registerReducer<T, S>(cls: Constructor | { prototype: T }, reducer: Reducer<T, S>): void {
  defaultReducers.register(cls, reducer);
}

/** Per-call reducers: a registry, a Map, or [Class, reducer] pairs; consulted before the
 * process-wide ones. */
export type ReducerOption = ReducerRegistry | Map<Constructor, Reducer> | Iterable<readonly [Constructor, Reducer]>;

export function toReducerRegistry(option: ReducerOption | undefined): ReducerRegistry | undefined {
  if (option === undefined || option instanceof ReducerRegistry) return option;
  const r = new ReducerRegistry();
  for (const [cls, reducer] of option) r.register(cls, reducer);
  return r;
}

/** The restore function a T_REDUCE record names: a registered reducer's name (or, in snapshots
 * written before names, a registered restore function itself). Failing that, in a trusted load
 * only, the restore function the snapshot carries (carryRestorers) when it is a function of
 * compiled code: never a builtin or a host function. Undefined when none may run. */
export function findRestorer(named: unknown, perCall: ReducerRegistry | undefined, carried: unknown, allowCode: boolean): ((state: unknown) => unknown) | undefined {
  if (typeof named === "string") {
    const registered = perCall?.restorer(named) ?? defaultReducers.restorer(named) ?? (BUILTIN_RESTORERS.get(named) as ((state: unknown) => unknown) | undefined);
    if (registered !== undefined || !allowCode || typeof carried !== "function") return registered;
    return isCompiledFunction(carried) ? (carried as (state: unknown) => unknown) : undefined;
  }
  if (typeof named === "function" && ([...BUILTIN_RESTORERS.values()].includes(named as Restore) || perCall?.hasRestore(named) === true || defaultReducers.hasRestore(named))) {
    return named as (state: unknown) => unknown;
  }
  return undefined;
}

/** Whether `fn` is a function of code compiled by spickle (a closure, declaration or method): the
 * only restore functions a snapshot carries. Others are the loading process's to register. */
export function isCompiledFunction(fn: unknown): boolean {
  return closureOf(fn) !== undefined || methodOf(fn) !== undefined;
}
