// try/catch: yields in try and catch, nesting, rethrow, catch bindings.
import type { GenCase } from "../support/case.js";

const log: unknown[] = [];

function fail(message: string): never {
  throw new Error(message);
}

function* yieldInTryAndCatch(): Generator<unknown, string, unknown> {
  try {
    yield "in try";
    fail("boom");
    yield "unreachable";
  } catch (e) {
    yield `caught ${(e as Error).message}`;
  }
  yield "after";
  return "done";
}

function* catchWithoutBinding(): Generator<string, string, unknown> {
  try {
    yield "try";
    fail("x");
  } catch {
    yield "caught without binding";
  }
  return "end";
}

function* nestedTryRethrow(): Generator<string, string, unknown> {
  try {
    try {
      yield "inner try";
      fail("first");
    } catch (e) {
      yield `inner catch ${(e as Error).message}`;
      throw new Error(`re-${(e as Error).message}`);
    }
  } catch (e) {
    yield `outer catch ${(e as Error).message}`;
  }
  return "ok";
}

function* errorInCatchCaughtOutside(): Generator<string, void, unknown> {
  try {
    try {
      fail("a");
    } catch {
      yield "handling a";
      fail("b");
    }
  } catch (e) {
    yield `outer got ${(e as Error).message}`;
  }
}

function* tryCatchInLoop(): Generator<string, unknown[], unknown> {
  const results: unknown[] = [];
  for (let i = 0; i < 5; i++) {
    try {
      if (i === 1) continue;
      if (i === 3) fail(`at ${i}`);
      if (i === 4) break;
      yield `ok ${i}`;
      results.push(i);
    } catch (e) {
      yield (e as Error).message;
      results.push("caught");
    }
  }
  return results;
}

function* returnFromTryAndCatch(which: string): Generator<string, string, unknown> {
  try {
    yield "start";
    if (which === "try") return "returned from try";
    fail("to catch");
  } catch {
    yield "in catch";
    return "returned from catch";
  }
  return "unreachable";
}

function* destructuredCatchParam(): Generator<unknown, void, unknown> {
  try {
    yield 1;
    throw { code: 42, info: { where: "deep" }, list: [1, 2] };
  } catch ({ code, info: { where }, list: [first] }: any) {
    yield [code, where, first];
  }
}

function* catchParamCapturedByClosure(): Generator<unknown, unknown, unknown> {
  const getters: (() => unknown)[] = [];
  for (const msg of ["x", "y"]) {
    try {
      fail(msg);
    } catch (e) {
      getters.push(() => (e as Error).message);
      yield "caught";
    }
  }
  return getters.map((g) => g());
}

function* catchesErrorFromDelegate(): Generator<string, string, unknown> {
  function* inner(): Generator<string, void, unknown> {
    yield "inner 1";
    fail("from inner");
  }
  try {
    yield* inner();
  } catch (e) {
    yield `outer caught ${(e as Error).message}`;
  }
  return "finished";
}

function* injectedThrowCaught(): Generator<string, string, unknown> {
  let attempts = 0;
  while (true) {
    try {
      attempts++;
      yield `attempt ${attempts}`;
      return `succeeded after ${attempts}`;
    } catch (e) {
      log.push(`retry after ${(e as Error).message}`);
      if (attempts >= 3) throw e;
    }
  }
}

function* tryCatchInCatchAndYieldError(): Generator<unknown, void, unknown> {
  try {
    fail("outer");
  } catch (outer) {
    try {
      yield (outer as Error).message;
      fail("inner");
    } catch (inner) {
      yield [(outer as Error).message, (inner as Error).message];
    }
    yield (outer as Error).message;
  }
}

function* throwFromNestedFunctionCaught(): Generator<unknown, void, unknown> {
  const check = (n: number) => {
    if (n % 2) throw new RangeError(`odd ${n}`);
    return n;
  };
  for (let i = 0; i < 4; i++) {
    try {
      yield check(i);
    } catch (e) {
      yield (e as Error).constructor.name + ":" + (e as Error).message;
    }
  }
}

function* valueThrownIntoGeneratorIsCaughtValue(): Generator<unknown, unknown, unknown> {
  try {
    yield "waiting for throw";
    return "no throw";
  } catch (e) {
    return e;
  }
}

export const cases: GenCase[] = [
  { name: "yield in try and catch", make: () => yieldInTryAndCatch() },
  { name: "catch without binding", make: () => catchWithoutBinding() },
  { name: "nested try with rethrow", make: () => nestedTryRethrow() },
  { name: "error in catch caught by outer catch", make: () => errorInCatchCaughtOutside() },
  { name: "try/catch in loop with continue and break", make: () => tryCatchInLoop() },
  { name: "return from try", make: () => returnFromTryAndCatch("try") },
  { name: "return from catch", make: () => returnFromTryAndCatch("catch") },
  { name: "destructured catch parameter", make: () => destructuredCatchParam() },
  { name: "catch parameter captured by closures", make: () => catchParamCapturedByClosure() },
  { name: "error from yield* delegate caught by outer", make: () => catchesErrorFromDelegate() },
  { name: "retry loop around a yield", make: () => injectedThrowCaught(), log },
  { name: "try/catch inside catch", make: () => tryCatchInCatchAndYieldError() },
  { name: "error from nested function caught per iteration", make: () => throwFromNestedFunctionCaught() },
  { name: "thrown-in value reaches catch", make: () => valueThrownIntoGeneratorIsCaughtValue() },
];
