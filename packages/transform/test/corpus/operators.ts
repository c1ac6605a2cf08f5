// Operators around yields: ?. ?? logical assignment, templates (plain and tagged), spread,
// short-circuiting, compound assignment, update expressions, in/instanceof.
import type { GenCase } from "../support/case.js";

const log: unknown[] = [];

function* optionalChainWithYield(): Generator<string, unknown, unknown> {
  const obj = { inner: { value: 42 }, fn: (x: unknown) => ["fn", x] };
  const none = null as typeof obj | null;
  const a = ((yield "object?") as typeof obj | null)?.inner.value;
  const b = obj?.[(yield "key?") as "inner"]?.value;
  const c = obj.fn?.(yield "arg?");
  return [a, b, c, none?.inner.value];
}

function* optionalChainShortCircuitsYield(): Generator<string, unknown, unknown> {
  const none = null as { m(v: unknown): { x: { y: unknown } }; [k: string]: unknown } | null;
  const a = none?.m(yield "never 1");
  const b = none?.[(yield "never 2") as string];
  const c = none?.m(yield "never 3").x.y;
  yield "after";
  return [a, b, c];
}

function* nullishWithYield(): Generator<string, unknown, unknown> {
  const zero = 0;
  const nothing = null as unknown;
  const a = zero ?? (yield "never");
  const b = nothing ?? (yield "right side?");
  const c = ((yield "left?") as unknown) ?? "fallback";
  return [a, b, c];
}

function* logicalAssignment(): Generator<string, unknown, unknown> {
  const o: { a: unknown; b: unknown; c: unknown; d: unknown } = { a: null, b: 1, c: 0, d: "set" };
  o.a ??= yield "a??=";
  o.b ??= yield "never b";
  o.c ||= yield "c||=";
  o.d &&= yield "d&&=";
  let local: unknown = "";
  local ||= yield "local||=";
  return [o, local];
}

function* logicalShortCircuit(): Generator<string, unknown, unknown> {
  const a = (yield "left of &&") && (yield "right of &&");
  const b = (yield "left of ||") || (yield "right of ||");
  return [a, b];
}

function* templates(): Generator<string, unknown, unknown> {
  const t = `start ${yield "first"} middle ${yield "second"} end`;
  const nested = `outer ${`inner ${yield "inner"}`}`;
  return [t, nested];
}

let lastStrings: TemplateStringsArray | undefined;

function tag(strings: TemplateStringsArray, ...values: unknown[]): unknown {
  const same = strings === lastStrings;
  lastStrings = strings;
  log.push(`tag same-site=${same} frozen=${Object.isFrozen(strings)}`);
  return [strings.slice(), strings.raw.slice(), values];
}

function* taggedTemplates(): Generator<unknown, void, unknown> {
  for (let i = 0; i < 2; i++) {
    yield tag`a${yield `v${i}`}b\n${i}c`;
  }
}

function* arraySpreadWithYield(): Generator<string, unknown, unknown> {
  const arr = [0, ...((yield "first spread?") as number[]), 5, ...((yield "second spread?") as number[])];
  return arr;
}

function* callSpreadWithYield(): Generator<string, unknown, unknown> {
  const f = (...args: unknown[]) => args;
  return f("a", ...((yield "args?") as unknown[]), "z");
}

function* objectSpreadWithYield(): Generator<string, unknown, unknown> {
  const base = { a: 1, b: 2 };
  return { ...base, ...((yield "more?") as object), b: "override", ...((yield "last?") as object) };
}

function* spreadOfGeneratorInsideGenerator(): Generator<unknown, unknown, unknown> {
  function* inner(): Generator<number, void, unknown> {
    yield 1;
    yield 2;
  }
  const all = [...inner(), ...inner()];
  yield all;
  return Math.max(...inner());
}

function* compoundAssignmentReadsFirst(): Generator<string, unknown, unknown> {
  let x = 1;
  x += ((x = 10), (yield "x+=") as number);
  const obj = { p: 1 };
  obj.p *= ((obj.p = 50), (yield "p*=") as number);
  return [x, obj.p];
}

