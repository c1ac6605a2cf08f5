// for-of and for-in: iterables of every kind, iterator closing on abrupt exit, mutation during
// iteration, assignment targets.
import type { GenCase } from "../support/case.js";

const log: unknown[] = [];

/** An iterable that logs every protocol call. */
class Logged implements Iterable<number> {
  constructor(private readonly n: number) {}
  [Symbol.iterator](): Iterator<number> {
    let i = 0;
    const n = this.n;
    log.push("get iterator");
    return {
      next() {
        log.push(`next ${i}`);
        return i < n ? { value: i++, done: false } : { value: undefined, done: true };
      },
      return(value?: unknown) {
        log.push("return called");
        return { value, done: true };
      },
    };
  }
}

function* forOfArray(): Generator<number, number, unknown> {
  let sum = 0;
  for (const x of [1, 2, 3]) {
    sum += x;
    yield x;
  }
  return sum;
}

function* forOfString(): Generator<string, void, unknown> {
  for (const ch of "a😀b") yield ch;
}

function* forOfMapDestructuring(): Generator<string, void, unknown> {
  const m = new Map<string, number>([
    ["one", 1],
    ["two", 2],
  ]);
  for (const [k, v] of m) yield `${k}=${v}`;
  for (const k of m.keys()) yield `key ${k}`;
  for (const v of m.values()) yield `value ${v}`;
}

function* forOfSet(): Generator<unknown, void, unknown> {
  const s = new Set([3, 1, 3, 2]);
  for (const x of s) yield x;
  for (const e of s.entries()) yield e;
}

function* forOfCustomIterableComplete(): Generator<number, void, unknown> {
  for (const x of new Logged(2)) yield x;
}

function* forOfBreakCallsReturn(): Generator<number, string, unknown> {
  for (const x of new Logged(5)) {
    if (x === 2) break;
    yield x;
  }
  return "after break";
}

function* forOfReturnCallsReturn(): Generator<number, string, unknown> {
  for (const x of new Logged(5)) {
    yield x;
    if (x === 1) return "returned inside for-of";
  }
  return "unreachable";
}

function* forOfThrowCallsReturn(): Generator<number, void, unknown> {
  for (const x of new Logged(5)) {
    yield x;
    if (x === 1) throw new Error("thrown inside for-of");
  }
}

function* throwingIterator(): Generator<unknown, void, unknown> {
  const iterable = {
    [Symbol.iterator]() {
      let i = 0;
      return {
        next() {
          if (i === 2) throw new Error("next failed");
          return { value: i++, done: false };
        },
        return() {
          log.push("return must not be called when next throws");
          return { done: true, value: undefined };
        },
      };
    },
  };
  try {
    for (const x of iterable) yield x;
  } catch (e) {
    yield (e as Error).message;
  }
}

function* forOfSeesPushDuringIteration(): Generator<number, void, unknown> {
  const arr = [1, 2];
  for (const x of arr) {
    if (arr.length < 4) arr.push(x * 10);
    yield x;
  }
}

function* forOfGenerator(): Generator<string, void, unknown> {
  function* letters(): Generator<string, void, unknown> {
    try {
      yield "a";
      yield "b";
      yield "c";
    } finally {
      log.push("letters closed");
    }
  }
  for (const l of letters()) {
    if (l === "c") break;
    yield l.toUpperCase();
  }
}

function* forOfAssignmentTargets(): Generator<unknown, void, unknown> {
  let x: number | undefined;
  const obj: { p?: number; arr: number[] } = { arr: [] };
  for (x of [1, 2]) yield x;
  for (obj.p of [3, 4]) yield obj.p;
  for (obj.arr[obj.arr.length] of [5, 6]) yield obj.arr.slice();
  yield [x, obj.p];
}

function* forOfDestructuringWithDefaults(): Generator<unknown, void, unknown> {
  const rows: { a?: number; b?: number }[] = [{ a: 1 }, { b: 2 }, {}];
  for (const { a = 10, b = (yield "b default?") as number } of rows) yield [a, b];
}

function* nestedForOfSameArray(): Generator<string, void, unknown> {
  const arr = ["x", "y"];
  for (const a of arr) for (const b of arr) yield a + b;
}

function* labeledContinueInForOf(): Generator<string, void, unknown> {
  outer: for (const a of new Logged(3)) {
    for (const b of [0, 1, 2]) {
      if (b > a) continue outer;
      yield `${a}${b}`;
    }
  }
}

