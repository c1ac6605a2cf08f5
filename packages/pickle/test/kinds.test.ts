import { describe, expect, it } from "vitest";
import { decodeGraph, encodeGraph, ReferenceTable } from "../src/index.js";

const rt = <T>(v: T): T => decodeGraph(encodeGraph(v)) as T;

describe("primitives", () => {
  it("keeps every primitive exactly", () => {
    const values = [0, -0, 1, -1, -2147483648, -2147483649, 2 ** 53, -(2 ** 53), 1.5, -1.5, NaN, Infinity, -Infinity,
      "", "héllo", "x".repeat(70000), true, false, null, undefined, 0n, -1n, 2n ** 64n, -(2n ** 1000n) - 7n];
    for (const v of values) expect(Object.is(rt(v), v), String(v)).toBe(true);
    const arr = rt(values);
    values.forEach((v, i) => expect(Object.is(arr[i], v)).toBe(true));
  });

  it("keeps registered, well-known and unique symbols", () => {
    const u = Symbol("mine");
    const none = Symbol();
    const empty = Symbol("");
    const out = rt({ a: Symbol.for("app.key"), b: Symbol.iterator, c: Symbol.asyncIterator, u, u2: u, none, empty });
    expect(out.a).toBe(Symbol.for("app.key"));
    expect(out.b).toBe(Symbol.iterator);
    expect(out.c).toBe(Symbol.asyncIterator);
    expect(out.u).not.toBe(u);
    expect(out.u.description).toBe("mine");
    expect(out.u2).toBe(out.u);
    expect(out.none.description).toBeUndefined();
    expect(out.empty.description).toBe("");
  });
});

describe("plain objects", () => {
  it("keeps symbol keys, non-enumerable properties, accessors and key order", () => {
    const s = Symbol("s");
    const o: Record<string | symbol, unknown> = { b: 1, a: 2, 10: "ten", 2: "two" };
    o[s] = "sym";
    Object.defineProperty(o, "hidden", { value: 3, enumerable: false, writable: true, configurable: false });
    Object.defineProperty(o, "ro", { value: 4, enumerable: true, writable: false, configurable: true });
    Object.defineProperty(o, "acc", { get: Math.random, set: undefined, enumerable: true, configurable: true });
    const out = rt(o);
    expect(Reflect.ownKeys(out).map(String)).toEqual(Reflect.ownKeys(o).map((k) => (typeof k === "symbol" ? k.toString() : k)));
    const outSym = Object.getOwnPropertySymbols(out)[0]!;
    expect(outSym.description).toBe("s");
    expect(out[outSym]).toBe("sym");
    for (const k of ["hidden", "ro", "acc", "b"]) {
      expect(Object.getOwnPropertyDescriptor(out, k)).toEqual(Object.getOwnPropertyDescriptor(o, k));
    }
  });

  it("keeps null prototype, frozen, sealed and non-extensible", () => {
    const n = Object.assign(Object.create(null), { x: 1 });
    const out = rt({ n, f: Object.freeze({ a: 1 }), s: Object.seal({ b: 2 }), p: Object.preventExtensions({ c: 3 }), e: {} });
    expect(Object.getPrototypeOf(out.n)).toBe(null);
    expect(out.n.x).toBe(1);
    expect(Object.isFrozen(out.f)).toBe(true);
    expect(Object.isSealed(out.s) && !Object.isFrozen(out.s)).toBe(true);
    expect(Object.isExtensible(out.p) || Object.isSealed(out.p)).toBe(false);
    expect(Object.isExtensible(out.e)).toBe(true);
  });

  it("keeps an own __proto__ data property and many-key objects", () => {
    const o = JSON.parse('{"__proto__": {"x": 1}, "y": 2}');
    const out = rt(o);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toEqual({ x: 1 });
    const big: Record<string, number> = {};
    for (let i = 0; i < 500; i++) big["k" + i] = i;
    big.self = big as never;
    const b = rt(big);
    expect(Object.keys(b)).toEqual(Object.keys(big));
    expect(b.self).toBe(b);
  });

  it("keeps objects with another prototype", () => {
    const proto = { kind: "proto" };
    const o = Object.create(proto, { own: { value: 1, enumerable: true, writable: true, configurable: true } });
    const out = rt({ o, o2: Object.create(proto) });
    expect(Object.getPrototypeOf(out.o)).toBe(Object.getPrototypeOf(out.o2));
    expect(Object.getPrototypeOf(out.o)).toEqual({ kind: "proto" });
    expect(out.o.own).toBe(1);
    expect(out.o.kind).toBe("proto");
  });
});

