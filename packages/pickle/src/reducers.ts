// Reducers: per-type persistence policies (Python's copyreg, Eris' __persist). A reducer turns an
// object into plain state and back. The snapshot stores the *restore function itself* as a value
// next to the state, so a loading process needs no registration: the function travels by
// reference (reference table) or by value (a function handler, once the compiler provides one).

/** How instances of one class are written and re-created. */
export interface Reducer<T = unknown, S = unknown> {
  /** Returns the state to write in place of `obj`. Any serializable value. */
  reduce(obj: T): S;
  /** Re-creates the object from the decoded state. Written into the snapshot by reference, so
   * it must be reachable from the reference table (a module export) or through a handler. */
  restore(state: S): T;
}

export type Constructor = abstract new (...args: never[]) => unknown;

/** Reducers keyed by the prototype their instances have (matched exactly, not by instanceof:
 * a subclass has its own state layout and needs its own reducer). */
export class ReducerRegistry {
  private readonly byProto = new Map<object, Reducer>();

  register<T, S>(cls: Constructor | { prototype: T }, reducer: Reducer<T, S>): this {
    const proto = (cls as { prototype?: unknown }).prototype;
    if (typeof proto !== "object" || proto === null) throw new TypeError("registerReducer: class has no prototype object");
    if (typeof reducer?.reduce !== "function" || typeof reducer.restore !== "function") {
      throw new TypeError("registerReducer: reducer needs reduce() and restore() functions");
    }
    this.byProto.set(proto, reducer as Reducer);
    return this;
  }

  unregister(cls: { prototype: unknown }): boolean {
    return this.byProto.delete(cls.prototype as object);
  }

  get(proto: object | null): Reducer | undefined {
    return proto === null ? undefined : this.byProto.get(proto);
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

/** Registers a process-wide reducer for instances whose prototype is `cls.prototype`. */
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
