// try/finally: nested finally, finally blocks that yield or override the completion,
// break/continue/return through finally.
import type { GenCase } from "../support/case.js";

const log: unknown[] = [];

function* finallyRunsOnNormalCompletion(): Generator<string, string, unknown> {
  try {
    yield "try";
  } finally {
    log.push("finally");
  }
  return "end";
}

function* finallyYields(): Generator<string, string, unknown> {
  try {
    yield "try 1";
    yield "try 2";
  } finally {
    yield "finally 1";
    log.push("between finally yields");
    yield "finally 2";
  }
  return "after";
}

function* nestedFinallyOrder(): Generator<string, string, unknown> {
  try {
    try {
      try {
        yield "innermost";
      } finally {
        log.push("finally 3");
        yield "f3";
      }
    } finally {
      log.push("finally 2");
    }
    yield "between";
  } finally {
    log.push("finally 1");
    yield "f1";
  }
  return "done";
}

function* returnInFinallyOverridesReturn(): Generator<string, string, unknown> {
  try {
    yield "try";
    return "from try";
  } finally {
    // eslint-disable-next-line no-unsafe-finally
    return "from finally";
  }
}

function* returnInFinallyOverridesThrow(): Generator<string, string, unknown> {
  try {
    yield "try";
    throw new Error("lost");
  } finally {
    // eslint-disable-next-line no-unsafe-finally
    return "finally wins";
  }
}

function* throwInFinallyOverridesReturn(): Generator<string, string, unknown> {
  try {
    yield "try";
    return "lost";
  } finally {
    // eslint-disable-next-line no-unsafe-finally
    throw new Error("finally throws");
  }
}

function* returnValueFixedBeforeFinally(): Generator<string, number, unknown> {
  let x = 1;
  try {
    yield "try";
    return x;
  } finally {
    x = 2;
    log.push(`x set to ${x}`);
  }
}

function* breakThroughFinally(): Generator<string, unknown, unknown> {
  const seen: number[] = [];
  for (let i = 0; i < 10; i++) {
    try {
      if (i === 3) break;
      yield `i=${i}`;
      seen.push(i);
    } finally {
      log.push(`finally ${i}`);
    }
  }
  return seen;
}

function* continueThroughFinally(): Generator<string, void, unknown> {
  for (let i = 0; i < 4; i++) {
    try {
      if (i % 2 === 0) continue;
      yield `odd ${i}`;
    } finally {
      yield `finally ${i}`;
    }
  }
}

function* labeledBreakThroughTwoFinally(): Generator<string, string, unknown> {
  outer: for (let i = 0; i < 3; i++) {
    try {
      for (let j = 0; j < 3; j++) {
        try {
          yield `${i},${j}`;
          if (i === 1 && j === 1) break outer;
          if (j === 1) continue outer;
        } finally {
          log.push(`inner finally ${i},${j}`);
        }
      }
    } finally {
      log.push(`outer finally ${i}`);
      yield `outer finally ${i}`;
    }
  }
  return "left outer";
}

function* breakInFinallySwallowsThrow(): Generator<string, string, unknown> {
  for (;;) {
    try {
      yield "try";
      throw new Error("swallowed");
    } finally {
      // eslint-disable-next-line no-unsafe-finally
      break;
    }
  }
  return "after loop";
}

function* continueInFinallyOverridesReturn(): Generator<string, string, unknown> {
  let n = 0;
  while (n < 3) {
    n++;
    try {
      yield `n=${n}`;
      return "lost return";
    } finally {
      // eslint-disable-next-line no-unsafe-finally
      if (n < 3) continue;
    }
  }
  return "after while";
}

function* tryCatchFinally(fail: boolean): Generator<string, string, unknown> {
  try {
    yield "try";
    if (fail) throw new Error("fail");
    yield "no failure";
  } catch (e) {
    yield `catch ${(e as Error).message}`;
  } finally {
    yield "finally";
  }
  return "end";
}

function* finallyInsideFinally(): Generator<string, string, unknown> {
  try {
    yield "outer try";
  } finally {
    try {
      yield "inner try (in outer finally)";
    } finally {
      yield "inner finally";
    }
    log.push("outer finally end");
  }
  return "done";
}

function* returnFromNestedTryInLoop(): Generator<string, string, unknown> {
  for (const item of ["a", "b", "c"]) {
    try {
      try {
        yield item;
        if (item === "b") return `returned at ${item}`;
      } finally {
        log.push(`inner ${item}`);
      }
    } finally {
      log.push(`outer ${item}`);
    }
  }
  return "completed";
}

function* finallyCatchesNothingButRethrows(): Generator<string, void, unknown> {
  try {
    try {
      yield "inner";
      throw new Error("propagates");
    } finally {
      yield "inner finally";
    }
  } catch (e) {
    yield `caught ${(e as Error).message}`;
  }
}

function* catchInFinallyAfterReturn(): Generator<string, string, unknown> {
  try {
    yield "try";
    return "kept";
  } finally {
    try {
      throw new Error("handled in finally");
    } catch (e) {
      log.push((e as Error).message);
    }
  }
}

function* manyFinallyOneLoop(): Generator<number, number, unknown> {
  let total = 0;
  for (let i = 0; i < 3; i++) {
    try {
      total += (yield i) as number;
    } finally {
      total += 100;
    }
  }
  return total;
}

export const cases: GenCase[] = [
  { name: "finally runs on normal completion", make: () => finallyRunsOnNormalCompletion(), log },
  { name: "finally block yields", make: () => finallyYields(), log },
  { name: "nested finally order", make: () => nestedFinallyOrder(), log },
  { name: "return in finally overrides return", make: () => returnInFinallyOverridesReturn() },
  { name: "return in finally overrides throw", make: () => returnInFinallyOverridesThrow() },
  { name: "throw in finally overrides return", make: () => throwInFinallyOverridesReturn() },
  { name: "return value fixed before finally runs", make: () => returnValueFixedBeforeFinally(), log },
  { name: "break through finally", make: () => breakThroughFinally(), log },
  { name: "continue through a yielding finally", make: () => continueThroughFinally() },
  { name: "labeled break/continue through two finally blocks", make: () => labeledBreakThroughTwoFinally(), log },
  { name: "break in finally swallows a throw", make: () => breakInFinallySwallowsThrow() },
  { name: "continue in finally overrides return", make: () => continueInFinallyOverridesReturn() },
  { name: "try/catch/finally without error", make: () => tryCatchFinally(false) },
  { name: "try/catch/finally with error", make: () => tryCatchFinally(true) },
  { name: "try/finally inside finally", make: () => finallyInsideFinally(), log },
  { name: "return from nested try in loop", make: () => returnFromNestedTryInLoop(), log },
  { name: "finally yields then the error propagates", make: () => finallyCatchesNothingButRethrows() },
  { name: "try/catch inside finally keeps the return", make: () => catchInFinallyAfterReturn(), log },
  { name: "finally per iteration adds to a total", make: () => manyFinallyOneLoop(), sends: [0, 1, 2, 3] },
];
