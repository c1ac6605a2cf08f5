// Less common places for a yield: computed keys of object methods and accessors, tags, loop heads
// and loop assignment targets, import(), class expression heritage, super[...], optional calls
// (keeping `this`), #private in, logical/exponent assignment, labels around if/else.
import type { GenCase } from "../support/case.js";

function* objectMethodComputedKey(): Generator<string, unknown, unknown> {
  const o = {
    [(yield "method key?") as string]() {
      return "method";
    },
    get [(yield "getter key?") as string]() {
      return "getter";
    },
  } as Record<string, unknown>;
  return [Object.keys(o), (o.m as () => string)(), o.g];
}

function* tagFromYield(): Generator<string, unknown, unknown> {
  const tag = (yield "tag?") as (s: TemplateStringsArray, ...v: unknown[]) => unknown;
  return tag`a${2}b${yield "value?"}c`;
}

function* loopRightSidesFromYield(): Generator<string, unknown, unknown> {
  const keys: string[] = [];
  for (const k in (yield "object?") as object) keys.push(k);
  const values: unknown[] = [];
  for (const v of (yield "iterable?") as Iterable<unknown>) values.push(v);
  return [keys, values];
}

function* loopMemberTargetsWithYield(): Generator<string, unknown, unknown> {
  const o: Record<string, unknown> = {};
  for (o[(yield "of-target key?") as string] of [1, 2]);
  for (o[(yield "in-target key?") as string] in { x: 1, y: 2 });
  return o;
}

function* dynamicImportSpecifierFromYield(): Generator<string, unknown, unknown> {
  const p = import((yield "specifier?") as string);
  p.catch(() => undefined);
  return typeof p.then;
}

function* classExpressionHeritageFromYield(): Generator<string, unknown, unknown> {
  const C = class extends ((yield "base?") as new () => { base: string }) {
    own = "own";
  };
  const c = new C();
  return [c.base, c.own, C.name];
}

const superProto = {
  hello(): string {
    return "proto hello";
  },
};

const withSuper = {
  __proto__: superProto,
  *g(): Generator<string, unknown, unknown> {
    return (super[(yield "method?") as "hello"] as () => string).call(this);
  },
};

function* optionalCallsKeepThis(): Generator<unknown, unknown, unknown> {
  const o = {
    v: 7,
    m(this: { v: number } | undefined, x?: unknown) {
      return [this?.v, x];
    },
  };
  const a = o?.m((yield "arg 1") as unknown);
  const b = ((yield "object?") as typeof o | null)?.m();
  const c = o.m?.((yield "arg 2") as unknown);
  return [a, b, c];
}

class Branded {
  #brand = true;
  *check(): Generator<string, unknown, unknown> {
    return [#brand in ((yield "object?") as object), this.#brand];
  }
}

function* assignmentOperators(): Generator<string, unknown, unknown> {
  let x = 2;
  x **= (yield "exponent?") as number;
  const o: Record<string, unknown> = { a: null, b: 0, c: 1 };
  o[(yield "??= key?") as string] ??= yield "??= value?";
  o.b ||= yield "||= value?";
  o.c &&= yield "&&= value?";
  let s = "s";
  s += `${(yield "+= template?") as string}`;
  return [x, o, s];
}

function* labelsAroundIfElse(): Generator<string, string, unknown> {
  outer: if (yield "enter?") {
    for (;;) {
      if (yield "leave?") break outer;
    }
  } else {
    return "else branch";
  }
  return "broke out of the if";
}

function* switchDefaultOnlyWithCapturedLet(): Generator<string, unknown, unknown> {
  switch (0) {
    default:
      let x = yield "x?";
      const f = () => x;
      x = `${String(x)}!`;
      return f();
  }
}

function* typeofUndeclaredGlobal(): Generator<string, void, unknown> {
  // @ts-expect-error deliberately undeclared
  yield typeof someUndeclaredGlobalName;
}

function* yieldInsideCommaInsideTemplate(): Generator<number, string, unknown> {
  return `${((yield 1), (yield 2))}`;
}

export const cases: GenCase[] = [
  { name: "computed keys of object methods and accessors", make: () => objectMethodComputedKey(), sends: [0, "m", "g"] },
  { name: "tag from a yield", make: () => tagFromYield(), sends: [0, (s: TemplateStringsArray, ...v: unknown[]) => `${s.join("|")}/${v.join(",")}`, "V"] },
  { name: "for-in and for-of right sides from yields", make: () => loopRightSidesFromYield(), sends: [0, { a: 1, b: 2 }, new Set(["s", "t"])] },
  { name: "for-in/for-of member targets with yields per iteration", make: () => loopMemberTargetsWithYield(), sends: [0, "a", "b", "c", "d"] },
  { name: "import() specifier from a yield", make: () => dynamicImportSpecifierFromYield(), sends: [0, "node:path"] },
  { name: "class expression heritage from a yield", make: () => classExpressionHeritageFromYield(), sends: [0, class { base = "base" }] },
  { name: "super[yield] in an object generator method", make: () => withSuper.g(), sends: [0, "hello"] },
  { name: "optional calls keep this", make: () => optionalCallsKeepThis(), sends: [0, "A", { v: 8, m(this: { v: number }) { return [this.v]; } }, "C"] },
  { name: "optional call on a null yielded object", make: () => optionalCallsKeepThis(), sends: [0, "A", null, "C"] },
  { name: "#private in a yielded object (branded)", make: () => new Branded().check(), sends: [0, new Branded()] },
  { name: "#private in a yielded object (plain)", make: () => new Branded().check(), sends: [0, {}] },
  { name: "exponent, logical and += assignments with yields", make: () => assignmentOperators(), sends: [0, 3, "a", "A", "B", "C", "T"] },
  { name: "labeled if/else with break from a loop", make: () => labelsAroundIfElse(), sends: [0, true, 0, 0, 1] },
  { name: "labeled if/else taking the else", make: () => labelsAroundIfElse(), sends: [0, false] },
  { name: "switch with only a default and a captured let", make: () => switchDefaultOnlyWithCapturedLet(), sends: [0, "X"] },
  { name: "typeof an undeclared global", make: () => typeofUndeclaredGlobal() },
  { name: "comma of yields inside a template", make: () => yieldInsideCommaInsideTemplate(), sends: [0, "a", "b"] },
];
