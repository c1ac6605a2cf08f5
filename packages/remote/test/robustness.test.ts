// What goes wrong, end to end with the real `spickle worker`: workers that die mid-call,
// malformed and oversized messages (the connection that sent them is closed with a reason, the
// worker serves the others), keys and authentication, user output under --stdio, bad targets.

import { spawn, spawnSync } from "node:child_process";
import { connect as connectTcp } from "node:net";
import { beforeAll, describe, expect, test } from "vitest";
import { decodeGraph, decodeSnapshot } from "@spickle/pickle";
import { byReference, connect, PROTOCOL_VERSION, remoteMethod, RemoteConnectionError } from "@spickle/remote";
import { FrameReader } from "../src/framing.js";
import { collect, connectStdio, ensureBuilt, program, spickleBin, startTcpWorker, workerEnv } from "./helpers.js";

const SOURCE = `
export function double(x: number) {
  return x * 2;
}
export async function waitFor(gate: { wait(): Promise<string> }) {
  return "opened: " + (await gate.wait());
}
export function die(code: number) {
  process.exit(code);
}
export function sizeOf(bytes: Uint8Array) {
  return bytes.length;
}
export function chatty() {
  console.log("from console.log");
  process.stdout.write("from process.stdout.write\\n");
  console.error("from console.error");
  return "printed";
}
`;

type Program = {
  double(x: number): number;
  waitFor(gate: { wait(): Promise<string> }): Promise<string>;
  die(code: number): never;
  sizeOf(bytes: Uint8Array): number;
  chatty(): string;
};

let p: Program;

beforeAll(async () => {
  ensureBuilt();
  p = await program<Program>("robustness", SOURCE);
});

/** A gate object passed by reference: the worker's call waits on it until the test is done. */
function closedGate() {
  let asked!: () => void;
  const askedPromise = new Promise<void>((resolve) => (asked = resolve));
  const gate = byReference({
    wait: () => {
      asked();
      return new Promise<string>(() => {});
    },
  });
  return { gate, asked: askedPromise };
}

/** Reads frames from a raw socket or stream: a handshake message (JSON) as { t: "json", body },
 * a message as { t, body } (its header's t, and its body decoded without code). */
function messages(stream: NodeJS.ReadableStream) {
  const reader = new FrameReader(1 << 30);
  const got: { t: unknown; body: unknown }[] = [];
  let wake: (() => void) | null = null;
  stream.on("data", (chunk: Buffer) => {
    for (const bytes of reader.push(chunk)) {
      if (bytes[0] === 0x7b) {
        got.push({ t: "json", body: JSON.parse(bytes.toString("utf8")) });
        continue;
      }
      const { header, body } = decodeSnapshot(bytes, { key: null });
      got.push({ t: header.t, body: decodeGraph(body, { allowCode: false }) });
    }
    wake?.();
  });
  return async (n: number) => {
    while (got.length < n) await new Promise<void>((resolve) => (wake = resolve));
    return got.slice(0, n);
  };
}

function frameOf(bytes: Uint8Array): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(bytes.length);
  return Buffer.concat([prefix, bytes]);
}

describe("a worker that dies", () => {
  test("over stdio: every pending call rejects with the exit status", async () => {
    const conn = await connectStdio();
    const { gate, asked } = closedGate();
    const waiting = remoteMethod(conn, p.waitFor)(gate).catch((e: unknown) => e);
    await asked;
    const dying = remoteMethod(conn, p.die)(3).catch((e: unknown) => e);
    for (const error of [await waiting, await dying]) {
      expect(error).toBeInstanceOf(RemoteConnectionError);
      expect((error as Error).message).toMatch(/^spickle remote: the worker exited with code 3 \(call \d did not complete\)$/);
    }
    await expect(remoteMethod(conn, p.double)(1)).rejects.toThrow(/the worker exited with code 3/);
    await conn.close();
  });

  test("over TCP: pending calls reject when the connection drops", async () => {
    const worker = await startTcpWorker();
    const conn = await connect({ host: worker.host, port: worker.port }, { key: null });
    const { gate, asked } = closedGate();
    const waiting = remoteMethod(conn, p.waitFor)(gate).catch((e: unknown) => e);
    await asked;
    void remoteMethod(conn, p.die)(0).catch(() => {});
    const error = await waiting;
    expect(error).toBeInstanceOf(RemoteConnectionError);
    expect((error as Error).message).toMatch(/the worker \(pid \d+ on .*\) closed the connection/);
    await conn.close();
    await worker.stop();
  });
});

