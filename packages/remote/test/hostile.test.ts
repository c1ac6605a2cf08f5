// Hostile peers: a fake worker that answers with code (nothing of it runs on the caller), a
// message replayed through a proxy (refused), 500 MB frames before the handshake (refused at
// 64 KiB; the worker's memory stays small), connections that never complete the handshake
// (closed after the timeout), a server that never answers (connect gives up), and a CPU-bound
// call that does not hold up the other clients (worker threads).

import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect as connectTcp, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loads } from "@spickle/pickle";
import { connect, listen, PROTOCOL_VERSION, remoteMethod, RemoteTimeoutError } from "@spickle/remote";
import { FrameReader } from "../src/framing.js";
import { ensureBuilt, program, startTcpWorker } from "./helpers.js";

const SOURCE = `
export function double(x: number) {
  return x * 2;
}
export function touch(path: string) {
  (process as any).getBuiltinModule("node:fs").appendFileSync(path, "x\\n");
  return "touched";
}
export function spinUntil(path: string) {
  const fs = (process as any).getBuiltinModule("node:fs");
  while (!fs.existsSync(path));
  return "released";
}
export function spinForever() {
  for (;;);
}
`;

type Program = {
  double(x: number): number;
  touch(path: string): string;
  spinUntil(path: string): string;
  spinForever(): never;
};

const here = dirname(fileURLToPath(import.meta.url));
const scratch = join(tmpdir(), `spickle-hostile-${process.pid}`);
let p: Program;

beforeAll(async () => {
  ensureBuilt();
  p = await program<Program>("hostile", SOURCE);
  mkdirSync(scratch, { recursive: true });
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function frameOf(bytes: Uint8Array): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(bytes.length);
  return Buffer.concat([prefix, bytes]);
}

const json = (value: object): Buffer => frameOf(Buffer.from(JSON.stringify(value)));

/** Everything a raw socket receives, as frames, and when it closes. */
function watch(socket: Socket) {
  const reader = new FrameReader(1 << 30);
  const frames: Buffer[] = [];
  let wake: (() => void) | null = null;
  socket.on("data", (chunk: Buffer) => {
    frames.push(...reader.push(chunk));
    wake?.();
  });
  socket.on("error", () => {});
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  return {
    frames,
    closed,
    async frame(n: number): Promise<Buffer> {
      while (frames.length <= n) await new Promise<void>((resolve) => (wake = resolve));
      return frames[n]!;
    },
  };
}

function rawConnect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host: "127.0.0.1", port }, () => resolve(socket));
    socket.once("error", reject);
  });
}

function listenOn(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
}

/** A snapshot that runs code when the pickler decodes it with code allowed: a module whose
 * restore form was rewritten to set globalThis.__spickleHostileRan. Made in a child process (the
 * module must not be loaded here, or the decoder would use the loaded one). */
function hostilePayload(): Buffer {
  const gen = join(here, ".gen");
  mkdirSync(gen, { recursive: true });
  const script = join(gen, "hostile-payload-maker.mjs");
  writeFileSync(
    script,
    `import { compile } from "@spickle/transform";
import { dumps, decodeSnapshot, encodeSnapshot } from "@spickle/pickle";
import { writeFileSync } from "node:fs";
const id = "test/hostile-payload-module-with-a-long-name.ts";
const file = new URL("./hostile-payload.mjs", import.meta.url);
writeFileSync(file, compile("export function payload() { return 1; }\\n", { filename: "/tmp/payload.ts", moduleId: id }).code);
const m = await import(file.href);
const { header, body } = decodeSnapshot(dumps(m.payload, { serializableModules: true }));
const b = Buffer.from(body);
const at = b.indexOf(Buffer.from("registerSites(" + JSON.stringify(id))) + "registerSites(".length;
if (at < "registerSites(".length) throw new Error("restore form not found");
b.write('(globalThis.__spickleHostileRan=1,"x")'.padEnd(JSON.stringify(id).length, " "), at, "latin1");
process.stdout.write(Buffer.from(encodeSnapshot({ header, body: b })).toString("base64"));
`,
  );
  return Buffer.from(execFileSync(process.execPath, [script], { cwd: here, encoding: "utf8" }), "base64");
}

