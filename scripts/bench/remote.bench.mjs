// Suite `remote`: remote calls over a worker's stdin/stdout.
//
// 1. Round trip of a small call after the first (the module's code already sent): the caller
//    awaits each call before the next. `remoteMethod` to `spickle worker --stdio` against a
//    hand-written JSON-RPC over the same kind of pipe: a Node child that reads newline-delimited
//    JSON requests and writes JSON responses (the least a plain RPC does). Target: ratio <= 1.5.
//    Two spickle rows: a module-level function (sends its module reference and the arguments), and
//    a closure that captures a value and reads module state (sends its scope and that state too).
// 2. Throughput with 100 calls in flight: calls per second, same two sides.
// 3. Where the time goes: the CPU both ends spend per call, measured in one process (a worker
//    served over in-memory streams), against JSON.stringify/parse of the request and response.
//
// 1 and 2: wall-clock time (a round trip is mostly waiting for the other process); variants
// interleaved per round; ratio = median of the per-round ratios. 3: CPU time.

import { spawn } from "node:child_process";
import fs from "node:fs";
import { Duplex, PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { median, round } from "./stats.mjs";

const here = new URL(".", import.meta.url);
const outDir = new URL(".out/", here);
const spickleBin = fileURLToPath(new URL("../../packages/spickle/dist/bin.js", here));

const PROGRAM = `
let offset = 0;
export function add(a: number, b: number) {
  return a + b;
}
export function makeAdder(base: number) {
  return (a: number, b: number) => a + b + base + offset;
}
`;

// The baseline's server: newline-delimited JSON-RPC 2.0 on stdin/stdout.
const JSON_RPC_SERVER = `
const methods = { add: (a, b) => a + b };
let buffered = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  buffered += chunk;
  let end;
  while ((end = buffered.indexOf("\\n")) >= 0) {
    const request = JSON.parse(buffered.slice(0, end));
    buffered = buffered.slice(end + 1);
    const result = methods[request.method](...request.params);
    process.stdout.write(JSON.stringify({ jsonrpc: "2.0", id: request.id, result }) + "\\n");
  }
});
`;

async function build() {
  fs.mkdirSync(outDir, { recursive: true });
  const { compile } = await import("@spickle/transform");
  const { code } = compile(PROGRAM, { filename: fileURLToPath(new URL("remote.ts", outDir)), moduleId: "scripts/bench/remote.ts" });
  fs.writeFileSync(new URL("remote.spickle.mjs", outDir), code);
  return import(new URL("remote.spickle.mjs", outDir).href);
}

/** A JSON-RPC client over a child's stdio. */
function jsonRpc() {
  const child = spawn(process.execPath, ["--input-type=module", "-e", JSON_RPC_SERVER], { stdio: ["pipe", "pipe", "inherit"] });
  const pending = new Map();
  let nextId = 0;
  let buffered = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    buffered += chunk;
    let end;
    while ((end = buffered.indexOf("\n")) >= 0) {
      const response = JSON.parse(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
      const resolve = pending.get(response.id);
      pending.delete(response.id);
      resolve(response.result);
    }
  });
  return {
    call: (method, params) =>
      new Promise((resolve) => {
        const id = ++nextId;
        pending.set(id, resolve);
        child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
      }),
    close: () =>
      new Promise((resolve) => {
        child.once("exit", resolve);
        child.stdin.end();
      }),
  };
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** A caller connected to a worker served in this process over in-memory streams: what the two
 * ends compute per call, without pipes or process switches. */
async function inProcessCall(remote, fn) {
  const toWorker = new PassThrough();
  const toCaller = new PassThrough();
  remote.serve(remote.streamTransport(Duplex.from({ readable: toWorker, writable: toCaller })), { key: null });
  const conn = await remote.connect(Duplex.from({ readable: toCaller, writable: toWorker }), { key: null });
  return { call: remote.remoteMethod(conn, fn), close: () => conn.close() };
}

/** CPU ms of n sequential calls. */
async function sequentialCpu(call, n) {
  const start = cpuMs();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await call(i, 1);
  return { ms: cpuMs() - start, sum };
}

/** The same request and response through JSON.stringify and JSON.parse, n times (CPU ms). */
async function jsonCpu(n) {
  const start = cpuMs();
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const request = JSON.parse(JSON.stringify({ jsonrpc: "2.0", id: i, method: "add", params: [i, 1] }));
    const response = JSON.parse(JSON.stringify({ jsonrpc: "2.0", id: request.id, result: request.params[0] + request.params[1] }));
    sum += await response.result;
  }
  return { ms: cpuMs() - start, sum };
}

/** Wall ms of n sequential calls; returns the sum of the results too. */
async function sequential(call, n) {
  const start = performance.now();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await call(i, 1);
  return { ms: performance.now() - start, sum };
}

/** Wall ms of n calls with `inFlight` outstanding at any time. */
async function pipelined(call, n, inFlight) {
  const start = performance.now();
  let sum = 0;
  let issued = 0;
  async function lane() {
    while (issued < n) {
      const value = await call(issued++, 1);
      sum += value;
    }
  }
  await Promise.all(Array.from({ length: inFlight }, lane));
  return { ms: performance.now() - start, sum };
}

