// `using` and `await using`. The compiler lowers a block that declares resources to
//
//   try { var ctx = usingCtx(); …; const r = ctx.u(value); … }
//   catch (e) { ctx.e = e } finally { ctx.d() }          // `await ctx.d()` for `await using`
//
// (Babel's explicit-resource-management lowering, its helper redirected here). The scope is a
// runtime data object: its own fields (the resources still to dispose, the pending error) are
// plain data, so a generator suspended inside the block keeps them in its frame, and after a
// resume the block's end disposes each resource once. Disposal follows TypeScript's downlevel
// helpers (`__addDisposableResource`, `__disposeResources`): reverse order, errors aggregated
// with `SuppressedError` (the global if there is one, else an Error named "SuppressedError" with
// `error` and `suppressed`, as tsc emits).

import { registerDataClass } from "./data.js";

// Node has both symbols from 20.4 on; defined here (only if absent) as registered symbols, the
// ones Babel's and TypeScript's helpers fall back to.
for (const name of ["dispose", "asyncDispose"] as const) {
  if (typeof (Symbol as unknown as Record<string, unknown>)[name] !== "symbol") {
    Object.defineProperty(Symbol, name, { value: Symbol.for(`Symbol.${name}`) });
  }
}

const SymbolDispose = (Symbol as unknown as { dispose: symbol }).dispose;
const SymbolAsyncDispose = (Symbol as unknown as { asyncDispose: symbol }).asyncDispose;

/** One resource of a scope: the value, the dispose method read when it was declared, whether it
 * was declared by `await using`, and whether that method is a synchronous `Symbol.dispose`
 * standing in for a missing `Symbol.asyncDispose` (its throw is then a rejection). */
interface Resource {
  value: unknown;
  dispose: Function | undefined;
  async: boolean;
  syncFallback: boolean;
}

const SUPPRESSED_MESSAGE = "An error was suppressed during disposal.";

function suppressedError(error: unknown, suppressed: unknown): Error {
  const Native = (globalThis as { SuppressedError?: new (error: unknown, suppressed: unknown, message: string) => Error }).SuppressedError;
  if (typeof Native === "function") return new Native(error, suppressed, SUPPRESSED_MESSAGE);
  const made = new Error(SUPPRESSED_MESSAGE) as Error & { error: unknown; suppressed: unknown };
  made.name = "SuppressedError";
  made.error = error;
  made.suppressed = suppressed;
  return made;
}

/** The resources of one block that declares `using` / `await using`. */
export class DisposalScope {
  resources: Resource[] = [];
  error: unknown = undefined;
  hasError = false;

  /** `catch (e) { ctx.e = e }`: the block ended by throwing `e`. */
  set e(error: unknown) {
    this.error = error;
    this.hasError = true;
  }

  /** `using r = value` */
  u<T>(value: T): T {
    return addResource(this, value, false);
  }

  /** `await using r = value` */
  a<T>(value: T): T {
    return addResource(this, value, true);
  }

  /** The block's end: disposes the resources, last declared first. Returns a promise when an
   * `await using` requires waiting; throws (or rejects with) the block's error or the disposal
   * errors, each later one suppressing the earlier. */
  d(): Promise<void> | undefined {
    return disposeResources(this);
  }
}
registerDataClass(DisposalScope, "DisposalScope");

/** The scope compiled code makes on entry to a block that declares resources. */
export function usingCtx(): DisposalScope {
  return new DisposalScope();
}

function addResource<T>(scope: DisposalScope, value: T, async: boolean): T {
  if (value !== null && value !== undefined) {
    if (typeof value !== "object" && typeof value !== "function") throw new TypeError("Object expected.");
    let dispose: unknown;
    let syncFallback = false;
    if (async) dispose = (value as Record<symbol, unknown>)[SymbolAsyncDispose];
    if (dispose === undefined) {
      dispose = (value as Record<symbol, unknown>)[SymbolDispose];
      syncFallback = async;
    }
    if (typeof dispose !== "function") throw new TypeError("Object not disposable.");
    scope.resources.push({ value, dispose, async, syncFallback });
  } else if (async) {
    // `await using x = null` still awaits once at the block's end.
    scope.resources.push({ value: undefined, dispose: undefined, async: true, syncFallback: false });
  }
  return value;
}

const NOTHING_AWAITED = 0;
/** An `await using` of null or undefined owes the block's end an await. */
const AWAIT_OWED = 1;
/** An await has happened. */
const AWAITED = 2;

function disposeResources(scope: DisposalScope): Promise<void> | undefined {
  let awaits = NOTHING_AWAITED;
  const fail = (error: unknown): void => {
    scope.error = scope.hasError ? suppressedError(error, scope.error) : error;
    scope.hasError = true;
  };
  const next = (): Promise<void> | undefined => {
    for (let resource = scope.resources.pop(); resource !== undefined; resource = scope.resources.pop()) {
      try {
        if (!resource.async && awaits === AWAIT_OWED) {
          awaits = NOTHING_AWAITED;
          scope.resources.push(resource);
          return Promise.resolve().then(next);
        }
        if (resource.dispose !== undefined) {
          const result = callDispose(resource);
          if (resource.async) {
            awaits |= AWAITED;
            return Promise.resolve(result).then(next, (error: unknown) => {
              fail(error);
              return next();
            });
          }
        } else {
          awaits |= AWAIT_OWED;
        }
      } catch (error) {
        fail(error);
      }
    }
    if (awaits === AWAIT_OWED) return scope.hasError ? Promise.reject(scope.error) : Promise.resolve();
    if (scope.hasError) throw scope.error;
    return undefined;
  };
  return next();
}

function callDispose(resource: Resource): unknown {
  if (!resource.syncFallback) return resource.dispose!.call(resource.value);
  try {
    resource.dispose!.call(resource.value);
    return undefined;
  } catch (error) {
    return Promise.reject(error);
  }
}