function* forInOrder(): Generator<string, void, unknown> {
  const obj: Record<string, number> = { b: 1, a: 2, 10: 3, 2: 4, z: 5 };
  for (const k in obj) yield k;
}

function* forInDeleteDuringIteration(): Generator<string, void, unknown> {
  const obj: Record<string, number> = { a: 1, b: 2, c: 3, d: 4 };
  for (const k in obj) {
    if (k === "a") {
      delete obj.c;
      obj.e = 5;
    }
    yield k;
  }
}

function* forInInherited(): Generator<string, void, unknown> {
  const proto = { inherited: 1, shadowed: 2 };
  const obj = Object.create(proto) as Record<string, number>;
  obj.own = 3;
  obj.shadowed = 4;
  Object.defineProperty(obj, "hidden", { value: 5, enumerable: false });
  for (const k in obj) yield `${k}=${obj[k]}`;
}

function* forInArrayAndString(): Generator<string, void, unknown> {
  const arr = ["p", "q"];
  for (const i in arr) yield `arr ${i}`;
  for (const i in "hi" as unknown as object) yield `str ${i}`;
}

function* forInNullish(): Generator<string, string, unknown> {
  const nothing = null as Record<string, unknown> | null;
  const undef = undefined as Record<string, unknown> | undefined;
  for (const k in nothing) yield k;
  for (const k in undef) yield k;
  return "no iterations";
}

function* forInWithYieldInBodyAndVarTarget(): Generator<unknown, unknown, unknown> {
  const obj = { x: 1, y: 2 };
  const seen: string[] = [];
  var key;
  for (key in obj) {
    seen.push((yield key) as string);
  }
  return [key, seen];
}

function* forOfArguments(..._rest: unknown[]): Generator<unknown, void, unknown> {
  // eslint-disable-next-line prefer-rest-params
  for (const a of arguments) yield a;
}

function* forOfTypedArray(): Generator<number, void, unknown> {
  for (const v of new Uint8Array([250, 5, 7])) yield v;
  for (const v of new Float64Array([0.5, -1])) yield v;
}

function* forOfNextFetchedOnce(): Generator<number, void, unknown> {
  let i = 0;
  const iterator = {
    get next() {
      log.push("get next");
      return (): IteratorResult<number> => (i < 3 ? { value: i++, done: false } : { value: undefined, done: true });
    },
    [Symbol.iterator]() {
      log.push("get iterator");
      return this;
    },
  };
  for (const v of iterator) yield v;
}

export const cases: GenCase[] = [
  { name: "for-of array", make: () => forOfArray() },
  { name: "for-of string by code point", make: () => forOfString() },
  { name: "for-of Map with destructuring, keys, values", make: () => forOfMapDestructuring() },
  { name: "for-of Set and entries", make: () => forOfSet() },
  { name: "for-of custom iterable to completion", make: () => forOfCustomIterableComplete(), log },
  { name: "for-of break calls return()", make: () => forOfBreakCallsReturn(), log },
  { name: "for-of return calls return()", make: () => forOfReturnCallsReturn(), log },
  { name: "for-of throw calls return()", make: () => forOfThrowCallsReturn(), log },
  { name: "for-of: next() throwing does not call return()", make: () => throwingIterator(), log },
  { name: "for-of sees elements pushed during iteration", make: () => forOfSeesPushDuringIteration() },
  { name: "for-of over a generator, break closes it", make: () => forOfGenerator(), log },
  { name: "for-of with assignment targets", make: () => forOfAssignmentTargets() },
  { name: "for-of destructuring defaults with yield", make: () => forOfDestructuringWithDefaults(), sends: [0, 0, 0, 20, 0, 30] },
  { name: "nested for-of over the same array", make: () => nestedForOfSameArray() },
  { name: "labeled continue of an outer for-of", make: () => labeledContinueInForOf(), log },
  { name: "for-in key order", make: () => forInOrder() },
  { name: "for-in skips keys deleted during iteration", make: () => forInDeleteDuringIteration() },
  { name: "for-in inherited and shadowed keys", make: () => forInInherited() },
  { name: "for-in array and string", make: () => forInArrayAndString() },
  { name: "for-in over null and undefined", make: () => forInNullish() },
  { name: "for-in with var target and yield in body", make: () => forInWithYieldInBodyAndVarTarget(), sends: [0, "X", "Y"] },
  { name: "for-of arguments", make: () => forOfArguments("a", 2, null) },
  { name: "for-of typed arrays", make: () => forOfTypedArray() },
  { name: "for-of fetches next once", make: () => forOfNextFetchedOnce(), log },
];
