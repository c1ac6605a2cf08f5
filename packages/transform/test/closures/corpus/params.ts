// Default, rest and destructured parameters; .length and .name of the closures.
import type { ClosureCase } from "../case.js";

function withDefaults(base: number) {
  return (a: number, b = base, c = a + b) => [a, b, c];
}

function withRest(prefix: string) {
  return (first: string, ...rest: string[]) => `${prefix}${first}[${rest.join(",")}]`;
}

function withDestructuring(scale: number) {
  return ({ x, y = 2 }: { x: number; y?: number }, [p, , q = 9]: number[] = []) => (x + y) * scale + p + q;
}

function defaultCallsOuter() {
  let calls = 0;
  const next = () => ++calls;
  return (id = next()) => id;
}

function restArgumentsLength() {
  return (...args: unknown[]) => args.length;
}

function describeShape() {
  const fns = {
    arrow: (a: number, b: number) => a + b,
    withDefault: (a: number, b = 1) => a + b,
    rest: (a: number, ...more: number[]) => a + more.length,
    fn: function (x: unknown) {
      return x;
    },
    named: function inner() {
      return 1;
    },
    method(a: number) {
      return a;
    },
  };
  return fns;
}

function capturedParams(a: number, { b }: { b: number }, ...c: number[]) {
  return () => {
    a++;
    return [a, b, c];
  };
}

function shadowedParam(x: number) {
  const f = (x: number) => x * 2;
  const g = () => x;
  return [f, g];
}

export const cases: ClosureCase[] = [
  { name: "defaults referring to captured and earlier params", make: () => withDefaults(10), use: (f) => [f(1), f(1, 2), f(1, 2, 3), f.length] },
  { name: "rest parameters", make: () => withRest(">"), use: (f) => [f("a"), f("a", "b", "c"), f.length] },
  { name: "destructured parameters with defaults", make: () => withDestructuring(2), use: (f) => [f({ x: 1 }), f({ x: 1, y: 5 }, [3, 0, 4]), f.length] },
  { name: "default calls a captured closure", make: defaultCallsOuter, use: (f) => [f(), f(), f(50), f()] },
  { name: "rest length", make: restArgumentsLength, use: (f) => [f(), f(1, 2, 3), f.length] },
  {
    name: "names and lengths",
    make: () => Object.values(describeShape()),
    use: (fns) => fns.map((f: Function) => [f.name, f.length]),
  },
  { name: "captured params and rest", make: () => capturedParams(1, { b: 2 }, 3, 4), use: (f) => [f(), f()] },
  { name: "shadowed parameter", make: () => shadowedParam(7), use: ([f, g]) => [f(3), g()] },
];
