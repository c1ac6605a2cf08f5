import fc from "fast-check";
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Packr } from "msgpackr";
import { afterEach, describe, expect, it } from "vitest";
import {
  crc32, decodeSnapshot, dumps, encodeGraph, encodeSnapshot, FORMAT_VERSION, loads, readSnapshotHeader, SnapshotError, writeSnapshotFile,
} from "../src/index.js";
import { crc32Js } from "../src/crc32.js";
import * as zlib from "node:zlib";

const sample = () => {
  const shared = { s: "shared" };
  const v: Record<string, unknown> = { n: 1, neg: -5, big: 12345678901234567890n, list: [shared, shared, -0], m: new Map([[shared, new Set([1])]]),
    d: new Date(0), r: /x/g, e: new TypeError("t"), bytes: new Uint8Array([1, 2, 3]), sym: Symbol.for("s") };
  v.self = v;
  return v;
};

function expectSnapshotError(f: () => unknown): void {
  try {
    f();
  } catch (err) {
    if (!(err instanceof SnapshotError)) throw new Error(`expected SnapshotError, got ${(err as Error)?.name}: ${(err as Error)?.message}`);
  }
}

describe("crc32", () => {
  it("matches the standard check value, natively and in JS", () => {
    const data = Buffer.from("123456789");
    expect(crc32(data)).toBe(0xcbf43926);
    expect(crc32Js(data)).toBe(0xcbf43926);
    expect(crc32Js(data.subarray(4), crc32Js(data.subarray(0, 4)))).toBe(0xcbf43926);
  });

  it("gives zlib's value for every length and alignment", () => {
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff));
    for (let start = 0; start < 9; start++) {
      for (let end = start; end <= bytes.length; end += end < 40 ? 1 : 37) {
        const slice = bytes.subarray(start, end);
        expect(crc32Js(bytes, 0, start, end), `${start}…${end}`).toBe(zlib.crc32(slice));
        expect(crc32Js(bytes, 0x1234, start, end)).toBe(zlib.crc32(slice, 0x1234));
      }
    }
    const large = Buffer.alloc(70_000, 0xa5);
    expect(crc32(large)).toBe(zlib.crc32(large));
  });
});

