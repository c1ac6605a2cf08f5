// Reflection on generator functions and generator objects: prototype chains, toStringTag,
// property layout, Symbol.iterator, the state machine seen from outside.
import type { GenCase } from "../support/case.js";

function* g(a: number, b = 2, ...rest: number[]): Generator<number, void, unknown> {
  yield a;
  yield b;
  yield rest.length;
}

function* empty(): Generator<never, void, unknown> {}

const GeneratorFunctionPrototype = Object.getPrototypeOf(function* () {});
const GeneratorPrototype = Object.getPrototypeOf(GeneratorFunctionPrototype.prototype);

class WithMethods {
  *method(): Generator<number, void, unknown> {
    yield 1;
  }
  static *staticMethod(): Generator<number, void, unknown> {
    yield 2;
  }
  *[Symbol.iterator](): Generator<number, void, unknown> {
    yield 3;
  }
}

const objectMethods = {
  *literalMethod(): Generator<number, void, unknown> {
    yield 4;
  },
};

const anonymous = [function* () {}][0]!;
const assignedName = function* () {};

function errorName(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    return `threw ${(e as Error).constructor.name}`;
  }
}

function stateLabels(): unknown {
  const it = g(1);
  const states: unknown[] = [];
  states.push(it.next(), it.next(), it.next(), it.next(), it.next());
  return states;
}