function* updateExpressions(): Generator<unknown, unknown, unknown> {
  const arr = [10, 20, 30];
  const a = arr[(yield "index?") as number]++;
  const b = --arr[(yield "index?") as number]!;
  let n = 0;
  const c = [n++, n++, ++n];
  return [a, b, c, arr];
}

class Animal {}

function* inAndInstanceof(): Generator<string, unknown, unknown> {
  const obj = { present: true };
  const a = ((yield "key?") as string) in obj;
  const b = ((yield "value?") as unknown) instanceof Animal;
  return [a, b];
}

function* exponentAndBitwise(): Generator<string, unknown, unknown> {
  const p = ((yield "base?") as number) ** ((yield "exponent?") as number);
  const q = ((yield "a?") as number) | (((yield "b?") as number) << 2);
  return [p, q];
}

function* comparisonsAndEquality(): Generator<string, unknown, unknown> {
  const v = yield "value?";
  return [v == 1, v === 1, v != null, (v as number) > 0, typeof v];
}

function* stringConcatenationOrder(): Generator<string, string, unknown> {
  let s = "";
  s += "a" + (yield "1") + "b";
  s = (yield "2") + s + (yield "3");
  return s;
}

function* bigintAndNumbers(): Generator<unknown, unknown, unknown> {
  const big = ((yield "big?") as bigint) * 2n;
  return [big, -0, NaN, Infinity, 0.1 + 0.2];
}

export const cases: GenCase[] = [
  { name: "optional chains with yields", make: () => optionalChainWithYield(), sends: [0, { inner: { value: 7 } }, "inner", "ARG"] },
  { name: "optional chain with a null object as yielded value", make: () => optionalChainWithYield(), sends: [0, null, "inner", "ARG"] },
  { name: "optional chains short-circuit yields", make: () => optionalChainShortCircuitsYield() },
  { name: "nullish coalescing with yields", make: () => nullishWithYield(), sends: [0, "R", undefined] },
  { name: "logical assignment with yields", make: () => logicalAssignment(), sends: [0, "A", "C", "D", "L"] },
  { name: "&& and || short-circuit yields (falsy/truthy)", make: () => logicalShortCircuit(), sends: [0, 0, "yes"] },
  { name: "&& and || evaluate right yields", make: () => logicalShortCircuit(), sends: [0, 1, "R&&", "", "R||"] },
  { name: "template literals with yields", make: () => templates(), sends: [0, "ONE", 2, "IN"] },
  {
    name: "tagged templates with yields keep per-site strings",
    make: () => {
      lastStrings = undefined;
      return taggedTemplates();
    },
    sends: [0, "X", 0, "Y"],
    log,
  },
  { name: "array spread with yields", make: () => arraySpreadWithYield(), sends: [0, [1, 2], new Set([3, 4])] },
  { name: "call spread with yield", make: () => callSpreadWithYield(), sends: [0, "mid"] },
  { name: "object spread with yields", make: () => objectSpreadWithYield(), sends: [0, { c: 3, a: "A" }, { d: 4 }] },
  { name: "spread of a generator inside a generator", make: () => spreadOfGeneratorInsideGenerator() },
  { name: "compound assignment reads its target before the yield", make: () => compoundAssignmentReadsFirst(), sends: [0, 5, 2] },
  { name: "update expressions with computed yields", make: () => updateExpressions(), sends: [0, 1, 2] },
  { name: "in and instanceof with yields", make: () => inAndInstanceof(), sends: [0, "present", {}] },
  { name: "exponent and bitwise with yields", make: () => exponentAndBitwise(), sends: [0, 2, 10, 1, 3] },
  { name: "comparisons of a sent value", make: () => comparisonsAndEquality(), sends: [0, "1"] },
  { name: "string concatenation order", make: () => stringConcatenationOrder(), sends: [0, "X", "Y", "Z"] },
  { name: "bigint and special numbers", make: () => bigintAndNumbers(), sends: [0, 21n] },
];
