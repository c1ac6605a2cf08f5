// `using` and `await using`: disposal at the end of the scope, in reverse order, once, whatever
// ends the scope (normal end, return, break, continue, throw, an injected return()/throw());
// errors of the body and of disposal aggregated with SuppressedError. The frame tests capture and
// rebuild these generators at every step: a resource whose scope spans the capture is disposed
// once, by the rebuilt generator, where the scope ends.
import type { GenCase } from "../support/case.js";

const log: unknown[] = [];

class Res {
  constructor(readonly name: string, readonly failing = false) {
    log.push(`open ${name}`);
  }
  [Symbol.dispose](): void {
    log.push(`dispose ${this.name}`);
    if (this.failing) throw new Error(`dispose ${this.name} failed`);
  }
}

class AsyncRes {
  constructor(readonly name: string, readonly failing = false) {
    log.push(`open ${name}`);
  }
  async [Symbol.asyncDispose](): Promise<void> {
    await null;
    log.push(`async dispose ${this.name}`);
    if (this.failing) throw new Error(`async dispose ${this.name} failed`);
  }
}

/** An error as data, SuppressedError chains included (the native one or the helpers' stand-in;
 * its message differs between helpers: tsc's runtime test checks it). */
function describeError(e: unknown): unknown {
  if (!(e instanceof Error)) return { thrown: e };
  const suppressed = e as Error & { error?: unknown; suppressed?: unknown };
  if (e.name === "SuppressedError") {
    return { name: e.name, error: describeError(suppressed.error), suppressed: describeError(suppressed.suppressed) };
  }
  return { name: e.name, message: e.message };
}

function* reverseOrder(): Generator<string, string, unknown> {
  using a = new Res("a"), b = new Res("b");
  yield "after a, b";
  using c = new Res("c");
  yield "after c";
  return "end";
}

function* nestedScopes(): Generator<string, void, unknown> {
  using outer = new Res("outer");
  {
    using inner = new Res("inner");
    yield `in ${inner.name}`;
  }
  yield `after inner, ${outer.name} open`;
}

function* bodyThrows(): Generator<string, void, unknown> {
  using a = new Res("a");
  yield "before throw";
  throw new Error("body failed");
}

function* disposeThrows(): Generator<string, void, unknown> {
  using a = new Res("a", true);
  yield "open";
}

function* disposeThrowsCaught(): Generator<string, unknown, unknown> {
  try {
    using a = new Res("a", true);
    yield "open";
  } catch (e) {
    return describeError(e);
  }
}

function* bodyAndDisposalsThrow(): Generator<string, void, unknown> {
  try {
    using a = new Res("a", true), b = new Res("b");
    using c = new Res("c", true);
    yield "all open";
    throw new Error("body failed");
  } catch (e) {
    yield JSON.stringify(describeError(e));
  }
}

function* disposalsThrowWithoutBodyError(): Generator<string, void, unknown> {
  try {
    using a = new Res("a", true);
    using b = new Res("b", true);
    yield "open";
  } catch (e) {
    yield JSON.stringify(describeError(e));
  }
}

function* earlyExits(): Generator<string, string, unknown> {
  for (let i = 0; i < 4; i++) {
    using r = new Res(`loop ${i}`);
    if (i === 0) continue;
    yield `iteration ${i}`;
    if (i === 2) break;
  }
  {
    using r = new Res("before return");
    yield "returning";
    return "returned";
  }
}

function* forOfUsing(): Generator<string, void, unknown> {
  const resources = [new Res("x"), new Res("y")];
  for (using r of resources) yield `using ${r.name}`;
  log.push("loop done");
}

function* nullAndUndefined(): Generator<string, void, unknown> {
  using a = null, b = undefined;
  using c = new Res("c");
  yield `${String(a)} ${String(b)}`;
}

function* notDisposable(): Generator<string, void, unknown> {
  try {
    using a = new Res("a");
    yield "a open";
    using bad = { name: "no dispose method" } as unknown as Disposable;
    yield "never";
  } catch (e) {
    // TypeError (messages differ between downlevel helpers)
    yield (e as Error).constructor.name;
  }
}