export default async function remote(options = {}) {
  const quick = options.quick ?? process.env.SPICKLE_BENCH_QUICK === "1";
  const { connect, remoteMethod } = await import("spickle");
  const program = await build();
  const N = quick ? 500 : 2000;
  const M = quick ? 5000 : 20000;
  const IN_FLIGHT = 100;
  const runs = quick ? 3 : 7;
  const warmups = quick ? 1 : 2;
  const expectedSeq = (N * (N - 1)) / 2 + N;
  const expectedPipe = (M * (M - 1)) / 2 + M;

  // Where the time goes: both ends' CPU per call, in one process.
  const remote = await import(new URL("../../packages/remote/dist/index.js", here).href); // serve, streamTransport
  const local = await inProcessCall(remote, program.add);
  const cpu = { spickle: [], json: [] };
  for (let r = 0; r < warmups + runs; r++) {
    const a = await sequentialCpu(local.call, M);
    const b = await jsonCpu(M);
    if (a.sum !== expectedPipe || b.sum !== expectedPipe) throw new Error("in-process: sums differ");
    if (r >= warmups) {
      cpu.spickle.push(a.ms);
      cpu.json.push(b.ms);
    }
  }
  await local.close();

  const conn = await connect({ command: [process.execPath, spickleBin, "worker", "--stdio"] }, { key: null });
  const rpc = jsonRpc();
  const variants = {
    function: remoteMethod(conn, program.add),
    closure: remoteMethod(conn, program.makeAdder(0)),
    jsonRpc: (a, b) => rpc.call("add", [a, b]),
  };
  const names = Object.keys(variants);
  // The first call of each sends the module's code; everything after is what is timed.
  for (const name of names) await variants[name](1, 1);

  const seq = Object.fromEntries(names.map((n) => [n, []]));
  const pipe = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < warmups + runs; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + r) % names.length];
      const s = await sequential(variants[name], N);
      if (s.sum !== expectedSeq) throw new Error(`${name}: sequential sum ${s.sum}, expected ${expectedSeq}`);
      const p = await pipelined(variants[name], M, IN_FLIGHT);
      if (p.sum !== expectedPipe) throw new Error(`${name}: pipelined sum ${p.sum}, expected ${expectedPipe}`);
      if (r >= warmups) {
        seq[name].push(s.ms);
        pipe[name].push(p.ms);
      }
    }
  }
  await conn.close();
  await rpc.close();

  const perRound = (table, a, b) => median(table[a].map((t, i) => t / table[b][i]));
  const us = (ms, n) => (1000 * ms) / n;
  const rows = [];
  for (const name of ["function", "closure"]) {
    const label = name === "function" ? "a module-level function add(a, b)" : "a closure (captured value + module state)";
    rows.push({
      name: `round trip after the first call, ms per 1,000 calls: ${label}`,
      ours: round(us(median(seq[name]), N), 1),
      baseline: "hand-written JSON-RPC, same pipe",
      base: round(us(median(seq.jsonRpc), N), 1),
      ratio: round(perRound(seq, name, "jsonRpc"), 2),
      note: `${us(median(seq[name]), N).toFixed(1)} vs ${us(median(seq.jsonRpc), N).toFixed(1)} µs per call${name === "function" ? " (target <= 1.5x)" : ""}`,
    });
  }
  for (const name of ["function", "closure"]) {
    const label = name === "function" ? "module-level function" : "closure";
    const rate = (ms) => Math.round((M / ms) * 1000);
    rows.push({
      name: `${IN_FLIGHT} calls in flight, ${M.toLocaleString("en")} calls: ${label}`,
      ours: round(median(pipe[name]), 1),
      baseline: "hand-written JSON-RPC, same pipe",
      base: round(median(pipe.jsonRpc), 1),
      ratio: round(perRound(pipe, name, "jsonRpc"), 2),
      note: `${rate(median(pipe[name])).toLocaleString("en")} vs ${rate(median(pipe.jsonRpc)).toLocaleString("en")} calls/s`,
    });
  }
  rows.push({
    name: "both ends in one process (in-memory streams), CPU ms per 1,000 calls: add(a, b)",
    ours: round(us(median(cpu.spickle), M), 1),
    baseline: "JSON.stringify + parse, request and response",
    base: round(us(median(cpu.json), M), 1),
    ratio: round(median(cpu.spickle.map((t, i) => t / cpu.json[i])), 2),
    note: "what encoding, decoding and dispatch cost per call, without pipes or process switches",
  });
  const headlineRatio = rows[0].ratio;
  return {
    suite: "remote",
    rows,
    headline:
      `small call round trip ${headlineRatio.toFixed(2)}x a hand-written JSON-RPC over the same stdio pipe (target <= 1.5); ` +
      `${Math.round((M / median(pipe.function)) * 1000).toLocaleString("en")} calls/s with ${IN_FLIGHT} in flight`,
    summary: { sequentialCalls: N, pipelinedCalls: M, inFlight: IN_FLIGHT, runs, warmups },
    notes: [
      "round trip rows: time = median wall ms per 1,000 sequential calls (the caller awaits each call before the next); ratio = median per-round ratio",
      "in-flight rows: time = median wall ms for all the calls; ratio = median per-round ratio (lower is more calls per second)",
      "spickle: `remoteMethod` to `spickle worker --stdio`; each call is a snapshot (header { t, id }, CRC-32) whose body is the list [fn, ...args]: the function by value (its module named by a per-connection number after the first call), its arguments, and the module state it references; the result is a snapshot too; both ends keep one MessageCodec per connection (encoder, decoder and buffer reused from message to message)",
      "baseline: newline-delimited JSON-RPC 2.0 to a Node child over stdin/stdout, method looked up by name on the server",
      "in-process row: CPU ms (process.cpuUsage) of sequential calls with the worker served in the same process; the gap to JSON is the pickler's per-message work on both ends (two snapshots encoded and decoded per call)",
      "history: with `dumps`/`loads` per message (header with versions and creation time, packed by msgpackr, body copied twice, one Encoder and Decoder per message) the round trip was 3.64x (87.6 vs 23.6 µs), 19,650 calls/s in flight and 33.6 µs CPU per call in one process",
    ],
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await remote({ quick: process.argv.includes("--quick") });
  console.log(JSON.stringify(result, null, 2));
  process.exit(0);
}