describe("arrays", () => {
  it("keeps holes, extra properties, non-default length and frozen arrays", () => {
    const a: unknown[] & { extra?: string } = [1, , 3];
    a.extra = "x";
    const b = [1, 2];
    b.length = 5;
    const s = Symbol.for("tag");
    const c = Object.assign([1], { [s]: true });
    const out = rt({ a, b, c, f: Object.freeze([1, 2]), e: [] });
    expect(1 in out.a).toBe(false);
    expect(out.a.length).toBe(3);
    expect(out.a.extra).toBe("x");
    expect(out.b.length).toBe(5);
    expect(3 in out.b).toBe(false);
    expect((out.c as unknown as Record<symbol, boolean>)[s]).toBe(true);
    expect(Object.isFrozen(out.f)).toBe(true);
    expect(Array.isArray(out.e) && out.e.length === 0).toBe(true);
  });

  it("keeps subclass prototypes of arrays", () => {
    class List extends Array {}
    const l = new List();
    l.push(1, 2);
    const table = new ReferenceTable().addModule("test-classes", { List });
    const out = decodeGraph(encodeGraph({ l }, { table }), { table }) as { l: List };
    expect(Object.getPrototypeOf(out.l)).toBe(List.prototype);
    expect(Array.isArray(out.l)).toBe(true);
    expect([...out.l]).toEqual([1, 2]);
  });
});

describe("collections and wrappers", () => {
  it("keeps Map and Set order, object keys and cycles", () => {
    const k = { key: true };
    const m = new Map<unknown, unknown>([[k, 1], ["b", k], [NaN, -0]]);
    m.set(m, m);
    const s = new Set<unknown>([3, k, 1]);
    s.add(s);
    const out = rt({ m, s, k });
    expect([...out.m.keys()].slice(0, 3)).toEqual([out.k, "b", NaN]);
    expect(out.m.get(out.k)).toBe(1);
    expect(out.m.get(out.m)).toBe(out.m);
    expect(Object.is(out.m.get(NaN), -0)).toBe(true);
    expect([...out.s]).toEqual([3, out.k, 1, out.s]);
  });

  it("keeps Dates (also invalid) and RegExps (flags, lastIndex)", () => {
    const r = /a(b)?/gimsuy;
    r.lastIndex = 4;
    const out = rt({ d: new Date(1234567), bad: new Date(NaN), r, plain: /x/ });
    expect(out.d.getTime()).toBe(1234567);
    expect(Number.isNaN(out.bad.getTime())).toBe(true);
    expect(out.r.source).toBe("a(b)?");
    expect(out.r.flags).toBe(r.flags);
    expect(out.r.lastIndex).toBe(4);
    expect(out.plain.lastIndex).toBe(0);
  });

  it("keeps boxed primitives", () => {
    const sym = Symbol("boxed");
    const str = Object.assign(new String("ab"), { extra: 1 });
    const out = rt([new Number(-0), str, new Boolean(false), Object(10n), Object(sym)]);
    expect(Object.is(out[0]!.valueOf(), -0)).toBe(true);
    expect(out[1]!.valueOf()).toBe("ab");
    expect((out[1] as unknown as { extra: number }).extra).toBe(1);
    expect(out[2]!.valueOf()).toBe(false);
    expect(typeof out[2]).toBe("object");
    expect(out[3]!.valueOf()).toBe(10n);
    expect(typeof (out[4]!.valueOf() as symbol)).toBe("symbol");
  });
});