function* disposeMethodReadOnce(): Generator<string, void, unknown> {
  const resource = {
    [Symbol.dispose]() {
      log.push("original dispose");
    },
  };
  using r = resource;
  resource[Symbol.dispose] = () => log.push("replaced dispose");
  yield "replaced";
}

function* delegatedScope(): Generator<string, string, unknown> {
  using outer = new Res("outer");
  const inner = yield* reverseOrder();
  return `${inner} via ${outer.name}`;
}

class Holder {
  constructor(readonly tag: string) {}
  *resources(): Generator<string, void, unknown> {
    using r = new Res(`${this.tag} method`);
    const read = (): string => {
      using inner = new Res(`${this.tag} arrow`);
      return inner.name;
    };
    yield read();
    yield r.name;
  }
}

const literal = {
  *resources(): Generator<string, void, unknown> {
    using r = new Res("literal method");
    yield r.name;
  },
};

function plainFunction(): unknown {
  const order: unknown[] = [];
  try {
    using a = new Res("plain a", true);
    using b = new Res("plain b");
    order.push("body");
    throw new Error("plain body failed");
  } catch (e) {
    order.push(describeError(e));
  }
  const early = (): string => {
    using r = new Res("arrow");
    return `returned with ${r.name} open`;
  };
  order.push(early());
  return order;
}

// `await using` lives in async functions (not compiled to state machines): run by using.test.ts.
async function awaitUsing(): Promise<unknown> {
  const order: unknown[] = [];
  {
    await using a = new AsyncRes("async a"), b = new Res("sync b in await using");
    await using n = null;
    using c = new Res("sync c");
    order.push("body");
  }
  try {
    await using d = new AsyncRes("async d", true);
    await using e = new Res("sync e", true);
    throw new Error("async body failed");
  } catch (e) {
    order.push(describeError(e));
  }
  return order;
}

export const asyncCases: { name: string; run: () => Promise<unknown>; log: unknown[] }[] = [
  { name: "await using: reverse order, sync fallback, null, errors aggregated", run: awaitUsing, log },
];

// Module top level: the module's resources are disposed when its body has run.
export const moduleEvents: string[] = [];
using moduleResource = {
  [Symbol.dispose]() {
    moduleEvents.push("module resource disposed");
  },
};
moduleEvents.push(`module body ran with ${typeof moduleResource}`);

export const cases: GenCase[] = [
  { name: "resources are disposed in reverse order at the scope's end", make: () => reverseOrder(), log },
  { name: "an inner block's resources are disposed at its end", make: () => nestedScopes(), log },
  { name: "a throw in the body disposes, then propagates", make: () => bodyThrows(), log },
  // plain only: an injected throw() would meet the failing dispose in a SuppressedError, whose
  // message differs between helpers (the caught variant below compares the rest of it)
  { name: "a throw in dispose propagates", make: () => disposeThrows(), log, plainOnly: true },
  { name: "a throw in dispose is caught around the scope", make: () => disposeThrowsCaught(), log },
  { name: "body and disposal errors aggregate as SuppressedError", make: () => bodyAndDisposalsThrow(), log },
  { name: "two disposal errors aggregate as SuppressedError", make: () => disposalsThrowWithoutBodyError(), log },
  { name: "break, continue and return leave the scope once", make: () => earlyExits(), log },
  { name: "for (using r of …) disposes each element after its iteration", make: () => forOfUsing(), log },
  { name: "null and undefined are allowed and skipped", make: () => nullAndUndefined(), log },
  { name: "a value without Symbol.dispose is a TypeError after disposing the others", make: () => notDisposable(), log },
  { name: "the dispose method is read at the declaration", make: () => disposeMethodReadOnce(), log },
  { name: "yield* inside a using scope", make: () => delegatedScope(), log },
  { name: "using in a class generator method and an arrow inside it", make: () => new Holder("h").resources(), log },
  { name: "using in an object-literal generator method", make: () => literal.resources(), log },
  { name: "using in a plain function and an arrow", make: () => reverseOrder(), check: () => plainFunction(), log },
];
