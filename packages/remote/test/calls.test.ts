// Remote calls end to end, over both transports: the test process is the caller (its compiled
// modules in test/.gen/), the worker is the built `spickle worker` binary in a child process —
// over its stdin/stdout, and over TCP.

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { byReference, remoteMethod, RemoteTimeoutError, type Connection } from "@spickle/remote";
import { SerializeError } from "@spickle/pickle";
import { connect } from "@spickle/remote";
import { connectStdio, ensureBuilt, program, startTcpWorker, type TcpWorker } from "./helpers.js";

const SOURCE = `
import { Channel, Tasklet, sleep } from "@spickle/runtime";
import { createHash } from "node:crypto";

let factor = 2;
export function setFactor(f: number) { factor = f; }
export function scale(x: number) { return x * factor; }

export function makeAdder(base: number, config: { label: string; extra: number[] }) {
  let calls = 0;
  const inner = (x: number) => x + base + config.extra.reduce((a, b) => a + b, 0);
  return (x: number) => {
    calls++;
    return { label: config.label, value: inner(x), calls, scaled: scale(x) };
  };
}

export function makeCounter() {
  let n = 0;
  return { inc: () => ++n, read: () => n };
}

export function ownFunctions() {
  return { scale, setFactor, counter: makeCounter() };
}

function* producer(ch: Channel<number>, v: number) {
  yield* ch.send(v * v);
}

export function* sumOfSquares(n: number) {
  const ch = new Channel<number>();
  for (let i = 1; i <= n; i++) new Tasklet(producer, ch, i);
  let total = 0;
  for (let i = 0; i < n; i++) total += yield* ch.receive();
  yield* sleep(1);
  return total * factor;
}

export function inlineGenerator(conn: unknown, remoteMethod: Function) {
  return remoteMethod(conn, function* (n: number) {
    let total = 0;
    for (let i = 1; i <= n; i++) {
      yield* sleep(1);
      total += i;
    }
    return total * factor;
  });
}

export function fail(code: string) {
  const e = new RangeError("bad value " + code) as RangeError & { code?: string; details?: object };
  e.code = code;
  e.details = { at: [1, 2] };
  throw e;
}

export function throwString() {
  throw "just a string";
}

export function logMany(log: { info(i: number): void }, n: number) {
  for (let i = 0; i < n; i++) log.info(i);
  return "logged " + n;
}

export async function askCaller(source: { next(): Promise<number> }, n: number) {
  const seen: number[] = [];
  for (let i = 0; i < n; i++) seen.push(await source.next());
  return seen;
}

export function brokenLogger(log: { broken(): void }) {
  log.broken();
  return "still serving";
}

export async function waitFor(gate: { wait(): Promise<string> }) {
  return "opened: " + (await gate.wait());
}

export function digest(bytes: Uint8Array) {
  return { length: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
}

export function identity(x: unknown) {
  return x;
}

export function pid() {
  return process.pid;
}

export async function unsendable() {
  return { pending: new Promise(() => {}) };
}
`;

type Program = {
  setFactor(f: number): void;
  scale(x: number): number;
  makeAdder(base: number, config: { label: string; extra: number[] }): (x: number) => { label: string; value: number; calls: number; scaled: number };
  makeCounter(): { inc(): number; read(): number };
  ownFunctions(): { scale: Function; setFactor: Function; counter: { inc(): number; read(): number } };
  sumOfSquares(n: number): Generator<unknown, number>;
  inlineGenerator(conn: Connection, rm: typeof remoteMethod): (n: number) => Promise<number>;
  fail(code: string): never;
  throwString(): never;
  logMany(log: { info(i: number): void }, n: number): string;
  askCaller(source: { next(): Promise<number> }, n: number): Promise<number[]>;
  brokenLogger(log: { broken(): void }): string;
  waitFor(gate: { wait(): Promise<string> }): Promise<string>;
  digest(bytes: Uint8Array): { length: number; sha256: string };
  identity(x: unknown): unknown;
  pid(): number;
  unsendable(): Promise<{ pending: Promise<never> }>;
};

let p: Program;
const reports: string[] = [];
let tcp: TcpWorker;

beforeAll(async () => {
  ensureBuilt();
  p = await program<Program>("calls", SOURCE);
  tcp = await startTcpWorker();
});

afterAll(async () => {
  await tcp?.stop();
});

const transports: [string, () => Promise<Connection>][] = [
  ["stdio", () => connectStdio({ onReport: (text) => reports.push(text) })],
  ["tcp", () => connect({ host: tcp.host, port: tcp.port }, { key: null, onReport: (text) => reports.push(text) })],
];

