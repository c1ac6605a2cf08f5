// Recursive closures: named function expressions, captured const arrows, mutual recursion.
import type { ClosureCase } from "../case.js";

function makeFactorial() {
  const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));
  return fact;
}

function makeNamedExpression() {
  return function walk(n: number): number[] {
    return n === 0 ? [0] : [n, ...walk(n - 1)];
  };
}

function makeMutual() {
  function isEven(n: number): boolean {
    return n === 0 ? true : isOdd(n - 1);
  }
  function isOdd(n: number): boolean {
    return n === 0 ? false : isEven(n - 1);
  }
  return { isEven, isOdd };
}

function makeFib() {
  let calls = 0;
  function fib(n: number): number {
    calls++;
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
  }
  return { fib, calls: () => calls };
}

function makeTreeSum() {
  type Tree = { value: number; children: Tree[] };
  const sum = (t: Tree): number => t.value + t.children.map(sum).reduce((a, b) => a + b, 0);
  return sum;
}

function makeReassigned() {
  let step = (n: number): number => (n > 0 ? step(n - 1) + 1 : 0);
  const original = step;
  step = (n: number) => n * 1000;
  return { original, step: () => step };
}

function makeSelfReferencingTimer() {
  const ticks: number[] = [];
  const tick = (n: number): Promise<number[]> =>
    n === 0 ? Promise.resolve(ticks) : new Promise((resolve) => setTimeout(() => { ticks.push(n); resolve(tick(n - 1)); }, 0));
  return tick;
}

function makeYCombinator() {
  const Y = (f: (g: (n: number) => number) => (n: number) => number) => {
    const g = (x: any): ((n: number) => number) => f((n) => x(x)(n));
    return g(g);
  };
  return Y((self) => (n) => (n <= 1 ? 1 : n * self(n - 1)));
}

export const cases: ClosureCase[] = [
  { name: "factorial arrow refers to its const", make: makeFactorial, use: (f) => [f(5), f(10)] },
  { name: "named function expression recursion", make: makeNamedExpression, use: (f) => f(4) },
  { name: "mutual recursion of declarations", make: makeMutual, use: (m) => [m.isEven(10), m.isOdd(7), m.isEven(3)] },
  { name: "recursive declaration counting calls", make: makeFib, use: (m) => [m.fib(10), m.calls()] },
  { name: "recursion through map", make: makeTreeSum, use: (sum) => sum({ value: 1, children: [{ value: 2, children: [] }, { value: 3, children: [{ value: 4, children: [] }] }] }) },
  { name: "reassigned recursive binding", make: makeReassigned, use: (m) => [m.original(3), m.step()(3)] },
  { name: "recursion through setTimeout", make: makeSelfReferencingTimer, use: (tick) => tick(3) },
  { name: "Y combinator", make: makeYCombinator, use: (fact) => [fact(5), fact(6)] },
];
