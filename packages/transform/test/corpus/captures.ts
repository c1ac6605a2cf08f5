// Harder captures: per-iteration copies with continue, captures in switch cases and catch clauses,
// named generator expressions, closures that outlive their generator, block functions in loops.
import type { GenCase } from "../support/case.js";

const log: unknown[] = [];
let escaped: (() => unknown)[] = [];

function* perIterationCopyOnContinue(): Generator<number, unknown, unknown> {
  const fns: (() => number)[] = [];
  for (let i = 0; i < 5; i++) {
    fns.push(() => i);
    if (i % 2 === 1) continue;
    yield i;
  }
  return fns.map((f) => f());
}

function* captureInSwitchCase(n: number): Generator<unknown, unknown, unknown> {
  const fns: (() => unknown)[] = [];
  switch (n) {
    case 1: {
      let v = "case 1";
      fns.push(() => v);
      yield "in case 1";
      v = "case 1 changed";
    }
    // falls through
    case 2: {
      const v = "case 2";
      fns.push(() => v);
      yield "in case 2";
    }
  }
  return fns.map((f) => f());
}

function* captureInTwoCatchClauses(): Generator<unknown, unknown, unknown> {
  const fns: (() => unknown)[] = [];
  try {
    throw "first";
  } catch (e) {
    fns.push(() => e);
    yield "caught first";
  }
  try {
    throw "second";
  } catch (e) {
    fns.push(() => e);
    yield "caught second";
  }
  return fns.map((f) => f());
}

const namedExpression = function* countdown(n: number): Generator<unknown, void, unknown> {
  yield countdown.name;
  if (n > 0) yield* countdown(n - 1);
  yield n;
};

function* closureOutlivesGenerator(): Generator<unknown, unknown, unknown> {
  let state = (yield "initial?") as string;
  escaped.push(() => state);
  escaped.push(() => (state = `${state}!`));
  return "done";
}

function* blockFunctionsInLoop(): Generator<unknown, unknown, unknown> {
  const fns: (() => unknown)[] = [];
  for (let i = 0; i < 3; i++) {
    function show() {
      return `show ${i}`;
    }
    fns.push(show);
    yield i;
  }
  return [fns.map((f) => f()), fns[0] === fns[1]];
}

function* capturedDestructuredParameter({ a, b }: { a: number; b: number }, [c]: number[]): Generator<unknown, unknown, unknown> {
  const sum = () => a + b + c;
  yield sum();
  a = (yield "new a?") as number;
  return sum();
}

function* laterDeclarationCapturedEarly(): Generator<unknown, unknown, unknown> {
  const read = () => later;
  yield "before declaration";
  const later = (yield "later?") as string;
  return read();
}

function* letChainAcrossYields(): Generator<number, unknown, unknown> {
  let a = (yield 1) as number,
    b = a + ((yield 2) as number);
  const f = () => [a, b];
  a++;
  return f();
}

function* catchParamDefaultWithYield(): Generator<unknown, unknown, unknown> {
  try {
    throw {};
  } catch ({ code = yield "code default?" }: any) {
    const f = () => code;
    yield f();
    return f();
  }
}

function* forOfLetDestructuringDefaultYield(): Generator<unknown, unknown, unknown> {
  const fns: (() => unknown)[] = [];
  for (let [a, b = yield `default for ${a}`] of [[1], [2, "given"], [3]] as unknown[][]) {
    fns.push(() => [a, b]);
  }
  return fns.map((f) => f());
}

function* closureOverLoopVariableSurvivesReturnInjection(): Generator<unknown, unknown, unknown> {
  for (let i = 0; i < 3; i++) {
    try {
      yield i;
    } finally {
      escaped.push(() => `finally saw ${i}`);
    }
  }
  return "complete";
}

function* innerGeneratorsShareOuterScope(): Generator<unknown, unknown, unknown> {
  let shared = 0;
  function* bump(label: string): Generator<string, number, unknown> {
    shared++;
    yield `${label} ${shared}`;
    shared += 10;
    return shared;
  }
  const a = bump("a");
  const b = bump("b");
  yield a.next().value;
  yield b.next().value;
  yield a.next().value;
  const fromB = yield* b;
  return [shared, fromB];
}

function* arrowCapturesLoopVarAndThis(this: { tag: string }): Generator<unknown, unknown, unknown> {
  const fns: (() => unknown)[] = [];
  for (const x of ["p", "q"]) {
    fns.push(() => `${this.tag}:${x}`);
    yield x;
  }
  return fns.map((f) => f());
}

function* debuggerStatementIsHarmless(): Generator<number, void, unknown> {
  // eslint-disable-next-line no-debugger
  debugger;
  yield 1;
}

function withEscaped(make: () => Iterator<unknown, unknown, unknown>): () => Iterator<unknown, unknown, unknown> {
  return () => {
    escaped = [];
    const inner = make();
    // After the generator finishes, call the escaped closures and append their results.
    let finished = false;
    return {
      next(v?: unknown) {
        if (finished) return { value: escaped.map((f) => f()), done: true };
        const r = inner.next(v);
        if (r.done) {
          finished = true;
          return { value: [r.value, escaped.map((f) => f()), escaped.map((f) => f())], done: true };
        }
        return r;
      },
      return(v?: unknown) {
        const r = inner.return!(v);
        if (r.done) finished = true;
        return r.done ? { value: [r.value, escaped.map((f) => f())], done: true } : r;
      },
      throw(e?: unknown) {
        const r = inner.throw!(e);
        if (r.done) finished = true;
        return r;
      },
    };
  };
}

export const cases: GenCase[] = [
  { name: "per-iteration copy on continue", make: () => perIterationCopyOnContinue() },
  { name: "captures in switch case blocks with fallthrough", make: () => captureInSwitchCase(1) },
  { name: "captures in two catch clauses with the same name", make: () => captureInTwoCatchClauses() },
  { name: "named generator expression refers to itself", make: () => namedExpression(2) },
  { name: "closures outlive their generator", make: withEscaped(() => closureOutlivesGenerator()), sends: [0, "s"] },
  { name: "block function declarations in a loop", make: () => blockFunctionsInLoop() },
  { name: "captured destructured parameters", make: () => capturedDestructuredParameter({ a: 1, b: 2 }, [3]), sends: [0, 0, 100] },
  { name: "closure reads a const declared after it", make: () => laterDeclarationCapturedEarly(), sends: [0, 0, "L"] },
  { name: "let chain across yields captured", make: () => letChainAcrossYields(), sends: [0, 5, 6] },
  { name: "catch parameter default with yield, captured", make: () => catchParamDefaultWithYield(), sends: [0, "C"] },
  { name: "for-of let destructuring default with yield, captured", make: () => forOfLetDestructuringDefaultYield(), sends: [0, "d1", "d3"] },
  { name: "closures made in finally blocks", make: withEscaped(() => closureOverLoopVariableSurvivesReturnInjection()) },
  { name: "inner generators share an outer scope", make: () => innerGeneratorsShareOuterScope() },
  { name: "arrow captures loop variable and this", make: () => arrowCapturesLoopVarAndThis.call({ tag: "T" }) },
  { name: "debugger statement", make: () => debuggerStatementIsHarmless() },
];
