// MessageCodec: a connection's messages. Each is an ordinary snapshot that any reader accepts;
// one codec writes and reads many, keeping its encoder, decoder and buffer in between — and
// nothing of one message leaks into the next.

import { describe, expect, it } from "vitest";
import {
  decodeGraph, decodeSnapshot, encodeGraph, encodeSnapshot, Encoder, HandlerRegistry, MessageCodec, SerializeError, SnapshotError,
  type ObjectHandler,
} from "../src/index.js";

function graph() {
  const shared = { s: "shared" };
  const v: Record<string, unknown> = { n: 1, neg: -5, big: 2n ** 70n, list: [shared, shared, -0], m: new Map([[shared, new Set([1])]]), sym: Symbol.for("m") };
  v.self = v;
  return v;
}

function expectGraph(got: unknown): void {
  const g = got as Record<string, unknown> & { list: unknown[]; m: Map<unknown, unknown> };
  expect(g.self).toBe(g);
  expect(g.list[0]).toBe(g.list[1]);
  expect(Object.is(g.list[2], -0)).toBe(true);
  expect([...g.m.keys()][0]).toBe(g.list[0]);
  expect(g.big).toBe(2n ** 70n);
  expect(g.sym).toBe(Symbol.for("m"));
}

describe("MessageCodec", () => {
  it("writes snapshots whose header holds only the given fields, after the reserved bytes", () => {
    const codec = new MessageCodec({ key: null, reserve: 4 });
    const framed = codec.encode({ t: "call", id: 7 }, graph());
    expect([...framed.subarray(4, 8)]).toEqual([...Buffer.from("SPKL")]);
    const { header, body } = decodeSnapshot(framed.subarray(4), { key: null });
    expect(header).toEqual({ t: "call", id: 7 });
    expectGraph(decodeGraph(body));
  });

  it("writes the same body as encodeGraph, message after message (no state carried over)", () => {
    const codec = new MessageCodec({ key: null });
    const shapes = [{ a: 1, b: [1, 2] }, { x: "y", nested: { a: 2, b: [] } }, [{ p: 1 }, { p: 2 }, { q: 3 }]];
    for (let round = 0; round < 3; round++) {
      for (const value of shapes) {
        const { body } = decodeSnapshot(codec.encode({ t: "m" }, value), { key: null });
        expect(Buffer.from(body).equals(Buffer.from(encodeGraph(value)))).toBe(true);
      }
    }
  });

  it("reads its messages back, and an object sent twice is sent in full each time", () => {
    const a = new MessageCodec({ key: null });
    const b = new MessageCodec({ key: null });
    const obj = { big: "x".repeat(100) };
    const first = a.encode({ t: "m", id: 1 }, [obj, obj]);
    const second = a.encode({ t: "m", id: 2 }, [obj]);
    expect(second.length).toBeGreaterThan(100);
    const one = b.decode(b.open(first).body) as unknown[];
    expect(one[0]).toBe(one[1]);
    const opened = b.open(second);
    expect(opened.header).toEqual({ t: "m", id: 2 });
    expect(b.decode(opened.body)).toEqual([obj]);
    expectGraph(b.decode(b.open(a.encode({ t: "g" }, graph())).body));
  });

  it("keeps header values of every size and kind as written", () => {
    const codec = new MessageCodec({ key: null });
    for (const header of [{ t: "x", id: 0 }, { t: "x", id: 127 }, { t: "x", id: 200 }, { t: "x", id: 1000 }, { t: "x", id: 70_000 }, { t: "x", id: 2 ** 32 - 1 },
      { t: "é", id: -3 }, { t: "x".repeat(40), n: 1.5, ok: true, none: null }]) {
      expect(codec.open(codec.encode(header, 1)).header).toEqual(header);
    }
  });

  it("reads snapshots that are not its own (any header) like decodeSnapshot", () => {
    const codec = new MessageCodec({ key: null });
    const body = encodeGraph([1, 2]);
    for (const header of [{ t: "call", id: 1000 }, { t: "hello", list: [1, "a"] }, { nested: { a: 1 } }, { "": "" }]) {
      const bytes = encodeSnapshot({ header, body }, { key: null });
      expect(codec.open(bytes)).toEqual(decodeSnapshot(bytes, { key: null }));
    }
  });

  it("signs with a key, refuses unsigned and tampered messages, and reads an unsigned one when asked", () => {
    const signed = new MessageCodec({ key: "k1" });
    const plain = new MessageCodec({ key: null });
    const bytes = signed.encode({ t: "m" }, { v: 1 });
    expect(decodeSnapshot(bytes, { key: "k1" }).header).toEqual({ t: "m" });
    expect(() => decodeSnapshot(bytes, { key: "k2" })).toThrow("signature mismatch");
    expect(signed.decode(signed.open(bytes).body)).toEqual({ v: 1 });
    expect(() => signed.open(plain.encode({ t: "m" }, 1))).toThrow("snapshot is unsigned but a key is set");
    const tampered = Uint8Array.from(bytes);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => signed.open(tampered)).toThrow(SnapshotError);
    expect(signed.open(plain.encode({ t: "hello" }, 2), null).header).toEqual({ t: "hello" });
    signed.key = null;
    expect(() => decodeSnapshot(signed.encode({ t: "m" }, 1), { key: "k1" })).toThrow("unsigned");
  });

  it("sends a large message, then small ones again", () => {
    const codec = new MessageCodec({ key: null, reserve: 4 });
    const big = new Uint8Array(200_000).map((_, i) => i & 0xff);
    const framed = codec.encode({ t: "big" }, { big });
    const same = (m: Uint8Array) => Buffer.from((codec.decode(codec.open(m.subarray(4)).body) as { big: Uint8Array }).big).equals(big);
    expect(same(framed)).toBe(true);
    const small = codec.encode({ t: "small" }, "after");
    expect(small.length).toBeLessThan(100);
    expect(codec.decode(codec.open(small.subarray(4)).body)).toBe("after");
    expect(same(framed)).toBe(true); // the big one is intact
  });

  it("stays usable after a value that cannot be pickled, and after a body that cannot be decoded", () => {
    const codec = new MessageCodec({ key: null });
    expect(() => codec.encode({ t: "m" }, { deep: [{ p: Promise.resolve() }] })).toThrow(SerializeError);
    expect(codec.decode(codec.open(codec.encode({ t: "m" }, { ok: [1] })).body)).toEqual({ ok: [1] });
    const bad = encodeSnapshot({ header: { t: "m" }, body: new Uint8Array([0x93, 1, 2, 3]) }, { key: null });
    expect(() => codec.decode(codec.open(bad).body)).toThrow(SnapshotError);
    expect(codec.decode(codec.open(codec.encode({ t: "m" }, [2])).body)).toEqual([2]);
  });

  it("refuses code in a body when told to", () => {
    const codec = new MessageCodec({ key: null });
    const body = codec.open(codec.encode({ t: "m" }, 1)).body;
    expect(codec.decode(body, { allowCode: false })).toBe(1);
  });

  it("asks a handler whether it claims plain objects for every message", () => {
    let claimPlain = false;
    class Marked {}
    const seen: unknown[] = [];
    const handler: ObjectHandler = {
      kind: "test.plain-claimer",
      claims: (v) => claimPlain && Object.getPrototypeOf(v) === Object.prototype && "mark" in v,
      describe: (v) => {
        seen.push(v);
        return { create: [] };
      },
      create: () => new Marked(),
      get claimsPlainObjects() {
        return claimPlain;
      },
    };
    const codec = new MessageCodec({ key: null, handlers: new HandlerRegistry([handler]) });
    expect(codec.decode(codec.open(codec.encode({ t: "m" }, { mark: 1 })).body)).toEqual({ mark: 1 });
    claimPlain = true;
    expect(codec.decode(codec.open(codec.encode({ t: "m" }, { mark: 1 })).body)).toBeInstanceOf(Marked);
    expect(seen).toHaveLength(1);
  });

  it("gives a message encoded from inside an encode (a handler sending one) a codec of its own", () => {
    class Inner {}
    let codec!: MessageCodec;
    let nested: Uint8Array | undefined;
    const handler: ObjectHandler = {
      kind: "test.sends-while-described",
      claims: (v) => v instanceof Inner,
      describe: () => {
        nested = codec.encode({ t: "nested" }, { inside: [1, 2] });
        return { create: [] };
      },
      create: () => new Inner(),
    };
    codec = new MessageCodec({ key: null, handlers: [handler] });
    const outer = codec.encode({ t: "outer" }, { a: [new Inner(), { b: "c" }] });
    expect(codec.decode(codec.open(nested!).body)).toEqual({ inside: [1, 2] });
    const got = codec.decode(codec.open(outer).body) as { a: unknown[] };
    expect(got.a[0]).toBeInstanceOf(Inner);
    expect(got.a[1]).toEqual({ b: "c" });
  });
});

describe("Encoder reuse", () => {
  it("encodes graph after graph with the bytes of a fresh encoder, also after a failure", () => {
    const encoder = new Encoder();
    const values = [graph(), { a: [1, 2, 3] }, [[], [[]], {}], "plain", 5];
    for (const v of values) expect(Buffer.from(encoder.encode(v)).equals(Buffer.from(encodeGraph(v)))).toBe(true);
    expect(() => encoder.encode({ p: [Promise.resolve()] })).toThrow("cannot serialize Promise at root.p[0]");
    for (const v of values) expect(Buffer.from(encoder.encode(v)).equals(Buffer.from(encodeGraph(v)))).toBe(true);
    expectGraph(decodeGraph(encoder.encode(graph())));
  });
});
