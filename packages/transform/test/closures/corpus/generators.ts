// Closures created inside generator bodies that capture the generator's locals, and generator
// functions that are themselves closures.
import type { ClosureCase } from "../case.js";

function* yieldsClosures(n: number) {
  let total = 0;
  for (let i = 0; i < n; i++) {
    yield () => {
      total += i;
      return total;
    };
  }
}

function takeAll<T>(it: Iterator<T>): T[] {
  const out: T[] = [];
  for (let r = it.next(); !r.done; r = it.next()) out.push(r.value);
  return out;
}

function* closureSeesLaterWrites() {
  let value = "first";
  const read = () => value;
  yield read;
  value = "second";
  yield read;
}

function makeGeneratorFactory(step: number) {
  return function* counter(limit: number) {
    for (let i = 0; i < limit; i += step) yield i;
  };
}

function makeGeneratorArrowUser(prefix: string) {
  function* labels(names: string[]) {
    yield* names.map((n) => `${prefix}${n}`);
  }
  return labels;
}

function* argumentsAndThis(this: { tag: string }, ..._rest: number[]) {
  yield () => `${this.tag}:${arguments.length}`;
}

function* catchParamClosure() {
  try {
    throw new Error("boom");
  } catch (e) {
    yield () => (e as Error).message;
  }
}

function* nestedLoopClosures() {
  for (let i = 0; i < 2; i++) {
    const row = `r${i}`;
    for (let j = 0; j < 2; j++) yield () => `${row}c${j}`;
  }
}

const sharedAcrossYields = () => {
  const gen = closureSeesLaterWrites();
  const first = gen.next().value as () => string;
  return { first, advance: () => gen.next().value };
};

export const cases: ClosureCase[] = [
  { name: "per-iteration closures sharing a generator local", make: () => takeAll(yieldsClosures(3)), use: (fns) => fns.map((f: () => number) => f()) },
  {
    name: "closure over a generator local, read after the generator wrote",
    make: sharedAcrossYields,
    use: (m) => [m.first(), typeof m.advance(), m.first()],
  },
  { name: "generator function as a closure", make: () => makeGeneratorFactory(2), use: (g) => [takeAll(g(7)), g.name] },
  { name: "nested generator using an arrow over a captured param", make: () => makeGeneratorArrowUser("#"), use: (g) => takeAll(g(["a", "b"])) },
  {
    name: "arrow in a generator sees its this and arguments",
    make: () => takeAll(argumentsAndThis.call({ tag: "T" }, 1, 2, 3)),
    use: ([f]) => f(),
  },
  { name: "closure over a catch parameter", make: () => takeAll(catchParamClosure()), use: ([f]) => f() },
  { name: "nested loops in a generator", make: () => takeAll(nestedLoopClosures()), use: (fns) => fns.map((f: () => string) => f()) },
];
