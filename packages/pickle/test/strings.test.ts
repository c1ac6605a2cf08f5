import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeGraph, dumps, encodeGraph, loads, MessageCodec } from "../src/index.js";

const rt = <T>(v: T): T => decodeGraph(encodeGraph(v)) as T;
const viaSnapshot = <T>(v: T): T => loads(dumps(v)) as T;

/** Code units (a failure then shows which unit differs; === alone compares them exactly too). */
const units = (s: string): number[] => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));

/** Strings of any code units: ASCII, BMP, astral pairs, and lone high or low surrogates. */
const unit = fc.oneof(
  fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  fc.constantFrom("\uD800", "\uDFFF", "\uDBFF\uDC00", "a", "é"),
);
const anyString = fc.string({ unit, maxLength: 80 });
/** Also long strings (past the writer's short-string loop and the 1- and 2-byte length headers). */
const longString = fc.tuple(anyString, fc.integer({ min: 0, max: 70000 }), fc.constantFrom("x", "é", "\uD83D\uDE00", "\uDC00")).map(([s, n, fill]) => s + fill.repeat(n) + s);

describe("strings that are not well-formed UTF-16", () => {
  it("keep lone surrogates exactly, as values and as keys", () => {
    for (const s of ["a\uD800b", "\uD800", "\uDC00", "\uDC00\uD800", "ab\uDBFF", "\uD83D\uDE00\uD800", "\uD800".repeat(8), "\uDFFF".repeat(300)]) {
      expect(units(rt(s))).toEqual(units(s));
      const out = viaSnapshot({ [s]: s, list: [s, s], map: new Map([[s, s]]), set: new Set([s]) });
      const key = Object.keys(out).find((k) => k !== "list" && k !== "map" && k !== "set")!;
      expect(units(key)).toEqual(units(s));
      expect(units(out[key] as string)).toEqual(units(s));
      expect(units(out.list[1]!)).toEqual(units(s));
      expect(units([...out.map.keys()][0]!)).toEqual(units(s));
      expect(units(out.map.get(s)!)).toEqual(units(s));
      expect(out.set.has(s)).toBe(true);
    }
  });

  it("round-trip any string bit-exactly (property)", () => {
    fc.assert(
      fc.property(fc.array(anyString, { maxLength: 6 }), longString, (strings, long) => {
        const all = [...strings, long];
        const obj: Record<string, string> = {};
        for (const s of all) obj[s] = s;
        const out = viaSnapshot({ all, obj, map: new Map(all.map((s) => [s, s.length])), sym: all.map((s) => Symbol(s)) });
        // Strings compare by code units: a U+FFFD in place of a lone surrogate is a mismatch.
        expect(out.all).toEqual(all);
        expect(Object.keys(out.obj)).toEqual(Object.keys(obj));
        for (const k of Object.keys(obj)) expect(out.obj[k]).toBe(k);
        expect([...out.map.keys()]).toEqual([...new Set(all)]);
        expect(out.sym.map((s) => s.description)).toEqual(all);
      }),
      { numRuns: 150 },
    );
  });

  it("round-trip as keys of many-keyed objects, null-prototype objects and hidden properties", () => {
    const keys = Array.from({ length: 70 }, (_, i) => `k${i}\uDC00`);
    const big = Object.fromEntries(keys.map((k) => [k, k]));
    const bare = Object.create(null) as Record<string, string>;
    bare["\uD800"] = "x\uDBFF";
    const hidden = Object.defineProperty({}, "h\uDC00", { value: "\uD800", enumerable: false });
    const out = rt({ big, bare, hidden });
    expect(Object.keys(out.big).map(units)).toEqual(keys.map(units));
    expect(Object.keys(out.bare).map(units)).toEqual([units("\uD800")]);
    expect(units(out.bare["\uD800"]!)).toEqual(units("x\uDBFF"));
    const [key] = Object.getOwnPropertyNames(out.hidden);
    expect(units(key!)).toEqual(units("h\uDC00"));
    expect(Object.getOwnPropertyDescriptor(out.hidden, "h\uDC00")).toEqual({ value: "\uD800", writable: false, enumerable: false, configurable: false });
  });

  it("write well-formed strings as UTF-8 (msgpack str), unchanged", () => {
    const bytes = Buffer.from(encodeGraph("héllo"));
    expect(bytes.includes(Buffer.from("héllo", "utf8"))).toBe(true);
    expect(bytes.includes(Buffer.from("\uD800", "utf16le"))).toBe(false);
  });

  it("keep lone surrogates in message headers", () => {
    const codec = new MessageCodec();
    const { header, body } = codec.open(codec.encode({ t: "x\uD800" }, "y\uDC00"));
    expect(units(header.t as string)).toEqual(units("x\uD800"));
    expect(units(codec.decode(body) as string)).toEqual(units("y\uDC00"));
  });

  it("refuse a UTF-16 string of an odd number of bytes", () => {
    // [FORMAT, ext8 of 3 bytes of type "u"] : the body's root value
    const body = Uint8Array.from([0x92, 0x02, 0xc7, 0x03, 0x75, 0x61, 0x00, 0x62]);
    expect(() => decodeGraph(body)).toThrow(/odd number of bytes/);
  });
});
