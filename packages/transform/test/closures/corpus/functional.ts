// IIFEs, currying, composition, memoization caches, partial application.
import type { ClosureCase } from "../case.js";

const counterModule = () =>
  (() => {
    let count = 0;
    return { next: () => ++count };
  })();

function curry3(f: (a: number, b: number, c: number) => number) {
  return (a: number) => (b: number) => (c: number) => f(a, b, c);
}

function compose(...fns: ((x: number) => number)[]) {
  return (x: number) => fns.reduceRight((acc, f) => f(acc), x);
}

function memoize(f: (n: number) => number) {
  const cache = new Map<number, number>();
  let misses = 0;
  const memo = (n: number) => {
    if (!cache.has(n)) {
      misses++;
      cache.set(n, f(n));
    }
    return cache.get(n)!;
  };
  return { memo, misses: () => misses, size: () => cache.size };
}

function memoFib() {
  const cache: Record<number, number> = {};
  const fib = (n: number): number => (n < 2 ? n : (cache[n] ??= fib(n - 1) + fib(n - 2)));
  return fib;
}

function partial(f: (...args: number[]) => number, ...bound: number[]) {
  return (...rest: number[]) => f(...bound, ...rest);
}

function once<T>(f: () => T) {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      done = true;
      value = f();
    }
    return value;
  };
}

function iifeInLoop() {
  const fns: (() => number)[] = [];
  for (var i = 0; i < 3; i++) fns.push(((j) => () => j * j)(i));
  return fns;
}

function debounceLike() {
  let last: string | undefined;
  let count = 0;
  return {
    call: (value: string) => {
      if (value !== last) count++;
      last = value;
      return count;
    },
  };
}

function pipeline() {
  const add = (n: number) => (x: number) => x + n;
  const mul = (n: number) => (x: number) => x * n;
  return compose(add(1), mul(10), add(2));
}

export const cases: ClosureCase[] = [
  { name: "IIFE module pattern", make: counterModule, use: (m) => [m.next(), m.next()] },
  { name: "curried", make: () => curry3((a, b, c) => a * 100 + b * 10 + c)(1)(2), use: (f) => [f(3), f(4)] },
  { name: "compose", make: pipeline, use: (f) => [f(0), f(5)] },
  { name: "memoize with a Map cache", make: () => memoize((n) => n * n), use: (m) => [m.memo(3), m.memo(3), m.memo(4), m.misses(), m.size()] },
  { name: "memoized fib with ??=", make: memoFib, use: (fib) => [fib(30), fib(40)] },
  { name: "partial application", make: () => partial((a, b, c) => a - b - c, 100, 1), use: (f) => [f(2), f(3)] },
  { name: "once", make: () => once(() => ({ made: Math.floor(42.5) })), use: (f) => [f(), f() === f()] },
  { name: "IIFE per iteration", make: iifeInLoop, use: (fns) => fns.map((f: () => number) => f()) },
  { name: "debounce-like state", make: debounceLike, use: (d) => [d.call("a"), d.call("a"), d.call("b"), d.call("a")] },
];
