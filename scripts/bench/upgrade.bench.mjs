// `spickle diff` on a big checkpoint: a program of 500 functions (490 helpers in 10 modules of 49,
// 10 worker generators and main in main.ts) with 100,000 tasklets suspended in the workers (blocked
// on a channel), checkpointed; then one helper and one worker are edited (two modules change). Time from spawning `spickle diff job.ckpt` to its
// exit (target <= 2,000 ms), against `spickle inspect` of the same file (which reads the body).
// Variants run interleaved, round by round.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./stats.mjs";

const QUICK = Boolean(process.env.BENCH_QUICK) || process.argv.includes("--quick");
const RUNS = QUICK ? 3 : 7;
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

function toExit(args, cwd) {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, [bin, ...args], { cwd, env: environment(cwd), stdio: "ignore", maxBuffer: 1 << 26 });
  return Number(process.hrtime.bigint() - start) / 1e6;
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
  const diff = [];
  const inspect = [];
  for (let round = 0; round < RUNS; round++) {
    diff.push(toExit(["diff", "job.ckpt"], dir));
    inspect.push(toExit(["inspect", "job.ckpt"], dir));
  }
  const ours = median(diff);
  const base = median(inspect);
  return {
    suite: "upgrade",
    headline: `spickle diff of a checkpoint of ${TASKLETS.toLocaleString("en-US")} tasklets and ${HELPERS + WORKERS} functions: ${Math.round(ours)} ms (target <= 2,000 ms)`,
    rows: [
      {
        name: `spickle diff, ${TASKLETS.toLocaleString("en-US")} tasklets, ${HELPERS + WORKERS} functions, 2 edited: exit`,
        ours, baseline: "spickle inspect, same file", base, ratio: ours / base,
        note: `target <= 2000 ms; ${(size / 1e6).toFixed(1)} MB checkpoint`,
      },
    ],
    notes: [
      `median wall-clock ms of ${RUNS} rounds (spawn to exit), diff and inspect interleaved; diff reads the header only (sites, suspended frames per site, listed stacks) and compiles the two changed modules (of 11)`,
    ],
  };
}
