// The gadget corpus: hostile snapshots that try to run code, call functions or trigger hooks
// while loading. Each starts from bytes a real encoder wrote (dumps, signed) or from records
// built with the pickle's own tags, is tampered with, re-signed with the key, and loaded. Each
// must be refused with a one-line SnapshotError that says why — and nothing may have happened:
// no sentinel file, no sentinel global, no getter or proxy trap called, no prototype polluted.
import * as childProcess from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import * as nodeModule from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as vm from "node:vm";
import { Packr, Unpackr } from "msgpackr";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  decodeSnapshot, defaultReferenceTable, dumps, encodeSnapshot, loads, ReducerRegistry, ReferenceTable, SnapshotError,
} from "../src/index.js";
import * as T from "../src/tags.js";

const KEY = "gadget-corpus-key";
const SENTINEL = join(tmpdir(), `spickle-gadget-${process.pid}`);
// What every code gadget tries to run: write a file as the loading process, and mark a global.
const CODE = `globalThis.__spickleGadget = 1; process.getBuiltinModule("fs").writeFileSync(${JSON.stringify(SENTINEL)}, "pwned"); return 1`;
const g = globalThis as { __spickleGadget?: unknown };

/** Calls of anything a gadget tries to trigger (fixture getters, proxy traps, functions). */
let sideEffects = 0;
const touch = (): number => ++sideEffects;
const trapped = new Proxy({ x: 1 }, {
  get: () => touch(),
  getOwnPropertyDescriptor: () => (touch(), undefined),
  ownKeys: () => (touch(), []),
});
function withAccessorBind(): void {}
Object.defineProperty(withAccessorBind, "bind", { get: touch, configurable: true });

// A registered module, as a program would register one (its exports are by-reference entries).
const fixtures = {
  readIt(): number {
    return touch();
  },
  async asyncFn(): Promise<void> {},
  *genFn(): Generator<number> {},
  async *asyncGenFn(): AsyncGenerator<number> {},
  nested: Object.defineProperty({}, "trap", { get: touch, enumerable: true }),
  trapped,
  withAccessorBind,
  execSync: childProcess.execSync,
  Script: vm.Script,
  Module: nodeModule.Module,
};

class Point {
  constructor(readonly x: number, readonly y: number) {}
}
const reducers = new ReducerRegistry().register(Point, { reduce: (p) => [p.x, p.y], restore: (s: number[]) => new Point(s[0]!, s[1]!) });

const unpackr = new Unpackr({ useRecords: true, mapsAsObjects: false, int64AsType: "bigint" } as ConstructorParameters<typeof Unpackr>[0]);
const packr = new Packr({ useRecords: true });

/** The body records of a real snapshot of `value` (written by dumps, signed, verified). */
function realBody(value: unknown): unknown[] {
  const { body } = decodeSnapshot(dumps(value, { key: KEY, reducers }), { key: KEY });
  return unpackr.unpack(body) as unknown[];
}

/** Replaces every by-reference path `from` in a body by `to`. */
function retarget(body: unknown[], from: string, to: string): unknown[] {
  let hits = 0;
  for (let i = 1; i < body.length - 1; i++) {
    const f = body[i + 1] as unknown[];
    if (body[i] === T.T_REF && Array.isArray(f) && f[0] === from) {
      f[0] = to;
      hits++;
    }
  }
  expect(hits, `the real body holds ${from}`).toBeGreaterThan(0);
  return body;
}

/** Records built with the pickle's tags: [FORMAT, records…, root]. */
class Records {
  readonly items: unknown[] = [T.FORMAT];
  private count = 0;
  /** A record that creates an entry; returns the entry's wire reference. */
  make(tag: number, fields: unknown[]): number {
    this.items.push(tag, fields);
    return ~this.count++;
  }
  ref(path: string): number {
    return this.make(T.T_REF, [path]);
  }
  /** A fill record (creates nothing). */
  fill(tag: number, fields: unknown[]): void {
    this.items.push(tag, fields);
  }
  body(root: number): unknown[] {
    return [...this.items, root];
  }
}

