// The protocol in one process: a worker served over an in-memory stream pair, so the bytes
// between the two ends can be read — module code goes once per connection, a call whose body
// cannot be decoded fails alone, the frame reader, stubs of objects passed by reference.

import { randomBytes } from "node:crypto";
import { Duplex, PassThrough } from "node:stream";
import { beforeAll, describe, expect, test } from "vitest";
import { decodeGraph, decodeSnapshot, encodeGraph, encodeSnapshot } from "@spickle/pickle";
import { byReference, connect, isLoopback, remoteMethod, serve, streamTransport, type Connection } from "@spickle/remote";
import { Session } from "../src/auth.js";
import { FrameReader } from "../src/framing.js";
import { program } from "./helpers.js";

const SOURCE = `
let greeting = "hello";
export function setGreeting(g: string) { greeting = g; }
export function tagged(x: number) {
  return "MARKER-4d1f " + greeting + " " + x;
}
export async function describeStub(obj: object) {
  const awaited = await obj;  // a stub is not a thenable: awaiting it gives it back
  return { text: String(obj), same: awaited === obj, json: JSON.stringify({ obj }) };
}
`;

type Program = {
  setGreeting(g: string): void;
  tagged(x: number): string;
  describeStub(obj: object): Promise<{ text: string; same: boolean; json: string }>;
};

let p: Program;

beforeAll(async () => {
  p = await program<Program>("protocol", SOURCE);
});

/** A caller connected to a worker served in this process; `sent` holds the caller's messages. */
interface Seen {
  t: unknown;
  id: unknown;
  bytes: Buffer;
}

/** A caller connected to a worker served in this process; `sent` and `received` hold the
 * caller's messages and the worker's. */
async function inProcess(): Promise<{ conn: Connection; sent: Seen[]; received: Seen[]; toWorker: PassThrough }> {
  const toWorker = new PassThrough();
  const toCaller = new PassThrough();
  serve(streamTransport(Duplex.from({ readable: toWorker, writable: toCaller })), { key: null });
  const conn = await connect(Duplex.from({ readable: toCaller, writable: toWorker }), { key: null });
  return { conn, sent: tap(toWorker), received: tap(toCaller), toWorker };
}

function tap(stream: PassThrough): Seen[] {
  const seen: Seen[] = [];
  const reader = new FrameReader(1 << 30);
  stream.on("data", (chunk: Buffer) => {
    for (const bytes of reader.push(chunk)) {
      const { header } = decodeSnapshot(bytes, { key: null });
      seen.push({ t: header.t, id: header.id, bytes });
    }
  });
  return seen;
}

const MARKER = Buffer.from("MARKER-4d1f");

describe("module code on a connection", () => {
  test("is sent with the first call only; later calls name the module by its number and carry its state", async () => {
    const { conn, sent } = await inProcess();
    const tagged = remoteMethod(conn, p.tagged);
    expect(await tagged(1)).toBe("MARKER-4d1f hello 1");
    p.setGreeting("bonjour");
    expect(await tagged(2)).toBe("MARKER-4d1f bonjour 2");
    p.setGreeting("hello");
    const calls = sent.filter((m) => m.t === "call");
    expect(calls).toHaveLength(2);
    expect(calls[0]!.bytes.includes(MARKER)).toBe(true);
    expect(calls[1]!.bytes.includes(MARKER)).toBe(false);
    expect(calls[1]!.bytes.length).toBeLessThan(calls[0]!.bytes.length / 3);
    // The module goes by the number given with its code, not by its id (a msgpack string of
    // its own) and source hash.
    const moduleId = Buffer.from([0xa0 | "test/protocol.ts".length, ...Buffer.from("test/protocol.ts")]);
    expect(calls[0]!.bytes.includes(moduleId)).toBe(true);
    expect(calls[1]!.bytes.includes(moduleId)).toBe(false);
    await conn.close();
  });

  test("is sent again on a new connection", async () => {
    const { conn, sent } = await inProcess();
    expect(await remoteMethod(conn, p.tagged)(3)).toBe("MARKER-4d1f hello 3");
    expect(sent.find((m) => m.t === "call")!.bytes.includes(MARKER)).toBe(true);
    await conn.close();
  });
});

