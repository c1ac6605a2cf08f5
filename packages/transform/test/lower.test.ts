// The lowering pass (src/lower/) tested by comparison: its output is still a valid *native*
// generator, so each program runs three ways — the original source natively, the lowered source
// natively, and the lowered source compiled by stock regenerator — and must yield, return and
// throw the same sequence, with the same side effects (iterator protocol calls included), in its
// plain run and with `return()` / `throw()` injected at every step.

import { type NodePath, transformSync, types as t } from "@babel/core";
import regenerator from "@babel/plugin-transform-regenerator";
import * as runtime from "@spickle/runtime";
import { describe, expect, test } from "vitest";
import { lowerGeneratorBody } from "../src/lower/index.js";

// ---------------------------------------------------------------------------------------------
// Compiling

function lowerPlugin() {
  return {
    visitor: {
      Function: {
        exit(path: Parameters<typeof lowerGeneratorBody>[0]) {
          if (path.node.generator) {
            lowerGeneratorBody(path, { rt: (name) => t.memberExpression(t.identifier("_rt"), t.identifier(name)) });
          }
        },
      },
    },
  };
}

function lower(source: string): string {
  return transformSync(source, { babelrc: false, configFile: false, plugins: [lowerPlugin] })!.code!;
}

/** Stock regenerator crashes on any destructuring declaration; spickle's locals pass (which runs
 * between the lowering and regenerator) turns them into assignments. This stands in for it. */
function patternDeclarationsToAssignments() {
  return {
    visitor: {
      VariableDeclaration(path: NodePath<t.VariableDeclaration>) {
        const { node } = path;
        if (!node.declarations.some((d) => t.isPattern(d.id))) return;
        const names = node.declarations.flatMap((d) => Object.keys(t.getBindingIdentifiers(d.id, false)));
        const declare = t.variableDeclaration("var", names.map((n) => t.variableDeclarator(t.identifier(n))));
        if (path.parentPath.isForXStatement() && path.key === "left") {
          path.parentPath.insertBefore(declare);
          path.replaceWith(node.declarations[0]!.id as t.LVal);
          return;
        }
        const assignments = node.declarations
          .filter((d) => d.init)
          .map((d) => t.expressionStatement(t.assignmentExpression("=", d.id as t.LVal, d.init!)));
        path.replaceWithMultiple([declare, ...assignments]);
      },
    },
  };
}

function regenerate(code: string): string {
  const options = { babelrc: false, configFile: false };
  const prepared = transformSync(code, { ...options, plugins: [patternDeclarationsToAssignments] })!.code!;
  return transformSync(prepared, { ...options, plugins: [regenerator] })!.code!;
}

type Program = (env: Env) => Iterator<unknown, unknown, unknown>;

/** Evaluates a program (which defines `function* g(env)`) and returns `g`. */
function load(code: string): Program {
  return new Function("_rt", `${code}\nreturn g;`)(runtime) as Program;
}

// ---------------------------------------------------------------------------------------------
// The environment a program sees: a log, and iterables that log the protocol calls made on them.

interface IterableOptions {
  /** next() throws when asked for this index. */
  throwAt?: number;
  /** return() throws. */
  returnThrows?: boolean;
  /** return() returns a primitive. */
  returnPrimitive?: boolean;
  /** the iterator has no return method. */
  noReturn?: boolean;
  /** next() returns a primitive at this index. */
  primitiveAt?: number;
}

class Env {
  readonly log: unknown[] = [];

  /** An iterable over `values` that logs next/return calls. */
  iterable(values: unknown[], options: IterableOptions = {}): Iterable<unknown> {
    const log = this.log;
    return {
      [Symbol.iterator]() {
        log.push("open");
        let i = 0;
        const iterator: Iterator<unknown> = {
          next() {
            log.push(`next ${i}`);
            if (options.throwAt === i) throw new Error(`next failed at ${i}`);
            if (options.primitiveAt === i) return 42 as unknown as IteratorResult<unknown>;
            return i < values.length ? { value: values[i++], done: false } : { value: undefined, done: true };
          },
        };
        if (!options.noReturn) {
          iterator.return = () => {
            log.push("return");
            if (options.returnThrows) throw new Error("return failed");
            if (options.returnPrimitive) return 7 as unknown as IteratorResult<unknown>;
            return { value: undefined, done: true };
          };
        }
        return iterator;
      },
    };
  }

