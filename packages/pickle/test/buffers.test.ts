import { describe, expect, it } from "vitest";
import { decodeGraph, dumps, encodeGraph, loads, MessageCodec, ReferenceTable } from "../src/index.js";

const rt = <T>(v: T): T => loads(dumps(v)) as T;
const contains = (haystack: Uint8Array, needle: string): boolean => Buffer.from(haystack).includes(Buffer.from(needle));

describe("a view writes only its own bytes", () => {
  it("Buffer.from of a string does not write the other buffers of Node's pool", () => {
    const secret = Buffer.from("SENTINEL-secret-key-0123456789");
    const hi = Buffer.from("hi");
    expect(hi.buffer).toBe(secret.buffer); // both in the shared pool
    const bytes = dumps({ hi });
    expect(contains(bytes, "SENTINEL")).toBe(false);
    expect(bytes.length).toBeLessThan(200);
    const out = loads(bytes) as { hi: Buffer };
    expect(Buffer.isBuffer(out.hi)).toBe(true);
    expect(out.hi.toString()).toBe("hi");
    expect(out.hi.buffer.byteLength).toBe(2);
  });

  it("a 4-byte view of 1 MiB writes a small snapshot", () => {
    const big = new Uint8Array(1 << 20).fill(7);
    big.set([1, 2, 3, 4], 500_000);
    const small = big.subarray(500_000, 500_004);
    const bytes = dumps(small);
    expect(bytes.length).toBeLessThan(200);
    const out = loads(bytes) as Uint8Array;
    expect(out).toBeInstanceOf(Uint8Array);
    expect([...out]).toEqual([1, 2, 3, 4]);
    expect(out.byteOffset).toBe(0);
    const f64 = new Float64Array(new ArrayBuffer(1 << 20), 8000, 2);
    f64[1] = Math.PI;
    expect(encodeGraph(f64).length).toBeLessThan(100);
    const f = decodeGraph(encodeGraph(f64)) as Float64Array;
    expect(f).toBeInstanceOf(Float64Array);
    expect([...f]).toEqual([0, Math.PI]);
  });

  it("views of one buffer still share memory after loads, at their distances", () => {
    const pool = new ArrayBuffer(1 << 16);
    const a = new Uint8Array(pool, 1000, 8);
    const b = new Int32Array(pool, 1004, 4);
    const c = new DataView(pool, 60000, 16);
    new Uint8Array(pool, 2000, 6).set(Buffer.from("SECRET")); // covered by no view
    a.set([1, 2, 3, 4, 5, 6, 7, 8]);
    c.setFloat64(3, 2.5);
    const bytes = dumps({ a, b, c, again: a });
    expect(contains(bytes, "SECRET")).toBe(false);
    expect(bytes.length).toBeLessThan((1 << 16) - 1000);
    const out = loads(bytes) as { a: Uint8Array; b: Int32Array; c: DataView; again: Uint8Array };
    expect(out.again).toBe(out.a);
    expect(out.b.buffer).toBe(out.a.buffer);
    expect(out.c.buffer).toBe(out.a.buffer);
    expect(out.b.byteOffset - out.a.byteOffset).toBe(4);
    expect(out.c.byteOffset - out.a.byteOffset).toBe(59000);
    expect(out.c.getFloat64(3)).toBe(2.5);
    expect([...out.a]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // write through one view, read through the other
    out.b[0] = -1;
    expect([...out.a.subarray(4)]).toEqual([255, 255, 255, 255]);
    out.a[0] = 9;
    expect(new Uint8Array(out.c.buffer)[out.a.byteOffset]).toBe(9);
  });

  it("two pooled Buffers keep sharing their pool's span, and stay Buffers", () => {
    const x = Buffer.from("one");
    const y = Buffer.from("two");
    expect(x.buffer).toBe(y.buffer);
    const out = rt([x, y]) as Buffer[];
    expect(out.map((b) => Buffer.isBuffer(b))).toEqual([true, true]);
    expect(out.map(String)).toEqual(["one", "two"]);
    expect(out[0]!.buffer).toBe(out[1]!.buffer);
    expect(out[1]!.byteOffset - out[0]!.byteOffset).toBe(y.byteOffset - x.byteOffset);
  });

  it("a buffer the graph holds itself is written whole and shared with its views, in either order", () => {
    for (const order of ["views first", "buffer first"] as const) {
      const buffer = new ArrayBuffer(64);
      new Uint8Array(buffer).set(Buffer.from("whole buffer bytes"), 30);
      const view = new Uint16Array(buffer, 2, 3);
      const dv = new DataView(buffer, 10, 4);
      const graph = order === "views first" ? { view, dv, buffer } : { buffer, view, dv };
      const out = rt(graph);
      expect(out.buffer.byteLength, order).toBe(64);
      expect(out.view.buffer).toBe(out.buffer);
      expect(out.dv.buffer).toBe(out.buffer);
      expect(out.view.byteOffset).toBe(2);
      expect(out.dv.byteOffset).toBe(10);
      expect(Buffer.from(out.buffer, 30, 18).toString()).toBe("whole buffer bytes");
    }
  });

  it("keeps views of shared and resizable buffers over the whole buffer", () => {
    const rab = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer)(32, { maxByteLength: 64 });
    const v = new Uint8Array(rab, 4, 4);
    const out = rt(v);
    expect((out.buffer as ArrayBuffer & { resizable: boolean }).resizable).toBe(true);
    expect(out.byteOffset).toBe(4);
    const sab = new SharedArrayBuffer(16);
    const s = rt(new Int16Array(sab, 2, 2));
    expect(s.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(s.byteOffset).toBe(2);
  });

  it("writes spans in messages too, after their header, and in cycles", () => {
    const codec = new MessageCodec();
    const pool = new ArrayBuffer(8192);
    const node: { self?: unknown; views: unknown[]; tail: Uint8Array } = { views: [new Uint8Array(pool, 100, 4), new Uint16Array(pool, 2000, 2)], tail: new Uint8Array(pool, 4000, 8) };
    node.self = node;
    (node.views[0] as Uint8Array).set([1, 2, 3, 4]);
    const bytes = codec.encode({ t: "call", id: 7 }, node);
    expect(bytes.length).toBeLessThan(4096); // the span 100…4008, not the 8 KiB
    const { header, body } = codec.open(bytes);
    expect(header).toEqual({ t: "call", id: 7 });
    const out = codec.decode(body) as typeof node;
    expect(out.self).toBe(out);
    const [a, b] = out.views as [Uint8Array, Uint16Array];
    expect([...a]).toEqual([1, 2, 3, 4]);
    expect(b.buffer).toBe(a.buffer);
    expect(out.tail.buffer).toBe(a.buffer);
    expect(out.tail.byteOffset - a.byteOffset).toBe(3900);
  });

  it("a view of a buffer in the reference table references it", () => {
    const shared = new ArrayBuffer(1024);
    const table = new ReferenceTable();
    table.addModule("app:memory", { shared });
    const view = new Uint8Array(shared, 16, 4);
    const bytes = encodeGraph(view, { table });
    expect(bytes.length).toBeLessThan(100);
    const out = decodeGraph(bytes, { table }) as Uint8Array;
    expect(out.buffer).toBe(shared);
    expect(out.byteOffset).toBe(16);
  });

  it("refuses a view that starts before the bytes written for it", () => {
    const bytes = encodeGraph(new Uint8Array(new ArrayBuffer(100), 40, 4));
    // The view's offset 40 is written as a positive fixint after the buffer reference; make it 39.
    const body = Buffer.from(bytes);
    const at = body.lastIndexOf(40);
    body[at] = 39;
    expect(() => decodeGraph(body)).toThrow(/before the bytes written for it/);
  });
});
