import * as net from "node:net";
import { describe, expect, it } from "vitest";
import { encodeGraph, ReferenceTable, SerializeError } from "../src/index.js";

function failure(v: unknown, options?: Parameters<typeof encodeGraph>[1]): SerializeError {
  try {
    encodeGraph(v, options);
  } catch (err) {
    expect(err).toBeInstanceOf(SerializeError);
    return err as SerializeError;
  }
  throw new Error("expected a SerializeError");
}

describe("unserializable values fail with their path", () => {
  it("names a Promise deep in the graph", () => {
    const jobs = [{}, {}, {}, { pending: Promise.resolve(1) }];
    const e = failure({ jobs });
    expect(e.message).toBe("cannot serialize Promise at root.jobs[3].pending: promise state is not observable (await it before the checkpoint and keep its result)");
    expect(e.path).toBe("root.jobs[3].pending");
  });

  it("names weak collections, weak refs, registries and proxies", () => {
    expect(failure({ cache: new WeakMap() }).message).toBe("cannot serialize WeakMap at root.cache: weak collections cannot be enumerated (use a Map or Set, or rebuild it after resume)");
    expect(failure([new WeakSet()]).path).toBe("root[0]");
    expect(failure({ r: new WeakRef({}) }).typeName).toBe("WeakRef");
    expect(failure({ f: new FinalizationRegistry(() => {}) }).typeName).toBe("FinalizationRegistry");
    expect(failure({ p: new Proxy({}, {}) }).message).toMatch(/^cannot serialize Proxy at root\.p:/);
  });

  it("names paths through Maps, Sets, symbol keys, odd keys and the root", () => {
    expect(failure(new Map([["k", { x: Promise.resolve() }]])).path).toBe('root.get("k").x');
    expect(failure(new Set([1, Promise.resolve()])).path).toBe("root.[[value 1]]");
    expect(failure({ "odd key": { [Symbol("s")]: Promise.resolve() } }).path).toBe('root["odd key"][Symbol(s)]');
    expect(failure(Promise.resolve()).path).toBe("root");
  });

  it("names functions that are neither in the table nor claimed", () => {
    function helper() {}
    expect(failure({ cb: helper }).message).toMatch(/^cannot serialize function helper at root\.cb: it is neither compiled by spickle nor exported by a builtin or package the program loaded/);
    const bound = Math.max.bind(null);
    expect(failure({ bound }).message).toMatch(/native function is not exported by any builtin or package the program loaded/);
  });

  it("names a socket-like host object by its class", () => {
    const conn = new net.Socket();
    try {
      const e = failure({ tasklets: [{ frames: [{ locals: { conn } }] }] });
      expect(e.message).toMatch(/^cannot serialize Socket at root\.tasklets\[0\]\.frames\[0\]\.locals\.conn: an open connection belongs to this process/);
      const table = new ReferenceTable().addModule("node:net", net);
      expect(failure({ conn }, { table }).path).toBe("root.conn");
      expect(failure({ s: new ReadableStream() }).message).toMatch(/^cannot serialize ReadableStream at root\.s:/);
    } finally {
      conn.destroy();
    }
  });

  it("names native generators and iterators", () => {
    function* g() {}
    expect(failure({ g: g() }).message).toMatch(/native generator/);
    expect(failure({ it: new Map().keys() }).message).toMatch(/iterator/);
  });
});
