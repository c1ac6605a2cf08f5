// Closures inside generators: per-iteration let, shared captured variables, closures created
// before a yield and called after it, nested generator functions.
import type { GenCase } from "../support/case.js";

function* perIterationLet(): Generator<number, unknown, unknown> {
  const fns: (() => number)[] = [];
  for (let i = 0; i < 3; i++) {
    fns.push(() => i);
    yield i;
  }
  return fns.map((f) => f());
}

function* varIsShared(): Generator<number, unknown, unknown> {
  const fns: (() => number)[] = [];
  for (var i = 0; i < 3; i++) {
    fns.push(() => i);
    yield i;
  }
  return fns.map((f) => f());
}

function* perIterationCopyCarriesBodyMutations(): Generator<number, unknown, unknown> {
  const fns: (() => number)[] = [];
  for (let i = 0; i < 6; i++) {
    fns.push(() => i);
    if (i % 2 === 0) i++;
    yield i;
  }
  return fns.map((f) => f());
}

function* closureInForInitSeesInitialCopy(): Generator<number, unknown, unknown> {
  const seen: number[] = [];
  for (let i = 0, first = () => i; i < 3; i++) {
    seen.push(first());
    yield i;
  }
  return seen;
}

function* forOfConstPerIteration(): Generator<string, unknown, unknown> {
  const fns: (() => string)[] = [];
  for (const s of ["a", "b", "c"]) {
    yield s;
    fns.push(() => s);
  }
  return fns.map((f) => f());
}

function* forInPerIteration(): Generator<string, unknown, unknown> {
  const fns: (() => string)[] = [];
  for (const k in { x: 1, y: 2 }) {
    fns.push(() => k);
    yield k;
  }
  return fns.map((f) => f());
}

function* whileBodyLetPerIteration(): Generator<number, unknown, unknown> {
  const fns: (() => number)[] = [];
  let n = 0;
  while (n < 3) {
    const captured = n * 10;
    let mutable = captured;
    fns.push(() => captured + mutable);
    yield n++;
    mutable++;
  }
  return fns.map((f) => f());
}

function* closureMutatesGeneratorLocal(): Generator<number, unknown, unknown> {
  let count = 0;
  const inc = () => ++count;
  yield count;
  inc();
  yield count;
  inc();
  inc();
  return count;
}

function* generatorSeesClosureWritesDuringSuspension(): Generator<unknown, unknown, unknown> {
  let value = "initial";
  const setter = (v: string) => {
    value = v;
  };
  yield setter;
  yield value;
  setter("set inside");
  return value;
}

function* twoClosuresShareOneVariable(): Generator<unknown, unknown, unknown> {
  let shared = 0;
  const add = (n: number) => (shared += n);
  const read = () => shared;
  add((yield "n?") as number);
  yield read();
  add((yield "n?") as number);
  return [read(), shared];
}

function* innerGeneratorCapturesOuterLocal(): Generator<unknown, unknown, unknown> {
  let base = 100;
  function* inner(): Generator<number, void, unknown> {
    yield base;
    base++;
    yield base;
  }
  const it = inner();
  yield it.next().value;
  base = 200;
  yield it.next().value;
  return base;
}

function* closureCapturesParameter(x: number): Generator<number, unknown, unknown> {
  const getX = () => x;
  yield getX();
  x = (yield x * 2) as number;
  return getX();
}

function counterFactory(): () => Generator<number, void, unknown> {
  let n = 0;
  return function* () {
    while (n < 3) yield n++;
  };
}

function* closureMadeInsideLoopWithYieldInBetween(): Generator<unknown, unknown, unknown> {
  const readers: (() => unknown)[] = [];
  for (let i = 0; i < 2; i++) {
    let local = `before-${i}`;
    readers.push(() => local);
    local = (yield `set local ${i}?`) as string;
  }
  return readers.map((r) => r());
}

function* blockClosuresInNestedBlocks(): Generator<unknown, unknown, unknown> {
  const fns: (() => unknown)[] = [];
  {
    const a = "block a";
    fns.push(() => a);
    yield 1;
    {
      const a = "inner a";
      fns.push(() => a);
      yield 2;
    }
  }
  return fns.map((f) => f());
}

function* generatorsMadeInABracelessLoopBody(): Generator<unknown, unknown, unknown> {
  const made: (() => Generator<number>)[] = [];
  for (const i of [1, 2, 3]) made.push(function* () { yield i * 10; });
  yield made.length;
  return made.map((g) => [...g()]);
}

export const cases: GenCase[] = [
  { name: "generators made in a braceless loop body capture the loop variable", make: () => generatorsMadeInABracelessLoopBody() },
  { name: "per-iteration let captured by closures (0,1,2 not 3,3,3)", make: () => perIterationLet() },
  { name: "var loop variable is shared (3,3,3)", make: () => varIsShared() },
  { name: "per-iteration copy carries body mutations", make: () => perIterationCopyCarriesBodyMutations() },
  { name: "closure in for init sees the initial copy", make: () => closureInForInitSeesInitialCopy() },
  { name: "for-of const per iteration", make: () => forOfConstPerIteration() },
  { name: "for-in const per iteration", make: () => forInPerIteration() },
  { name: "let in while body per iteration, mutated after yield", make: () => whileBodyLetPerIteration() },
  { name: "closure mutates a generator local", make: () => closureMutatesGeneratorLocal() },
  { name: "generator sees closure writes", make: () => generatorSeesClosureWritesDuringSuspension() },
  { name: "two closures share one variable", make: () => twoClosuresShareOneVariable(), sends: [0, 5, 7] },
  { name: "inner generator captures outer local", make: () => innerGeneratorCapturesOuterLocal() },
  { name: "closure captures a reassigned parameter", make: () => closureCapturesParameter(4), sends: [0, 0, 99] },
  { name: "generator function returned from a factory shares its counter", make: () => counterFactory()() },
  { name: "closure sees a local assigned after the yield", make: () => closureMadeInsideLoopWithYieldInBetween(), sends: [0, "A", "B"] },
  { name: "closures in nested blocks with shadowing", make: () => blockClosuresInNestedBlocks() },
];
