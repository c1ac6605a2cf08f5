// Yields in every expression position.
import type { GenCase } from "../support/case.js";

const log: unknown[] = [];

function* yieldAsStatement(): Generator<number | undefined, void, unknown> {
  yield 1;
  yield 2;
  yield;
}

function* yieldValueAssigned(): Generator<string, unknown[], unknown> {
  const a = yield "a?";
  let b;
  b = yield "b?";
  return [a, b];
}

function* yieldInArrayLiteral(): Generator<number, unknown[], unknown> {
  return [yield 1, 10, yield 2, [yield 3]];
}

function* yieldInObjectLiteral(): Generator<string, unknown, unknown> {
  const key = "k";
  return { a: yield "a", [key]: yield "k", [(yield "computed") as string]: yield "value", nested: { b: yield "b" } };
}

function* yieldInBinary(): Generator<number, number, number> {
  const x = (yield 1) + (yield 2) * (yield 3);
  return x - (yield 4);
}

function* nestedYield(): Generator<unknown, unknown, unknown> {
  const r = yield yield yield 1;
  return r;
}

function* yieldInIfTest(): Generator<string, string, unknown> {
  if (yield "test") {
    return "then";
  } else if (yield "else-if") {
    return "else-if";
  }
  return "else";
}

function* yieldInReturn(): Generator<number, unknown, unknown> {
  return yield 1;
}

function* yieldInMemberObject(): Generator<unknown, unknown, unknown> {
  const obj = { prop: "p", nested: { deep: 5 } };
  const a = ((yield obj) as typeof obj).prop;
  const b = ((yield obj.nested) as { deep: number }).deep;
  return [a, b];
}

function* yieldInCallee(): Generator<unknown, unknown, unknown> {
  const double = (n: number) => n * 2;
  const f = (yield double) as (n: number) => number;
  return f(21);
}

class Box {
  constructor(public value: unknown) {}
}

function* yieldInNewArgs(): Generator<number, unknown, unknown> {
  const b = new Box(yield 1);
  const c = new ((yield 2) as typeof Box)(yield 3);
  return [b.value, c instanceof Box, c.value];
}

function* yieldInClassHeritage(): Generator<string, unknown, unknown> {
  const Base = (yield "base?") as new () => object;
  class Derived extends (Base ?? Object) {
    tag = "derived";
  }
  const d = new Derived();
  return [d instanceof Derived, (d as { tag: string }).tag];
}

function* yieldInComputedClassMember(): Generator<string, unknown, unknown> {
  const name = yield "method name?";
  class C {
    [name as string]() {
      return "called";
    }
  }
  return (new C() as unknown as Record<string, () => string>)[name as string]!();
}

function* yieldInSequence(): Generator<number, number, unknown> {
  let x = 0;
  const y = (x++, yield x, x++, yield x, x * 10);
  return y;
}

function* yieldInConditional(): Generator<string, unknown, unknown> {
  const a = (yield "cond") ? yield "then" : yield "else";
  const b = (yield "cond2") ? "t" : "f";
  return [a, b];
}

function* yieldInUnary(): Generator<string, unknown[], unknown> {
  const obj: Record<string, number> = { a: 1, b: 2 };
  return [typeof (yield "typeof"), void (yield "void"), !(yield "not"), -((yield "neg") as number), +((yield "plus") as number), ~((yield "bitnot") as number), delete obj[(yield "delete") as string], Object.keys(obj)];
}

function* yieldInArgumentsOfBuiltins(): Generator<number, unknown, unknown> {
  const max = Math.max((yield 1) as number, (yield 2) as number, (yield 3) as number);
  const joined = [yield 4, yield 5].join("+");
  return `${max}|${joined}`;
}

function* yieldInArrowBodyIsNotAYield(): Generator<number, unknown, unknown> {
  const values: number[] = [];
  const add = (n: number) => values.push(n * 2);
  add((yield 1) as number);
  add((yield 2) as number);
  return values;
}

function* yieldInWhileTest(): Generator<string, number, unknown> {
  let n = 0;
  while (yield `again? ${n}`) n++;
  return n;
}

function* yieldInIndex(): Generator<unknown, unknown, unknown> {
  const arr = ["zero", "one", "two"];
  const a = arr[(yield "index?") as number];
  arr[(yield "write index?") as number] = (yield "write value?") as string;
  return [a, arr];
}

function* yieldStarAsExpression(): Generator<number, unknown, unknown> {
  function* inner(): Generator<number, string, unknown> {
    yield 1;
    return "inner-done";
  }
  const r = (yield* inner()) + "!";
  return r;
}

export const cases: GenCase[] = [
  { name: "yield as statement", make: () => yieldAsStatement() },
  { name: "yield value assigned", make: () => yieldValueAssigned(), sends: [0, "A", "B"] },
  { name: "yield in array literal", make: () => yieldInArrayLiteral(), sends: [0, "x", "y", "z"] },
  { name: "yield in object literal values and computed keys", make: () => yieldInObjectLiteral(), sends: [0, 1, 2, "ck", "cv", 3] },
  { name: "yield in binary operands (left to right)", make: () => yieldInBinary(), sends: [0, 2, 3, 4, 5] },
  { name: "nested yield yield yield", make: () => nestedYield(), sends: [0, "s1", "s2", "s3"] },
  { name: "yield in if/else-if tests (then)", make: () => yieldInIfTest(), sends: [0, true] },
  { name: "yield in if/else-if tests (else-if)", make: () => yieldInIfTest(), sends: [0, 0, "yes"] },
  { name: "yield in if/else-if tests (else)", make: () => yieldInIfTest(), sends: [0, null, ""] },
  { name: "return yield", make: () => yieldInReturn(), sends: [0, "back"] },
  { name: "yield in member object", make: () => yieldInMemberObject(), sends: [0, { prop: "sent" }, { deep: 9 }] },
  { name: "yield in callee position", make: () => yieldInCallee(), sends: [0, (n: number) => n + 1] },
  { name: "yield in new callee and arguments", make: () => yieldInNewArgs(), sends: [0, "first", Box, "third"] },
  { name: "yield in class heritage", make: () => yieldInClassHeritage(), sends: [0, undefined] },
  { name: "yield in computed class member key", make: () => yieldInComputedClassMember(), sends: [0, "dyn"] },
  { name: "yield in sequence expression", make: () => yieldInSequence() },
  { name: "yield in conditional expression", make: () => yieldInConditional(), sends: [0, 1, "T", 0] },
  { name: "yield in unary operators", make: () => yieldInUnary(), sends: [0, 5, 6, 0, "7", "8", 9, "a"] },
  { name: "yield in arguments of builtins", make: () => yieldInArgumentsOfBuiltins(), sends: [0, 3, 9, 4, "p", "q"] },
  { name: "yield value passed to a closure", make: () => yieldInArrowBodyIsNotAYield(), sends: [0, 4, 5] },
  { name: "yield in while test", make: () => yieldInWhileTest(), sends: [0, true, 1, "x", false] },
  { name: "yield in computed member read and write", make: () => yieldInIndex(), sends: [0, 2, 0, "ZERO"] },
  { name: "yield* as an operand", make: () => yieldStarAsExpression(), log },
];
