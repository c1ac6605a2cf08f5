// Destructuring with yields (values, defaults, computed keys), parameters and their defaults.
import type { GenCase } from "../support/case.js";

const log: unknown[] = [];

function* arrayFromYield(): Generator<string, unknown, unknown> {
  const [a, b] = (yield "pair?") as [unknown, unknown];
  const [first, ...rest] = (yield "list?") as unknown[];
  return { a, b, first, rest };
}

function* objectDefaultsWithYield(): Generator<string, unknown, unknown> {
  const source: { a?: number; b?: number; c?: number } = { a: 1, c: undefined };
  const { a = (yield "a default?") as number, b = (yield "b default?") as number, c = (yield "c default?") as number } = source;
  return [a, b, c];
}

function* nestedPatterns(): Generator<unknown, unknown, unknown> {
  const data = { user: { name: "ann", tags: ["x", "y", "z"] }, count: 2 };
  const {
    user: {
      name,
      tags: [, second, ...others],
    },
    count,
    missing: { deep = "deep default" } = {},
  } = data as typeof data & { missing?: { deep?: string } };
  yield name;
  yield second;
  return [others, count, deep];
}

function* objectRest(): Generator<unknown, unknown, unknown> {
  const { a, ...others } = (yield "object?") as Record<string, unknown>;
  return [a, others];
}

function* swapWithYields(): Generator<unknown, unknown, unknown> {
  let x = 1;
  let y = 2;
  [x, y] = [y, x];
  yield [x, y];
  [x, y] = [(yield "new x?") as number, (yield "new y?") as number];
  return [x, y];
}

function* destructuringClosesIterator(): Generator<unknown, unknown, unknown> {
  function* source(): Generator<number, void, unknown> {
    try {
      yield 1;
      yield 2;
      yield 3;
    } finally {
      log.push("source closed");
    }
  }
  const [a] = source();
  yield a;
  const [b, c, d, e] = source();
  return [b, c, d, e];
}

function* computedKeyFromYield(): Generator<string, unknown, unknown> {
  const obj: Record<string, number> = { alpha: 1, beta: 2 };
  const { [(yield "key?") as string]: v, ...others } = obj;
  return [v, others];
}

function* parameterPatterns(
  { a, b: [c, d = "d default"] }: { a: number; b: unknown[] },
  ...rest: unknown[]
): Generator<unknown, void, unknown> {
  yield a;
  yield c;
  yield d;
  yield rest;
}

function* defaultsReferToEarlierParams(a: number, b = a * 2, c = () => a + b): Generator<number, void, unknown> {
  yield a;
  yield b;
  a = 100;
  yield c();
}

function sideEffect(label: string): string {
  log.push(`default evaluated: ${label}`);
  return label;
}

function* defaultEvaluatedAtCall(x = sideEffect("x"), y = sideEffect("y")): Generator<string, void, unknown> {
  log.push("body started");
  yield x;
  yield y;
}

function failingDefault(): never {
  throw new Error("default initializer failed");
}

function* defaultThrowsAtCall(x: unknown = failingDefault()): Generator<unknown, void, unknown> {
  log.push("body must not run");
  yield x;
}

function* holesAndStrings(): Generator<unknown, unknown, unknown> {
  const [, , third] = [1, 2, 3];
  const [h, ...ello] = "hello";
  const [emoji] = "😀x";
  yield third;
  return [h, ello, emoji];
}

function* memberAssignmentTargets(): Generator<unknown, unknown, unknown> {
  const obj: Record<string, unknown> = {};
  const key = "dyn";
  [obj.a, obj[key]] = [(yield "a?") as unknown, (yield "dyn?") as unknown];
  ({ x: obj.x, y: obj[(yield "y key?") as string] = "y default" } = { x: "X" } as { x: string; y?: string });
  return obj;
}

function* defaultsOnlyForUndefined(): Generator<string, unknown, unknown> {
  const [a = (yield "a?") as unknown, b = (yield "b?") as unknown, c = (yield "c?") as unknown] = [null, undefined, 0];
  return [a, b, c];
}

function* destructuringAssignmentValue(): Generator<unknown, unknown, unknown> {
  let a, b;
  const whole = ([a, b] = (yield "array?") as unknown[]);
  return [a, b, whole];
}

function* paramDestructuringWithDefaultObject({ size = "medium", color = "blue" } = {}): Generator<string, void, unknown> {
  yield size;
  yield color;
}

export const cases: GenCase[] = [
  { name: "array destructuring of a sent value", make: () => arrayFromYield(), sends: [0, ["A", "B"], [1, 2, 3]] },
  { name: "object defaults with yield (only where undefined)", make: () => objectDefaultsWithYield(), sends: [0, 20, 30] },
  { name: "nested patterns with holes, rest and defaults", make: () => nestedPatterns() },
  { name: "object rest of a sent value", make: () => objectRest(), sends: [0, { a: 1, b: 2, c: 3 }] },
  { name: "swap and assignment destructuring with yields", make: () => swapWithYields(), sends: [0, 0, 7, 8] },
  { name: "array destructuring closes the iterator", make: () => destructuringClosesIterator(), log },
  { name: "computed key from yield with rest", make: () => computedKeyFromYield(), sends: [0, "beta"] },
  { name: "parameter patterns with rest", make: () => parameterPatterns({ a: 1, b: ["c"] }, "r1", "r2") },
  { name: "defaults refer to earlier parameters", make: () => defaultsReferToEarlierParams(3) },
  { name: "parameter defaults evaluate at call, before the first next", make: () => defaultEvaluatedAtCall(undefined, "given"), log },
  { name: "parameter default throwing throws at call", make: () => defaultThrowsAtCall(), log },
  { name: "holes and string destructuring", make: () => holesAndStrings() },
  { name: "member assignment targets with yields", make: () => memberAssignmentTargets(), sends: [0, "A", "D", "why"] },
  { name: "defaults only for undefined (not null or 0)", make: () => defaultsOnlyForUndefined(), sends: [0, "B"] },
  { name: "destructuring assignment evaluates to its right side", make: () => destructuringAssignmentValue(), sends: [0, [1, 2, 3]] },
  { name: "parameter destructuring with a default object", make: () => paramDestructuringWithDefaultObject({ color: "red" }) },
];