/** An object of T_OBJECT with a property list: [key, flags, value] or [key, ACCESSOR, get, set]. */
function objectWith(r: Records, proto: number, props: unknown[]): number {
  const o = r.make(T.T_OBJECT, [proto]);
  r.fill(T.T_FILL, [~o, 1, ...props]);
  return o;
}
const DATA = 7; // enumerable | writable | configurable
const ACCESSOR = 13; // enumerable | configurable | accessor

function signed(body: unknown[]): Uint8Array {
  return encodeSnapshot({ header: {}, body: packr.pack(body) }, { key: KEY });
}

/** Loads a tampered body as an untrusted snapshot and returns the refusal. */
function refusal(body: unknown[], options: { allowCode?: boolean } = {}): SnapshotError {
  let result: unknown;
  try {
    result = loads(signed(body), { key: KEY, allowCode: options.allowCode ?? false });
  } catch (err) {
    expect(err).toBeInstanceOf(SnapshotError);
    const message = (err as Error).message;
    expect(message).not.toContain("\n");
    expect(message.length).toBeLessThan(600);
    return err as SnapshotError;
  }
  throw new Error(`the gadget loaded: ${String(result)}`);
}

function issueGadget(restorerPath: string): unknown[] {
  // The issue's 318-byte snapshot: walk to Function, reduce (Function, code), reduce (fn, null).
  const r = new Records();
  const fn = r.ref(restorerPath);
  const made = r.make(T.T_REDUCE, [fn, CODE]);
  return r.body(r.make(T.T_REDUCE, [made, null]));
}

beforeAll(() => {
  defaultReferenceTable.addModule("gadget-fixtures", fixtures);
  rmSync(SENTINEL, { force: true });
});

afterEach(() => {
  expect(existsSync(SENTINEL), "the sentinel file was written").toBe(false);
  expect(g.__spickleGadget, "gadget code ran").toBeUndefined();
  expect(sideEffects, "a getter, trap or function ran").toBe(0);
  expect(Object.prototype).not.toHaveProperty("polluted");
  expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
});

describe("function constructors through [[Prototype]].constructor", () => {
  it("refuses the issue's snapshot: a registered module's function, [[Prototype]].constructor, reduce, reduce", () => {
    const e = refusal(issueGadget("@spickle/runtime#registerSites[[Prototype]].constructor"));
    expect(e.message).toMatch(/reference "@spickle\/runtime#registerSites\[\[Prototype\]\]\.constructor" names the Function constructor, which no snapshot may reference/);
  });

  it("refuses it in a trusted load too (allowCode: true): function constructors are refused everywhere", () => {
    expect(refusal(issueGadget("gadget-fixtures#readIt[[Prototype]].constructor"), { allowCode: true }).message).toMatch(/names the Function constructor/);
  });

  it("refuses a real reference retargeted at Function through a builtin", () => {
    const body = retarget(realBody({ f: fixtures.readIt }), "gadget-fixtures#readIt", "globalThis#Math.max[[Prototype]].constructor");
    expect(refusal(body).message).toMatch(/names the Function constructor/);
  });

  it("refuses globalThis#Function by its own name", () => {
    expect(refusal(retarget(realBody([fixtures.readIt]), "gadget-fixtures#readIt", "globalThis#Function")).message).toMatch(/names the Function constructor/);
  });

  it("refuses Function reached through prototype.constructor", () => {
    expect(refusal(retarget(realBody([fixtures.readIt]), "gadget-fixtures#readIt", "globalThis#Function.prototype.constructor")).message).toMatch(/Function constructor/);
  });

  it.each([
    ["asyncFn", "AsyncFunction"],
    ["genFn", "GeneratorFunction"],
    ["asyncGenFn", "AsyncGeneratorFunction"],
  ])("refuses the %s walk to the %s constructor", (fn, ctor) => {
    const body = retarget(realBody([fixtures.readIt]), "gadget-fixtures#readIt", `gadget-fixtures#${fn}[[Prototype]].constructor`);
    expect(refusal(body).message).toContain(`names the ${ctor} constructor`);
  });
});

