// `spickle diff` on a big checkpoint: a program of 500 functions (490 helpers in 10 modules of 49,
// 10 worker generators and main in main.ts) with 100,000 tasklets suspended in the workers (blocked
// on a channel), checkpointed; then one helper and one worker are edited (two modules change). Time from spawning `spickle diff job.ckpt` to its
// exit (target <= 2,000 ms), against `spickle inspect` of the same file (which reads the body):
// the process's CPU time (user + system, read at its exit), which a busy machine inflates far less
// than wall-clock time; wall-clock medians are in the note. Variants run interleaved, round by round.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./stats.mjs";

const QUICK = Boolean(process.env.BENCH_QUICK) || process.argv.includes("--quick");
const RUNS = QUICK ? 3 : 5;
const TASKLETS = 100_000;
const HELPERS = 490;
const WORKERS = 10;
const bin = fileURLToPath(new URL("../../packages/spickle/dist/bin.js", import.meta.url));

function environment(dir) {
  const env = { ...process.env, SPICKLE_CACHE_DIR: join(dir, "cache") };
  delete env.NODE_PATH;
  delete env.SPICKLE_KEY;
  return env;
}

const MODULES = 10;
const PER_MODULE = HELPERS / MODULES;

function library(m) {
  const lines = [];
  for (let j = 0; j < PER_MODULE; j++) {
    const i = m * PER_MODULE + j;
    lines.push(`export function helper${i}(x: number): number { return x * ${i + 1} + ${i}; }`);
  }
  return `${lines.join("\n")}\n`;
}

function program() {
  const lines = ['import { Channel, Tasklet, schedule, type CheckpointSupport } from "spickle";'];
  for (let m = 0; m < MODULES; m++) lines.push(`import { helper${m * PER_MODULE} } from "./lib${m}.ts";`);
  for (let w = 0; w < WORKERS; w++) {
    lines.push(`function* worker${w}(ch: Channel<number>, n: number) {`, `  const got = yield* ch.receive();`, `  return helper${w * PER_MODULE}(got + n);`, `}`);
  }
  lines.push(
    `const workers = [${Array.from({ length: WORKERS }, (_, w) => `worker${w}`).join(", ")}];`,
    "export default function* main(cp: CheckpointSupport) {",
    "  const ch = new Channel<number>();",
    `  for (let i = 0; i < ${TASKLETS}; i++) {`,
    `    new Tasklet(workers[i % workers.length]!, ch, i);`,
    `    if (i % 1000 === 0) yield* schedule();`,
    `  }`,
    "  yield* schedule();",
    "  const point = yield* cp.checkpoint();",
    "  if (!point.resumed) process.exit(0);",
    "}",
  );
  return `${lines.join("\n")}\n`;
}

/** [wall ms, CPU ms] of `spickle args` from spawn to exit (the CPU time is written by a preload
 * at the child's exit). */
function toExit(args, cwd, preload) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--import", preload, bin, ...args], { cwd, env: environment(cwd), stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (r.status !== 0) throw new Error(`spickle ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  const out = r.stderr;
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = Number(/cpu-ms (\d+(?:\.\d+)?)/.exec(out)?.[1]);
  if (!Number.isFinite(cpu)) throw new Error(`no CPU time from spickle ${args.join(" ")}: ${out}`);
  return [wall, cpu];
}

export default async function run() {
  const dir = mkdtempSync(join(tmpdir(), "spickle-bench-upgrade-"));
  const main = join(dir, "main.ts");
  writeFileSync(main, program());
  for (let m = 0; m < MODULES; m++) writeFileSync(join(dir, `lib${m}.ts`), library(m));
  execFileSync(process.execPath, [bin, "run", "-c", "job.ckpt", "main.ts"], { cwd: dir, env: environment(dir), stdio: "inherit" });
  const size = statSync(join(dir, "job.ckpt")).size;
  // The edits: one helper not on any stack, one worker every tenth tasklet is suspended in.
  const lib = join(dir, "lib3.ts");
  writeFileSync(lib, readFileSync(lib, "utf8").replace(`return x * ${3 * PER_MODULE + 1} + ${3 * PER_MODULE};`, "return x;"));
  writeFileSync(main, readFileSync(main, "utf8").replace("return helper0(got + n);", "return helper0(got - n);"));
  const out = execFileSync(process.execPath, [bin, "diff", "job.ckpt"], { cwd: dir, env: environment(dir), encoding: "utf8" });
  if (!out.includes("suspended in 10000 frames") || !out.includes("module lib3.ts: changed (1 changed")) throw new Error(`unexpected diff output:\n${out}`);
  const preload = join(dir, "cpu-time.mjs");
  writeFileSync(preload, 'process.on("exit", () => { const u = process.cpuUsage(); process.stderr.write(`cpu-ms ${(u.user + u.system) / 1000}\\n`); });\n');
  const diff = [];
  const inspect = [];
  for (let round = 0; round < RUNS; round++) {
    diff.push(toExit(["diff", "job.ckpt"], dir, preload));
    inspect.push(toExit(["inspect", "job.ckpt"], dir, preload));
  }
  const ours = median(diff.map(([, cpu]) => cpu));
  const base = median(inspect.map(([, cpu]) => cpu));
  const wallDiff = median(diff.map(([wall]) => wall));
  const wallInspect = median(inspect.map(([wall]) => wall));
  return {
    suite: "upgrade",
    headline: `spickle diff of a checkpoint of ${TASKLETS.toLocaleString("en-US")} tasklets and ${HELPERS + WORKERS} functions: ${Math.round(ours)} ms CPU, ${Math.round(wallDiff)} ms wall clock (target <= 2,000 ms)`,
    rows: [
      {
        name: `spickle diff, ${TASKLETS.toLocaleString("en-US")} tasklets, ${HELPERS + WORKERS} functions, 2 edited: exit`,
        ours, baseline: "spickle inspect, same file", base, ratio: ours / base,
        note: `target <= 2000 ms; wall clock ${Math.round(wallDiff)} vs ${Math.round(wallInspect)} ms; ${(size / 1e6).toFixed(1)} MB checkpoint`,
      },
    ],
    notes: [
      `median CPU ms (user + system of the whole process, spawn to exit) of ${RUNS} rounds, diff and inspect interleaved; diff reads the header only (sites, suspended frames per site, listed stacks) and compiles the two changed modules (of 11)`,
    ],
  };
}
