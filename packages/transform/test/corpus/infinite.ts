// Infinite generators, driven for a bounded number of steps.
import type { GenCase } from "../support/case.js";

const log: unknown[] = [];

function* naturals(): Generator<number, never, unknown> {
  let n = 0;
  while (true) yield n++;
}

function* fibonacci(): Generator<number, never, unknown> {
  let [a, b] = [0, 1];
  for (;;) {
    yield a;
    [a, b] = [b, a + b];
  }
}

function* cycle<T>(items: T[]): Generator<T, never, unknown> {
  for (;;) yield* items;
}

function* withFinally(): Generator<number, never, unknown> {
  let i = 0;
  try {
    for (;;) yield i++;
  } finally {
    log.push(`closed after ${i}`);
  }
}

function* accumulator(): Generator<number, never, unknown> {
  let total = 0;
  while (true) {
    const sent = yield total;
    if (typeof sent === "number") total += sent;
  }
}

function* take<T>(n: number, source: Iterator<T>): Generator<T, void, unknown> {
  for (let i = 0; i < n; i++) {
    const r = source.next();
    if (r.done) return;
    yield r.value;
  }
}

function* mapInfinite(): Generator<string, never, unknown> {
  const source = naturals();
  while (true) {
    const { value } = source.next();
    yield `#${value * value}`;
  }
}

function* primes(): Generator<number, never, unknown> {
  const found: number[] = [];
  for (let candidate = 2; ; candidate++) {
    if (found.every((p) => candidate % p !== 0)) {
      found.push(candidate);
      yield candidate;
    }
  }
}

function* infiniteDelegation(): Generator<unknown, never, unknown> {
  let round = 0;
  for (;;) {
    yield `round ${round++}`;
    yield* take(2, fibonacci());
  }
}

function* collatzForever(start: number): Generator<number, never, unknown> {
  let n = start;
  for (;;) {
    yield n;
    n = n === 1 ? start + 1 : n % 2 === 0 ? n / 2 : 3 * n + 1;
    if (n === start + 1) start = n;
  }
}

function* infiniteWithCatch(): Generator<string, never, unknown> {
  let errors = 0;
  for (;;) {
    try {
      yield `errors so far ${errors}`;
    } catch {
      errors++;
    }
  }
}

export const cases: GenCase[] = [
  { name: "naturals", make: () => naturals() },
  { name: "fibonacci", make: () => fibonacci(), maxSteps: 30 },
  { name: "cycle through an array", make: () => cycle(["r", "g", "b"]), maxSteps: 10 },
  { name: "infinite with finally (closed by return)", make: () => withFinally(), maxSteps: 8, log },
  { name: "accumulator steered by sends", make: () => accumulator(), sends: [0, 1, 2, 3, "x", 10], maxSteps: 8 },
  { name: "take from an infinite generator", make: () => take(5, naturals()) },
  { name: "map over an infinite generator", make: () => mapInfinite(), maxSteps: 12 },
  { name: "primes", make: () => primes(), maxSteps: 15 },
  { name: "infinite loop delegating each round", make: () => infiniteDelegation(), maxSteps: 12 },
  { name: "collatz forever", make: () => collatzForever(3), maxSteps: 25 },
  { name: "infinite generator that survives throw()", make: () => infiniteWithCatch(), maxSteps: 6 },
];