describe("a fake worker", () => {
  test("gets no code run on a caller with a key, whatever it sends before proving the key", async () => {
    const payload = hostilePayload();
    const hello = () => json({ spickle: "remote", protocol: PROTOCOL_VERSION, worker: "fake", nonce: randomBytes(32).toString("base64") });
    type Behaviour = (socket: Socket) => void;
    const onCallerHello = (socket: Socket, then: () => void) => {
      const reader = new FrameReader(1 << 20);
      socket.on("data", (chunk: Buffer) => {
        if (reader.push(chunk).length > 0) then();
      });
    };
    const behaviours: [string, Behaviour, RegExp][] = [
      ["the snapshot as its first message", (s) => s.write(frameOf(payload)), /handshake failed: the worker does not speak protocol 3 \(it sent "SPKL/],
      [
        "a hello, then the snapshot in place of its proof",
        (s) => {
          s.write(hello());
          onCallerHello(s, () => s.write(frameOf(payload)));
        },
        /handshake failed: the worker \(fake\) does not speak protocol 3/,
      ],
      [
        "a hello, a made-up proof, then the snapshot",
        (s) => {
          s.write(hello());
          onCallerHello(s, () => s.write(Buffer.concat([json({ proof: randomBytes(32).toString("base64") }), frameOf(payload)])));
        },
        /authentication failed: the worker's proof is wrong \(it does not hold the key\)/,
      ],
      [
        "a hello without a nonce (no key), then the snapshot",
        (s) => s.write(Buffer.concat([json({ spickle: "remote", protocol: PROTOCOL_VERSION, worker: "fake", nonce: null }), frameOf(payload)])),
        /the worker does not authenticate \(it has no key\) but this side has one/,
      ],
    ];
    for (const [name, behave, expected] of behaviours) {
      const server = createServer((socket) => {
        socket.on("error", () => {});
        behave(socket);
      });
      const port = await listenOn(server);
      await expect(connect({ host: "127.0.0.1", port }, { key: "the key" }), name).rejects.toThrow(expected);
      server.close();
    }
    const g = globalThis as { __spickleHostileRan?: number };
    expect(g.__spickleHostileRan).toBeUndefined();
    // The payload is real: decoded with code allowed, it runs.
    loads(payload);
    expect(g.__spickleHostileRan).toBe(1);
    delete g.__spickleHostileRan;
  });
});

describe("a message replayed through a proxy", () => {
  test("is refused within its session and in another session; nothing runs twice", async () => {
    const worker = await startTcpWorker([], { SPICKLE_KEY: "k" });
    // The proxy forwards both ways and records what each caller sent, frame by frame.
    const sessions: { upstream: Socket; frames: Buffer[] }[] = [];
    const proxy = createServer((downstream) => {
      const upstream = connectTcp({ host: worker.host, port: worker.port });
      const session = { upstream, frames: [] as Buffer[] };
      sessions.push(session);
      const reader = new FrameReader(1 << 30);
      downstream.on("data", (chunk: Buffer) => {
        for (const f of reader.push(chunk)) {
          session.frames.push(f);
          upstream.write(frameOf(f));
        }
      });
      upstream.pipe(downstream);
      upstream.on("error", () => downstream.destroy());
      downstream.on("error", () => upstream.destroy());
      upstream.on("close", () => downstream.destroy());
    });
    const port = await listenOn(proxy);
    const file = join(scratch, "touched.txt");
    const lines = () => (existsSync(file) ? readFileSync(file, "utf8").split("\n").length - 1 : 0);

    const a = await connect({ host: "127.0.0.1", port }, { key: "k" });
    expect(await remoteMethod(a, p.touch)(file)).toBe("touched");
    expect(lines()).toBe(1);
    const recordedCall = sessions[0]!.frames[1]!; // [0] is the handshake hello

    // Once more in its own session: the MAC is that of message 0, the worker expects message 1.
    sessions[0]!.upstream.write(frameOf(recordedCall));
    expect(await a.closed).toMatch(/closed the connection: message authentication failed: a message was altered, replayed, reordered or comes from another session/);

    // In another session, at its first message.
    const b = await connect({ host: "127.0.0.1", port }, { key: "k" });
    sessions[1]!.upstream.write(frameOf(recordedCall));
    expect(await b.closed).toMatch(/message authentication failed/);
    expect(lines()).toBe(1);

    // The proxy itself is transparent: a call it forwards runs.
    const c = await connect({ host: "127.0.0.1", port }, { key: "k" });
    expect(await remoteMethod(c, p.touch)(file)).toBe("touched");
    expect(lines()).toBe(2);
    await c.close();
    await Promise.all([a.close(), b.close()]);
    proxy.close();
    expect(worker.stderr()).toMatch(/closed the connection from 127\.0\.0\.1:\d+: message authentication failed/);
    await worker.stop();
  });
});

/** The worker process's resident memory (MB), from /proc. */
function rssMegabytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m![1]) / 1024;
}

describe.runIf(process.platform === "linux")("frames before the handshake", () => {
  test("8 connections sending 500 MB frames are refused at 64 KiB; the worker stays under 200 MB and serves others", async () => {
    const worker = await startTcpWorker([], { SPICKLE_KEY: "k" });
    const chunk = Buffer.alloc(1024 * 1024, 0x41);
    const attack = async () => {
      const socket = await rawConnect(worker.port);
      const seen = watch(socket);
      const prefix = Buffer.alloc(4);
      prefix.writeUInt32BE(500 * 1024 * 1024);
      socket.write(prefix);
      let open = true;
      void seen.closed.then(() => (open = false));
      socket.once("end", () => (open = false));
      for (let sent = 0; sent < 500 && open; sent++) {
        if (!socket.write(chunk)) await Promise.race([new Promise((resolve) => socket.once("drain", resolve)), seen.closed]);
      }
      socket.destroy();
      await seen.closed;
      return seen.frames.map((f) => JSON.parse(f.toString("utf8")) as Record<string, unknown>);
    };
    const replies = await Promise.all(Array.from({ length: 8 }, attack));
    for (const frames of replies) {
      expect(frames[0]).toMatchObject({ spickle: "remote", protocol: PROTOCOL_VERSION });
      expect(frames[1]!.fatal).toMatch(/^handshake failed: the caller does not speak the protocol .*: message of 524288000 bytes exceeds the limit of 65536 bytes$/);
    }
    expect(rssMegabytes(worker.child.pid!)).toBeLessThan(200);
    const conn = await connect({ host: worker.host, port: worker.port }, { key: "k" });
    expect(await remoteMethod(conn, p.double)(4)).toBe(8);
    await conn.close();
    await worker.stop();
  });
});

