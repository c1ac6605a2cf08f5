// yield*: to compiled generators, arrays, strings, Map/Set and their iterators, typed arrays,
// custom iterables; return values; next/throw/return forwarding; delegates without throw/return.
import type { GenCase } from "../support/case.js";

const log: unknown[] = [];

function* inner(): Generator<string, string, unknown> {
  const a = yield "inner 1";
  log.push(`inner got ${String(a)}`);
  const b = yield "inner 2";
  log.push(`inner got ${String(b)}`);
  return "inner result";
}

function* delegateToGenerator(): Generator<string, string, unknown> {
  yield "outer before";
  const r = yield* inner();
  yield `outer got ${r}`;
  return "outer result";
}

function* delegateToArray(): Generator<unknown, unknown, unknown> {
  const r = yield* [1, [2], { three: 3 }];
  return r;
}

function* delegateToString(): Generator<string, void, unknown> {
  yield* "a😀b";
  yield* "";
}

function* delegateToMap(): Generator<unknown, void, unknown> {
  const m = new Map<unknown, unknown>([
    ["k1", "v1"],
    [2, { v: 2 }],
  ]);
  yield* m;
  yield* m.entries();
  yield* m.keys();
  yield* m.values();
}

function* delegateToSet(): Generator<unknown, void, unknown> {
  const s = new Set(["x", "y"]);
  yield* s;
  yield* s.entries();
  yield* s.keys();
  yield* s.values();
}

function* delegateToTypedArrays(): Generator<unknown, void, unknown> {
  yield* new Int16Array([-1, 300]);
  yield* new Float32Array([1.5]);
  yield* new BigInt64Array([5n]);
  yield* new Uint8Array([1, 2]).entries();
}

class Countdown implements Iterable<number> {
  constructor(private readonly from: number) {}
  [Symbol.iterator](): Iterator<number, string, unknown> {
    let n = this.from;
    return {
      next(sent?: unknown) {
        log.push(`next(${String(sent)})`);
        return n > 0 ? { value: n--, done: false } : { value: "countdown result", done: true };
      },
      return(value?: unknown) {
        log.push(`return(${String(value)})`);
        return { value: `closed with ${String(value)}`, done: true };
      },
      throw(error?: unknown) {
        log.push(`throw(${(error as Error).message})`);
        if (n === 1) return { value: "caught on last", done: true };
        return { value: -n, done: false };
      },
    };
  }
}

function* delegateToCustomIterable(): Generator<unknown, unknown, unknown> {
  const r = yield* new Countdown(3);
  yield `custom returned ${r}`;
  return r;
}

function* delegateToIteratorWithoutThrowOrReturn(): Generator<unknown, unknown, unknown> {
  const r = yield* { [Symbol.iterator]: bareIterator };
  yield `bare returned ${String(r)}`;
  return r;
}

function bareIterator(): Iterator<unknown> {
  let i = 0;
  return {
    next() {
      log.push(`bare next ${i}`);
      return i < 3 ? { value: i++, done: false } : { value: "bare done", done: true };
    },
  };
}

function* delegateToBareIterator(): Generator<unknown, unknown, unknown> {
  try {
    const r = yield* { [Symbol.iterator]: bareIterator };
    return r;
  } catch (e) {
    yield `outer caught ${(e as Error).constructor.name}: ${(e as Error).message}`;
    return "after catch";
  }
}

