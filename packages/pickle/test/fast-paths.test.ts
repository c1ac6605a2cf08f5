// The encoder's fast paths and its msgpack writer: number arrays as one binary record, the
// checks that send an array or object to the exact path, and the bytes the writer produces
// (msgpackr's format, read back by msgpackr).
import fc from "fast-check";
import { Packr, Unpackr } from "msgpackr";
import { describe, expect, it } from "vitest";
import { decodeGraph, encodeGraph, ReferenceTable, SerializeError, type ObjectHandler } from "../src/index.js";
import * as T from "../src/tags.js";

let getterCalls = 0;
/** A getter the table knows (by reference), counting its calls: the encoder must make none. */
function counter(): number {
  return ++getterCalls;
}
const table = new ReferenceTable().addModule("fast-paths-fixtures", { counter });
const rt = <T>(v: T): T => decodeGraph(encodeGraph(v, { table }), { table }) as T;
const unpack = (bytes: Uint8Array): unknown[] =>
  new Unpackr({ useRecords: true, mapsAsObjects: false, int64AsType: "bigint" } as ConstructorParameters<typeof Unpackr>[0]).unpack(bytes) as unknown[];
/** Own keys with their attributes, comparable across graphs (object values by shape only). */
const descriptors = (o: object) =>
  Reflect.ownKeys(o).map((k) => {
    const d = Object.getOwnPropertyDescriptor(o, k)!;
    const value = "value" in d ? (typeof d.value === "object" && d.value !== null ? JSON.stringify(d.value) : d.value) : undefined;
    return [typeof k === "symbol" ? k.toString() : k, d.enumerable, d.configurable, d.writable, typeof d.get, typeof d.set, value];
  });

describe("arrays of numbers", () => {
  it("keeps every value of int32 and float64 arrays, short and long", () => {
    const ints = [0, 1, -1, 63, 64, 255, 256, -32, -33, -128, -129, 2 ** 31 - 1, -(2 ** 31), 65535, 65536, 7];
    const doubles = [0.5, -0, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.MIN_VALUE, 1e300, -1, 3, 4, 5, 6, 7];
    const bytes = Array.from({ length: 300 }, (_, i) => i % 256);
    for (const a of [ints, doubles, bytes, ints.slice(0, 5), doubles.slice(0, 5), Array.from({ length: 1000 }, (_, i) => i * 0.25 - 100)]) {
      const out = rt(a);
      expect(Array.isArray(out) && Object.getPrototypeOf(out) === Array.prototype).toBe(true);
      expect(out.length).toBe(a.length);
      a.forEach((x, i) => expect(Object.is(out[i], x), `${i}: ${x}`).toBe(true));
      expect(Object.isExtensible(out) && Object.getOwnPropertyDescriptor(out, "length")!.writable).toBe(true);
    }
  });

  it("writes long ones as one record, and keeps identity and cycles around them", () => {
    const nums = Array.from({ length: 100 }, (_, i) => i);
    const body = unpack(encodeGraph([nums, nums]));
    expect(body).toContain(T.T_NUMBERS);
    const out = rt({ a: nums, b: nums, c: [nums] });
    expect(out.a).toBe(out.b);
    expect(out.c[0]).toBe(out.a);
    const withObject: unknown[] = Array.from({ length: 20 }, (_, i) => i);
    withObject.push(withObject);
    const back = rt(withObject);
    expect(back[20]).toBe(back);
  });

  it("gives the same bytes for equal arrays, whatever NaN they hold", () => {
    const f = new Float64Array(1);
    new DataView(f.buffer).setBigUint64(0, 0x7ff8000000000abcn, true); // a NaN with a payload
    const odd = Array.from({ length: 20 }, (_, i) => (i === 3 ? 1.5 : new Float64Array(f.buffer)[0]!));
    const plain = Array.from({ length: 20 }, (_, i) => (i === 3 ? 1.5 : NaN));
    expect(Buffer.from(encodeGraph(odd)).equals(Buffer.from(encodeGraph(plain)))).toBe(true);
    expect(Buffer.from(encodeGraph({ x: odd[0] })).equals(Buffer.from(encodeGraph({ x: NaN })))).toBe(true);
  });

  it("writes small integers one byte each", () => {
    const bytes = Array.from({ length: 1000 }, (_, i) => i % 256);
    expect(encodeGraph(bytes).length).toBeLessThan(1020);
    expect(encodeGraph(bytes.map((x) => x * 1000)).length).toBeLessThan(4020);
  });

  it("rejects malformed number records and bodies of another format", () => {
    const packr = new Packr({ useRecords: true } as ConstructorParameters<typeof Packr>[0]);
    expect(decodeGraph(packr.pack([T.FORMAT, T.T_NUMBERS, [T.NUMBERS_INT32, new Uint8Array([1, 0, 0, 0, 255, 255, 255, 255])], -1]))).toEqual([1, -1]);
    expect(decodeGraph(packr.pack([T.FORMAT, T.T_NUMBERS, [T.NUMBERS_UINT8, new Uint8Array([1, 255])], -1]))).toEqual([1, 255]);
    for (const [type, bytes] of [[7, new Uint8Array(8)], [T.NUMBERS_FLOAT64, new Uint8Array(7)], [T.NUMBERS_INT32, "x"]] as const) {
      expect(() => decodeGraph(packr.pack([T.FORMAT, T.T_NUMBERS, [type, bytes], -1]))).toThrow(/bad numbers record/);
    }
    expect(() => decodeGraph(packr.pack([1, 5]))).toThrow(`graph body format 1 but this reader supports ${T.FORMAT}`);
    expect(() => decodeGraph(packr.pack([T.FORMAT, T.T_NEGZERO, -1]))).toThrow(/record without fields/);
  });
});

