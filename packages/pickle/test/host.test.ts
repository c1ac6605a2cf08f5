// Built-in host-object policies: fs streams and FileHandles re-open by path, flags and position;
// every other host kind is refused with its type, the path to it, and what to do instead.
import * as childProcess from "node:child_process";
import { fileURLToPath } from "node:url";
import * as dgram from "node:dgram";
import { once } from "node:events";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import { MessageChannel, Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumps, encodeGraph, loads, ReferenceTable, RestoredFileHandle, SerializeError, SnapshotError } from "../src/index.js";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "spickle-host-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** 64 KiB whose every byte says where it is. */
const CONTENT = Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 7 + (i >> 8)) & 0xff));

function fileWith(name: string, content: Buffer | string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/** Round-trips through snapshot bytes, decoding with a table that has no registrations. */
function roundTrip<T>(value: T): T {
  return loads(dumps(value), { table: new ReferenceTable() }) as T;
}

async function readRest(stream: fs.ReadStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/** Waits until `stream` has buffered data, then takes `n` bytes of it. */
async function take(stream: fs.ReadStream, n: number): Promise<Buffer> {
  let chunk = stream.read(n) as Buffer | null;
  while (chunk === null) {
    await once(stream, "readable");
    chunk = stream.read(n) as Buffer | null;
  }
  return chunk;
}

function write(stream: fs.WriteStream, data: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(data, (err) => (err ? reject(err) : resolve())));
}

async function close(stream: fs.WriteStream): Promise<void> {
  stream.end();
  await once(stream, "close");
}

describe("fs read streams re-open where the program stopped reading", () => {
  it("continues mid-file from the first byte the program has not read, not from the file position", async () => {
    const file = fileWith("read.bin", CONTENT);
    const stream = fs.createReadStream(file, { highWaterMark: 1000 });
    const head = await take(stream, 1500);
    expect(head).toEqual(CONTENT.subarray(0, 1500));
    // The stream has read ahead of the program: the snapshot must not skip the buffered bytes.
    expect(stream.bytesRead).toBeGreaterThan(1500);
    const { s } = roundTrip({ s: stream });
    stream.destroy();
    expect(s).toBeInstanceOf(fs.ReadStream);
    expect(s).not.toBe(stream);
    expect(s.path).toBe(file);
    expect(await readRest(s)).toEqual(CONTENT.subarray(1500));
  });

  it("fails the load with a SnapshotError when the file is gone", async () => {
    const file = fileWith("gone.txt", "abc");
    const stream = fs.createReadStream(file);
    await take(stream, 1);
    const bytes = dumps({ s: stream });
    stream.destroy();
    fs.rmSync(file);
    expect(() => loads(bytes)).toThrow(SnapshotError);
    expect(() => loads(bytes)).toThrow(/^cannot re-open the file of a fs\.ReadStream: ENOENT/);
  });

  it("keeps start, end, encoding and shared identity", async () => {
    const file = fileWith("text.txt", "0123456789abcdefghij");
    const stream = fs.createReadStream(file, { start: 2, end: 15, encoding: "utf8", highWaterMark: 4 });
    expect(await take(stream, 4)).toBe("2345");
    // Everything read so far was taken, and nothing is left in the buffer.
    while (stream.readableLength > 0) stream.read(stream.readableLength);
    const position = 2 + stream.bytesRead;
    expect(position).toBeLessThan(16);
    const out = roundTrip({ a: stream, b: stream });
    stream.destroy();
    expect(out.b).toBe(out.a);
    expect(out.a.readableEncoding).toBe("utf8");
    const rest = await readRest(out.a);
    expect(rest.toString()).toBe("0123456789abcdefghij".slice(position, 16));
  });

  it("refuses text still waiting in an encoded stream's buffer, with the path", async () => {
    const file = fileWith("text2.txt", "some text here");
    const stream = fs.createReadStream(file, { encoding: "utf8" });
    await take(stream, 2);
    try {
      expect(() => encodeGraph({ inbox: { reader: stream } })).toThrow(
        /^cannot serialize ReadStream at root\.inbox\.reader: 12 decoded characters are buffered and not read yet; read them before the checkpoint/,
      );
    } finally {
      stream.destroy();
    }
  });
});

describe("fs write streams re-open where the next write lands", () => {
  it("continues a 'w' stream after the bytes written, without truncating them", async () => {
    const file = path.join(dir, "out.txt");
    const stream = fs.createWriteStream(file);
    await write(stream, "hello ");
    await write(stream, "there ");
    const { log } = roundTrip({ log: stream });
    await close(stream);
    expect(log).toBeInstanceOf(fs.WriteStream);
    await write(log, "world");
    await close(log);
    expect(fs.readFileSync(file, "utf8")).toBe("hello there world");
  });

  it("continues in another process that registered nothing (the built-in restorer is named in the snapshot)", async () => {
    const file = path.join(dir, "other.txt");
    const stream = fs.createWriteStream(file);
    await write(stream, "written here, ");
    const snapshot = path.join(dir, "stream.snapshot");
    fs.writeFileSync(snapshot, dumps({ out: stream }));
    await close(stream);
    const pickle = fileURLToPath(new URL("../dist/index.js", import.meta.url));
    const script = `
      const { loads } = await import(${JSON.stringify(pickle)});
      const { out } = loads((await import("node:fs")).readFileSync(${JSON.stringify(snapshot)}));
      out.end("finished there", () => console.log(out.constructor.name));`;
    const output = childProcess.execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(output.trim()).toBe("WriteStream");
    expect(fs.readFileSync(file, "utf8")).toBe("written here, finished there");
  });

  it("keeps a start offset", async () => {
    const file = fileWith("patch.txt", "..........");
    const stream = fs.createWriteStream(file, { flags: "r+", start: 2 });
    await write(stream, "ab");
    const copy = roundTrip(stream);
    await close(stream);
    await write(copy, "cd");
    await close(copy);
    expect(fs.readFileSync(file, "utf8")).toBe("..abcd....");
  });

  it("keeps appending to an 'a' stream", async () => {
    const file = fileWith("append.log", "first\n");
    const stream = fs.createWriteStream(file, { flags: "a" });
    await write(stream, "second\n");
    const copy = roundTrip(stream);
    await close(stream);
    fs.appendFileSync(file, "third\n");
    await write(copy, "fourth\n");
    await close(copy);
    expect(fs.readFileSync(file, "utf8")).toBe("first\nsecond\nthird\nfourth\n");
  });

  it("refuses a stream with bytes still queued, and a closed one", async () => {
    const stream = fs.createWriteStream(path.join(dir, "queued.txt"));
    stream.write("not yet on disk");
    expect(() => encodeGraph({ out: stream })).toThrow(
      "cannot serialize WriteStream at root.out: 15 bytes are still queued for writing; checkpoint after they are written " +
        "(the write callback, or the 'drain' event)",
    );
    await close(stream);
    expect(() => encodeGraph([stream])).toThrow(/^cannot serialize WriteStream at root\[0\]: the stream is ended or closed/);
  });

  it("the queued-bytes refusal carries a promise that settles once they are written", async () => {
    const stream = fs.createWriteStream(path.join(dir, "queued2.txt"));
    stream.write("x".repeat(100_000));
    let error: unknown;
    try {
      encodeGraph({ out: stream });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SerializeError);
    await (error as SerializeError).settles;
    expect(stream.writableLength).toBe(0);
    expect(() => encodeGraph({ out: stream })).not.toThrow();
    await close(stream);
  });
});

describe("FileHandles re-open by path, flags and position", () => {
  it("reads on from the handle's file position", async () => {
    const file = fileWith("handle.bin", CONTENT);
    const handle = await fsp.open(file, "r");
    try {
      const first = Buffer.alloc(100);
      await handle.read(first, 0, 100, null);
      const { h } = roundTrip({ h: handle });
      expect(h).toBeInstanceOf(RestoredFileHandle);
      expect(h.path).toBe(file);
      const next = Buffer.alloc(100);
      expect((await h.read(next, 0, 100, null)).bytesRead).toBe(100);
      expect(next).toEqual(CONTENT.subarray(100, 200));
      // An explicit position reads there and leaves the file position alone.
      const at = Buffer.alloc(4);
      await h.read(at, 0, 4, 1000);
      expect(at).toEqual(CONTENT.subarray(1000, 1004));
      expect(((await h.readFile()) as Buffer).equals(CONTENT.subarray(200))).toBe(true);
      // A restored handle can be checkpointed again.
      const again = roundTrip(h);
      await h.close();
      expect((await again.readFile("latin1")).length).toBe(0);
      await again.close();
    } finally {
      await handle.close();
    }
  });

  it("writes on at the position, never truncating the file", async () => {
    const file = fileWith("handle.txt", "xxxxxxxxxx");
    const handle = await fsp.open(file, "r+");
    await handle.write("abc");
    const copy = roundTrip(handle);
    await handle.close();
    await copy.write("def");
    await copy.close();
    expect(fs.readFileSync(file, "utf8")).toBe("abcdefxxxx");
  });

  it("restores a closed handle as closed", async () => {
    const handle = await fsp.open(fileWith("closed.txt", "x"), "r");
    await handle.close();
    const copy = roundTrip(handle);
    expect(copy.fd).toBe(-1);
    await expect(copy.read(Buffer.alloc(1), 0, 1, null)).rejects.toThrow(/closed/);
  });
});

function failure(v: unknown): SerializeError {
  try {
    encodeGraph(v);
  } catch (err) {
    expect(err).toBeInstanceOf(SerializeError);
    return err as SerializeError;
  }
  throw new Error("expected a SerializeError");
}

/** Asserts the type, the exact path, and a reason that says what to do. */
function expectRefused(v: unknown, typeName: string, at: string, reason: RegExp): void {
  const e = failure(v);
  expect(e.typeName).toBe(typeName);
  expect(e.path).toBe(at);
  expect(e.message.startsWith(`cannot serialize ${typeName} at ${at}: `)).toBe(true);
  expect(e.reason).toMatch(reason);
}

describe("host objects that cannot be carried into another process are refused with their path", () => {
  it("net.Socket", () => {
    const socket = new net.Socket();
    try {
      const e = failure({ conn: { socket } });
      expect(e.message).toBe("cannot serialize Socket at root.conn.socket: an open connection belongs to this process; " +
        "close it before the checkpoint and keep its address, to connect again after resume");
    } finally {
      socket.destroy();
    }
  });

  it("tls.TLSSocket", () => {
    const socket = new tls.TLSSocket(new net.Socket());
    try {
      expectRefused({ clients: [socket] }, "TLSSocket", "root.clients[0]", /close it before the checkpoint/);
    } finally {
      socket.destroy();
    }
  });

  it("net.Server", () => {
    expectRefused({ http: { server: net.createServer() } }, "Server", "root.http.server", /keep its port, to listen again/);
  });

  it("dgram.Socket", () => {
    const socket = dgram.createSocket("udp4");
    try {
      expectRefused(new Map([["udp", socket]]), "Socket", 'root.get("udp")', /UDP socket/);
    } finally {
      socket.close();
    }
  });

  it("child processes", () => {
    expectRefused({ jobs: { build: new childProcess.ChildProcess() } }, "ChildProcess", "root.jobs.build", /wait for it \(or kill it\)/);
  });

  it("worker threads and message ports", async () => {
    const worker = new Worker("", { eval: true });
    const { port1, port2 } = new MessageChannel();
    try {
      expectRefused({ pool: [worker] }, "Worker", "root.pool[0]", /terminate it before the checkpoint/);
      expectRefused({ port: port1 }, "MessagePort", "root.port", /close it before the checkpoint/);
    } finally {
      port1.close();
      port2.close();
      await worker.terminate();
    }
  });

  it("timers: Timeout (setTimeout, setInterval) and Immediate", () => {
    const timeout = setTimeout(() => {}, 60_000);
    const interval = setInterval(() => {}, 60_000);
    const immediate = setImmediate(() => {});
    try {
      expectRefused({ retry: { timer: timeout } }, "Timeout", "root.retry.timer", /clear it before the checkpoint and keep when it is due/);
      expectRefused([interval], "Timeout", "root[0]", /timer/);
      expectRefused({ tick: immediate }, "Immediate", "root.tick", /timer/);
    } finally {
      clearTimeout(timeout);
      clearInterval(interval);
      clearImmediate(immediate);
    }
  });

  it("weak collections, weak references and finalization registries", () => {
    expectRefused({ cache: { byKey: new WeakMap() } }, "WeakMap", "root.cache.byKey", /use a Map or Set/);
    expectRefused({ seen: new WeakSet() }, "WeakSet", "root.seen", /use a Map or Set/);
    expectRefused({ ref: new WeakRef({}) }, "WeakRef", "root.ref", /keep the target itself/);
    expectRefused({ fr: new FinalizationRegistry(() => {}) }, "FinalizationRegistry", "root.fr", /register the objects again/);
  });

  it("promises", () => {
    expectRefused({ pending: [Promise.resolve(1)] }, "Promise", "root.pending[0]", /await it before the checkpoint/);
  });

  it("native generators and async generators of untransformed code", () => {
    function* numbers() {
      yield 1;
    }
    async function* lines() {
      yield "";
    }
    expectRefused({ gen: numbers() }, "Generator", "root.gen", /compile its module with spickle/);
    expectRefused({ gen: lines() }, "AsyncGenerator", "root.gen", /compile its module with spickle/);
  });

  it("native iterators of Map, Set, Array, String and matchAll", () => {
    const advice = /keep the collection and an index instead/;
    expectRefused({ it: new Map([[1, 2]]).entries() }, "Map Iterator", "root.it", advice);
    expectRefused({ it: new Set([1]).values() }, "Set Iterator", "root.it", advice);
    expectRefused({ state: { cursor: [1, 2, 3][Symbol.iterator]() } }, "Array Iterator", "root.state.cursor", advice);
    expectRefused({ chars: "abc"[Symbol.iterator]() }, "String Iterator", "root.chars", advice);
    expectRefused({ m: "a1b2".matchAll(/\d/g) }, "RegExp String Iterator", "root.m", advice);
  });

  it("native functions that are not importable", () => {
    expectRefused({ handlers: { max: Math.max.bind(null) } }, "function bound max", "root.handlers.max", /native function is not exported by any builtin or package/);
  });

  it("subclasses of fs streams, and streams opened from a descriptor", async () => {
    class LoggingStream extends fs.ReadStream {}
    const file = fileWith("sub.txt", "x");
    const sub = new LoggingStream(file as never);
    const fd = fs.openSync(file, "r");
    const fromFd = fs.createReadStream("", { fd });
    try {
      expectRefused({ sub }, "LoggingStream", "root.sub", /covers fs\.ReadStream itself, not its subclasses \(register a reducer/);
      expectRefused({ fromFd }, "ReadStream", "root.fromFd", /opened from a file descriptor/);
    } finally {
      sub.destroy();
      fromFd.destroy();
      await Promise.all([once(sub, "close"), once(fromFd, "close")]);
    }
  });
});