describe("snapshot format", () => {
  const saved = process.env.SPICKLE_KEY;
  afterEach(() => {
    if (saved === undefined) delete process.env.SPICKLE_KEY;
    else process.env.SPICKLE_KEY = saved;
  });

  it("round-trips with a header of spickle and node versions, time and caller fields", () => {
    const bytes = dumps(sample(), { header: { entry: "main.ts", tasklets: 3 } });
    expect(Buffer.from(bytes.subarray(0, 4)).toString()).toBe("SPKL");
    const header = readSnapshotHeader(bytes);
    expect(header).toMatchObject({ entry: "main.ts", tasklets: 3, node: process.version });
    expect(typeof header.spickle).toBe("string");
    expect(Number.isNaN(Date.parse(header.created as string))).toBe(false);
    const out = loads(bytes) as Record<string, unknown>;
    expect(out.self).toBe(out);
  });

  it("names each problem in one line", () => {
    const good = dumps({ a: 1 });
    const msg = (b: Uint8Array) => {
      try {
        loads(b);
      } catch (err) {
        expect(err).toBeInstanceOf(SnapshotError);
        expect((err as Error).message).not.toContain("\n");
        return (err as Error).message;
      }
      return "no error";
    };
    expect(msg(new Uint8Array())).toMatch(/^empty snapshot/);
    expect(msg(Buffer.from("PK\x03\x04 not ours"))).toMatch(/^not a spickle snapshot/);
    expect(msg(good.subarray(0, good.length - 1))).toMatch(/^truncated snapshot/);
    expect(msg(good.subarray(0, 10))).toMatch(/^truncated snapshot/);
    const flipped = Uint8Array.from(good);
    flipped[good.length - 8]! ^= 1;
    expect(msg(flipped)).toMatch(/^checksum mismatch/);
    const v2 = Uint8Array.from(good);
    v2[5] = FORMAT_VERSION + 1;
    expect(msg(v2)).toBe(`snapshot format version ${FORMAT_VERSION + 1} but this reader supports ${FORMAT_VERSION} (a newer spickle wrote it)`);
  });

  it("signs with a key and refuses unsigned or wrongly signed snapshots before decoding", () => {
    const signed = dumps({ secret: 1 }, { key: "k1" });
    expect(loads(signed, { key: "k1" })).toEqual({ secret: 1 });
    expect(() => loads(signed, { key: "k2" })).toThrow(/^signature mismatch/);
    expect(() => readSnapshotHeader(signed, { key: "k2" })).toThrow(/^signature mismatch/);
    const unsigned = dumps({ secret: 1 }, { key: null });
    expect(() => loads(unsigned, { key: "k1" })).toThrow("snapshot is unsigned but a key is set");
    process.env.SPICKLE_KEY = "from-env";
    const envSigned = dumps({ x: 1 });
    expect(() => loads(unsigned)).toThrow(/unsigned/);
    expect(loads(envSigned)).toEqual({ x: 1 });
    expect(() => loads(envSigned, { key: "other" })).toThrow(/signature mismatch/);
    // Stripping the signature and fixing the checksum does not help.
    const stripped = Uint8Array.from(envSigned.subarray(0, envSigned.length - 32));
    stripped[6] = 0;
    new DataView(stripped.buffer).setUint32(stripped.length - 4, crc32(stripped.subarray(0, stripped.length - 4)));
    expect(() => loads(stripped)).toThrow(/unsigned/);
  });

  it("writes files atomically and leaves no temp files", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spickle-"));
    try {
      const file = path.join(dir, "state.spkl");
      writeSnapshotFile(file, dumps({ gen: 1 }));
      writeSnapshotFile(file, dumps({ gen: 2 }));
      expect(loads(fs.readFileSync(file))).toEqual({ gen: 2 });
      expect(fs.readdirSync(dir)).toEqual(["state.spkl"]);
      expect(() => writeSnapshotFile(path.join(dir, "missing", "x.spkl"), new Uint8Array(1))).toThrow();
      expect(fs.readdirSync(dir)).toEqual(["state.spkl"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("removes the temp files of writers that no longer run, keeps those of running ones", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spickle-"));
    try {
      const dead = childProcess.spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
      const stale = [`.state.spkl.${dead}.abc123.tmp`, `.state.spkl.${dead}.rotate.tmp`];
      const alive = [`.state.spkl.${process.ppid}.def456.tmp`, `.other.spkl.${dead}.abc123.tmp`, `.state.spkl.${dead}.notes.txt`];
      for (const name of [...stale, ...alive]) fs.writeFileSync(path.join(dir, name), "partial");
      writeSnapshotFile(path.join(dir, "state.spkl"), dumps({ gen: 1 }));
      expect(fs.readdirSync(dir).sort()).toEqual([...alive, "state.spkl"].sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs beforeReplace once the new file is complete, and not when the write fails", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spickle-"));
    try {
      const file = path.join(dir, "state.spkl");
      writeSnapshotFile(file, dumps({ gen: 1 }));
      const seen: string[][] = [];
      writeSnapshotFile(file, dumps({ gen: 2 }), { beforeReplace: () => seen.push(fs.readdirSync(dir).sort()) });
      expect(seen).toEqual([[expect.stringMatching(/^\.state\.spkl\.\d+\.[a-z0-9]+\.tmp$/), "state.spkl"]]);
      let called = false;
      expect(() => writeSnapshotFile(path.join(dir, "missing", "x.spkl"), new Uint8Array(1), { beforeReplace: () => (called = true) })).toThrow();
      expect(called).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("fuzz: corrupted input is always a SnapshotError", () => {
  const good = dumps(sample(), { key: null });

  it("every truncation", () => {
    for (let n = 0; n < good.length; n++) expect(() => loads(good.subarray(0, n), { key: null })).toThrow(SnapshotError);
  });

  it("random bit flips and random bytes", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 4 }), (flips) => {
        const b = Uint8Array.from(good);
        for (const [at, bit] of flips) b[at % b.length]! ^= 1 << bit;
        fc.pre(!Buffer.from(b).equals(Buffer.from(good))); // the same bit flipped twice
        expect(() => loads(b, { key: null })).toThrow(SnapshotError);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, withMagic) => {
        const b = withMagic ? Buffer.concat([Buffer.from("SPKL\0\x01"), bytes]) : bytes;
        expect(() => loads(b, { key: null })).toThrow(SnapshotError);
      }),
      { numRuns: 2000 },
    );
  });

  it("mutated bodies under a valid checksum (the decoder's own validation)", () => {
    const body = decodeSnapshot(good, { key: null }).body;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.nat(255), fc.constantFrom("set", "insert", "delete")), { minLength: 1, maxLength: 6 }),
        (edits) => {
          const bytes = Array.from(body);
          for (const [at, v, op] of edits) {
            const i = at % (bytes.length + 1);
            if (op === "set") bytes[i % bytes.length] = v;
            else if (op === "insert") bytes.splice(i, 0, v);
            else bytes.splice(i % bytes.length, 1);
          }
          const snap = encodeSnapshot({ header: {}, body: Uint8Array.from(bytes) }, { key: null });
          expectSnapshotError(() => loads(snap, { key: null }));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("arbitrary msgpack bodies under a valid checksum", () => {
    const packr = new Packr({ useRecords: true, moreTypes: true });
    const graphish = fc.oneof(
      fc.anything(),
      fc.array(fc.oneof(fc.integer({ min: -40, max: 40 }), fc.string(), fc.array(fc.integer({ min: -10, max: 30 })),
        fc.dictionary(fc.string(), fc.integer({ min: -10, max: 10 }))), { maxLength: 30 }).map((a) => [1, ...a]),
    );
    fc.assert(
      fc.property(graphish, (v) => {
        const snap = encodeSnapshot({ header: {}, body: packr.pack(v) }, { key: null });
        expectSnapshotError(() => loads(snap, { key: null }));
      }),
      { numRuns: 3000 },
    );
  });

  it("a body that is a valid graph of something else decodes without a crash", () => {
    const snap = encodeSnapshot({ body: encodeGraph([1, [2, [3]]]) }, { key: null });
    expect(loads(snap, { key: null })).toEqual([1, [2, [3]]]);
  });
});