describe("which arrays and objects take the exact path", () => {
  const extras = (n: number) => {
    const make = () => Array.from({ length: n }, (_, i) => (i % 3 === 0 ? { i } : i));
    const named = Object.assign(make(), { extra: "x" });
    const hidden = make();
    Object.defineProperty(hidden, "hidden", { value: 1, writable: true });
    const sym = make();
    Object.defineProperty(sym, Symbol.for("s"), { value: 2, enumerable: false });
    const getter = make();
    Object.defineProperty(getter, "g", { get: counter, enumerable: true, configurable: true });
    const fixedLength = make();
    Object.defineProperty(fixedLength, "length", { writable: false });
    const holey = make();
    delete holey[1];
    const sealed = Object.seal(make());
    return { named, hidden, sym, getter, fixedLength, holey, sealed };
  };

  // Up to 48 elements the encoder lists an array's keys; longer arrays go through util.inspect.
  for (const n of [0, 3, 48, 49, 5000]) {
    it(`keeps extra properties, length and integrity of arrays of ${n}`, () => {
      const cases = extras(n);
      getterCalls = 0;
      const out = rt(cases);
      for (const [name, a] of Object.entries(cases)) {
        const b = (out as Record<string, unknown[]>)[name]!;
        expect(descriptors(b), name).toEqual(descriptors(a));
        expect(Object.isExtensible(b), name).toBe(Object.isExtensible(a));
      }
      expect(getterCalls).toBe(0);
    });
  }

  it("keeps the exact descriptors of objects that are almost ordinary", () => {
    const base = () => ({ a: 1, b: "two", c: [3] });
    const ro = Object.defineProperty(base(), "b", { writable: false });
    const nc = Object.defineProperty(base(), "b", { configurable: false });
    const ne = Object.defineProperty(base(), "b", { enumerable: false });
    const acc = Object.defineProperty(base(), "b", { get: counter });
    const sym = Object.assign(base(), { [Symbol.for("k")]: 1 });
    const closed = Object.preventExtensions(base());
    const cases = { ro, nc, ne, acc, sym, closed, plain: base() };
    getterCalls = 0;
    const out = rt(cases) as Record<string, object>;
    for (const [name, o] of Object.entries(cases)) {
      const b = out[name]!;
      expect(descriptors(b), name).toEqual(descriptors(o));
      expect(Object.isExtensible(b), name).toBe(Object.isExtensible(o));
    }
    expect(getterCalls).toBe(0);
  });
});

describe("the msgpack writer", () => {
  it("writes numbers at every size boundary exactly", () => {
    const values = [0, 0x3f, 0x40, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 2 ** 32 - 1, 2 ** 32, 2 ** 53, 2 ** 64,
      -1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 53), 0.1, -0.1, 1e-300, 1e300, NaN, -0];
    const out = rt({ values, alone: values.map((v) => ({ v })) });
    values.forEach((v, i) => {
      expect(Object.is(out.values[i], v), `${v}`).toBe(true);
      expect(Object.is(out.alone[i]!.v, v), `${v}`).toBe(true);
    });
  });

  it("writes strings of every length class, ASCII or not", () => {
    const lengths = [0, 1, 31, 32, 63, 64, 65, 255, 256, 65535, 65536, 70000];
    const strings = lengths.flatMap((n) => ["a".repeat(n), "é".repeat(n), "a".repeat(Math.max(0, n - 1)) + "€", "😀".repeat(n >> 1)]);
    const out = rt({ strings, keys: Object.fromEntries(strings.slice(0, 20).map((s, i) => [s, i])) });
    expect(out.strings).toEqual(strings);
    expect(Object.keys(out.keys)).toEqual(Object.keys(Object.fromEntries(strings.slice(0, 20).map((s, i) => [s, i]))));
  });

  it("keeps a lone surrogate (a string UTF-8 cannot hold) exactly", () => {
    expect(rt(["\ud800", "a\udc00b", "x".repeat(100) + "\ud800"])).toEqual(["\ud800", "a\udc00b", "x".repeat(100) + "\ud800"]);
  });

  it("reuses record structures and takes over the oldest id after 64 shapes", () => {
    const shapes = Array.from({ length: 150 }, (_, i) => ({ [`k${i % 70}`]: i, [`j${i % 90}`]: -i, shared: "s" }));
    const out = rt(shapes);
    expect(out).toEqual(shapes);
    expect(out.map((o) => Object.keys(o))).toEqual(shapes.map((o) => Object.keys(o)));
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.constantFrom("a", "b", "c", "d", "__proto_", "constructor", "10", "2"), fc.integer()), { maxLength: 40 }), (list) => {
        const back = rt(list);
        expect(back).toEqual(list);
        expect(back.map((o) => Object.keys(o))).toEqual(list.map((o) => Object.keys(o)));
      }),
      { numRuns: 200 },
    );
  });

  it("survives a graph that fails half way, and an encode inside an encode", () => {
    expect(() => encodeGraph({ big: "x".repeat(100000), p: Promise.resolve() })).toThrow(SerializeError);
    class Box {
      constructor(readonly inner: unknown) {}
    }
    const nested: ObjectHandler<Box> = {
      kind: "test.nested",
      claims: (v) => v instanceof Box,
      describe: (b) => ({ create: [encodeGraph(b.inner)] }),
      create: ([bytes]) => new Box(decodeGraph(bytes as Uint8Array)),
    };
    const value = { list: Array.from({ length: 50 }, (_, i) => ({ i, box: new Box({ deep: [i, "y".repeat(i)] }) })) };
    const out = decodeGraph(encodeGraph(value, { handlers: [nested] }), { handlers: [nested] }) as typeof value;
    expect(out).toEqual(value);
  });
});