describe("eval, vm, require and processes", () => {
  it.each([
    ["globalThis#eval", /names eval, which no snapshot may reference/],
    ["globalThis#globalThis.eval", /names eval/],
    ["globalThis#process.binding", /names process\.binding/],
    ["globalThis#process.dlopen", /names process\.dlopen/],
    ["globalThis#process.getBuiltinModule", /names process\.getBuiltinModule/],
  ])("refuses %s even in a trusted load", (path, message) => {
    const body = retarget(realBody([fixtures.readIt]), "gadget-fixtures#readIt", path);
    expect(refusal(body, { allowCode: true }).message).toMatch(message);
  });

  it.each([
    ["node:vm#runInThisContext", "node:vm"],
    ["vm#Script", "vm"],
    ["node:child_process#exec", "node:child_process"],
    ["child_process#execSync", "child_process"],
    ["node:module#createRequire", "node:module"],
    ["node:worker_threads#Worker", "node:worker_threads"],
  ])("refuses %s by its module, even in a trusted load", (path, module) => {
    const body = retarget(realBody([fixtures.readIt]), "gadget-fixtures#readIt", path);
    expect(refusal(body, { allowCode: true }).message).toContain(`names module ${module}, which no snapshot may reference`);
  });

  it.each([
    ["gadget-fixtures#execSync", "node:child_process#execSync"],
    ["gadget-fixtures#Script.prototype.runInThisContext", "node:vm#Script.prototype.runInThisContext"],
    ["gadget-fixtures#Module.prototype.require", "node:module#Module.prototype.require"],
    ["gadget-fixtures#Module.createRequire", "node:module#createRequire"],
  ])("refuses %s, re-exported by a registered module (%s)", (path, what) => {
    const body = retarget(realBody([fixtures.readIt]), "gadget-fixtures#readIt", path);
    expect(refusal(body, { allowCode: true }).message).toContain(`names ${what}`);
  });

  it("refuses vm.runInThisContext as a reducer's restore function, code as its state", () => {
    const r = new Records();
    const run = r.ref("gadget-fixtures#Script.prototype.runInThisContext");
    expect(refusal(r.body(r.make(T.T_REDUCE, [run, CODE]))).message).toMatch(/names node:vm#Script\.prototype\.runInThisContext/);
  });
});

describe("restore functions come from registered reducers only", () => {
  it("refuses a real reduce record retargeted at a builtin function", () => {
    const body = realBody(new Point(1, 2));
    const at = body.indexOf(T.T_REDUCE);
    expect((body[at + 1] as unknown[])[0]).toBe("Point");
    // The reduce record is the root entry k: a reference inserted before it becomes entry k.
    const k = ~(body.at(-1) as number);
    body.splice(at, 0, T.T_REF, ["globalThis#Reflect.apply"]);
    (body[at + 3] as unknown[])[0] = ~k;
    body[body.length - 1] = ~(k + 1);
    expect(refusal(body).message).toMatch(/refusing to call function apply as a restore function: only registered reducers restore/);
  });

  it("refuses @spickle/runtime#restoreModule as a restore function (code without allowCode)", () => {
    const r = new Records();
    const restoreModule = r.ref("@spickle/runtime#restoreModule");
    const info = r.make(T.T_OBJECT_KV, [["id", "hash", "code"], ["evil", "0", `(() => { ${CODE} })`]]);
    expect(refusal(r.body(r.make(T.T_REDUCE, [restoreModule, info]))).message).toMatch(/names @spickle\/runtime#restoreModule, which no snapshot may reference/);
  });

  it("refuses a registered module's own function as a restore function when no reducer has it", () => {
    const r = new Records();
    const fn = r.ref("gadget-fixtures#readIt");
    expect(refusal(r.body(r.make(T.T_REDUCE, [fn, "/etc/passwd"])), { allowCode: true }).message).toBe(
      "refusing to call function readIt as a restore function: only registered reducers restore");
  });

  it("refuses a reducer name nobody registered", () => {
    const body = realBody(new Point(1, 2));
    (body[body.indexOf(T.T_REDUCE) + 1] as unknown[])[0] = "eval";
    expect(refusal(body).message).toBe('no reducer named "eval" is registered (register it in the loading process)');
  });

  it.each(["__proto__", "constructor", "toString"])("refuses the reducer name %s (no prototype lookups)", (name) => {
    const body = realBody(new Point(1, 2));
    (body[body.indexOf(T.T_REDUCE) + 1] as unknown[])[0] = name;
    expect(refusal(body).message).toContain(`no reducer named ${JSON.stringify(name)}`);
  });

  it("loads the untampered snapshot when the loader registered the reducer", () => {
    const bytes = signed(realBody(new Point(1, 2)));
    expect(loads(bytes, { key: KEY, allowCode: false, reducers })).toEqual(new Point(1, 2));
  });
});

describe("paths the table does not list", () => {
  it("refuses a path through a getter, without calling it", () => {
    const body = retarget(realBody([fixtures.readIt]), "gadget-fixtures#readIt", "gadget-fixtures#nested.trap");
    expect(refusal(body, { allowCode: true }).message).toMatch(/does not resolve \(trap is an accessor\)/);
  });

  it("refuses __proto__ as a segment (an accessor of Object.prototype)", () => {
    const body = retarget(realBody([fixtures.readIt]), "gadget-fixtures#readIt", 'globalThis#Object.prototype["__proto__"]');
    expect(refusal(body, { allowCode: true }).message).toMatch(/__proto__ is an accessor/);
  });

  it("refuses a path through a proxy, without a trap running", () => {
    const body = retarget(realBody([fixtures.readIt]), "gadget-fixtures#readIt", "gadget-fixtures#trapped.x");
    expect(refusal(body, { allowCode: true }).message).toMatch(/a proxy on the way/);
  });

  it("refuses a path longer than any the table lists", () => {
    const path = "globalThis#Array.prototype.constructor.prototype.constructor.prototype";
    expect(refusal(retarget(realBody([fixtures.readIt]), "gadget-fixtures#readIt", path), { allowCode: true }).message).toMatch(/longer than any the table lists \(5 steps\)/);
  });

  it("cuts a huge path to 200 characters in the message", () => {
    const path = `globalThis#${"a".repeat(1 << 20)}`;
    const message = refusal(retarget(realBody([fixtures.readIt]), "gadget-fixtures#readIt", path)).message;
    expect(message.length).toBeLessThan(300);
    expect(message).toMatch(/^malformed reference path "globalThis#a+…$/);
  });

  it("refuses modules nobody registered in an untrusted load (loading a package runs its code)", () => {
    const body = retarget(realBody([fixtures.readIt]), "gadget-fixtures#readIt", "fast-check#default");
    expect(refusal(body).message).toMatch(/names a module that is not registered \(an untrusted snapshot, allowCode: false, loads no module\)/);
  });
});

describe("hooks a program would trigger later", () => {
  it("refuses process.exit as a `then` hook in an untrusted snapshot", () => {
    const body = retarget(realBody({ then: fixtures.readIt }), "gadget-fixtures#readIt", "globalThis#process.exit");
    expect(refusal(body).message).toMatch(/names process or one of its members, which an untrusted snapshot \(allowCode: false\) may not/);
  });

  it("refuses eval as Symbol.toPrimitive", () => {
    const r = new Records();
    const key = r.make(T.T_SYMBOL_WK, ["toPrimitive"]);
    const evil = r.ref("globalThis#eval");
    expect(refusal(r.body(objectWith(r, 0, [key, DATA, evil]))).message).toMatch(/names eval/);
  });

  it("refuses process.abort as a getter", () => {
    const real = Object.defineProperty({}, "then", { get: fixtures.readIt, enumerable: true, configurable: true });
    const body = retarget(realBody(real), "gadget-fixtures#readIt", "globalThis#process.abort");
    expect(refusal(body).message).toMatch(/names process or one of its members/);
  });

  it("refuses process.kill as util.inspect.custom", () => {
    const r = new Records();
    const key = r.make(T.T_SYMBOL_FOR, ["nodejs.util.inspect.custom"]);
    const kill = r.ref("globalThis#process.kill");
    expect(refusal(r.body(objectWith(r, 0, [key, DATA, kill]))).message).toMatch(/process or one of its members/);
  });

  it("refuses Function as a getter's function", () => {
    const r = new Records();
    const ctor = r.ref("gadget-fixtures#readIt[[Prototype]].constructor");
    expect(refusal(r.body(objectWith(r, 0, ["valueOf", ACCESSOR, ctor, undefined]))).message).toMatch(/Function constructor/);
  });
});

describe("the runtime's code loaders", () => {
  it("refuses restoreModule bound to module code as a `then` hook", () => {
    const r = new Records();
    const restoreModule = r.ref("@spickle/runtime#restoreModule");
    const info = r.make(T.T_OBJECT_KV, [["id", "hash", "code"], ["evil.ts", "0", `(() => { ${CODE} })`]]);
    const args = r.make(T.T_NEW_ARRAY, []);
    r.fill(T.T_FILL_ARRAY, [~args, [info]]);
    const hook = r.make(T.T_HANDLER, ["spickle.bound", restoreModule, null, args]);
    const body = r.body(r.make(T.T_OBJECT_KV, [["then"], [hook]]));
    expect(refusal(body, { allowCode: true }).message).toMatch(/names @spickle\/runtime#restoreModule/);
  });

  it("refuses a module record's module loaders (dynamicImport)", () => {
    const body = retarget(realBody([fixtures.readIt]), "gadget-fixtures#readIt", "@spickle/runtime#ModuleRecord.prototype.dynamicImport");
    expect(refusal(body, { allowCode: true }).message).toMatch(/names @spickle\/runtime#ModuleRecord\.prototype\.dynamicImport/);
  });
});

describe("handler records", () => {
  it("refuses a bound function whose target is an object with a chosen `bind`", () => {
    const r = new Records();
    const fn = r.ref("gadget-fixtures#readIt");
    const target = r.make(T.T_OBJECT_KV, [["bind"], [fn]]);
    const args = r.make(T.T_NEW_ARRAY, []);
    r.fill(T.T_FILL_ARRAY, [~args, ["/etc/passwd"]]);
    expect(refusal(r.body(r.make(T.T_HANDLER, ["spickle.bound", target, null, args]))).message).toBe("a bound function's target is not a function");
  });

  it("refuses a bound function whose target has a getter `bind`, without calling it", () => {
    const r = new Records();
    const target = r.ref("gadget-fixtures#withAccessorBind");
    expect(refusal(r.body(r.make(T.T_HANDLER, ["spickle.bound", target, null, r.make(T.T_NEW_ARRAY, [])]))).message).toMatch(/has its own bind: it is not bound by the native bind/);
  });

  it("refuses a closure of a forged module record (ModuleRecord.prototype with a chosen factory)", () => {
    const r = new Records();
    const proto = r.ref("@spickle/runtime#ModuleRecord.prototype");
    const factory = r.ref("gadget-fixtures#readIt");
    const factories = r.make(T.T_MAP, [0]);
    r.fill(T.T_FILL, [~factories, 1, "f0", factory]);
    const sites = r.make(T.T_OBJECT_KV, [["factories"], [factories]]);
    const record = objectWith(r, proto, ["sites", DATA, sites, "id", ACCESSOR, r.ref("gadget-fixtures#readIt"), undefined]);
    const scope = r.make(T.T_OBJECT_KV, [["code"], [`(() => { ${CODE} })`]]);
    const closure = r.make(T.T_HANDLER, ["spickle.closure", record, "f0", null, scope]);
    expect(refusal(r.body(closure), { allowCode: true }).message).toMatch(/needs function f0 of a module record that has no functions \(or is not a module record\)/);
  });

  it("refuses a class of a forged module record", () => {
    const r = new Records();
    const record = objectWith(r, r.ref("@spickle/runtime#ModuleRecord.prototype"), ["sites", DATA, null]);
    const cls = r.make(T.T_HANDLER, ["spickle.class", record, "c0", null, false, null, null]);
    expect(refusal(r.body(cls), { allowCode: true }).message).toMatch(/needs a class of a module record that has no functions/);
  });

  it("refuses a method whose class is an object with a `prototype` getter, without calling it", () => {
    const r = new Records();
    const home = objectWith(r, 0, ["prototype", ACCESSOR, r.ref("gadget-fixtures#readIt"), undefined]);
    const method = r.make(T.T_HANDLER, ["spickle.method", home, "prototype", "m", "value"]);
    expect(refusal(r.body(method), { allowCode: true }).message).toBe("the snapshot names a class that is not a class of compiled code");
  });

  it("refuses a class prototype of something that is not a class", () => {
    const r = new Records();
    const notAClass = objectWith(r, 0, ["prototype", ACCESSOR, r.ref("gadget-fixtures#readIt"), undefined]);
    expect(refusal(r.body(r.make(T.T_HANDLER, ["spickle.prototype", notAClass])), { allowCode: true }).message).toMatch(/not a class of compiled code/);
  });

  it("refuses module code under allowCode: false, whichever record carries it", () => {
    const r = new Records();
    const info = r.make(T.T_OBJECT_KV, [["id", "hash", "code"], ["evil.ts", "0", `(() => { ${CODE} })`]]);
    expect(refusal(r.body(r.make(T.T_HANDLER, ["spickle.module", info]))).message).toBe(
      "the snapshot carries code (module evil.ts) but code is not allowed (allowCode: false)");
  });

  it("refuses a typed array over an object forged with ArrayBuffer.prototype (no iterator getter runs)", () => {
    const r = new Records();
    const iter = r.make(T.T_SYMBOL_WK, ["iterator"]);
    const forged = objectWith(r, r.ref("globalThis#ArrayBuffer.prototype"), [iter, ACCESSOR, r.ref("gadget-fixtures#readIt"), undefined]);
    expect(refusal(r.body(r.make(T.T_TYPED_ARRAY, [0, "Uint8Array", forged, 0, 0]))).message).toMatch(/view over a non-buffer/);
  });

  it("refuses a handler kind named __proto__", () => {
    const r = new Records();
    expect(refusal(r.body(r.make(T.T_HANDLER, ["__proto__"]))).message).toBe('no handler for kind "__proto__" is registered');
  });
});

describe("prototype pollution", () => {
  it("refuses a fill record aimed at a by-reference object (Object.prototype)", () => {
    const r = new Records();
    const proto = r.ref("globalThis#Object.prototype");
    r.fill(T.T_FILL_OBJECT, [~proto, { polluted: 1 }]);
    expect(refusal(r.body(proto)).message).toMatch(/fill record for an entry that awaits none/);
  });

  it("keeps a __proto__ key an own property, whichever record writes it", () => {
    const viaKV = loads(signed([T.FORMAT, T.T_OBJECT_KV, [["__proto__"], [1]], -1]), { key: KEY, allowCode: false });
    const json = JSON.parse('{"__proto__": {"polluted": 1}}') as object;
    const real = loads(signed(realBody(json)), { key: KEY, allowCode: false }) as object;
    for (const o of [viaKV, real] as object[]) {
      expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
      expect(Object.getOwnPropertyNames(o)).toEqual(["__proto__"]);
    }
  });
});

describe("what an untrusted snapshot may still name", () => {
  it("loads listed intrinsics and registered module exports", () => {
    const value = { max: Math.max, read: fixtures.readIt, proto: Object.getPrototypeOf(Uint8Array) };
    expect(loads(dumps(value, { key: KEY }), { key: KEY, allowCode: false })).toEqual(value);
    const table = new ReferenceTable();
    expect(table.resolve("globalThis#Int8Array[[Prototype]]", true)).toBe(Object.getPrototypeOf(Uint8Array));
  });
});