describe("malformed and oversized messages", () => {
  test("over TCP, a message that is not a snapshot closes that connection with the reason; others are served", async () => {
    const worker = await startTcpWorker();
    const good = await connect({ host: worker.host, port: worker.port }, { key: null });
    expect(await remoteMethod(good, p.double)(4)).toBe(8);

    const raw = connectTcp({ host: worker.host, port: worker.port });
    const read = messages(raw);
    const ended = new Promise<void>((resolve) => raw.on("end", resolve));
    expect((await read(1))[0]!.body).toMatchObject({ spickle: "remote", protocol: PROTOCOL_VERSION, nonce: null });
    raw.write(frameOf(Buffer.from(JSON.stringify({ protocol: PROTOCOL_VERSION, nonce: null, proof: null }))));
    expect((await read(2))[1]!.body).toEqual({ proof: null });
    raw.write(frameOf(Buffer.from("this is not a snapshot")));
    const fatal = (await read(3))[2]!;
    expect(fatal).toEqual({ t: "fatal", body: "malformed message: not a spickle snapshot (bad magic)" });
    await ended;
    raw.destroy();

    expect(await remoteMethod(good, p.double)(5)).toBe(10);
    expect(worker.stderr()).toMatch(/spickle worker: closed the connection from 127\.0\.0\.1:\d+: malformed message: not a spickle snapshot/);
    await good.close();
    await worker.stop();
  });

  test("over TCP, an oversized message closes that connection; the caller learns why; others are served", async () => {
    const worker = await startTcpWorker(["--max-message", "1M"]);
    const small = await connect({ host: worker.host, port: worker.port }, { key: null });
    const big = await connect({ host: worker.host, port: worker.port }, { key: null });
    const error = await remoteMethod(big, p.sizeOf)(new Uint8Array(2 * 1024 * 1024)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteConnectionError);
    expect((error as Error).message).toMatch(/closed the connection: message of \d+ bytes exceeds the limit of 1048576 bytes/);
    expect(big.open).toBe(false);
    expect(await remoteMethod(small, p.sizeOf)(new Uint8Array(1000))).toBe(1000);
    await small.close();
    await big.close();
    await worker.stop();
  });

  test("over stdio, a handshake that is not one gets a fatal reply, and the worker exits 1 naming the problem", async () => {
    const child = spawn(process.execPath, [spickleBin, "worker", "--stdio"], { env: workerEnv(), stdio: ["pipe", "pipe", "pipe"] });
    const stderr = collect(child.stderr);
    const read = messages(child.stdout);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.stdin.write(frameOf(Buffer.from("SPKL garbage")));
    const got = await read(2);
    expect(got.map((m) => m.t)).toEqual(["json", "json"]);
    expect(got[1]!.body).toEqual({ fatal: 'handshake failed: the caller does not speak protocol 3 (it sent "SPKL garbage")' });
    expect(await exited).toBe(1);
    expect(stderr()).toMatch(/^spickle worker: handshake failed: /m);
  });
});

