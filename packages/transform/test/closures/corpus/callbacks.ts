// Closures given to native code (Array.prototype.map, sort, setTimeout, Promise, EventEmitter),
// before and after being rebuilt.
import { EventEmitter } from "node:events";
import type { ClosureCase } from "../case.js";

function scaler(factor: number) {
  return (x: number) => x * factor;
}

function collector() {
  const seen: string[] = [];
  return {
    push: (value: string) => seen.push(value),
    seen: () => seen.join(","),
  };
}

function comparatorBy(key: string) {
  return (a: Record<string, number>, b: Record<string, number>) => a[key]! - b[key]!;
}

function delayed(label: string) {
  let fired = 0;
  return () => new Promise<string>((resolve) => setTimeout(() => resolve(`${label}#${++fired}`), 1));
}

function emitterListener() {
  let total = 0;
  const listener = (n: number) => {
    total += n;
  };
  return { listener, total: () => total };
}

function promiseChain(start: number) {
  return (steps: number) => {
    let p = Promise.resolve(start);
    for (let i = 0; i < steps; i++) p = p.then((v) => v * 2 + i);
    return p;
  };
}

function reducer() {
  let calls = 0;
  return {
    add: (acc: number, x: number) => {
      calls++;
      return acc + x;
    },
    calls: () => calls,
  };
}

function filterAbove(limit: number) {
  return (x: number) => x > limit;
}

function queueMicrotaskCounter() {
  const order: string[] = [];
  const task = (name: string) => () => order.push(name);
  return { task, order: () => order.slice() };
}

export const cases: ClosureCase[] = [
  { name: "map with a captured factor", make: () => scaler(3), use: (f) => [1, 2, 3].map(f) },
  { name: "forEach pushes into a captured array", make: collector, use: (c) => (["x", "y"].forEach(c.push), c.seen()) },
  { name: "sort with a comparator", make: () => comparatorBy("age"), use: (cmp) => [{ age: 3 }, { age: 1 }, { age: 2 }].sort(cmp) },
  { name: "setTimeout resolves through the closure", make: () => delayed("t"), use: async (f) => [await f(), await f()] },
  {
    name: "EventEmitter listener",
    make: emitterListener,
    use: (m) => {
      const emitter = new EventEmitter();
      emitter.on("data", m.listener);
      emitter.emit("data", 2);
      emitter.emit("data", 5);
      emitter.off("data", m.listener);
      emitter.emit("data", 100);
      return m.total();
    },
  },
  { name: "promise chain with per-iteration i", make: () => promiseChain(1), use: (f) => f(3) },
  { name: "reduce with a counting reducer", make: reducer, use: (r) => [[1, 2, 3, 4].reduce(r.add, 0), r.calls()] },
  { name: "filter with a captured limit", make: () => filterAbove(2), use: (f) => [1, 2, 3, 4].filter(f) },
  {
    name: "queueMicrotask callbacks made by a closure",
    make: queueMicrotaskCounter,
    use: async (m) => {
      queueMicrotask(m.task("a"));
      queueMicrotask(m.task("b"));
      await Promise.resolve();
      await Promise.resolve();
      return m.order();
    },
  },
];