describe("binary data", () => {
  it("keeps every typed array, DataView and shared buffers with offsets", () => {
    const buf = new ArrayBuffer(64);
    new Uint8Array(buf).forEach((_, i, a) => (a[i] = i));
    const views = [new Int8Array(buf, 1, 3), new Uint8Array(buf), new Uint8ClampedArray(buf, 2, 2), new Int16Array(buf, 4, 2),
      new Uint16Array(buf, 8, 1), new Int32Array(buf, 8, 2), new Uint32Array(buf, 16, 1), new Float32Array(buf, 16, 2),
      new Float64Array(buf, 24, 2), new BigInt64Array(buf, 40, 1), new BigUint64Array(buf, 48, 2), new DataView(buf, 5, 7)];
    const out = rt({ buf, views });
    for (let i = 0; i < views.length; i++) {
      const a = views[i]!;
      const b = out.views[i]!;
      expect(Object.getPrototypeOf(b)).toBe(Object.getPrototypeOf(a));
      expect(b.buffer).toBe(out.buf);
      expect([b.byteOffset, b.byteLength]).toEqual([a.byteOffset, a.byteLength]);
    }
    expect([...new Uint8Array(out.buf)]).toEqual([...new Uint8Array(buf)]);
    (out.views[1] as Uint8Array)[1] = 200;
    expect((out.views[0] as Int8Array)[0]).toBe(-56);
  });

  it("keeps resizable buffers, SharedArrayBuffer and Buffer", () => {
    const r = new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer & { resizable: boolean; maxByteLength: number })(4, { maxByteLength: 16 });
    const shared = new SharedArrayBuffer(8);
    new Uint8Array(shared)[3] = 9;
    const b = Buffer.from("hello");
    const out = rt({ r, shared, b });
    expect(out.r.resizable).toBe(true);
    expect(out.r.maxByteLength).toBe(16);
    expect(new Uint8Array(out.shared)[3]).toBe(9);
    expect(Buffer.isBuffer(out.b)).toBe(true);
    expect(out.b.toString()).toBe("hello");
  });
});

describe("errors", () => {
  it("keeps Error subclasses, message, stack, cause, errors and extra properties", () => {
    const cause = new RangeError("inner");
    const e = Object.assign(new TypeError("outer", { cause }), { code: "E_X" });
    const agg = new AggregateError([e, 1], "many");
    const out = rt({ e, agg, plain: new Error() });
    expect(out.e).toBeInstanceOf(TypeError);
    expect(out.e.message).toBe("outer");
    expect(out.e.stack).toBe(e.stack);
    expect(out.e.cause).toBeInstanceOf(RangeError);
    expect((out.e as unknown as { code: string }).code).toBe("E_X");
    expect(out.agg).toBeInstanceOf(AggregateError);
    expect(out.agg.errors[0]).toBe(out.e);
    expect(out.agg.errors[1]).toBe(1);
    expect(Object.getOwnPropertyNames(out.plain)).toEqual(Object.getOwnPropertyNames(new Error()));
    for (const k of ["message", "stack", "cause"]) {
      expect(Object.getOwnPropertyDescriptor(out.e, k)?.enumerable).toBe(Object.getOwnPropertyDescriptor(e, k)?.enumerable);
    }
  });
});

describe("stack traces", () => {
  // Node ≥ 22 makes `stack` an own accessor of native functions; a snapshot keeps the string.
  it("keeps the stack Error.captureStackTrace gave a plain object, as an own property", () => {
    const record: { stack?: string; id: number } = { id: 7 };
    Error.captureStackTrace(record);
    const out = rt(record);
    expect(out.id).toBe(7);
    expect(out.stack).toBe(record.stack);
    expect(out.stack).toContain("kinds.test.ts");
    expect(Object.getOwnPropertyDescriptor(out, "stack")).toMatchObject({ enumerable: false, configurable: true });
  });

  it("keeps an error's stack after it was replaced through the accessor", () => {
    const e = new Error("x");
    e.stack = "custom stack";
    const out = rt({ e });
    expect(out.e.stack).toBe("custom stack");
  });
});

describe("by reference", () => {
  it("keeps builtins by reference", () => {
    const v = { max: Math.max, push: Array.prototype.push, math: Math, json: JSON, proto: Object.prototype, map: Map, out: process.stdout };
    const out = rt(v);
    for (const k of Object.keys(v) as (keyof typeof v)[]) expect(out[k]).toBe(v[k]);
  });
});
