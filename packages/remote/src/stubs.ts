// Objects passed by reference. `byReference(obj)` marks an object (a logger, a database handle, a
// progress reporter); on a connection it is written as a number, and the other side gets a stub:
// an ordinary object whose prototype is a proxy, so any method name reads as a function that
// sends the call back over the connection and returns a promise. (The stub itself is not a proxy,
// so the pickler can write it again: passed back, it arrives as the original object.) Calls are
// sent in the order they are made, and the owner runs each as soon as it arrives, so they run in
// order and before any later message of the same connection — the call's result included.

import { inspect } from "node:util";
import { SnapshotError, type DecodeContext, type EncodeContext, type ObjectHandler } from "@spickle/pickle";

const marked = new WeakSet<object>();
/** Whether some marked object is a plain object or array: the pickler must then offer those to
 * the handler too (off by default, it costs the fast path). */
let plainMarked = false;

/** Marks `obj` to travel by reference: the worker gets a proxy whose method calls come back to
 * this process. Returns `obj` itself. */
export function byReference<T extends object>(obj: T): T {
  if ((typeof obj !== "object" && typeof obj !== "function") || obj === null) throw new TypeError("byReference: expected an object");
  marked.add(obj);
  const proto = Object.getPrototypeOf(obj);
  if (proto === Object.prototype || Array.isArray(obj)) plainMarked = true;
  return obj;
}

/** What a stub stands for: the stub table of its connection and the owner's id. */
interface StubTarget {
  table: StubTable;
  id: number;
}

const stubs = new WeakMap<object, StubTarget>();

/** Property names that do not read as remote methods: `then` (a stub is not a promise; an async
 * function may return one), and what JSON and conversions to a primitive look up. */
const NOT_METHODS = new Set(["then", "toJSON", "valueOf", "constructor"]);

const stubPrototype = new Proxy(Object.create(null) as object, {
  get(_target, key, receiver: object) {
    const target = stubs.get(receiver);
    if (target === undefined) return undefined;
    if (key === inspect.custom || key === "toString") return () => `[remote reference ${target.id}]`;
    if (typeof key !== "string" || NOT_METHODS.has(key)) return undefined;
    return (...args: unknown[]) => target.table.invoke(target.id, key, args);
  },
});

/** A call on a stub, sent to the object's owner. */
export type SendReferenceCall = (id: number, method: string, args: unknown[]) => Promise<unknown>;

const SENDERS = 0;
const RECEIVERS = 1;

/** One connection's references: the objects this side lent (by id) and stubs for the peer's. */
export class StubTable {
  private readonly lent = new Map<number, object>();
  private readonly lentIds = new Map<object, number>();
  private readonly stubsById = new Map<number, object>();

  constructor(private readonly send: SendReferenceCall) {}

  invoke(id: number, method: string, args: unknown[]): Promise<unknown> {
    return this.send(id, method, args);
  }

  /** The object this side lent under `id`. */
  lentObject(id: unknown): object {
    const obj = typeof id === "number" ? this.lent.get(id) : undefined;
    if (obj === undefined) throw new SnapshotError(`the message refers to reference ${String(id)}, which this side never lent`);
    return obj;
  }

  readonly handler: ObjectHandler = {
    kind: "spickle.remote.reference",
    claims: (value) => marked.has(value) || stubs.has(value),
    describe: (value, ctx) => this.describe(value, ctx),
    create: (fields, ctx) => this.create(fields, ctx),
    get claimsPlainObjects() {
      return plainMarked;
    },
  };

  private describe(value: object, ctx: EncodeContext): { create: unknown[] } {
    const stub = stubs.get(value);
    if (stub !== undefined) {
      if (stub.table !== this) ctx.fail("remote reference", "it is a reference of another connection");
      return { create: [RECEIVERS, stub.id] };
    }
    let id = this.lentIds.get(value);
    if (id === undefined) {
      id = this.lent.size + 1;
      this.lent.set(id, value);
      this.lentIds.set(value, id);
    }
    return { create: [SENDERS, id] };
  }

  private create([side, id]: unknown[], _ctx: DecodeContext): object {
    if (side === RECEIVERS) return this.lentObject(id);
    if (side !== SENDERS || typeof id !== "number") throw new SnapshotError("malformed remote reference");
    let stub = this.stubsById.get(id);
    if (stub === undefined) {
      stub = Object.create(stubPrototype) as object;
      stubs.set(stub, { table: this, id });
      this.stubsById.set(id, stub);
    }
    return stub;
  }
}

/**
 * The promise a stub's method call returns. Whether anything awaits it (or attaches a handler)
 * is recorded, so a failing call nobody looked at — a fire-and-forget `logger.info(...)` — is
 * reported instead of becoming an unhandled rejection that would end the process.
 */
export class ReferenceCallPromise<T = unknown> extends Promise<T> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  observed = false;

  override then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.observed = true;
    return super.then(onFulfilled, onRejected);
  }
}

/** A pending reference call: its promise and how to settle it. */
export interface PendingReferenceCall {
  promise: ReferenceCallPromise;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  method: string;
}

export function pendingReferenceCall(method: string): PendingReferenceCall {
  let resolve!: (value: unknown) => void;
  let reject!: (error: unknown) => void;
  const promise = new ReferenceCallPromise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Handled from the start (this does not count as observed): the owner reports what nobody saw.
  Promise.prototype.then.call(promise, undefined, () => {});
  return { promise, resolve, reject, method };
}