  /** Logs and returns `value` (to observe evaluation order). */
  at<T>(label: string, value: T): T {
    this.log.push(label);
    return value;
  }

  /** An object whose property reads are logged. */
  watched<T extends object>(label: string, target: T): T {
    const log = this.log;
    return new Proxy(target, {
      get(object, key, receiver) {
        if (typeof key === "string") log.push(`${label}.${key}`);
        return Reflect.get(object, key, receiver);
      },
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Driving and comparing

type Plan = { kind: "plain" } | { kind: "return" | "throw"; at: number };

function normalize(value: unknown, seen = new Set<unknown>()): unknown {
  if (typeof value === "function") return { function: value.name };
  if (typeof value === "symbol") return { symbol: value.description };
  if (typeof value === "bigint") return { bigint: String(value) };
  if (typeof value !== "object" || value === null) return Object.is(value, -0) ? "-0" : value;
  if (seen.has(value)) return "<cycle>";
  seen.add(value);
  if (value instanceof Error) return normalizeThrown(value);
  if (Array.isArray(value)) return Array.from({ length: value.length }, (_, i) => (i in value ? normalize(value[i], seen) : "<hole>"));
  if (value instanceof Map) return { map: [...value].map((e) => normalize(e, seen)) };
  if (value instanceof Set) return { set: [...value].map((e) => normalize(e, seen)) };
  const out: Record<string, unknown> = {};
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(value, key)!;
    out[String(key)] = "value" in descriptor ? normalize(descriptor.value, seen) : "<accessor>";
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) out["<proto>"] = proto?.constructor?.name ?? "?";
  if (proto === null) out["<proto>"] = null;
  return out;
}

/** TypeErrors from the runtime word their messages differently from V8's: compared by kind. */
function normalizeThrown(error: unknown): unknown {
  if (error instanceof TypeError) return { TypeError: true };
  if (error instanceof Error) return { [error.name]: error.message };
  return { thrown: normalize(error) };
}

function run(program: Program, plan: Plan, sends: (i: number) => unknown, maxSteps = 60): unknown[] {
  const env = new Env();
  const steps: unknown[] = [];
  let gen: Iterator<unknown, unknown, unknown>;
  try {
    gen = program(env);
  } catch (error) {
    return [{ make: normalizeThrown(error), log: env.log }];
  }
  let finished = false;
  for (let i = 0; i < maxSteps; i++) {
    const op = plan.kind !== "plain" && plan.at === i ? plan.kind : "next";
    const from = env.log.length;
    try {
      const result =
        op === "return" ? gen.return!(`ret${i}`) : op === "throw" ? gen.throw!(new Error(`thrown${i}`)) : gen.next(sends(i));
      steps.push({ op, value: normalize(result.value), done: result.done, log: normalize(env.log.slice(from)) });
      if (result.done) {
        if (finished) break;
        finished = true;
      }
    } catch (error) {
      steps.push({ op, threw: normalizeThrown(error), log: normalize(env.log.slice(from)) });
      if (finished) break;
      finished = true;
    }
  }
  return steps;
}

interface Case {
  name: string;
  /** Defines `function* g(env)`. */
  source: string;
  /** The value sent by the i-th `next()`; default `s<i>`. */
  sends?: (i: number) => unknown;
  /** Only the plain run (for programs that loop on injected values). */
  plainOnly?: boolean;
  /** Not compared with stock regenerator, which merges block-scoped bindings into one variable
   * (spickle's locals pass keeps them apart, per iteration when captured). */
  blockScoping?: boolean;
}

/** Compares the three runs of a case under every plan. */
function compare(c: Case): { lowered: string } {
  const lowered = lower(c.source);
  const native = load(c.source);
  const loweredNative = load(lowered);
  const regenerated = c.blockScoping ? null : load(regenerate(lowered));
  const sends = c.sends ?? ((i: number) => `s${i}`);
  const plain = run(native, { kind: "plain" }, sends);
  const plans: Plan[] = [{ kind: "plain" }];
  if (!c.plainOnly) for (let at = 0; at < plain.length; at++) plans.push({ kind: "return", at }, { kind: "throw", at });
  for (const plan of plans) {
    const expected = run(native, plan, sends);
    const label = plan.kind === "plain" ? "plain" : `${plan.kind}@${plan.at}`;
    expect(run(loweredNative, plan, sends), `lowered, ${label}\n${lowered}`).toStrictEqual(expected);
    if (regenerated) expect(run(regenerated, plan, sends), `regenerator, ${label}\n${lowered}`).toStrictEqual(expected);
  }
  return { lowered };
}

function cases(group: string, list: Case[]): void {
  describe(group, () => {
    test.each(list.map((c) => [c.name, c] as const))("%s", (_, c) => {
      compare(c);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// for-of

cases("for-of", [
  {
    name: "array, string, Map, Set",
    source: `function* g(env) {
      for (const x of [1, 2, 3]) yield x;
      for (const ch of "a😀b") yield ch;
      for (const [k, v] of new Map([["a", 1], ["b", 2]])) yield k + v;
      for (const x of new Set([3, 1, 3])) yield x;
    }`,
  },
  {
    name: "exhausted: no return()",
    source: `function* g(env) { for (const x of env.iterable([1, 2])) yield x; return "end"; }`,
  },
  {
    name: "break, return, throw and outer continue call return()",
    source: `function* g(env) {
      for (const x of env.iterable([1, 2, 3])) { if (x === 2) break; yield x; }
      outer: for (let i = 0; i < 2; i++) {
        for (const x of env.iterable([1, 2, 3])) { yield [i, x]; continue outer; }
      }
      try { for (const x of env.iterable([1, 2])) { yield x; throw new Error("boom"); } } catch (e) { yield e.message; }
      for (const x of env.iterable([1, 2])) { yield x; return "early"; }
    }`,
  },
  {
    name: "labeled break and continue of the loop itself",
    source: `function* g(env) {
      a: b: for (const x of env.iterable([1, 2, 3, 4])) {
        if (x === 1) continue a;
        if (x === 2) continue b;
        yield x;
        if (x === 3) break b;
      }
      yield "after";
    }`,
  },
  {
    name: "next() throwing does not close",
    source: `function* g(env) {
      try { for (const x of env.iterable([1, 2], { throwAt: 1 })) yield x; } catch (e) { yield e.message; }
    }`,
  },
  {
    name: "non-object results are TypeErrors (next and return)",
    source: `function* g(env) {
      try { for (const x of env.iterable([1], { primitiveAt: 1 })) yield x; } catch (e) { yield e instanceof TypeError; }
      try { for (const x of env.iterable([1], { returnPrimitive: true })) { yield x; break; } } catch (e) { yield e instanceof TypeError; }
      try { for (const x of env.iterable([1], { returnPrimitive: true })) { yield x; throw new Error("inner"); } } catch (e) { yield e.message; }
    }`,
  },
  {
    name: "errors from return() are swallowed on throw, propagate on break",
    source: `function* g(env) {
      try { for (const x of env.iterable([1, 2], { returnThrows: true })) { yield x; throw new Error("original"); } } catch (e) { yield e.message; }
      try { for (const x of env.iterable([1, 2], { returnThrows: true })) { yield x; break; } } catch (e) { yield e.message; }
      for (const x of env.iterable([1, 2], { noReturn: true })) { yield x; break; }
    }`,
  },
  {
    name: "injected return()/throw() while suspended inside nested loops",
    source: `function* g(env) {
      for (const x of env.iterable([1, 2])) {
        for (const y of env.iterable(["a", "b"])) yield x + y;
      }
    }`,
  },
  {
    name: "finally with yield inside the loop body",
    source: `function* g(env) {
      for (const x of env.iterable([1, 2])) {
        try { yield x; } finally { yield "cleanup " + x; }
      }
    }`,
  },
  {
    name: "per-iteration bindings and closures; shadowing in the body",
    blockScoping: true,
    source: `function* g(env) {
      const fs = [];
      for (let x of [1, 2, 3]) { fs.push(() => x); x *= 10; yield x; }
      yield fs.map((f) => f());
      for (const x of [1, 2]) { let x = "inner"; yield x; }
    }`,
  },
  {
    name: "assignment targets in the head: identifier, member, var, pattern",
    source: `function* g(env) {
      let a; const o = {}; const arr = [];
      for (a of [1, 2]) yield a;
      for (o.p of [3, 4]) yield o.p;
      let i = 0;
      for (arr[env.at("index", i++)] of env.iterable([5, 6])) yield arr;
      for (var v of [7]) yield v;
      yield v;
      for ([a, o.q] of [[8, 9]]) yield [a, o.q];
      for (const { x, y = yield "default" } of [{ x: 1 }, { x: 2, y: 3 }]) yield [x, y];
    }`,
  },
  {
    name: "growing array, Map mutation during iteration",
    source: `function* g(env) {
      const arr = [1, 2];
      for (const x of arr) { if (x < 4) arr.push(x + 2); yield x; }
      const m = new Map([[1, "a"], [2, "b"], [3, "c"]]);
      for (const [k, v] of m) { if (k === 1) { m.delete(2); m.set(4, "d"); } yield v; }
      const s = new Set([1, 2]);
      for (const x of s) { s.delete(x); if (x < 5) s.add(x + 10); yield x; }
    }`,
  },
  {
    name: "return/throw statements without yield still lower (regenerator would crash)",
    source: `function* g(env) {
      yield 0;
      for (const x of env.iterable([1, 2, 3])) { if (x === 2) return x; }
    }`,
  },
  {
    name: "yield in the iterated expression, generator as iterable",
    source: `function* inner(env) { try { yield 1; yield 2; } finally { env.log.push("inner finally"); } }
    function* g(env) {
      for (const x of yield "give") yield x;
      for (const x of inner(env)) { yield x; break; }
    }`,
    sends: (i) => (i === 1 ? [10, 20] : `s${i}`),
  },
  {
    name: "not iterable is a TypeError before anything",
    source: `function* g(env) { try { for (const x of 5) yield x; } catch (e) { yield e instanceof TypeError; } }`,
  },
  {
    name: "entries/keys/values/matchAll calls in heads",
    source: `function* g(env) {
      const arr = ["a", "b"];
      for (const [i, v] of arr.entries()) yield i + v;
      for (const k of arr.keys()) yield k;
      for (const v of arr.values()) yield v;
      const m = new Map([["x", 1]]);
      for (const e of m.entries()) yield e;
      for (const k of m.keys()) yield k;
      for (const v of m.values()) yield v;
      const s = new Set(["p"]);
      for (const e of s.entries()) yield e;
      for (const v of new Uint8Array([5, 6]).values()) yield v;
      for (const m of "a1b22c".matchAll(/\\d+/g)) yield [m[0], m.index];
      const custom = { values() { env.log.push("custom values"); return [9][Symbol.iterator](); } };
      for (const v of custom.values()) yield v;
    }`,
  },
]);

// ---------------------------------------------------------------------------------------------
// for-in

cases("for-in", [
  {
    name: "own and inherited keys, in engine order",
    source: `function* g(env) {
      const proto = { inherited: 1 };
      const o = Object.create(proto);
      o.b = 1; o[2] = 2; o.a = 3; o[1] = 4;
      Object.defineProperty(o, "hidden", { value: 5, enumerable: false });
      for (const k in o) yield k;
      for (const k in "ab") yield k;
      for (const k in null) yield k;
      for (const k in undefined) yield k;
    }`,
  },
  {
    name: "deleted keys are skipped, added keys are not visited",
    source: `function* g(env) {
      const o = { a: 1, b: 2, c: 3 };
      Object.setPrototypeOf(o, { c: 9, d: 1 });
      for (const k in o) {
        if (k === "a") { delete o.b; delete o.c; o.e = 5; }
        yield k;
      }
    }`,
  },
  {
    name: "labels, break, continue, assignment heads, yield in the object",
    source: `function* g(env) {
      let k; const o = {};
      outer: for (const x of [1, 2]) {
        inner: for (k in { a: 1, b: 2, c: 3 }) {
          if (k === "b") continue outer;
          yield [x, k];
        }
      }
      for (o.key in yield "object?") { yield o.key; break; }
      for (var v in { z: 1 }) yield v;
      yield v;
    }`,
    sends: (i) => (i === 4 ? { p: 1, q: 2 } : `s${i}`),
  },
  {
    name: "return inside without yield still lowers",
    source: `function* g(env) { yield 0; for (const k in { a: 1, b: 2 }) { if (k === "b") return k; } }`,
  },
]);

// ---------------------------------------------------------------------------------------------
// ?? and logical assignment

cases("nullish and logical assignment", [
  {
    name: "?? short-circuits; left evaluated once",
    source: `function* g(env) {
      let a = null, b = 0, c;
      yield a ?? (yield "right a");
      yield b ?? (yield "right b");
      yield c ?? (yield "right c");
      yield env.at("left", undefined) ?? (yield "right 2");
      yield env.at("left", false) ?? (yield "never");
      yield (yield "left") ?? "default";
      yield null ?? undefined ?? (yield "chained");
      const o = { m: { x: { n() { return 1; } } } };
      yield o.m ?? { get y() { return 1; } };
    }`,
    sends: (i) => (i === 9 ? null : `s${i}`),
  },
  {
    name: "??= ||= &&= on identifiers",
    source: `function* g(env) {
      let a = null, b = 0, c = 1, d = "set";
      a ??= yield "a"; b ||= yield "b"; c &&= yield "c"; d ??= yield "never";
      yield [a, b, c, d];
      yield (a ??= yield "again");
    }`,
  },
  {
    name: "logical assignment on members evaluates object and key once",
    source: `function* g(env) {
      const o = env.watched("o", { p: null, q: 1, r: 0 });
      const holder = { o };
      env.at("start", 0);
      holder.o.p ??= yield "p";
      holder[env.at("key q", "o")].q &&= yield "q";
      o[env.at("key r", "r")] ||= yield "r";
      o.q ??= yield "never";
      yield [o.p, o.q, o.r];
    }`,
  },
  {
    name: "logical assignment on this and super members",
    source: `function g(env) {
      const base = { v: null };
      const obj = { __proto__: base, *m() { super.v ??= yield "super"; this.w ||= yield "this"; yield [super.v, this.w, this.v]; } };
      return obj.m();
    }`,
  },
]);

// ---------------------------------------------------------------------------------------------
// Optional chains

cases("optional chains", [
  {
    name: "member, computed, call, method call keeps this",
    source: `function* g(env) {
      const o = { v: 1, m(x) { return [this === o, x]; }, n: null, arr: [10, 20] };
      let nothing = null;
      yield o?.[yield "key"];
      yield nothing?.[yield "never"];
      yield o.m?.(yield "arg");
      yield o.n?.(yield "never");
      yield o?.m(yield "arg2");
      yield nothing?.m(yield "never");
      yield o.arr?.[yield "index"];
      const f = (x) => x * 2;
      yield f?.(yield "call");
    }`,
    sends: (i) => (i === 1 ? "v" : i === 7 ? 1 : i === 8 ? 21 : `s${i}`),
  },
  {
    name: "long chains short-circuit as a whole",
    source: `function* g(env) {
      const o = { a: { b: null, c: { d: (x) => x } } };
      yield o.a?.b?.c.d(yield "never");
      yield o.a?.c?.d(yield "d");
      yield o?.a.c?.d?.(yield "deep");
      yield (yield "base")?.x.y.z;
      yield env.watched("w", o)?.a.c.d(yield "watched");
    }`,
    sends: (i) => (i === 3 ? null : `s${i}`),
  },
  {
    name: "delete through a chain; parenthesized chain called keeps this",
    source: `function* g(env) {
      const o = { a: { b: 1, c: 2 }, m() { return this === o; } };
      let nothing;
      yield delete o?.a[yield "key"];
      yield delete nothing?.a[yield "never"];
      yield o.a;
      yield (o?.m)(yield "arg");
    }`,
    sends: (i) => (i === 1 ? "b" : `s${i}`),
  },
  {
    name: "super method optional call",
    source: `function g(env) {
      const base = { m(x) { return [this.tag, x]; } };
      const obj = { __proto__: base, tag: "obj", *run() { yield super.m?.(yield "arg"); yield super.missing?.(yield "never"); } };
      return obj.run();
    }`,
  },
]);

// ---------------------------------------------------------------------------------------------
// Template literals

cases("template literals", [
  {
    name: "ToString left to right, toString preferred, symbols throw",
    source: `function* g(env) {
      const weird = { toString() { env.log.push("toString"); return "T"; }, valueOf() { env.log.push("valueOf"); return "V"; } };
      yield \`a\${env.at("first", 1)}b\${yield "second"}c\${weird}\`;
      yield \`\${yield "only"}\`;
      try { yield \`x\${yield "symbol?"}\`; } catch (e) { yield e instanceof TypeError; }
    }`,
    sends: (i) => (i === 3 ? Symbol("s") : `s${i}`),
  },
  {
    name: "tagged templates: one frozen strings object per site, raw, this, evaluation order",
    source: `const seen = [];
    function tag(strings, ...subs) { seen.push(strings); return [strings.slice(), strings.raw.slice(), Object.isFrozen(strings), Object.isFrozen(strings.raw), subs, this === holder]; }
    const holder = { tag };
    function* g(env) {
      for (let i = 0; i < 2; i++) yield tag\`a\${yield "sub"}\\n\${i}\`;
      yield seen[0] === seen[1];
      yield holder.tag\`x\${yield "member"}\`;
      yield tag\`\\unicode and \${yield "invalid escape"}\`;
    }`,
  },
]);

// ---------------------------------------------------------------------------------------------
// Spread

cases("spread", [
  {
    name: "call arguments: each spread iterated before later arguments",
    source: `function* g(env) {
      function f(...args) { return args; }
      const arr = [1, 2];
      yield f(env.at("first", 0), ...env.iterable(arr), yield "middle", ...arr, env.at("last", 9));
      yield f(...(yield "spread operand"));
      const later = [5];
      yield f(...later, (later.push(6), yield "after"));
    }`,
    sends: (i) => (i === 2 ? ["x", "y"] : `s${i}`),
  },
  {
    name: "member calls keep this; callee read before the arguments",
    source: `function* g(env) {
      const o = { tag: "o", m(...args) { return [this.tag, ...args]; } };
      const w = env.watched("w", o);
      yield w.m(...[1], yield "arg");
      yield o["m"](...env.iterable([2]), yield "computed");
      let target = o;
      yield target.m(...[3], (target = { tag: "other", m() { return "wrong"; } }, yield "reassign"));
    }`,
  },
  {
    name: "new with spread",
    source: `class P { constructor(...args) { this.args = args; this.newTarget = new.target === P; } }
    function* g(env) {
      const made = new P(...[1, 2], yield "arg", ...env.iterable([3]));
      yield [made instanceof P, made.args, made.newTarget];
    }`,
  },
  {
    name: "array literals with spreads and holes",
    source: `function* g(env) {
      const arr = [1, 2];
      yield [0, ...arr, , yield "x", ...env.iterable([3]), , 4];
      yield [...(yield "operand"), ...arr];
      yield [...arr, (arr.push(99), yield "push")];
    }`,
    sends: (i) => (i === 2 ? "ab" : `s${i}`),
  },
  {
    name: "super method call with spread",
    source: `function g(env) {
      const base = { m(...args) { return [this.tag, ...args]; } };
      const obj = { __proto__: base, tag: "obj", *run() { yield super.m(...[1, 2], yield "arg"); } };
      return obj.run();
    }`,
  },
  {
    name: "object literals: spreads, computed keys, order, define semantics",
    source: `function* g(env) {
      const src = env.watched("src", { a: 1, b: 2 });
      const sym = Symbol("s");
      const withSym = { [sym]: "symbol", z: 26 };
      Object.defineProperty(withSym, "hidden", { value: 1, enumerable: false });
      const key = { toString() { env.log.push("key toString"); return "computed"; } };
      const o = { first: env.at("first", 0), ...src, [key]: yield "value", ...withSym, last: yield "last", ["__proto__"]: 5, m() { return 1; } };
      yield [Object.keys(o), o[sym], Object.getPrototypeOf(o) === Object.prototype, Object.hasOwn(o, "__proto__")];
      const proto = { inherited: true };
      const p = { __proto__: proto, [yield "k"]: 1 };
      yield [Object.getPrototypeOf(p) === proto, Object.keys(p)];
      const q = { [yield "method key"]() { return "method"; }, get [yield "getter key"]() { return "getter"; } };
      yield [q.mk(), q.gk];
      const __proto__ = "shorthand";
      const r = { __proto__, [yield "r"]: 1 };
      yield [Object.keys(r), Object.getPrototypeOf(r) === Object.prototype];
      const late = { v: 1 };
      const s = { ...late, x: (late.v = 2, yield "mutate") };
      yield s;
    }`,
    sends: (i) => (i === 4 ? "mk" : i === 5 ? "gk" : `s${i}`),
  },
]);

test("an object literal with methods keeps no yield inside (a closure wrapper may enclose it)", () => {
  const { lowered } = compare({
    name: "accessors",
    source: `function* g(env) {
      let stored = yield "initial";
      const o = { label: yield "label", get value() { return stored; }, set value(v) { stored = v; }, m() { return this.label; } };
      o.value = o.m();
      yield [Object.keys(o), stored];
    }`,
  });
  expect(lowered).toMatch(/label: _value/);
});

// ---------------------------------------------------------------------------------------------
// Member assignment order

cases("member assignment", [
  {
    name: "target object and key evaluated before the right side, once",
    source: `function* g(env) {
      const arr = [0, 0, 0];
      let i = 0;
      arr[i++] = yield "first";
      arr[i++] += yield "second";
      yield [arr, i];
      let o = { p: 1 };
      const first = o;
      o.p = (o = { p: 2 }, yield "reassign");
      yield [first.p, o.p];
      const w = env.watched("w", { n: 1 });
      w[env.at("key", "n")] *= yield "compound";
      yield w.n;
    }`,
    sends: (i) => (i >= 1 ? i * 10 : undefined),
  },
]);

// ---------------------------------------------------------------------------------------------
// Destructuring

cases("destructuring", [
  {
    name: "declarations: defaults, computed keys, nested, rest, holes",
    source: `function* g(env) {
      const { a = yield "a", [yield "key"]: b, c: { d = yield "d" } = {}, ...rest } = { x: 1, c: undefined, e: 5, f: 6 };
      yield [a, b, d, rest];
      let [p, , q = yield "q", [r = yield "r"] = [], ...others] = env.iterable([1, 2, undefined, undefined, 5, 6]);
      yield [p, q, r, others];
      var { v = yield "v" } = {}, w = 3;
      yield [v, w];
      const [m = 1, n = m + (yield "n")] = [];
      yield [m, n];
    }`,
    sends: (i) => (i === 1 ? "x" : `s${i}`),
  },
  {
    name: "array pattern closes the iterator when not exhausted, and when a default throws",
    source: `function* g(env) {
      const [a = yield "a"] = env.iterable([undefined, 2, 3]);
      yield a;
      const [b, c = yield "c"] = env.iterable([1]);
      yield [b, c];
      try {
        const [d = (() => { throw new Error("default failed"); })(), e = yield "never"] = env.iterable([undefined, 1]);
      } catch (err) { yield err.message; }
      const [...all] = env.iterable([1, 2]);
      const [f = yield "f"] = env.iterable([], { noReturn: true });
      yield [all, f];
    }`,
  },
  {
    name: "assignments: statement, inside sequences, value of an object pattern, member targets",
    source: `function* g(env) {
      let a, b, c;
      const o = {};
      [a, b = yield "b"] = [1];
      yield [a, b];
      c = 0, { a = yield "a2", b } = { b: 7 };
      yield [a, b, c];
      const value = ({ a = yield "a3" } = { tag: "source" });
      yield [a, value];
      [o[env.at("key", "k")], o.m = yield "m"] = env.iterable([1]);
      yield o;
      ({ x: o.x, [yield "k2"]: o.y = yield "y" } = { x: 10 });
      yield o;
    }`,
  },
  {
    name: "for-of and for-in heads, catch parameters",
    source: `function* g(env) {
      for (const [k, v = yield "v"] of [["a"], ["b", 2]]) yield k + v;
      for (const [first, second = yield "second"] in { xy: 1 }) yield first + second;
      try { throw { message: "m" }; } catch ({ message, code = yield "code" }) { yield [message, code]; }
    }`,
  },
  {
    name: "null and undefined sources are TypeErrors",
    source: `function* g(env) {
      try { const { a = yield "never" } = null; } catch (e) { yield e instanceof TypeError; }
      try { const [a = yield "never"] = undefined; } catch (e) { yield e instanceof TypeError; }
      let x;
      try { ({ x = yield "never" } = null); } catch (e) { yield e instanceof TypeError; }
    }`,
  },
]);

// ---------------------------------------------------------------------------------------------
// yield* operands

cases("yield* operands", [
  {
    name: "arrays, strings, Maps, iteration methods, generators, custom iterables",
    source: `function* inner() { const got = yield "inner"; return got; }
    function* g(env) {
      yield* [1, 2];
      yield* "ab";
      const m = new Map([["k", "v"]]);
      yield* m;
      yield* m.keys();
      yield* [3, 4].entries();
      yield* "x1y2".matchAll(/\\d/g);
      yield yield* inner();
      yield* env.iterable([5, 6]);
    }`,
  },
]);

// ---------------------------------------------------------------------------------------------
// Other leaps regenerator cannot take

cases("other rewrites", [
  {
    name: "#x in (yield)",
    source: `class C { #x = 1; static *check(env) { yield #x in (yield "object?"); } }
    function g(env) { return C.check(env); }`,
    sends: (i) => (i === 1 ? new Object() : `s${i}`),
  },
  {
    name: "nested generators are lowered on their own",
    source: `function* g(env) {
      function* inner(list) { for (const x of list) yield x * 2; }
      for (const x of [1, 2]) { yield x; yield* inner([x, x + 1]); }
      const o = { *m() { for (const k in { a: 1 }) yield k; } };
      yield* o.m();
    }`,
  },
  {
    name: "constructs without any leap are left alone",
    source: `function* g(env) {
      const o = { a: { b: 1 } };
      const plain = [o?.a?.b, null ?? "d", \`t\${1}\`, [...[1, 2]], { ...o }];
      for (const x of [1, 2]) plain.push(x);
      yield plain;
    }`,
  },
]);

test("untouched code stays native; iteration calls in heads are rewritten even without yield", () => {
  const { lowered } = compare({
    name: "plain",
    source: `function* g(env) {
      const o = { a: 1 };
      const plain = [o?.a, null ?? 1, \`\${o.a}\`];
      for (const x of [1]) plain.push(x);
      for (const [k, v] of new Map([[1, 2]]).entries()) plain.push(k, v);
      yield plain;
    }`,
  });
  expect(lowered).toContain("o?.a");
  expect(lowered).toContain("null ?? 1");
  expect(lowered).toContain("for (const x of [1])");
  expect(lowered).toContain("of _rt.entriesOf(new Map(");
});

test("lowered loops use the runtime iterators and clear their temporaries", () => {
  const { lowered } = compare({ name: "loops", source: `function* g(env) { for (const x of [1]) yield x; for (const k in { a: 1 }) yield k; }` });
  expect(lowered).not.toMatch(/for \(const/);
  expect(lowered).toContain("_rt.iter([1])");
  expect(lowered).toContain("_rt.forInKeys({");
  expect(lowered).toMatch(/_iterator = void 0/);
  expect(lowered).toMatch(/_keys = void 0/);
});

test("the strings array of a tagged template is cached at module level", () => {
  const lowered = lower("function* g(env) { yield tag`a${yield}`; }");
  expect(lowered).toMatch(/^var _templateObject;/);
});

describe("unsupported constructs are reported, with their position", () => {
  const refused: [string, string, RegExp][] = [
    ["class computed key", "function* g() { class A { [yield 1]() {} } }", /class computed key containing yield is not supported in a generator/],
    ["class field key", "function* g() { x = class { static [yield 1] = 2 } }", /class computed key containing yield/],
    ["for await", "async function* g() { for await (const x of y) yield x; }", /for await containing yield/],
    ["pattern in for(;;) head", "function* g() { for (let [a = yield] = x; ;) {} }", /destructuring declaration in a for\(;;\) head containing yield/],
    ["array pattern as a value", "function* g() { f(([a = yield] = b)); }", /array destructuring assignment used as a value/],
    ["closure over the same pattern", "function* g() { const [a, f = () => a, b = yield] = x; }", /closure in a destructuring pattern/],
  ];
  test.each(refused)("%s", (_, source, message) => {
    expect(() => lower(source)).toThrow(message);
    try {
      lower(source);
    } catch (error) {
      expect((error as Error).message).toMatch(/\n.*\|/); // a code frame
    }
  });

  test("yield in an object literal's computed method key is fine", () => {
    expect(() => lower("function* g() { x = { [yield 1]() {} }; }")).not.toThrow();
  });
});

cases("member calls", [
  {
    name: "the method is read before the arguments are evaluated",
    source: `function* g(env) {
      const obj = { tag: "obj", m(v) { return ["original", this.tag, v]; } };
      yield obj.m((obj.m = () => "replaced", yield "during"));
      yield obj.m("after");
      const w = env.watched("w", { n(a, b) { return [a, b]; } });
      yield w.n(env.at("arg", 1), yield "second");
      yield w[env.at("key", "n")](yield "computed", 2);
      const s = "abc";
      yield s.slice(yield "primitive receiver");
    }`,
    sends: (i) => (i === 5 ? 1 : `s${i}`),
  },
  {
    name: "super and this receivers",
    source: `function g(env) {
      const base = { m(x) { return [this.tag, x]; } };
      const obj = { __proto__: base, tag: "obj", m(x) { return "own"; }, *run() { yield super.m(yield "super"); yield this.m(yield "this"); } };
      return obj.run();
    }`,
  },
]);