describe("keys", () => {
  test("a TCP worker with a key serves callers that hold it and refuses the others", async () => {
    const worker = await startTcpWorker([], { SPICKLE_KEY: "the right key" });
    const ok = await connect({ host: worker.host, port: worker.port }, { key: "the right key" });
    expect(await remoteMethod(ok, p.double)(21)).toBe(42);
    await ok.close();
    await expect(connect({ host: worker.host, port: worker.port }, { key: null })).rejects.toThrow(/the worker requires a key/);
    await expect(connect({ host: worker.host, port: worker.port }, { key: "a wrong key" })).rejects.toThrow(/refused the connection: authentication failed: wrong key/);
    await worker.stop();
  });

  test("a caller with a key refuses a worker that has none", async () => {
    const worker = await startTcpWorker();
    await expect(connect({ host: worker.host, port: worker.port }, { key: "k" })).rejects.toThrow("spickle remote: the worker does not authenticate (it has no key) but this side has one");
    await worker.stop();
  });

  test("SPICKLE_KEY of the caller goes unused with a command worker that has no key (ssh is a channel of its own)", async () => {
    const previous = process.env.SPICKLE_KEY;
    process.env.SPICKLE_KEY = "only here";
    try {
      const conn = await connect({ command: [process.execPath, spickleBin, "worker", "--stdio"], env: workerEnv() });
      expect(await remoteMethod(conn, p.double)(5)).toBe(10);
      await conn.close();
    } finally {
      if (previous === undefined) delete process.env.SPICKLE_KEY;
      else process.env.SPICKLE_KEY = previous;
    }
  });

  test("a stdio worker and its caller sharing SPICKLE_KEY authenticate and sign every message", async () => {
    const conn = await connectStdio({ key: "shared" }, { SPICKLE_KEY: "shared" });
    expect(await remoteMethod(conn, p.double)(8)).toBe(16);
    await conn.close();
  });

  test("a worker refuses to listen on a non-loopback address without a key", () => {
    const r = spawnSync(process.execPath, [spickleBin, "worker", "--listen", "0.0.0.0:0"], { env: workerEnv(), encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(
      "spickle worker: refusing to listen on 0.0.0.0 without a key (whoever reaches it could run code here); set SPICKLE_KEY on both sides, or listen on 127.0.0.1",
    );
  });

  test("with a key, a worker listens on every address, and callers still prove the key", async () => {
    const worker = await startTcpWorker([], { SPICKLE_KEY: "k" }, "0.0.0.0");
    const conn = await connect({ host: "127.0.0.1", port: worker.port }, { key: "k" });
    expect(await remoteMethod(conn, p.double)(2)).toBe(4);
    await conn.close();
    await worker.stop();
  });
});

describe("the worker's command line", () => {
  test.each([
    [[], "spickle: worker needs exactly one of --stdio or --listen <host:port>"],
    [["--stdio", "--listen", "7000"], "spickle: worker needs exactly one of --stdio or --listen <host:port>"],
    [["--listen", "host:port"], `spickle: option '--listen <host:port>' argument 'host:port' is invalid. expected <host:port> or <port>, such as 127.0.0.1:7000, not "host:port"`],
    [["--stdio", "--max-message", "lots"], `spickle: option '--max-message <size>' argument 'lots' is invalid. expected a size such as 64M or 1G (16 bytes to 4G), not "lots"`],
    [["--stdio", "--threads", "-1"], `spickle: option '--threads <n>' argument '-1' is invalid. expected a number of threads from 0 to 1024, not "-1"`],
  ])("spickle worker %j is a usage error", (args, message) => {
    const r = spawnSync(process.execPath, [spickleBin, "worker", ...args], { env: workerEnv(), encoding: "utf8", input: "" });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(message);
  });
});

describe("user output under --stdio", () => {
  test("console output and process.stdout writes go to stderr, never into the message stream", async () => {
    const conn = await connectStdio();
    const stderr = collect(conn.stderr);
    const chatty = remoteMethod(conn, p.chatty);
    expect(await chatty()).toBe("printed");
    expect(await chatty()).toBe("printed");
    expect(await remoteMethod(conn, p.double)(3)).toBe(6);
    await conn.close();
    expect(stderr()).toBe("from console.log\nfrom process.stdout.write\nfrom console.error\n".repeat(2));
  });
});

describe("--stdio --threads 1", () => {
  test("calls run on a thread; the user code's output still goes to stderr", async () => {
    const conn = await connectStdio({}, {}, ["--threads", "1"]);
    const stderr = collect(conn.stderr);
    expect(await remoteMethod(conn, p.chatty)()).toBe("printed");
    expect(await remoteMethod(conn, p.double)(3)).toBe(6);
    const expected = ["from console.log\n", "from process.stdout.write\n", "from console.error\n"];
    // The thread's output reaches this process's stderr on its own path (bounded wait).
    for (let i = 0; i < 500 && !expected.every((line) => stderr().includes(line)); i++) await new Promise((r) => setTimeout(r, 10));
    for (const line of expected) expect(stderr()).toContain(line);
    await conn.close();
  });
});

describe("targets that cannot be reached", () => {
  test("a command that cannot start", async () => {
    await expect(connect({ command: ["/nonexistent/spickle-worker", "--stdio"] })).rejects.toThrow(/cannot start \/nonexistent\/spickle-worker: spawn .* ENOENT/);
  });

  test("a command that is not a worker", async () => {
    await expect(connect({ command: [process.execPath, "-e", "process.stdout.write('hello, world\\n')"] }, { key: null })).rejects.toThrow(
      'spickle remote: handshake failed: the worker does not speak the protocol (it sent "hello, world."): message of 1751477356 bytes exceeds the limit of 65536 bytes',
    );
  });

  test("a TCP port nobody listens on", async () => {
    const worker = await startTcpWorker();
    const port = worker.port;
    await worker.stop();
    await expect(connect({ host: "127.0.0.1", port }, { key: null })).rejects.toThrow(new RegExp(`cannot connect to 127\\.0\\.0\\.1:${port}: connect ECONNREFUSED`));
  });
});
