// switch: fallthrough, default placement, yields in discriminant, case tests and bodies.
import type { GenCase } from "../support/case.js";

const log: unknown[] = [];

function* fallthrough(n: number): Generator<string, string, unknown> {
  switch (n) {
    // @ts-expect-error deliberate fallthrough
    case 1:
      yield "one";
    case 2:
      yield "two";
      break;
    // @ts-expect-error deliberate fallthrough
    case 3:
      yield "three";
    default:
      yield "default";
  }
  return "after switch";
}

function* defaultInTheMiddle(n: number): Generator<string, void, unknown> {
  switch (n) {
    case 1:
      yield "one";
      break;
    // @ts-expect-error deliberate fallthrough
    default:
      yield "default";
    case 2:
      yield "two (after default)";
      break;
    case 3:
      yield "three";
  }
}

function* yieldInDiscriminant(): Generator<string, string, unknown> {
  switch (yield "discriminant?") {
    case "a":
      return "got a";
    case "b":
      return "got b";
    default:
      return "got other";
  }
}

function* yieldInCaseTests(): Generator<string, string, unknown> {
  const value = 3;
  switch (value) {
    case (yield "first test?"):
      return "matched first";
    case (yield "second test?"):
      return "matched second";
    case (yield "third test?"):
      return "matched third";
  }
  return "no match";
}

function* strictEqualityMatching(): Generator<string, void, unknown> {
  for (const v of [1, "1", true, null, undefined, 0, -0, NaN] as unknown[]) {
    switch (v) {
      case 1:
        yield "number 1";
        break;
      case "1":
        yield "string 1";
        break;
      case null:
        yield "null";
        break;
      case undefined:
        yield "undefined";
        break;
      case 0:
        yield "zero";
        break;
      case NaN:
        yield "NaN matched (should not)";
        break;
      default:
        yield `default ${String(v)}`;
    }
  }
}

function* breakAndContinueInSwitchInLoop(): Generator<string, void, unknown> {
  for (let i = 0; i < 5; i++) {
    switch (i % 3) {
      case 0:
        yield `zero ${i}`;
        continue;
      case 1:
        yield `one ${i}`;
        break;
      default:
        yield `two ${i}`;
    }
    log.push(`after switch ${i}`);
  }
}

function* labeledBreakOutOfLoopFromSwitch(): Generator<number, string, unknown> {
  let i = 0;
  loop: while (true) {
    switch (i) {
      case 3:
        break loop;
      default:
        yield i++;
    }
  }
  return `broke at ${i}`;
}

function* blockScopedCaseBodies(n: number): Generator<unknown, void, unknown> {
  switch (n) {
    case 0: {
      const x = "zero";
      yield x;
      break;
    }
    // @ts-expect-error deliberate fallthrough
    case 1: {
      const x = ["one"];
      yield x;
    }
    case 2: {
      const x = { two: 2 };
      yield x;
    }
  }
}

function* lexicalAcrossCases(n: number): Generator<unknown, void, unknown> {
  switch (n) {
    // @ts-expect-error deliberate fallthrough
    case 0:
      let shared = "set in case 0";
      yield shared;
    // falls through
    case 1:
      shared = "set in case 1";
      yield shared;
  }
}

function* switchInTryFinally(n: number): Generator<string, string, unknown> {
  try {
    switch (n) {
      case 1:
        yield "one";
        return "returned inside switch";
      case 2:
        yield "two";
        throw new Error("thrown inside switch");
    }
    return "no case";
  } finally {
    yield "finally";
  }
}

function* noMatchNoDefault(): Generator<string, string, unknown> {
  switch (yield "value?") {
    case 1:
      yield "one";
  }
  return "fell out";
}

function* caseTestSideEffectsStopAtMatch(): Generator<string, void, unknown> {
  const test = (v: number) => {
    log.push(`test ${v}`);
    return v;
  };
  switch (2) {
    case test(1):
      yield "1";
      break;
    // @ts-expect-error deliberate fallthrough
    case test(2):
      yield "2";
    case test(3):
      yield "3 (fallthrough, test not evaluated)";
  }
}

export const cases: GenCase[] = [
  { name: "fallthrough from case 1", make: () => fallthrough(1) },
  { name: "fallthrough from case 3 into default", make: () => fallthrough(3) },
  { name: "no case matches: default", make: () => fallthrough(9) },
  { name: "default in the middle falls through", make: () => defaultInTheMiddle(7) },
  { name: "default in the middle skipped when a later case matches", make: () => defaultInTheMiddle(3) },
  { name: "yield in discriminant", make: () => yieldInDiscriminant(), sends: [0, "b"] },
  { name: "yield in case tests", make: () => yieldInCaseTests(), sends: [0, 1, 3] },
  { name: "yield in case tests: no match", make: () => yieldInCaseTests(), sends: [0, 1, 2, 4] },
  { name: "strict equality matching", make: () => strictEqualityMatching() },
  { name: "break and continue in switch in loop", make: () => breakAndContinueInSwitchInLoop(), log },
  { name: "labeled break out of loop from switch", make: () => labeledBreakOutOfLoopFromSwitch() },
  { name: "block-scoped case bodies", make: () => blockScopedCaseBodies(1) },
  { name: "lexical binding shared across cases", make: () => lexicalAcrossCases(0) },
  { name: "return inside switch inside try/finally", make: () => switchInTryFinally(1) },
  { name: "throw inside switch inside try/finally", make: () => switchInTryFinally(2) },
  { name: "no match and no default", make: () => noMatchNoDefault(), sends: [0, 2] },
  { name: "case tests evaluated only until a match", make: () => caseTestSideEffectsStopAtMatch(), log },
];
