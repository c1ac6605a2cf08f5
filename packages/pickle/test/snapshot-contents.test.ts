// The format's one home: the outer frame (src/frame.ts) written once and read once, bounded file
// reads (src/frame-file.ts), and what `spickle inspect` shows (src/snapshot-contents.ts).

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  crc32, decodeSnapshot, dumps, encodeSnapshot, FRAME_PREFIX, MessageCodec, readFrame, readFrameFile, sealFrame, SnapshotError, writeFrame,
} from "@spickle/pickle";
import { snapshotContents } from "@spickle/pickle/contents";
import * as T from "../src/tags.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spickle-frame-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The message of what `f` throws, after checking it is one line of a SnapshotError. */
function problem(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(SnapshotError);
    expect((error as Error).message).not.toContain("\n");
    return (error as Error).message;
  }
  throw new Error("no error");
}

/** A snapshot with exactly this body (a msgpack array written by hand). */
function withBody(body: number[], header: Record<string, unknown> = {}): Uint8Array {
  return encodeSnapshot({ header, body: Uint8Array.from(body) }, { key: null });
}

const ascii = (s: string) => [0xa0 | s.length, ...Buffer.from(s, "latin1")];

describe("the frame", () => {
  it("writeFrame and readFrame agree with the snapshot and message writers", () => {
    const header = Uint8Array.of(0x81, 0xa1, 0x74, 0x01); // { t: 1 }
    const body = Uint8Array.of(0x93, T.FORMAT, 0xc0, 0xc0);
    for (const key of [undefined, Buffer.from("k")]) {
      const bytes = writeFrame(header, body, key);
      const layout = readFrame(bytes, key);
      expect(layout.signed).toBe(key !== undefined);
      expect(bytes.subarray(layout.headerStart, layout.headerEnd)).toEqual(header);
      expect(bytes.subarray(layout.bodyStart, layout.bodyEnd)).toEqual(body);
      const codec = new MessageCodec({ key: key ?? null });
      const message = codec.encode({ t: 1 }, null);
      expect(codec.open(message).header).toEqual({ t: 1 });
      // A message is a frame as any other: readFrame reads it.
      expect(readFrame(message, key).signed).toBe(key !== undefined);
    }
    // sealFrame completes a frame in place at an offset (a transport's prefix before it).
    const buf = new Uint8Array(3 + writeFrame(header, body, undefined).length);
    buf.set(header, 3 + FRAME_PREFIX);
    buf.set(body, 3 + FRAME_PREFIX + header.length + 8);
    expect(sealFrame(buf, 3, header.length, body.length, undefined)).toBe(buf.length);
    expect(buf.subarray(3)).toEqual(writeFrame(header, body, undefined));
    expect(readFrame(dumps({ a: 1 }, { key: null }), undefined).version).toBe(1);
  });
});