describe("messages", () => {
  test("a call whose body cannot be decoded fails alone; the connection goes on", async () => {
    const { conn, toWorker, received } = await inProcess();
    // A well-formed snapshot (the worker answers with an error for its call id) whose graph body
    // is nonsense; id 1000 is one the caller never used, so the reply is dropped.
    const bogus = encodeSnapshot({ header: { t: "call", id: 1000 }, body: new Uint8Array([0x93, 1, 2, 3]) }, { key: null });
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(bogus.length);
    toWorker.write(Buffer.concat([prefix, bogus]));
    expect(await remoteMethod(conn, p.tagged)(4)).toBe("MARKER-4d1f hello 4");
    expect(received.map((m) => [m.t, m.id])).toEqual([["error", 1000], ["result", 1]]);
    await conn.close();
  });

  test("a call that is not a list of a function and its arguments gets an error reply", async () => {
    const { conn, toWorker, received } = await inProcess();
    for (const [id, value] of [[1001, { fn: null, args: [] }], [1002, []]] as const) {
      const bytes = encodeSnapshot({ header: { t: "call", id }, body: encodeGraph(value) }, { key: null });
      toWorker.write(Buffer.concat([Buffer.from([0, 0, bytes.length >> 8, bytes.length & 0xff]), bytes]));
    }
    expect(await remoteMethod(conn, p.tagged)(5)).toBe("MARKER-4d1f hello 5");
    expect(received.map((m) => [m.t, m.id])).toEqual([["error", 1001], ["error", 1002], ["result", 1]]);
    await conn.close();
  });

  test("a message right behind the caller's handshake, in the same chunk, is served", async () => {
    const toWorker = new PassThrough();
    const toCaller = new PassThrough();
    serve(streamTransport(Duplex.from({ readable: toWorker, writable: toCaller })), { key: null });
    const reader = new FrameReader(1 << 20);
    const frames: Buffer[] = [];
    const arrived = new Promise<void>((resolve) =>
      toCaller.on("data", (chunk: Buffer) => {
        frames.push(...reader.push(chunk));
        if (frames.length === 3) resolve();
      }),
    );
    const frame = (bytes: Uint8Array) => Buffer.concat([Buffer.from([0, 0, bytes.length >> 8, bytes.length & 0xff]), bytes]);
    const call = encodeSnapshot({ header: { t: "call", id: 7 }, body: encodeGraph([42]) }, { key: null });
    toWorker.write(Buffer.concat([frame(Buffer.from(JSON.stringify({ protocol: 3, nonce: null, proof: null }))), frame(call)]));
    await arrived;
    expect(JSON.parse(frames[1]!.toString())).toEqual({ proof: null });
    const { header, body } = decodeSnapshot(frames[2]!, { key: null });
    expect(header).toEqual({ t: "error", id: 7 });
    expect((decodeGraph(body, { allowCode: false }) as Error).message).toBe("spickle worker: the call carried number, not a function");
    toWorker.end();
  });

  test("the frame reader takes frames split anywhere and several in one chunk, and refuses empty and oversized ones", () => {
    const frames = [Buffer.from("a"), Buffer.from("hello"), Buffer.alloc(300, 7)];
    const stream = Buffer.concat(frames.map((f) => Buffer.concat([Buffer.from([0, 0, (f.length >> 8) & 0xff, f.length & 0xff]), f])));
    for (const step of [1, 2, 3, 5, 64, stream.length]) {
      const reader = new FrameReader(1000);
      const got: Buffer[] = [];
      for (let i = 0; i < stream.length; i += step) got.push(...reader.push(stream.subarray(i, i + step)));
      expect(got).toEqual(frames);
    }
    expect(() => new FrameReader(1000).push(Buffer.from([0, 0, 0, 0]))).toThrow("malformed message: empty frame");
    expect(() => new FrameReader(1000).push(Buffer.from([0, 0, 3, 233]))).toThrow("message of 1001 bytes exceeds the limit of 1000 bytes");
  });
});

describe("session MACs", () => {
  test("a message is accepted once, in its place, in its session and direction", () => {
    const key = Buffer.from("the key");
    const [workerNonce, callerNonce] = [randomBytes(32), randomBytes(32)];
    const caller = new Session(key, "caller", workerNonce, callerNonce);
    const worker = new Session(key, "worker", workerNonce, callerNonce);
    const otherSession = new Session(key, "worker", randomBytes(32), callerNonce);
    const otherKey = new Session(Buffer.from("another key"), "worker", workerNonce, callerNonce);
    const sealed = (session: Session, text: string) => {
      const message = Buffer.from(text);
      return Buffer.concat([message, session.sign(message)]);
    };
    const first = sealed(caller, "first");
    const second = sealed(caller, "second");
    expect(otherSession.open(first)).toBeNull(); // from another session
    expect(otherKey.open(first)).toBeNull(); // signed with another key
    expect(worker.open(second)).toBeNull(); // out of order
    expect(worker.open(first)?.toString()).toBe("first");
    expect(worker.open(first)).toBeNull(); // replayed
    expect(worker.open(second)?.toString()).toBe("second");
    const altered = sealed(caller, "third");
    altered[0] ^= 1;
    expect(worker.open(altered)).toBeNull();
    // A caller's message sent back to the caller (reflected) is not the worker's.
    expect(caller.open(sealed(caller, "fourth"))).toBeNull();
    expect(caller.open(sealed(worker, "from the worker"))?.toString()).toBe("from the worker");
  });
});

describe("objects passed by reference", () => {
  test("a stub converts to a string, is not a thenable, and is not sent as JSON data", async () => {
    const { conn } = await inProcess();
    const got = await remoteMethod(conn, p.describeStub)(byReference({ info() {} }));
    expect(got).toEqual({ text: "[remote reference 1]", same: true, json: '{"obj":{}}' });
    await conn.close();
  });
});

test.each([
  ["127.0.0.1", true],
  ["127.1.2.3", true],
  ["localhost", true],
  ["::1", true],
  ["::ffff:127.0.0.1", true],
  ["0.0.0.0", false],
  ["::", false],
  ["192.168.1.5", false],
  ["example.com", false],
])("isLoopback(%s) is %s", (host, expected) => {
  expect(isLoopback(host)).toBe(expected);
});
