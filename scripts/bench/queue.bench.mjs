// Suite `queue`: jobs on NATS JetStream (nats-server -js on a loopback port, started here).
//
// 1. Small-job throughput: JOBS jobs, each a few steps with a checkpoint after every other step,
//    through 2 queue workers (one job at a time each), against the same jobs run as plain
//    `spickle run -c` processes, two at a time. Wall-clock time from the first start to the last
//    result; ratio = queue / plain (below 1: the queue is faster, it starts no process per job).
// 2. Checkpoint upload: a 50 MB snapshot put into the JetStream Object Store against written to a
//    local file atomically (writeSnapshotFile); medians of interleaved rounds.

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median, round } from "./stats.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const dist = path.join(here, "../../packages/spickle/dist");
const bin = path.join(dist, "bin.js");

const JOB = `import { type CheckpointSupport } from "spickle";
export default function* job(cp: CheckpointSupport, n: string) {
  let total = 0;
  for (let i = 1; i <= Number(n); i++) {
    total += i * i;
    if (i % 2 === 0) yield* cp.checkpoint();
  }
  return total;
}
`;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startServer(dir) {
  const port = await freePort();
  const child = spawn("nats-server", ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", dir], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stderr.on("data", (d) => (log += d));
  for (let i = 0; i < 200 && !/Server is ready/.test(log); i++) await new Promise((r) => setTimeout(r, 50));
  if (!/Server is ready/.test(log)) throw new Error(`nats-server did not start:\n${log}`);
  return { url: `nats://127.0.0.1:${port}`, child };
}

function run(args, cwd, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`spickle ${args.join(" ")}: exit ${code}\n${err}`))));
  });
}

export default async function ({ quick }) {
  if (spawnSync("nats-server", ["--version"]).status !== 0) throw new Error("nats-server is not installed (apt-get install -y nats-server)");
  const jobs = quick ? 12 : 40;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "spickle-bench-queue-"));
  const env = { ...process.env, SPICKLE_CACHE_DIR: path.join(work, "cache") };
  delete env.NODE_PATH;
  const script = path.join(work, "job.ts");
  fs.writeFileSync(script, JOB);
  const server = await startServer(path.join(work, "nats"));
  const rows = [];
  try {
    // Warm the compile cache, as a deployed program's would be.
    await run(["run", "-c", path.join(work, "warm.ckpt"), script, "4"], work, env);

    // 1. Throughput. Submissions go in first (one process, through the API), then the clock runs.
    const submitter = `
      const { importEntry } = await import(${JSON.stringify(pathToFileURL(path.join(dist, "cli/run.js")).href)});
      const { Queue, submitJob } = await import(${JSON.stringify(pathToFileURL(path.join(dist, "queue/index.js")).href)});
      const main = (await importEntry(${JSON.stringify(script)})).default;
      const queue = await Queue.open({ nats: ${JSON.stringify(server.url)} });
      for (let i = 0; i < ${jobs}; i++) await submitJob(queue, main, { id: "bench-" + i }, "6");
      await queue.close();
      process.exit(0);`;
    fs.writeFileSync(path.join(work, "submit.mjs"), submitter);
    await new Promise((resolve, reject) => {
      const c = spawn(process.execPath, [path.join(work, "submit.mjs")], { cwd: work, env, stdio: "inherit" });
      c.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`submit: exit ${code}`))));
    });
    const { Queue, jobResult } = await import(pathToFileURL(path.join(dist, "queue/index.js")).href);
    const queue = await Queue.open({ nats: server.url });
    const started = performance.now();
    const workers = [0, 1].map(() => spawn(process.execPath, [bin, "queue", "worker", "--nats", server.url], { cwd: work, env, stdio: "ignore" }));
    // Each job's end, as its record changes (a KV watch per job: no polling load on the server).
    const records = await Promise.all(Array.from({ length: jobs }, (_, i) => jobResult(queue, `bench-${i}`, { wait: true, timeoutMs: 300_000 })));
    const queueMs = performance.now() - started;
    const results = records.map((r) => r.result);
    for (const w of workers) w.kill("SIGTERM");
    if (results.length !== jobs || results.some((r) => r !== 91)) throw new Error(`queue results wrong: ${JSON.stringify(results)}`);

    const plainStarted = performance.now();
    for (let i = 0; i < jobs; i += 2) {
      await Promise.all([i, i + 1].filter((k) => k < jobs).map((k) => run(["run", "-c", path.join(work, `plain-${k}.ckpt`), script, "6"], work, env)));
    }
    const plainMs = performance.now() - plainStarted;
    rows.push({
      name: `${jobs} small jobs, 2 workers (3 checkpoints each)`,
      ours: round(queueMs),
      baseline: "the same jobs as `spickle run -c` processes, 2 at a time",
      base: round(plainMs),
      ratio: round(queueMs / plainMs, 2),
      note: `${round((jobs / queueMs) * 1000, 1)} jobs/s through the queue, ${round((jobs / plainMs) * 1000, 1)} as processes`,
    });

    // 2. Upload of a 50 MB snapshot.
    const { writeSnapshotFile } = await import("@spickle/pickle");
    const bytes = new Uint8Array(50 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = i & 255;
    const rounds = quick ? 2 : 5;
    const ours = [];
    const base = [];
    for (let r = 0; r < rounds; r++) {
      let t = performance.now();
      await queue.store.put("upload", r, bytes);
      ours.push(performance.now() - t);
      t = performance.now();
      writeSnapshotFile(path.join(work, "upload.ckpt"), bytes);
      base.push(performance.now() - t);
      await queue.store.delete("upload", r);
    }
    rows.push({
      name: "checkpoint upload, 50 MB, to the JetStream Object Store",
      ours: round(median(ours)),
      baseline: "written to a local file (atomic: temp file, fsync, rename)",
      base: round(median(base)),
      ratio: round(median(ours) / median(base), 2),
    });
    await queue.close();
  } finally {
    server.child.kill("SIGTERM");
    fs.rmSync(work, { recursive: true, force: true });
  }
  return { suite: "queue", rows, notes: ["nats-server -js on a loopback port; wall-clock times on a 2-core machine."] };
}
