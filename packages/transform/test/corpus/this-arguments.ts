// `this`, `arguments`, rest parameters and new.target inside generators.
import type { GenCase } from "../support/case.js";

interface Named {
  name: string;
  gen?: (this: Named, ...args: unknown[]) => Generator<unknown, unknown, unknown>;
}

function* thisAcrossYields(this: Named | undefined): Generator<unknown, unknown, unknown> {
  yield this?.name;
  yield this === undefined;
  return this?.name;
}

function* argumentsObject(a?: unknown, b?: unknown): Generator<unknown, unknown, unknown> {
  yield arguments.length;
  yield [a, b];
  yield Array.from(arguments);
  yield [...arguments];
  return arguments[arguments.length - 1];
}

function* argumentsIsUnmappedInStrictCode(a: number): Generator<unknown, unknown, unknown> {
  a = 10;
  yield arguments[0];
  arguments[0] = 20;
  yield a;
  return [a, arguments[0]];
}

function* arrowSeesGeneratorThisAndArguments(this: Named): Generator<unknown, unknown, unknown> {
  const getThis = () => this.name;
  const getArgs = () => Array.from(arguments);
  yield getThis();
  yield getArgs();
  return [getThis(), getArgs()];
}

function* nestedFunctionHasItsOwnThis(this: Named): Generator<unknown, unknown, unknown> {
  function plain(this: unknown) {
    return this === undefined ? "undefined" : "bound";
  }
  yield plain();
  yield plain.call(this);
  return this.name;
}

function* yieldStarArguments(..._: unknown[]): Generator<unknown, void, unknown> {
  yield* arguments;
}

function* restParameters(first: unknown, ...rest: unknown[]): Generator<unknown, unknown, unknown> {
  yield first;
  yield rest;
  rest.push("pushed");
  return [rest.length, arguments.length];
}

function* newTargetIsUndefined(): Generator<unknown, void, unknown> {
  yield new.target === undefined;
}

function* thisMutatedAcrossYields(this: { count: number }): Generator<number, number, unknown> {
  this.count++;
  yield this.count;
  this.count += 10;
  yield this.count;
  return this.count;
}

function* argumentsInsideLoopAndTry(): Generator<unknown, void, unknown> {
  for (let i = 0; i < arguments.length; i++) {
    try {
      if (arguments[i] === "bad") throw new Error(`bad at ${i}`);
      yield arguments[i];
    } catch (e) {
      yield (e as Error).message;
    }
  }
}

const obj: Named = { name: "obj" };
const other: Named = { name: "other" };

export const cases: GenCase[] = [
  { name: "this as method receiver", make: () => ({ name: "receiver", gen: thisAcrossYields }).gen() },
  { name: "this undefined in a plain call", make: () => thisAcrossYields.call(undefined) },
  { name: "this via call", make: () => thisAcrossYields.call(obj) },
  { name: "this via apply", make: () => thisAcrossYields.apply(other, []) },
  { name: "this via bind", make: () => thisAcrossYields.bind({ name: "bound" })() },
  { name: "arguments object across yields", make: () => (argumentsObject as (...args: unknown[]) => Generator)(1, 2, 3, "extra") },
  { name: "arguments with fewer than declared", make: () => argumentsObject("only") },
  { name: "arguments is unmapped in strict code", make: () => argumentsIsUnmappedInStrictCode(1) },
  { name: "arrow sees the generator's this and arguments", make: () => (arrowSeesGeneratorThisAndArguments as (this: Named, ...args: unknown[]) => Generator).call(obj, "x", "y") },
  { name: "nested function has its own this", make: () => nestedFunctionHasItsOwnThis.call(obj) },
  { name: "yield* arguments", make: () => yieldStarArguments("p", "q", "r") },
  { name: "rest parameters", make: () => restParameters(1, 2, 3) },
  { name: "new.target is undefined", make: () => newTargetIsUndefined() },
  { name: "this mutated across yields", make: () => thisMutatedAcrossYields.call({ count: 0 }) },
  { name: "arguments in loop and try", make: () => (argumentsInsideLoopAndTry as (...args: unknown[]) => Generator)("a", "bad", "c") },
];
