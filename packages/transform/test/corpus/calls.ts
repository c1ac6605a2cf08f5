// Call-expression evaluation order, observable through a log.
import type { GenCase } from "../support/case.js";

const log: unknown[] = [];

function note<T>(label: string, value: T): T {
  log.push(label);
  return value;
}

function collect(...args: unknown[]): unknown[] {
  log.push(`collect(${args.length})`);
  return args;
}

function* argsOrder(): Generator<string, unknown, unknown> {
  return collect(note("a1", 1), yield "y2", note("a3", 3), yield "y4");
}

function* calleeBeforeArgs(): Generator<string, unknown, unknown> {
  const getF = () => note("callee", collect);
  return getF()(note("arg", "x"), yield "mid");
}

function* methodReceiverBeforeArgs(): Generator<string, unknown, unknown> {
  const obj = {
    name: "obj",
    m(this: { name: string }, v: unknown) {
      log.push(`m this=${this.name}`);
      return v;
    },
  };
  const getObj = () => note("receiver", obj);
  return getObj().m(yield "arg");
}

function* calleeCapturedBeforeYield(): Generator<string, unknown, unknown> {
  const obj = {
    m: (v: unknown) => `original(${String(v)})`,
  };
  const replaced = obj.m((obj.m = (v: unknown) => `replaced(${String(v)})`, yield "during"));
  return [replaced, obj.m("after")];
}

function* computedMemberKeyBeforeArgs(): Generator<string, unknown, unknown> {
  const obj: Record<string, (...v: unknown[]) => unknown> = { go: (...v) => ["go", ...v] };
  const key = () => note("key", "go");
  return obj[key()]!(note("arg", 1), yield "y");
}

class Recorder {
  args: unknown[];
  constructor(...args: unknown[]) {
    log.push("construct");
    this.args = args;
  }
}

function* newOrder(): Generator<string, unknown, unknown> {
  const getC = () => note("class", Recorder);
  const r = new (getC())(note("a", 1), yield "y", note("b", 2));
  return r.args;
}

function* nestedCalls(): Generator<string, unknown, unknown> {
  return collect(collect(note("inner-a", 1), yield "inner"), yield "outer", collect());
}

function* optionalCalls(): Generator<string, unknown, unknown> {
  const present: ((v: unknown) => unknown) | undefined = (v) => ["present", v];
  const absent = undefined as ((v: unknown) => unknown) | undefined;
  const a = present?.(yield "present arg");
  const b = absent?.(note("never", 0));
  return [a, b];
}

function* detachedMethodCall(): Generator<string, unknown, unknown> {
  const obj = {
    who(this: unknown) {
      return this === undefined ? "undefined this" : this === obj ? "obj" : "other";
    },
  };
  const a = obj.who();
  const b = (0, obj.who)();
  const c = (yield "get method") === 1 ? obj.who() : (0, obj.who)();
  return [a, b, c];
}

function* callApplyBind(): Generator<string, unknown, unknown> {
  function show(this: { tag: string } | undefined, ...args: unknown[]) {
    return [this?.tag, ...args];
  }
  const a = show.call({ tag: "call" }, yield "c1", yield "c2");
  const b = show.apply({ tag: "apply" }, [yield "a1"]);
  const c = show.bind({ tag: "bind" }, yield "b1")(yield "b2");
  return [a, b, c];
}

function* spreadArgsOrder(): Generator<string, unknown, unknown> {
  const arr = [1, 2];
  return collect(note("first", 0), ...arr, yield "mid", ...note("spread", [3, 4]));
}

function* iifeInGenerator(): Generator<number, unknown, unknown> {
  const v = ((x: number) => x * 3)((yield 1) as number);
  const w = (function (this: unknown) {
    return this;
  })();
  return [v, w];
}

interface Tree {
  value: number;
  children: Tree[];
}

function* walk(tree: Tree, depth: number): Generator<string, number, unknown> {
  yield `${"-".repeat(depth)}${tree.value}`;
  let count = 1;
  for (const child of tree.children) count += yield* walk(child, depth + 1);
  return count;
}

const tree: Tree = {
  value: 1,
  children: [
    { value: 2, children: [{ value: 4, children: [] }] },
    { value: 3, children: [{ value: 5, children: [] }, { value: 6, children: [] }] },
  ],
};

function* chainedCalls(): Generator<string, unknown, unknown> {
  const builder = {
    parts: [] as unknown[],
    add(v: unknown) {
      log.push(`add ${String(v)}`);
      this.parts.push(v);
      return this;
    },
  };
  builder.add(yield "one").add(yield "two").add(note("three", 3));
  return builder.parts;
}

function* callResultUsedAcrossYield(): Generator<unknown, unknown, unknown> {
  const counter = (() => {
    let n = 0;
    return () => ++n;
  })();
  const first = counter();
  yield first;
  const second = counter();
  yield second;
  return counter() + first + second;
}

function whoIsThis(this: unknown): string {
  return this === undefined ? "undefined" : typeof this;
}

function* giving(): Generator<never, typeof whoIsThis, unknown> {
  return whoIsThis;
}

/** A function received from `yield` (or `yield*`) and called as is gets `this` undefined. */
function* calleeFromYield(): Generator<string, unknown, unknown> {
  const direct = ((yield "f") as () => string)();
  const optional = ((yield "f?") as (() => string) | undefined)?.();
  const tag = ((yield "tag") as (s: TemplateStringsArray) => string)`x`;
  const withArg = ((yield "g") as (v: unknown) => string)(yield "arg");
  const delegated = (yield* giving())();
  let caught: unknown;
  try {
    throw whoIsThis;
  } catch (e) {
    yield "in catch";
    caught = (e as () => string)();
  }
  return [direct, optional, tag, withArg, delegated, caught];
}

export const cases: GenCase[] = [
  { name: "arguments evaluate left to right around yields", make: () => argsOrder(), sends: [0, "Y2", "Y4"], log },
  { name: "callee evaluates before arguments", make: () => calleeBeforeArgs(), sends: [0, "M"], log },
  { name: "method receiver evaluates before arguments and binds this", make: () => methodReceiverBeforeArgs(), sends: [0, "A"], log },
  { name: "callee reference is captured before a yield in the arguments", make: () => calleeCapturedBeforeYield(), sends: [0, "sent"] },
  { name: "computed member key evaluates before arguments", make: () => computedMemberKeyBeforeArgs(), sends: [0, "Y"], log },
  { name: "new: constructor then arguments then construct", make: () => newOrder(), sends: [0, "Y"], log },
  { name: "nested calls with yields", make: () => nestedCalls(), sends: [0, "I", "O"], log },
  { name: "optional calls with yields", make: () => optionalCalls(), sends: [0, "P"], log },
  { name: "detached method call has undefined this", make: () => detachedMethodCall(), sends: [0, 2] },
  { name: "call/apply/bind with yields in arguments", make: () => callApplyBind(), sends: [0, "x", "y", "z", "u", "v"] },
  { name: "spread arguments order", make: () => spreadArgsOrder(), sends: [0, "S"], log },
  { name: "IIFE inside a generator", make: () => iifeInGenerator(), sends: [0, 7] },
  { name: "recursive generator tree walk", make: () => walk(tree, 0) },
  { name: "chained method calls with yields", make: () => chainedCalls(), sends: [0, 1, 2], log },
  { name: "closure state across yields", make: () => callResultUsedAcrossYield() },
  { name: "a function received from yield is called with this undefined", make: () => calleeFromYield(), sends: [0, whoIsThis, whoIsThis, whoIsThis, whoIsThis, 1, 2] },
];
