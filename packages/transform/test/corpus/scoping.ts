// Scoping: shadowing, catch-parameter shadowing, hoisting, block functions, names that look like
// compiler temporaries, shadowed globals.
import type { GenCase } from "../support/case.js";

function* blockShadowing(): Generator<number, number, unknown> {
  let x = 1;
  {
    let x = 2;
    yield x;
    {
      const x = 3;
      yield x;
    }
    yield x;
  }
  return x;
}

function* catchParamShadowsOuter(): Generator<unknown, unknown, unknown> {
  let e = "outer e";
  try {
    throw new Error("inner e");
  } catch (e) {
    yield (e as Error).message;
    e = "reassigned catch param";
    yield e;
  }
  return e;
}

function* catchParamShadowsParameter(err: string): Generator<unknown, unknown, unknown> {
  try {
    yield err;
    throw "thrown";
  } catch (err) {
    yield err;
  }
  return err;
}

function* varHoisting(): Generator<unknown, unknown, unknown> {
  // @ts-expect-error read before its declaration (hoisted var)
  yield typeof hoisted;
  // @ts-expect-error read before its declaration (hoisted var)
  yield hoisted;
  var hoisted = "now set";
  yield hoisted;
  if (false as boolean) {
    var neverAssigned = 1;
  }
  // @ts-expect-error never assigned
  return neverAssigned;
}

function* functionDeclarationHoisting(): Generator<unknown, unknown, unknown> {
  yield typeof helper;
  yield helper(2);
  function helper(n: number): number {
    return n * 21;
  }
  return helper.name;
}

function* blockFunctionIsBlockScoped(): Generator<unknown, unknown, unknown> {
  const results: unknown[] = [];
  {
    function inBlock() {
      return "block fn";
    }
    results.push(inBlock());
    yield results.length;
  }
  return results;
}

function* siblingBlocksSameName(): Generator<unknown, void, unknown> {
  {
    const v = "first";
    yield v;
  }
  {
    const v = ["second"];
    yield v;
  }
  for (const v of [3]) yield v;
}

function* varRedeclaresParameter(a: number): Generator<number, void, unknown> {
  var a: number;
  yield a;
  var a = 5;
  yield a;
}

function* letInLoopShadowsOuter(): Generator<number, number, unknown> {
  const i = 100;
  for (let i = 0; i < 2; i++) yield i;
  return i;
}

function* classDeclarationInside(): Generator<unknown, unknown, unknown> {
  class Point {
    constructor(
      public x: number,
      public y: number,
    ) {}
    sum() {
      return this.x + this.y;
    }
  }
  const p = new Point((yield "x?") as number, (yield "y?") as number);
  return [p.sum(), p instanceof Point, Point.name];
}

function* compilerLikeNames(): Generator<unknown, unknown, unknown> {
  const _context = "ctx";
  let $locals = 1;
  const regeneratorRuntime = "rt";
  let frame = { pc: 7 };
  const _this = "this-like";
  const _arguments = ["args-like"];
  var _iterator = "iter";
  let _temp = 0;
  yield [_context, $locals, regeneratorRuntime, frame, _this, _arguments, _iterator, _temp];
  $locals = 2;
  frame = { pc: 8 };
  _temp += (yield "temp?") as number;
  return [$locals, frame, _temp];
}

function* shadowedGlobals(): Generator<unknown, unknown, unknown> {
  const Symbol = "not the Symbol";
  const Object = { keys: () => "fake keys" };
  const Array = "not Array";
  const Error = "not Error";
  const TypeError = "not TypeError";
  const Promise = "not Promise";
  let total = 0;
  for (const x of [1, 2]) total += (yield `${x} ${Symbol}`) as number;
  const [a, b] = [Object.keys(), Array];
  try {
    throw 1;
  } catch {
    yield Error + "/" + TypeError;
  }
  return [total, a, b, Promise];
}

function* nestedFunctionsWithSameLocalNames(): Generator<unknown, unknown, unknown> {
  let n = 1;
  function* inner(): Generator<number, number, unknown> {
    let n = 10;
    yield n;
    n++;
    return n;
  }
  const r = yield* inner();
  return [n, r];
}

function* labelsReuseNames(): Generator<string, void, unknown> {
  a: for (const x of [1, 2]) {
    b: for (const y of [1, 2]) {
      if (y === 2) continue a;
      yield `${x}${y}`;
    }
  }
  a: {
    yield "labeled block reusing label a";
    break a;
  }
}

function* blockScopedAfterYieldIsFresh(): Generator<unknown, void, unknown> {
  for (let round = 0; round < 2; round++) {
    let acc: number[] | undefined;
    yield acc === undefined ? "fresh" : "stale";
    acc = [round];
    yield acc;
  }
}

export const cases: GenCase[] = [
  { name: "block shadowing", make: () => blockShadowing() },
  { name: "catch parameter shadows an outer let", make: () => catchParamShadowsOuter() },
  { name: "catch parameter shadows a parameter", make: () => catchParamShadowsParameter("param") },
  { name: "var hoisting", make: () => varHoisting() },
  { name: "function declaration hoisting", make: () => functionDeclarationHoisting() },
  { name: "block-level function declaration", make: () => blockFunctionIsBlockScoped() },
  { name: "sibling blocks with the same name", make: () => siblingBlocksSameName() },
  { name: "var redeclares a parameter", make: () => varRedeclaresParameter(9) },
  { name: "let in loop shadows outer const", make: () => letInLoopShadowsOuter() },
  { name: "class declaration inside a generator", make: () => classDeclarationInside(), sends: [0, 2, 3] },
  { name: "locals named like compiler temporaries", make: () => compilerLikeNames(), sends: [0, 0, 5] },
  { name: "shadowed globals (Symbol, Object, Array, Error)", make: () => shadowedGlobals(), sends: [0, 1, 2] },
  { name: "nested generator with the same local names", make: () => nestedFunctionsWithSameLocalNames() },
  { name: "labels reuse names", make: () => labelsReuseNames() },
  { name: "block-scoped let is fresh after a yield", make: () => blockScopedAfterYieldIsFresh() },
];
