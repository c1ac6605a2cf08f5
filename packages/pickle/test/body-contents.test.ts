// Objects by type (what `spickle inspect` shows), read from a snapshot body's bytes without decoding it.

import { describe, expect, it } from "vitest";
import { decodeSnapshot, dumps } from "@spickle/pickle";
import { Channel } from "@spickle/runtime";
import { bodyContents } from "../src/body-contents.js";

const bodyOf = (value: unknown) => decodeSnapshot(dumps(value, { key: null })).body;

describe("bodyContents", () => {
  it("counts entries by type and sizes them; the sizes add up to the body", () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ i, name: `row ${i}` }));
    const value = {
      rows,
      numbers: Array.from({ length: 5000 }, (_, i) => i * 0.5),
      when: new Date(0),
      index: new Map([["a", 1]]),
      tags: new Set(["x"]),
      bytes: new Float32Array(64),
      error: new RangeError("out"),
      channel: new Channel<number>(),
    };
    const body = bodyOf(value);
    const contents = bodyContents(body)!;
    const byType = Object.fromEntries(contents.types.map((t) => [t.type, t]));
    expect(byType.Object!.count).toBe(1001);
    expect(byType.Array!.count).toBe(3); // rows, numbers, and the channel's (empty) queue
    // The 5000 doubles are one binary record: the largest single entry.
    expect(byType.Array!.largest).toBeGreaterThan(5000 * 8);
    expect(contents.types[0]!.type).toBe("Array");
    for (const type of ["Date", "Map", "Set", "Float32Array", "RangeError", "Channel"]) expect(byType[type]?.count, type).toBe(1);
    const total = contents.types.reduce((sum, t) => sum + t.bytes, 0);
    // Everything but the body's array header and the root's wire value.
    expect(body.length - total).toBeLessThan(8);
  });

  it("a cyclic object's fill counts toward the object", () => {
    const a: Record<string, unknown> = { name: "a".repeat(100) };
    a.self = a;
    const contents = bodyContents(bodyOf(a))!;
    expect(contents.types).toEqual([{ type: "Object", count: 1, bytes: expect.any(Number), largest: expect.any(Number) }]);
    expect(contents.types[0]!.bytes).toBeGreaterThan(100);
  });

  it("a body in a format it does not know is not read", () => {
    const body = Uint8Array.from(bodyOf({ a: 1 }));
    expect(body[1]).toBe(2); // [FORMAT = 2, …]
    body[1] = 3;
    expect(bodyContents(body)).toBeNull();
  });

  it("damaged bytes are not read (never a partial result)", () => {
    const body = bodyOf({ list: Array.from({ length: 100 }, (_, i) => ({ i })) });
    expect(bodyContents(body.subarray(0, body.length >> 1))).toBeNull();
  });
});
