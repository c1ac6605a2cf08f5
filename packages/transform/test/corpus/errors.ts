import type { GenCase } from "../support/case.js";

const log: unknown[] = [];

class AppError extends Error {
  code: number;
  constructor(message: string, code: number) {
    super(message);
    this.name = "AppError";
    this.code = code;
  }
}

/** The stack-trace test expects the throw below to be reported at this file's line. */
export function* throwsAtKnownLine(): Generator<number, void, unknown> {
  yield 1;
  const detail = "boom at a known line";
  throw new Error(detail); // STACK-TRACE-LINE
}

function* throwsSubclass(): Generator<number, void> {
  yield 1;
  throw new AppError("custom", 42);
}

function helper(n: number): number {
  if (n > 2) throw new RangeError(`too big: ${n}`);
  return n * 10;
}

function* throwsFromCallee(): Generator<number, void> {
  for (let i = 0; i < 5; i++) yield helper(i);
}

function* catchesSubclass(): Generator<unknown, string> {
  try {
    yield 1;
    throw new AppError("inner", 7);
  } catch (e) {
    const err = e as AppError;
    yield err instanceof AppError;
    yield err.code;
    yield err.name;
    return err.message;
  }
}

function* throwsNonError(): Generator<number, void> {
  yield 1;
  throw { reason: "plain object", n: 3 };
}

function* throwsPrimitive(): Generator<number, void> {
  yield 1;
  throw "a string";
}

function* errorBeforeFirstYield(x: number): Generator<number, void> {
  if (x < 0) throw new TypeError("negative");
  yield x;
}

function* rethrowWrapped(): Generator<unknown, void> {
  try {
    yield "start";
    helper(5);
  } catch (e) {
    log.push("caught " + (e as Error).message);
    throw new Error("wrapped", { cause: e });
  }
}

function* errorCause(): Generator<unknown, void> {
  try {
    yield* rethrowWrapped();
  } catch (e) {
    yield ((e as Error).cause as Error).message;
  }
}

function* yieldsErrorsAsValues(): Generator<unknown, void> {
  yield new Error("as value");
  yield new TypeError("type as value");
  yield new AppError("app as value", 1);
}

export const cases: GenCase[] = [
  { name: "throw at a known line", make: () => throwsAtKnownLine() },
  { name: "throw an Error subclass", make: () => throwsSubclass() },
  { name: "error thrown by a callee inside a loop", make: () => throwsFromCallee() },
  { name: "catch an Error subclass and inspect it", make: () => catchesSubclass() },
  { name: "throw a plain object", make: () => throwsNonError() },
  { name: "throw a primitive", make: () => throwsPrimitive() },
  { name: "throw before the first yield (lazy start)", make: () => errorBeforeFirstYield(-1) },
  { name: "rethrow wrapped with cause", make: () => errorCause(), log },
  { name: "errors as yielded values", make: () => yieldsErrorsAsValues() },
];