describe.each(transports)("over %s", (_name, open) => {
  let conn: Connection;

  beforeAll(async () => {
    conn = await open();
    p.setFactor(2);
  });

  afterAll(async () => {
    await conn?.close();
  });

  test("the function runs in the worker's process", async () => {
    expect(await remoteMethod(conn, p.pid)()).not.toBe(process.pid);
  });

  test("a closure runs remotely with the values it captured, and its own state persists only in the copy sent", async () => {
    const add = p.makeAdder(10, { label: "adder", extra: [1, 2, 3] });
    const remote = remoteMethod(conn, add);
    expect(await remote(5)).toEqual({ label: "adder", value: 21, calls: 1, scaled: 10 });
    // Each call sends the closure as it is here: the caller's `calls` is still 0.
    expect(await remote(6)).toEqual({ label: "adder", value: 22, calls: 1, scaled: 12 });
    expect(add(1).calls).toBe(1);
  });

  test("each call carries the caller's current module state", async () => {
    const remote = remoteMethod(conn, p.scale);
    expect(await remote(7)).toBe(14);
    p.setFactor(5);
    expect(await remote(7)).toBe(35);
    p.setFactor(2);
    expect(await remote(7)).toBe(14);
  });

  test("functions and closures of the caller's modules come back as the caller's own", async () => {
    const back = (await remoteMethod(conn, p.ownFunctions)()) as ReturnType<Program["ownFunctions"]>;
    expect(back.scale).toBe(p.scale);
    expect(back.setFactor).toBe(p.setFactor);
    // a closure made remotely, re-created here by the caller's module: it changes the caller's state
    expect(back.counter.inc()).toBe(1);
    expect(back.counter.inc()).toBe(2);
    (back.setFactor as (f: number) => void)(3);
    expect(p.scale(1)).toBe(3);
    p.setFactor(2);
  });

  test("a generator function runs as a tasklet on the worker", async () => {
    expect(await remoteMethod(conn, p.sumOfSquares)(4)).toBe((1 + 4 + 9 + 16) * 2);
  });

  test("a generator function written inline in remoteMethod runs as a tasklet on the worker", async () => {
    expect(await p.inlineGenerator(conn, remoteMethod)(4)).toBe((1 + 2 + 3 + 4) * 2);
  });

  test("a thrown error keeps its class, message and properties; its stack is the call site's with the remote one appended", async () => {
    const error = (await remoteMethod(conn, p.fail)("E42").catch((e: unknown) => e)) as RangeError & { code: string; details: object };
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe("bad value E42");
    expect(error.code).toBe("E42");
    expect(error.details).toEqual({ at: [1, 2] });
    const [local, remote] = error.stack!.split(/\n--- remote stack, the worker \(pid \d+ on .*\) ---\n/);
    expect(local).toMatch(/^RangeError: bad value E42\n\s+at .*calls\.test\.ts/);
    // the remote frame (in code rebuilt from the message) is mapped to the caller's module and
    // the source line of \`fail\`
    expect(remote).toMatch(/^RangeError: bad value E42\n\s+at fail \(.*\/\.gen\/calls\.ts:52:\d+\)/);
    expect(remote).not.toContain("spickle-restore:");
    expect(remote).not.toMatch(/packages\/(remote|runtime|pickle)\/(src|dist)\//);
  });

  test("a thrown value that is not an Error arrives as it was", async () => {
    await expect(remoteMethod(conn, p.throwString)()).rejects.toBe("just a string");
  });

  test("calls on an object passed by reference reach the caller in order, all before the result", async () => {
    const lines: number[] = [];
    const log = byReference({ info: (i: number) => void lines.push(i) });
    expect(await remoteMethod(conn, p.logMany)(log, 200)).toBe("logged 200");
    expect(lines).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  test("reference calls return the caller's values to the worker", async () => {
    let n = 0;
    const source = byReference({ next: async () => ++n * 10 });
    expect(await remoteMethod(conn, p.askCaller)(source, 3)).toEqual([10, 20, 30]);
  });

  test("a reference passed back is the caller's own object", async () => {
    const obj = byReference({ hello: () => "hi" });
    expect(await remoteMethod(conn, p.identity)(obj)).toBe(obj);
  });

  test("a failing fire-and-forget reference call is reported, and the worker keeps serving", async () => {
    const before = reports.length;
    const log = byReference({
      broken() {
        throw new Error("the log is full");
      },
    });
    expect(await remoteMethod(conn, p.brokenLogger)(log)).toBe("still serving");
    // The failure's report is sent when the worker learns of it, before the next call's result.
    expect(await remoteMethod(conn, p.scale)(1)).toBe(2);
    expect(reports.slice(before)).toEqual([expect.stringContaining("broken() of an object passed by reference failed and nothing awaited it: the log is full")]);
  });

  test("calls overlap: one waits on the caller while others complete", async () => {
    let open!: (v: string) => void;
    const gate = byReference({ wait: () => new Promise<string>((resolve) => (open = resolve)) });
    const waiting = remoteMethod(conn, p.waitFor)(gate);
    const others = await Promise.all(Array.from({ length: 20 }, (_, i) => remoteMethod(conn, p.scale)(i)));
    expect(others).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    // the worker has asked for the gate by now: its reference call came before the later results
    open("yes");
    expect(await waiting).toBe("opened: yes");
  });

  test("a 50 MB argument arrives intact", async () => {
    const bytes = new Uint8Array(50 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4093) bytes[i] = i & 0xff;
    const { createHash } = await import("node:crypto");
    const expected = createHash("sha256").update(bytes).digest("hex");
    expect(await remoteMethod(conn, p.digest)(bytes)).toEqual({ length: bytes.length, sha256: expected });
  });

  test("an argument that cannot be pickled fails on the caller's side with its path; the connection stays usable", async () => {
    const promise = Promise.resolve(1);
    const error = await remoteMethod(conn, p.identity)({ nested: { promise } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SerializeError);
    expect((error as Error).message).toMatch(/cannot serialize Promise at root\.args\["?0"?\]\.nested\.promise/);
    expect(await remoteMethod(conn, p.scale)(2)).toBe(4);
  });

  test("a result that cannot be pickled rejects the call with the reason and its path", async () => {
    const error = (await remoteMethod(conn, p.unsendable)().catch((e: unknown) => e)) as Error;
    expect(error.name).toBe("SerializeError");
    expect(error.message).toMatch(/^the result cannot be sent: cannot serialize Promise at root\.pending: /);
  });

  test("a call with a timeout rejects when it runs out; the connection stays usable", async () => {
    const never = byReference({ wait: () => new Promise<string>(() => {}) });
    await expect(remoteMethod(conn, p.waitFor, { timeout: 50 })(never)).rejects.toThrow(RemoteTimeoutError);
    expect(await remoteMethod(conn, p.scale)(3)).toBe(6);
  });
});