function* throwWithoutThrowMethodClosesDelegate(): Generator<unknown, unknown, unknown> {
  const iterator = {
    i: 0,
    next() {
      return { value: this.i++, done: false };
    },
    return() {
      log.push("delegate closed because it has no throw()");
      return { value: undefined, done: true };
    },
    [Symbol.iterator]() {
      return this;
    },
  };
  try {
    yield* iterator;
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
}

function* innerWithYieldingFinally(): Generator<string, string, unknown> {
  try {
    yield "inner body";
    yield "inner body 2";
    return "inner normal";
  } finally {
    log.push("inner finally");
    yield "inner finally yields";
  }
}

function* returnForwardedThroughYieldingFinally(): Generator<string, string, unknown> {
  try {
    const r = yield* innerWithYieldingFinally();
    yield `got ${r}`;
    return "outer normal";
  } finally {
    log.push("outer finally");
  }
}

function* innerCatches(): Generator<string, string, unknown> {
  for (let i = 0; ; i++) {
    try {
      const sent = yield `inner ${i}`;
      if (sent === "stop") return `inner stopped at ${i}`;
    } catch (e) {
      yield `inner caught ${(e as Error).message}`;
    }
  }
}

function* throwForwardedToInner(): Generator<string, string, unknown> {
  const r = yield* innerCatches();
  return `outer got ${r}`;
}

function* level3(): Generator<string, number, unknown> {
  yield "level 3";
  return 3;
}
function* level2(): Generator<string, number, unknown> {
  yield "level 2 before";
  const r = yield* level3();
  yield "level 2 after";
  return r * 10;
}
function* level1(): Generator<string, number, unknown> {
  const r = yield* level2();
  return r + 1;
}

function* delegateToPartiallyConsumed(): Generator<unknown, unknown, unknown> {
  const g = inner();
  g.next();
  const r = yield* g;
  return r;
}

function* delegateToFinished(): Generator<unknown, unknown, unknown> {
  const g = inner();
  g.return("early");
  const r = yield* g;
  yield "after finished delegate";
  return r;
}

function* innerResultPassesThrough(): Generator<unknown, unknown, unknown> {
  const iterator = {
    n: 0,
    next() {
      this.n++;
      const result = {
        get done() {
          log.push("read done");
          return false;
        },
        get value() {
          log.push("read value");
          return "v";
        },
      };
      if (this.n > 2) return { value: "last", done: true };
      return result;
    },
    [Symbol.iterator]() {
      return this;
    },
  };
  const r = yield* iterator as unknown as Iterable<unknown>;
  return r;
}

function* methodLookups(): Generator<unknown, unknown, unknown> {
  let i = 0;
  const iterator = {
    get next() {
      log.push("get next");
      return () => (i < 3 ? { value: i++, done: false } : { value: "end", done: true });
    },
    get throw() {
      log.push("get throw");
      return (e: Error) => ({ value: `throw handled: ${e.message}`, done: false });
    },
    get return() {
      log.push("get return");
      return (v: unknown) => ({ value: v, done: true });
    },
  };
  const iterable = {
    get [Symbol.iterator]() {
      log.push("get Symbol.iterator");
      return () => iterator;
    },
  };
  return yield* iterable as unknown as Iterable<unknown>;
}

function* returnResultNotAnObject(): Generator<unknown, unknown, unknown> {
  const iterator = {
    next: () => ({ value: 1, done: false }),
    return: () => 5,
    [Symbol.iterator]() {
      return this;
    },
  };
  try {
    yield* iterator as unknown as Iterable<unknown>;
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
}

function* nextResultNotAnObject(): Generator<unknown, unknown, unknown> {
  let calls = 0;
  const iterator = {
    next: () => (calls++ < 1 ? { value: "ok", done: false } : "not an object"),
    [Symbol.iterator]() {
      return this;
    },
  };
  try {
    yield* iterator as unknown as Iterable<unknown>;
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
}

function* iteratorMethodReturnsNonObject(): Generator<unknown, unknown, unknown> {
  try {
    yield* { [Symbol.iterator]: () => 42 } as unknown as Iterable<unknown>;
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
}

function* notIterable(): Generator<unknown, unknown, unknown> {
  try {
    yield* 42 as unknown as Iterable<unknown>;
  } catch (e) {
    return (e as Error).constructor.name;
  }
}

function* delegateStartsByThrowing(): Generator<unknown, unknown, unknown> {
  function* bad(): Generator<never, void, unknown> {
    throw new Error("bad start");
  }
  try {
    yield "before";
    yield* bad();
  } catch (e) {
    yield (e as Error).message;
  }
  return "recovered";
}

function* delegateInsideTryFinallyOrder(): Generator<string, void, unknown> {
  function* worker(): Generator<string, void, unknown> {
    try {
      yield "work 1";
      yield "work 2";
    } finally {
      log.push("worker finally");
    }
  }
  try {
    yield* worker();
  } finally {
    log.push("outer finally");
  }
}

function* throwResultDoneEndsDelegation(): Generator<unknown, unknown, unknown> {
  const iterator = {
    next: () => ({ value: "tick", done: false }),
    throw: (e: Error) => ({ value: `ended by ${e.message}`, done: true }),
    [Symbol.iterator]() {
      return this;
    },
  };
  const r = yield* iterator as unknown as Iterable<unknown>;
  yield "after delegation";
  return r;
}

function* delegateToObjectEntries(): Generator<unknown, void, unknown> {
  yield* Object.entries({ a: 1, b: 2 });
  yield* Array.from({ length: 2 }, (_, i) => i * i);
}

function* twoDelegatesInSequence(): Generator<unknown, unknown, unknown> {
  const a = yield* level3();
  const b = yield* new Countdown(1);
  return [a, b];
}

export const cases: GenCase[] = [
  { name: "yield* a compiled generator with its return value", make: () => delegateToGenerator(), sends: [0, "s1", "s2", "s3"], log },
  { name: "yield* an array returns undefined", make: () => delegateToArray() },
  { name: "yield* a string by code point", make: () => delegateToString() },
  { name: "yield* Map and its entries/keys/values", make: () => delegateToMap() },
  { name: "yield* Set and its entries/keys/values", make: () => delegateToSet() },
  { name: "yield* typed arrays", make: () => delegateToTypedArrays() },
  { name: "yield* a custom iterable: next/throw/return forwarding", make: () => delegateToCustomIterable(), sends: [0, "a", "b", "c", "d"], log },
  { name: "yield* a bare iterator (no throw/return), uncaught", make: () => delegateToIteratorWithoutThrowOrReturn(), log },
  { name: "yield* a delegate without throw/return", make: () => delegateToBareIterator(), log },
  { name: "throw() to a delegate without throw closes it and throws TypeError", make: () => throwWithoutThrowMethodClosesDelegate(), log },
  { name: "return() forwarded through a yielding finally", make: () => returnForwardedThroughYieldingFinally(), log },
  { name: "throw() forwarded to a delegate that catches", make: () => throwForwardedToInner(), sends: [0, 1, 2, "stop"] },
  { name: "three-level delegation with return values", make: () => level1() },
  { name: "yield* a partially consumed generator", make: () => delegateToPartiallyConsumed(), sends: [0, "x", "y"], log },
  { name: "yield* a finished generator", make: () => delegateToFinished(), log },
  { name: "yield* passes the inner result object through", make: () => innerResultPassesThrough(), log },
  { name: "yield* fetches next once, throw/return when needed", make: () => methodLookups(), log },
  { name: "delegate return() result not an object", make: () => returnResultNotAnObject(), maxSteps: 6 },
  { name: "delegate next() result not an object", make: () => nextResultNotAnObject() },
  { name: "Symbol.iterator returning a non-object", make: () => iteratorMethodReturnsNonObject() },
  { name: "yield* a non-iterable", make: () => notIterable() },
  { name: "delegate throws on its first next", make: () => delegateStartsByThrowing() },
  { name: "finally order: delegate then delegator", make: () => delegateInsideTryFinallyOrder(), log },
  { name: "delegate throw() returning done ends the delegation", make: () => throwResultDoneEndsDelegation(), maxSteps: 8 },
  { name: "yield* Object.entries and Array.from", make: () => delegateToObjectEntries() },
  { name: "two delegates in sequence", make: () => twoDelegatesInSequence(), log },
];
