// Object handlers: the extension point for kinds this package does not know — closures,
// classes by value, suspended generator frames, module records. A handler splits an object into
// values needed to *make* it (create) and values set once every object exists (fill). That split
// is what lets cycles work: create values form an acyclic dependency order, fill values may point
// anywhere, including back at the object.
import type { ModuleDump, ModuleLoad } from "./compiled/module-state.js";
import type { ReferenceTable } from "./reference-table.js";

/** What the encoder hands a handler. */
export interface EncodeContext {
  readonly table: ReferenceTable;
  /** Which compiled modules go by value, and those this encode met (compiled/modules.ts). */
  readonly modules: ModuleDump;
  /** Throws a SerializeError naming the current path, e.g. `cannot serialize Socket at root.conn: …`. */
  fail(typeName: string, reason: string, settles?: PromiseLike<unknown>): never;
  /** Counts the graphs this context has written: an encoder may be reused for many (a
   * connection's messages), so a handler that keeps state per graph, keyed by the context,
   * starts afresh when this changes. */
  readonly generation?: number;
  /** Asks for the graph to be written once more when this walk ends (a link between two objects
   * learned after the first of them was written). The new walk has a new generation. */
  walkAgain?(): void;
}

/** What the decoder hands a handler. */
export interface DecodeContext {
  readonly table: ReferenceTable;
  /** false when the snapshot is untrusted: a handler must then refuse to make anything from code
   * the snapshot carries (module handlers throw a SnapshotError). Default true. */
  readonly allowCode: boolean;
  /** How module instances are made, and those this graph writes into (compiled/modules.ts). */
  readonly modules: ModuleLoad;
  /** Counts the graphs this context has read (see EncodeContext.generation). */
  readonly generation?: number;
}

export interface ObjectDescription {
  /** Values `create` needs. Each is fully decoded before `create` runs (see `early`). Must not
   * lead back to the object itself, except through a fill value when `early` is true. */
  create: unknown[];
  /** Values applied by `fill` after the object exists. May be cyclic. Omit or [] for none. */
  fill?: unknown[];
  /** Names of the fill values, for error paths (`root.frame.locals.conn`). */
  fillNames?: readonly string[];
}

export interface ObjectHandler<T extends object = object> {
  /** Stable name written into the snapshot; the loading process needs a handler of that name. */
  readonly kind: string;
  /** Encode side: whether this handler writes `value`. Handlers are asked in order, after the
   * reference table and before reducers and the built-in kinds. */
  claims(value: object): boolean;
  describe(value: T, ctx: EncodeContext): ObjectDescription;
  /** Decode side: makes the object from the decoded create values. */
  create(create: unknown[], ctx: DecodeContext): T;
  /** Decode side: applies the decoded fill values. Called once, after create; the objects the
   * values point at exist but may not be filled yet. */
  fill?(obj: T, fill: unknown[], ctx: DecodeContext): void;
  /**
   * false (default): create values are *complete* (created and filled) when `create` runs; a
   * cycle from a create value back to this object is a SerializeError.
   * true: create values only need to *exist*; when a fill value somewhere below leads back to
   * this object, it is created as soon as its create values exist (their fill may come later).
   * Closures (function id, scope) and classes (heritage) want true; reducers-like kinds false.
   */
  readonly early?: boolean;
  /** Set when the handler must see ordinary plain objects and arrays too (disables the fast
   * path for every object in the call — measurably slower). */
  readonly claimsPlainObjects?: boolean;
}

/** Handlers in consultation order, with lookup by kind for the decoder. */
export class HandlerRegistry {
  private readonly list: ObjectHandler[] = [];
  private readonly byKind = new Map<string, ObjectHandler>();
  /** The handlers that have a claimsPlainObjects property (asked again for every graph: the
   * answer may change). */
  private readonly mayClaimPlain: ObjectHandler[] = [];

  constructor(handlers: Iterable<ObjectHandler> = []) {
    for (const h of handlers) this.add(h);
  }

  add(handler: ObjectHandler): this {
    if (this.byKind.has(handler.kind)) throw new TypeError(`a handler for kind ${handler.kind} is already registered`);
    this.list.push(handler);
    this.byKind.set(handler.kind, handler);
    if ("claimsPlainObjects" in handler) this.mayClaimPlain.push(handler);
    return this;
  }

  remove(kind: string): boolean {
    const h = this.byKind.get(kind);
    if (h === undefined) return false;
    this.byKind.delete(kind);
    this.list.splice(this.list.indexOf(h), 1);
    const i = this.mayClaimPlain.indexOf(h);
    if (i >= 0) this.mayClaimPlain.splice(i, 1);
    return true;
  }

  get(kind: string): ObjectHandler | undefined {
    return this.byKind.get(kind);
  }

  get handlers(): readonly ObjectHandler[] {
    return this.list;
  }

  get claimsPlainObjects(): boolean {
    const list = this.mayClaimPlain;
    for (let i = 0; i < list.length; i++) if (list[i]!.claimsPlainObjects === true) return true;
    return false;
  }

  /** A registry holding `extra` handlers first, then this one's. */
  with(extra: Iterable<ObjectHandler>): HandlerRegistry {
    const r = new HandlerRegistry(extra);
    for (const h of this.list) if (r.get(h.kind) === undefined) r.add(h);
    return r;
  }
}

/** Handlers registered process-wide (the lead's closures, classes, frames, modules). */
export const defaultHandlers = new HandlerRegistry();