describe("connections that never complete the handshake", () => {
  test("are closed after the handshake timeout, saying why", async () => {
    const worker = await startTcpWorker(["--handshake-timeout", "300ms"], { SPICKLE_KEY: "k" });
    const sockets = await Promise.all(Array.from({ length: 12 }, () => rawConnect(worker.port)));
    const seen = sockets.map(watch);
    // Some send the start of a frame and stop there.
    for (const socket of sockets.slice(0, 4)) socket.write(Buffer.from([0, 0]));
    await Promise.all(seen.map((s) => s.closed));
    for (const s of seen) {
      expect(s.frames.map((f) => JSON.parse(f.toString("utf8")))[1]).toEqual({ fatal: "handshake timed out after 300 ms" });
    }
    expect(worker.stderr()).toMatch(/closed the connection from 127\.0\.0\.1:\d+: handshake timed out after 300 ms/);
    await worker.stop();
  });

  test("beyond maxHandshakes at once, a new connection is refused at once", async () => {
    const server = await listen({ port: 0, key: null, threads: 0, maxHandshakes: 2, handshakeTimeout: 0, log: () => {} });
    const waiting = await Promise.all([rawConnect(server.port), rawConnect(server.port)]);
    const seen = waiting.map(watch);
    await Promise.all(seen.map((s) => s.frame(0))); // both counted: the worker said hello
    const third = watch(await rawConnect(server.port));
    await third.closed;
    expect(JSON.parse(third.frames[0]!.toString("utf8"))).toEqual({ fatal: "the worker is busy: too many connections are in their handshake; try again" });
    for (const socket of waiting) socket.destroy();
    await Promise.all(seen.map((s) => s.closed));
    // Those two gone, callers get through again (bounded: the server may take a moment to see
    // the closes).
    let conn;
    for (let i = 0; i < 100 && conn === undefined; i++) {
      conn = await connect({ host: "127.0.0.1", port: server.port }, { key: null }).catch(() => new Promise<undefined>((r) => setTimeout(r, 20)));
    }
    expect(await remoteMethod(conn!, p.double)(5)).toBe(10);
    await conn!.close();
    await server.close();
  });
});

describe("a server that never answers", () => {
  test("connect() gives up after connectTimeout", async () => {
    const silent = createServer((socket) => socket.on("error", () => {}));
    const port = await listenOn(silent);
    await expect(connect({ host: "127.0.0.1", port }, { key: null, connectTimeout: 200 })).rejects.toThrow(
      `spickle remote: no connection to 127.0.0.1:${port} within 200 ms`,
    );
    silent.close();
  });

  test("connect() to a command that never answers gives up too", async () => {
    await expect(connect({ command: [process.execPath, "-e", "setInterval(() => {}, 1000)"] }, { key: null, connectTimeout: 300 })).rejects.toThrow(
      /spickle remote: no connection to .* within 300 ms/,
    );
  });
});

describe("a worker with threads", () => {
  test("serves other clients while one runs a CPU-bound call; a call past its timeout is stopped and its thread replaced", async () => {
    const logged: string[] = [];
    const server = await listen({ port: 0, key: null, threads: 2, cancelGrace: 50, log: (line) => logged.push(line) });
    const target = { host: "127.0.0.1", port: server.port };
    const a = await connect(target, { key: null });
    const b = await connect(target, { key: null });
    const release = join(scratch, "release");
    let settled = false;
    const spinning = remoteMethod(a, p.spinUntil)(release).finally(() => (settled = true));
    expect(await remoteMethod(b, p.double)(21)).toBe(42);
    expect(await remoteMethod(b, p.double)(22)).toBe(44);
    expect(settled).toBe(false);
    writeFileSync(release, "");
    expect(await spinning).toBe("released");

    const stuck = await remoteMethod(a, p.spinForever, { timeout: 100 })().catch((e: unknown) => e);
    expect(stuck).toBeInstanceOf(RemoteTimeoutError);
    expect(await a.closed).toMatch(/closed the connection: call \d+ ran past its timeout of 100 ms and was stopped; its worker thread was replaced/);
    expect(await remoteMethod(b, p.double)(5)).toBe(10);
    const c = await connect(target, { key: null });
    expect(await remoteMethod(c, p.double)(6)).toBe(12);
    expect(logged.some((line) => /call \d+ ran past its timeout of 100 ms: stopping its thread/.test(line))).toBe(true);
    await Promise.all([a.close(), b.close(), c.close()]);
    await server.close();
  });
});
