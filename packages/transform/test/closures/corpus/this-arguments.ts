// Closures capturing `this`, `arguments` and `new.target` of their enclosing function.
import type { ClosureCase } from "../case.js";

function Widget(this: any, name: string) {
  this.name = name;
  this.clicks = 0;
  this.onClick = () => {
    this.clicks++;
    return `${this.name}:${this.clicks}`;
  };
}

function methodReturningArrow() {
  const obj = {
    label: "box",
    describe() {
      return (suffix: string) => `${this.label}-${suffix}`;
    },
  };
  return obj.describe();
}

function capturesArguments(..._ignored: unknown[]) {
  // eslint-disable-next-line prefer-rest-params
  return () => Array.from(arguments).join("+");
}

function argumentsLength(a?: unknown, b?: unknown) {
  return () => arguments.length + (a === undefined ? 0 : 10) + (b === undefined ? 0 : 100);
}

function nestedArrowsSeeOuterThis(this: { k: number }) {
  return () => () => () => this.k * 2;
}

function capturesNewTarget(this: any) {
  const check = () => (new.target === undefined ? "call" : "new");
  this.check = check;
  return check;
}

function thisInsideFunctionExpression() {
  return function (this: { v: number } | undefined) {
    return this === undefined ? "undefined" : this.v;
  };
}

function mixedThisAndVars(this: { base: number }, factor: number) {
  let calls = 0;
  return (x: number) => {
    calls++;
    return this.base + x * factor + calls;
  };
}

function arrowInsideArrowInMethod() {
  const counter = {
    n: 0,
    makeIncrementers() {
      return [1, 2].map((step) => () => (this.n += step));
    },
  };
  const [a, b] = counter.makeIncrementers();
  return { a, b, n: () => counter.n };
}

export const cases: ClosureCase[] = [
  {
    name: "constructor arrow captures this",
    make: () => new (Widget as any)("ok").onClick,
    use: (click) => [click(), click(), click()],
  },
  { name: "method arrow captures this", make: methodReturningArrow, use: (f) => [f("a"), f("b")] },
  { name: "arrow captures arguments", make: () => capturesArguments(1, "two", 3), use: (f) => f() },
  { name: "arguments.length and params", make: () => argumentsLength(1), use: (f) => f() },
  { name: "three nested arrows see the outer this", make: () => nestedArrowsSeeOuterThis.call({ k: 21 }), use: (f) => f()()() },
  { name: "new.target seen from an arrow (new)", make: () => new (capturesNewTarget as any)().check, use: (f) => f() },
  { name: "new.target seen from an arrow (call)", make: () => capturesNewTarget.call({}), use: (f) => f() },
  {
    name: "function expression keeps its own this",
    make: thisInsideFunctionExpression,
    use: (f) => [f.call({ v: 7 }), f(), f.call({ v: 8 })],
  },
  { name: "this and a counter", make: () => mixedThisAndVars.call({ base: 100 }, 3), use: (f) => [f(1), f(2)] },
  { name: "arrows made in map inside a method", make: arrowInsideArrowInMethod, use: (m) => [m.a(), m.b(), m.a(), m.n()] },
];
