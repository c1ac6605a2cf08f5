// Durable jobs on a real NATS JetStream server (nats-server -js on a loopback port): the stores,
// then the `spickle queue` commands as users run them — workers killed mid-job, many jobs through
// several workers, failures, cancellation, and the server restarted mid-job.

import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FileStore, type CheckpointStore } from "../src/store/store.js";
import { Queue, type JobRecord } from "../src/queue/queue.js";
import { startNatsServer, type NatsServer } from "./support/nats-server.js";

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = dirname(here);
const repoRoot = dirname(dirname(packageDir));
const bin = join(packageDir, "dist", "bin.js");

let nats: NatsServer;
let scratch: string;
let project: string;

beforeAll(async () => {
  if (!existsSync(bin)) execFileSync(process.execPath, [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-b", packageDir], { cwd: repoRoot, stdio: "inherit" });
  scratch = mkdtempSync(join(tmpdir(), "spickle-queue-"));
  project = join(scratch, "project");
  cpSync(join(here, "fixtures", "queue"), project, { recursive: true });
});

// A server of its own for each test: no test sees another's jobs.
beforeEach(async () => {
  nats = await startNatsServer();
});

afterEach(async () => {
  await nats?.dispose();
});

afterAll(async () => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, SPICKLE_CACHE_DIR: join(scratch, "cache") };
  delete e.NODE_PATH;
  delete e.SPICKLE_KEY;
  return e;
}

function spickle(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: scratch, env: env(), encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function submit(script: string, ...args: string[]): string {
  const r = spickle(["queue", "submit", "--nats", nats.url, join(project, script), ...args]);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout.trim();
}

/** A worker process; its output lines with the time each arrived. */
class Worker {
  readonly child: ChildProcess;
  readonly lines: { at: number; text: string }[] = [];
  readonly exited: Promise<void>;

  /** Short ack waits by default, so a dead worker's job moves on quickly. */
  constructor(extra: string[] = ["--ack-wait", "2s"]) {
    this.child = spawn(process.execPath, [bin, "queue", "worker", "--nats", nats.url, "--checkpoint-every", "300ms", ...extra], {
      cwd: scratch,
      env: env(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let pending = "";
    const take = (d: Buffer) => {
      pending += d.toString();
      const parts = pending.split("\n");
      pending = parts.pop()!;
      for (const text of parts) this.lines.push({ at: Date.now(), text });
    };
    this.child.stdout!.on("data", take);
    this.child.stderr!.on("data", take);
    this.exited = new Promise((resolve) => this.child.once("exit", () => resolve()));
  }

  get pid(): number {
    return this.child.pid!;
  }

  output(): string[] {
    return this.lines.map((l) => l.text);
  }

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withQueue<T>(fn: (queue: Queue) => Promise<T>): Promise<T> {
  const queue = await Queue.open({ nats: nats.url });
  try {
    return await fn(queue);
  } finally {
    await queue.close();
  }
}

/** Polls a job's record until `ok` holds (bounded: 600 polls, 100 ms apart). */
async function until(id: string, ok: (r: JobRecord) => boolean): Promise<JobRecord> {
  return withQueue(async (queue) => {
    for (let i = 0; i < 600; i++) {
      const record = await queue.job(id);
      if (record !== null && ok(record)) return record;
      await sleep(100);
    }
    throw new Error(`job ${id} never reached the expected state: ${JSON.stringify(await queue.job(id))}`);
  });
}

const sumOfSquares = (n: number) => (n * (n + 1) * (2 * n + 1)) / 6;

async function storeContract(store: CheckpointStore): Promise<void> {
  expect(await store.latest("j")).toBeNull();
  for (let seq = 1; seq <= 5; seq++) await store.put("j", seq, new Uint8Array([seq, seq, seq]));
  await store.put("other", 9, new Uint8Array([9]));
  expect(await store.list("j")).toEqual([1, 2, 3, 4, 5]);
  const latest = await store.latest("j");
  expect(latest?.seq).toBe(5);
  expect([...latest!.bytes]).toEqual([5, 5, 5]);
  expect([...(await store.get("j", 3))!]).toEqual([3, 3, 3]);
  expect(await store.get("j", 42)).toBeNull();
  await store.prune("j", 2);
  expect(await store.list("j")).toEqual([4, 5]);
  expect(await store.list("other")).toEqual([9]);
  await expect(store.put("../etc", 1, new Uint8Array())).rejects.toThrow(/bad job id/);
}

describe("checkpoint stores", () => {
  it("files in a folder: put, latest, get, list, prune", async () => {
    await storeContract(new FileStore(join(scratch, "store")));
  });

  it("a JetStream Object Store: the same contract", async () => {
    await withQueue((queue) => storeContract(queue.store));
  });
});

describe("spickle queue", () => {
  it("runs a submitted job on a worker; result, status", async () => {
    const id = submit("squares.ts", "6", "20");
    expect(id).toMatch(/^job-[0-9a-f]{12}$/);
    const queued = spickle(["queue", "status", "--nats", nats.url, id]);
    expect(queued.stdout).toMatch(new RegExp(`${id}\\s+queued`));
    const worker = new Worker();
    try {
      const result = spickle(["queue", "result", "--wait", "--nats", nats.url, id]);
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ n: 6, total: sumOfSquares(6) });
      const status = spickle(["queue", "status", "--nats", nats.url]);
      expect(status.stdout.split("\n")[0]).toMatch(/^JOB\s+STATE\s+WORKER\s+CHECKPOINTS\s+LAST CHECKPOINT\s+ATTEMPTS$/);
      expect(status.stdout).toMatch(new RegExp(`${id}\\s+done\\s+\\S+:${worker.pid}\\s+\\d+\\s+\\S+\\s+1\\n`));
    } finally {
      await worker.kill("SIGTERM");
    }
  }, 240_000);

  it("a job whose worker is killed five times finishes once, elsewhere, with the uninterrupted result", async () => {
    const n = 30;
    const id = submit("squares.ts", String(n), "100");
    const workers = [new Worker(), new Worker(), new Worker()];
    const gaps: number[] = [];
    try {
      for (let kill = 1; kill <= 5; kill++) {
        const record = await until(id, (r) => r.state === "running" && r.attempts === kill && r.lastSeq >= kill);
        const pid = Number(record.worker!.split(":").pop());
        const victim = workers.find((w) => w.pid === pid)!;
        expect(victim).toBeDefined();
        await sleep(100 + Math.floor(Math.random() * 400));
        const killedAt = Date.now();
        await victim.kill("SIGKILL");
        workers.splice(workers.indexOf(victim), 1);
        workers.push(new Worker());
        // The next step printed by another worker.
        for (let i = 0; i < 200 && !workers.some((w) => w.lines.some((l) => l.at > killedAt && /^step \d+$/.test(l.text))); i++) await sleep(50);
        const next = Math.min(...workers.flatMap((w) => w.lines.filter((l) => l.at > killedAt && /^step \d+$/.test(l.text)).map((l) => l.at)));
        gaps.push(next - killedAt);
      }
      const done = await until(id, (r) => r.state === "done");
      expect(done.result).toEqual({ n, total: sumOfSquares(n) });
      expect(done.attempts).toBe(6);
      const finished = workers.flatMap((w) => w.output()).filter((l) => l.startsWith("finished"));
      expect(finished).toEqual([`finished ${sumOfSquares(n)}`]);
      // A dead worker's job is running again within the ack wait (2 s) and 2 s more.
      for (const gap of gaps) expect(gap).toBeLessThanOrEqual(4_000);
      const status = spickle(["queue", "status", "--nats", nats.url, id]);
      expect(status.stdout).toMatch(new RegExp(`${id}\\s+done\\s+\\S+\\s+\\d+\\s+\\S+\\s+6\\n`));
    } finally {
      await Promise.all(workers.map((w) => w.kill("SIGTERM")));
    }
  }, 240_000);

  it("200 small jobs through 4 workers: every result right, none finished twice", async () => {
    const submitted = spawnSync(process.execPath, [join(project, "submit-many.mjs"), join(packageDir, "dist"), nats.url, "200"], {
      cwd: scratch,
      env: env(),
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(submitted.stderr).toBe("");
    const ids = submitted.stdout.trim().split("\n");
    expect(ids).toHaveLength(200);
    const workers = [0, 1, 2, 3].map(() => new Worker(["--concurrency", "2", "--ack-wait", "20s"]));
    try {
      await until(ids[199]!, (r) => r.state === "done");
      await withQueue(async (queue) => {
        for (let i = 0; i < ids.length; i++) {
          let record = await queue.job(ids[i]!);
          for (let tries = 0; tries < 300 && record?.state !== "done"; tries++) {
            await sleep(100);
            record = await queue.job(ids[i]!);
          }
          const n = (i % 5) + 1;
          expect(record?.result).toEqual({ n, total: sumOfSquares(n) });
        }
      });
      const finished = workers.flatMap((w) => w.output()).filter((l) => / finished /.test(l));
      expect(finished).toHaveLength(200);
      expect(new Set(finished.map((l) => l.split(" ")[0])).size).toBe(200);
    } finally {
      await Promise.all(workers.map((w) => w.kill("SIGTERM")));
    }
  }, 240_000);

  it("a failing job is tried --max-deliver times, then dead-lettered with its error; result exits 1", async () => {
    const id = submit("fails.ts");
    const worker = new Worker(["--max-deliver", "2", "--ack-wait", "2s"]);
    try {
      const record = await until(id, (r) => r.state === "failed");
      expect(record.attempts).toBe(2);
      expect(record.error).toMatch(/the ledger does not balance/);
      const result = spickle(["queue", "result", "--nats", nats.url, id]);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^spickle: job ${id} failed: Error: the ledger does not balance`));
      const dead = await withQueue((queue) => queue.jsm.streams.info("SPICKLE_DEAD"));
      expect(dead.state.messages).toBeGreaterThanOrEqual(1);
    } finally {
      await worker.kill("SIGTERM");
    }
  }, 240_000);

  it("cancel stops a running job; it is not run again", async () => {
    const id = submit("squares.ts", "100", "100");
    const worker = new Worker();
    try {
      await until(id, (r) => r.state === "running" && r.lastSeq >= 1);
      const cancel = spickle(["queue", "cancel", "--nats", nats.url, id]);
      expect(cancel.stdout).toBe(`job ${id}: cancelled\n`);
      await sleep(1_500);
      const stepsNow = worker.output().filter((l) => l.startsWith("step")).length;
      await sleep(1_000);
      expect(worker.output().filter((l) => l.startsWith("step")).length).toBe(stepsNow);
      const result = spickle(["queue", "result", "--nats", nats.url, id]);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/cancelled/);
    } finally {
      await worker.kill("SIGTERM");
    }
  }, 240_000);

  it("the server restarted mid-job loses nothing", async () => {
    const id = submit("squares.ts", "20", "100");
    const worker = new Worker();
    try {
      await until(id, (r) => r.state === "running" && r.lastSeq >= 2);
      await nats.stop();
      await sleep(1_000);
      await nats.start();
      const done = await until(id, (r) => r.state === "done");
      expect(done.result).toEqual({ n: 20, total: sumOfSquares(20) });
    } finally {
      await worker.kill("SIGTERM");
    }
  }, 240_000);

  it("bad input: a missing script, an unknown job, an unreachable server", () => {
    const missing = spickle(["queue", "submit", "--nats", nats.url, join(project, "nope.ts")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nope\.ts: no such file/);
    const unknown = spickle(["queue", "result", "--nats", nats.url, "no-such-job"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe("spickle: no job named no-such-job\n");
    const away = spickle(["queue", "status", "--nats", "nats://127.0.0.1:1"]);
    expect(away.status).toBe(2);
    expect(away.stderr).toMatch(/^spickle: cannot reach the NATS server at nats:\/\/127\.0\.0\.1:1/);
  });
});

describe("spickle run --store", () => {
  /** Runs squares.ts 8 steps with --store, stops it with SIGTERM after step 4, resumes it. */
  async function stopAndResume(store: string): Promise<{ first: string; second: ReturnType<typeof spickle> }> {
    const child = spawn(process.execPath, [bin, "run", "--store", store, "--job", "sq", join(project, "squares.ts"), "8", "150"], {
      cwd: scratch,
      env: env(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    for (let i = 0; i < 600 && !/step 5/.test(out); i++) await sleep(50);
    const code = await new Promise<number | null>((resolve) => {
      child.once("exit", (c) => resolve(c));
      child.kill("SIGTERM");
    });
    expect(code).toBe(75);
    const second = spickle(["resume", "--store", store, "sq"]);
    return { first: out, second };
  }

  it("checkpoints into a folder store; resume --store continues the job", async () => {
    const { first, second } = await stopAndResume(join(scratch, "run-store"));
    expect(first).toMatch(/step 1\nstep 2\n/);
    expect(second.stderr).toBe("");
    expect(second.status).toBe(0);
    const lastBefore = Number(/step (\d+)\n(?![\s\S]*step \d)/.exec(first)![1]);
    // The resumed run starts after the newest checkpoint (taken after every other step).
    const resumedFrom = Number(/^step (\d+)/.exec(second.stdout)![1]);
    expect(resumedFrom).toBeLessThanOrEqual(lastBefore + 1);
    expect(second.stdout).toMatch(new RegExp(`finished ${sumOfSquares(8)}\\n$`));
  }, 120_000);

  it("checkpoints into the JetStream Object Store the same way", async () => {
    const { second } = await stopAndResume(nats.url);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`finished ${sumOfSquares(8)}\\n$`));
    const seqs = await withQueue((queue) => queue.store.list("sq"));
    expect(seqs.length).toBeGreaterThan(0);
    expect(seqs.length).toBeLessThanOrEqual(3);
  }, 120_000);

  it("usage: --store with -c, --job without --store, a job with no checkpoint", () => {
    expect(spickle(["run", "--store", nats.url, "-c", "x.ckpt", join(project, "squares.ts")]).stderr).toBe("spickle: --store and --checkpoint-file: give one of them\n");
    expect(spickle(["run", "--job", "a", join(project, "squares.ts")]).stderr).toBe("spickle: --job names a job in a store: it needs --store\n");
    const none = spickle(["resume", "--store", join(scratch, "empty-store"), "nothing"]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/#nothing: no checkpoint of this job in the store/);
  });
});
