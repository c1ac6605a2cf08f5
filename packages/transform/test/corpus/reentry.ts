// Re-entry: a running generator calling its own next/return/throw must throw TypeError; so must
// calling a generator that is suspended inside yield* from its delegate.
import type { GenCase } from "../support/case.js";

const log: unknown[] = [];

function describeError(e: unknown): string {
  return `${(e as Error).constructor.name}: ${(e as Error).message}`;
}

let self: Generator<unknown, unknown, unknown> | undefined;

function* callsOwnNext(): Generator<unknown, unknown, unknown> {
  yield "start";
  try {
    self!.next();
  } catch (e) {
    yield describeError(e);
  }
  try {
    self!.return(1);
  } catch (e) {
    yield describeError(e);
  }
  try {
    self!.throw(new Error("x"));
  } catch (e) {
    yield describeError(e);
  }
  return "still alive";
}

function* callsOwnNextUncaught(): Generator<unknown, unknown, unknown> {
  yield "start";
  self!.next();
  return "unreachable";
}

let outer: Generator<unknown, unknown, unknown> | undefined;

function* delegateCallsOuter(): Generator<unknown, unknown, unknown> {
  yield "delegate 1";
  try {
    outer!.next();
  } catch (e) {
    log.push(`delegate: ${describeError(e)}`);
  }
  yield "delegate 2";
  return "delegate done";
}

function* outerDelegating(): Generator<unknown, unknown, unknown> {
  const r = yield* delegateCallsOuter();
  yield `outer got ${String(r)}`;
  return "outer done";
}

function* reentryThroughCallback(): Generator<unknown, unknown, unknown> {
  const results: unknown[] = [];
  [1, 2].forEach(() => {
    try {
      self!.next();
    } catch (e) {
      results.push(describeError(e));
    }
  });
  yield results;
  return "ok";
}

function* otherGenerator(): Generator<string, void, unknown> {
  yield "other 1";
  yield "other 2";
}

function* drivesAnotherGenerator(): Generator<unknown, unknown, unknown> {
  const o = otherGenerator();
  yield o.next().value;
  yield [...o];
  yield o.next();
  return "driving another generator is fine";
}

function* reentryInsideFinallyDuringReturn(): Generator<unknown, unknown, unknown> {
  try {
    yield "in try";
  } finally {
    try {
      self!.next();
    } catch (e) {
      log.push(`finally: ${describeError(e)}`);
    }
  }
  return "normal";
}

function remember<T extends Generator<unknown, unknown, unknown>>(g: T): T {
  self = g;
  return g;
}

export const cases: GenCase[] = [
  { name: "a generator calling its own next/return/throw gets TypeError", make: () => remember(callsOwnNext()), identityBound: true },
  { name: "uncaught re-entry ends the generator", make: () => remember(callsOwnNextUncaught()), identityBound: true },
  {
    name: "delegate calling the generator suspended in yield*",
    make: () => {
      outer = outerDelegating();
      return outer;
    },
    log,
    identityBound: true,
  },
  { name: "re-entry through a native callback", make: () => remember(reentryThroughCallback()), identityBound: true },
  { name: "driving another generator is not re-entry", make: () => remember(drivesAnotherGenerator()) },
  { name: "re-entry from finally while returning", make: () => remember(reentryInsideFinallyDuringReturn()), log, identityBound: true },
];