describe("readFrameFile", () => {
  const good = dumps({ list: [1, 2, 3] }, { key: null });

  it("reads a snapshot file", () => {
    const file = path.join(dir, "good.snap");
    fs.writeFileSync(file, good);
    expect(readFrameFile(file)).toEqual(Buffer.from(good));
  });

  it("refuses what is not a regular file before reading it", () => {
    expect(problem(() => readFrameFile("/dev/zero"))).toBe("not a regular file (a character device), not a snapshot");
    expect(problem(() => readFrameFile(dir))).toBe("is a directory, not a snapshot");
    const fifo = path.join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    // No writer ever opens it: were it opened for reading, this would wait forever.
    expect(problem(() => readFrameFile(fifo))).toBe("not a regular file (a FIFO), not a snapshot");
  });

  it("checks the declared lengths against the file's size before reading the rest", () => {
    const file = path.join(dir, "bad.snap");
    fs.writeFileSync(file, good.subarray(0, good.length - 1));
    expect(problem(() => readFrameFile(file))).toBe(`truncated snapshot (${good.length - 1} of ${good.length} bytes)`);
    fs.writeFileSync(file, good.subarray(0, 5));
    expect(problem(() => readFrameFile(file))).toMatch(/^truncated snapshot \(5 bytes/);
    // A large file behind a small frame: refused from its size alone.
    fs.writeFileSync(file, good);
    fs.truncateSync(file, 1 << 30);
    expect(problem(() => readFrameFile(file))).toBe(`trailing data after snapshot (${1 << 30} bytes, expected ${good.length})`);
    // A header that claims more than there is.
    const claims = Uint8Array.from(good);
    new DataView(claims.buffer).setUint32(8, 0xfffffff0);
    fs.writeFileSync(file, claims);
    expect(problem(() => readFrameFile(file))).toMatch(/^truncated snapshot \(\d+ bytes, header claims 4294967280\)$/);
    const bodyClaims = Uint8Array.from(good);
    const headerLength = new DataView(good.buffer, good.byteOffset).getUint32(8);
    new DataView(bodyClaims.buffer).setUint32(12 + headerLength, 0x7fff);
    fs.writeFileSync(file, bodyClaims);
    expect(problem(() => readFrameFile(file))).toMatch(/^truncated snapshot \(\d+ of \d{15,} bytes\)$/);
    fs.writeFileSync(file, "");
    expect(problem(() => readFrameFile(file))).toBe("empty snapshot (0 bytes)");
    fs.writeFileSync(file, "#!/bin/sh\necho not a snapshot\n");
    expect(problem(() => readFrameFile(file))).toBe("not a spickle snapshot (bad magic)");
  });

  it("passes file system errors on as they are", () => {
    expect(() => readFrameFile(path.join(dir, "missing"))).toThrow(expect.objectContaining({ code: "ENOENT" }));
  });
});

describe("snapshotContents", () => {
  it("shows the header's fields, modules and stacks and the body's objects", () => {
    const stacks = {
      list: [{ id: 1, name: "main", state: "sleeping", sleepMs: 5, frames: [{ fn: "main", module: "m.ts", file: "/p/m.ts", line: 3, column: 5, source: "x" }, { fn: "inner" }] }],
      more: 2,
    };
    const bytes = dumps(
      { when: new Date(0), rows: [{ a: 1 }, { a: 2 }] },
      { key: null, header: { kind: "checkpoint", entry: "m.ts", tasklets: 3, caller: "main", modules: [["m.ts", "ab".repeat(32), false]], stacks, extra: [1] } },
    );
    const c = snapshotContents(bytes, { key: null });
    expect(c).toMatchObject({
      kind: "checkpoint", size: bytes.length, formatVersion: 1, signed: false, signatureVerified: null, entry: "m.ts", tasklets: 3,
      pausedIn: "main", nodeVersion: process.version, unlistedTasklets: 2,
      modules: [{ id: "m.ts", hash: "ab".repeat(32), byValue: false, codeSize: null }],
      stacks: [{ id: 1, name: "main", state: "sleeping", sleepMs: 5, frames: [{ fn: "main", module: "m.ts", file: "/p/m.ts", line: 3, column: 5, source: "x" }, { fn: "inner" }] }],
    });
    expect(c.headerSize + c.bodySize).toBeLessThan(bytes.length);
    expect(c.bodySize).toBe(decodeSnapshot(bytes, { key: null }).body.length);
    expect(c.header.extra).toEqual([1]);
    expect(Object.fromEntries(c.objects!.map((o) => [o.type, o.count]))).toEqual({ Object: 3, Array: 1, Date: 1 });
    // Signed: verified with the key; without one, shown as not verified.
    const signed = dumps(1, { key: "k" });
    expect(snapshotContents(signed, { key: "k" }).signatureVerified).toBe(true);
    expect(snapshotContents(signed, { key: null }).signatureVerified).toBe(false);
    expect(problem(() => snapshotContents(signed, { key: "other" }))).toBe("signature mismatch (wrong key: SPICKLE_KEY or the key option; or a tampered snapshot)");
  });

  it("names that come from the input are only data (a handler kind `__proto__`, `constructor`…)", () => {
    for (const kind of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"]) {
      // A header of {} and a body of one handler record: a valid snapshot of about 40 bytes.
      const bytes = writeFrame(Uint8Array.of(0x80), Uint8Array.from([0x94, T.FORMAT, T.T_HANDLER, 0x91, ...ascii(kind), 0x00]), undefined);
      expect(bytes.length).toBeLessThan(48);
      const c = snapshotContents(bytes, { key: null });
      expect(c.objects).toEqual([{ type: kind, count: 1, bytes: expect.any(Number), largest: expect.any(Number) }]);
    }
    // A module named like Object.prototype's members has its own size, not an inherited one.
    const c = snapshotContents(withBody([0x92, T.FORMAT, 0x00], { modules: [["constructor", "h", true], ["__proto__", "h", true]] }), { key: null });
    expect(c.modules).toEqual([
      { id: "constructor", hash: "h", byValue: true, codeSize: null },
      { id: "__proto__", hash: "h", byValue: true, codeSize: null },
    ]);
    // Header fields are own fields: a stack entry lacking fields is left out, not filled from
    // Object.prototype.
    const odd = snapshotContents(withBody([0x92, T.FORMAT, 0x00], { stacks: { list: [{ id: 1, name: "x", state: "constructor", frames: [] }, { constructor: 1 }] } }), { key: null });
    expect(odd.stacks).toEqual([]);
  });

  it("a body it cannot read gives no objects, never a partial table", () => {
    const c = snapshotContents(withBody([0x93, T.FORMAT, T.T_FILL, 0x91]), { key: null });
    expect(c.objects).toBeNull();
    const other = snapshotContents(withBody([0x92, T.FORMAT + 1, 0x00]), { key: null });
    expect(other.objects).toBeNull();
  });

  it("anything but a valid snapshot is a one-line SnapshotError", () => {
    const good = dumps({ a: 1 }, { key: null });
    expect(problem(() => snapshotContents(good.subarray(0, 20)))).toMatch(/^truncated snapshot/);
    const header = Uint8Array.from(good);
    header[FRAME_PREFIX] = 0xc1; // never used in msgpack
    const view = new DataView(header.buffer);
    view.setUint32(header.length - 4, crc32(header.subarray(0, header.length - 4)));
    expect(problem(() => snapshotContents(header, { key: null }))).toMatch(/^malformed snapshot header/);
    // Nested so deep that showing it would recurse past the stack: refused, as one line.
    const nested = (levels: number) => {
      const deep = new Uint8Array(3 + levels + 1);
      deep.set([0x81, 0xa1, 0x61]); // { a: [[[…null…]]] }
      deep.fill(0x91, 3, 3 + levels);
      deep[3 + levels] = 0xc0;
      return writeFrame(deep, Uint8Array.of(0x92, T.FORMAT, 0x00), undefined);
    };
    expect(problem(() => snapshotContents(nested(4000), { key: null }))).toBe("snapshot header nested deeper than 100 levels");
    expect(JSON.stringify(snapshotContents(nested(98), { key: null }).header)).toMatch(/^\{"a":\[\[\[/);
  });
});