export const cases: GenCase[] = [
  { name: "generator function prototype is %GeneratorFunction.prototype%", make: () => empty(), check: () => Object.getPrototypeOf(g) === GeneratorFunctionPrototype },
  { name: "g.prototype inherits %GeneratorPrototype%", make: () => empty(), check: () => Object.getPrototypeOf(g.prototype) === GeneratorPrototype },
  { name: "generator object's prototype is g.prototype", make: () => empty(), check: () => Object.getPrototypeOf(g(1)) === g.prototype },
  { name: "each generator function has its own prototype object", make: () => empty(), check: () => [g.prototype !== empty.prototype, Object.getPrototypeOf(empty()) === empty.prototype] },
  { name: "Symbol.toStringTag", make: () => empty(), check: () => [(g(1) as unknown as Record<symbol, unknown>)[Symbol.toStringTag], (g as unknown as Record<symbol, unknown>)[Symbol.toStringTag]] },
  { name: "Object.prototype.toString", make: () => empty(), check: () => [Object.prototype.toString.call(g(1)), Object.prototype.toString.call(g), Object.prototype.toString.call(g.prototype)] },
  {
    name: "next/return/throw come from the prototype chain",
    make: () => empty(),
    check: () => {
      const it = g(1);
      return [
        Object.getOwnPropertyNames(it),
        Object.getOwnPropertyNames(g.prototype),
        it.next === GeneratorPrototype.next,
        it.return === GeneratorPrototype.return,
        it.throw === GeneratorPrototype.throw,
        typeof it.next,
        "next" in it,
        Object.prototype.hasOwnProperty.call(it, "next"),
      ];
    },
  },
  { name: "g()[Symbol.iterator]() returns itself", make: () => empty(), check: () => { const it = g(1); return it[Symbol.iterator]() === it; } },
  { name: "name and length", make: () => empty(), check: () => [g.name, g.length, empty.name, empty.length, anonymous.name, assignedName.name] },
  { name: "constructor and instanceof", make: () => empty(), check: () => [g.constructor.name, g instanceof Function, g(1) instanceof g, typeof g, typeof g(1)] },
  { name: "generator functions are not constructors", make: () => empty(), check: () => errorName(() => new (g as unknown as new () => unknown)()) },
  {
    name: "prototype property descriptor",
    make: () => empty(),
    check: () => {
      const d = Object.getOwnPropertyDescriptor(g, "prototype")!;
      return [d.writable, d.enumerable, d.configurable, Object.getOwnPropertyNames(g).sort()];
    },
  },
  {
    name: "methods added to g.prototype are visible on generator objects",
    make: () => empty(),
    check: () => {
      (g.prototype as unknown as { extra?: () => string }).extra = function (this: unknown) {
        return Object.getPrototypeOf(this) === g.prototype ? "extra on g.prototype" : "wrong this";
      };
      const result = (g(1) as unknown as { extra: () => string }).extra();
      delete (g.prototype as unknown as { extra?: unknown }).extra;
      return result;
    },
  },
  {
    name: "replacing g.prototype affects new generator objects",
    make: () => empty(),
    check: () => {
      const original = g.prototype;
      const replacement = Object.create(GeneratorPrototype) as object;
      (g as unknown as { prototype: object }).prototype = replacement;
      const withReplacement = Object.getPrototypeOf(g(1)) === replacement;
      (g as unknown as { prototype: unknown }).prototype = 42;
      const withPrimitive = Object.getPrototypeOf(g(1)) === GeneratorPrototype;
      (g as unknown as { prototype: object }).prototype = original;
      return [withReplacement, withPrimitive, Object.getPrototypeOf(g(1)) === original];
    },
  },
  {
    name: "generator methods are generator functions",
    make: () => empty(),
    check: () =>
      [WithMethods.prototype.method, WithMethods.staticMethod, WithMethods.prototype[Symbol.iterator], objectMethods.literalMethod].map((m) => [
        m.name,
        Object.getPrototypeOf(m) === GeneratorFunctionPrototype,
        Object.getPrototypeOf(m.prototype) === GeneratorPrototype,
        Object.prototype.hasOwnProperty.call(m, "caller"),
      ]),
  },
  { name: "result objects of a whole run", make: () => empty(), check: () => stateLabels() },
  {
    name: "return() and throw() on a generator that has not started",
    make: () => empty(),
    check: () => {
      const a = g(1);
      const r = a.return(undefined);
      const b = g(1);
      let thrown: unknown;
      try {
        b.throw(new Error("not started"));
      } catch (e) {
        thrown = (e as Error).message;
      }
      return [r, a.next(), thrown, b.next()];
    },
  },
  { name: "calling a generator function does not run its body", make: () => empty(), check: () => { let ran = false; function* body(): Generator<never, void, unknown> { ran = true; } body(); return ran; } },
  { name: "empty generator completes at once", make: () => empty() },
  {
    name: "generator prototype methods applied to a non-generator throw TypeError",
    make: () => empty(),
    check: () => [errorName(() => g(1).next.call({})), errorName(() => GeneratorPrototype.return.call(empty(), 1).done)],
  },
  {
    name: "generator methods called on another compiled generator object",
    make: () => empty(),
    check: () => {
      const a = g(1, 2);
      const b = empty();
      return [a.next.call(b), a.next()];
    },
  },
  {
    name: "the generator object model matches native (prototype chains, toStringTag, methods)",
    make: () => empty(),
    check: () => {
      const GenProto = GeneratorFunctionPrototype.prototype;
      const methods = ["next", "return", "throw"].map((key) => {
        const d = Object.getOwnPropertyDescriptor(GenProto, key)!;
        const fn = d.value as Function;
        return [key, fn.name, fn.length, d.writable, d.enumerable, d.configurable, Object.hasOwn(fn, "prototype"), errorName(() => new (fn as new () => unknown)())];
      });
      const kinds = [g, empty, anonymous, assignedName, WithMethods.prototype.method, WithMethods.staticMethod, objectMethods.literalMethod];
      return [
        kinds.map((f) => Object.getPrototypeOf(f) === GeneratorFunctionPrototype),
        kinds.map((f) => Object.getPrototypeOf(f.prototype) === Object.getPrototypeOf(f).prototype),
        kinds.map((f) => Object.getOwnPropertyNames(f.prototype).length),
        Object.getPrototypeOf(g(1)) === g.prototype,
        (g(1) as unknown as Record<symbol, unknown>)[Symbol.toStringTag],
        Object.hasOwn(g(1), Symbol.toStringTag),
        methods,
        Function.prototype.toString.call(GenProto.next),
      ];
    },
  },
  {
    name: "a native generator driven through %GeneratorPrototype% methods",
    make: () => empty(),
    check: () => {
      const native = Function("return function* (a) { const b = yield a; try { yield b; } finally { yield 'cleanup'; } }")() as (a: number) => Generator;
      const it = native(1);
      const GenProto = GeneratorFunctionPrototype.prototype;
      return [GenProto.next.call(it), it.next(2), it.return(3), GenProto.throw.call(it, 4) === undefined];
    },
  },
];
