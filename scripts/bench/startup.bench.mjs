// Start-up, against plain `node` running the same small program as .mjs:
// - `spickle run small.ts`, second start (compile cache warm): time to the first line of output
//   (target <= 1.4x node);
// - `spickle resume` of a small checkpoint: time to the first line the resumed program prints
//   (target <= 1.8x), against node printing the same lines from a plain script;
// - the loader alone (`node --import spickle/register small.ts`), warm: time to exit (target
//   <= 1.4x where Node has module.registerHooks, >= 22.15: the hooks run in-thread there);
// - for scale, node with a do-nothing `module.register` hook, the floor a loader on Node 20 pays
//   (its hooks run on a second thread: `spickle run` with a warm cache and `spickle resume` do not
//   register any), and node loading the modules `spickle run` and `spickle resume` load before
//   the program's own (Node 20 compiles every ES module on every start).
// Variants run interleaved, round by round, so a busy machine slows them alike.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./stats.mjs";

const QUICK = Boolean(process.env.BENCH_QUICK) || process.argv.includes("--quick");
const RUNS = QUICK ? 8 : 25;
const WARMUP = 2;
const register = fileURLToPath(new URL("../../packages/spickle/dist/register.js", import.meta.url));
const bin = fileURLToPath(new URL("../../packages/spickle/dist/bin.js", import.meta.url));
const cliModule = (name) => new URL(`../../packages/spickle/dist/cli/${name}.js`, import.meta.url).href;
const importAll = (urls) => urls.map((u) => `await import(${JSON.stringify(u)});`).join("");
const program = "function* count(n) { for (let i = 0; i < n; i++) yield i; }\nlet s = 0; for (const x of count(10)) s += x; console.log(s);\n";

// A checkpointable program: it checkpoints, then (resumed) prints 10 lines and ends. Both ends
// leave by process.exit, as if stopped: a program that finishes marks its checkpoint finished,
// and every resume here starts from that same checkpoint.
const resumable = `import type { CheckpointSupport } from "spickle";
export default function* job(cp: CheckpointSupport) {
  let total = 0;
  for (let i = 1; i <= 10; i++) total += i;
  const point = yield* cp.checkpoint();
  if (point.resumed) for (let i = 1; i <= 10; i++) console.log(\`line \${i} of \${total}\`);
  process.exit(0);
}
`;
const resumedPlain = "let total = 0;\nfor (let i = 1; i <= 10; i++) total += i;\nfor (let i = 1; i <= 10; i++) console.log(`line ${i} of ${total}`);\n";

function environment() {
  const env = { ...process.env };
  delete env.NODE_PATH;
  delete env.SPICKLE_KEY;
  return env;
}

/** Milliseconds from spawning `args` to its first byte on stdout (and it must exit 0). */
function firstOutput(args, cwd) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd, env: environment(), stdio: ["ignore", "pipe", "inherit"] });
    let first = null;
    child.stdout.on("data", () => {
      first ??= Number(process.hrtime.bigint() - start) / 1e6;
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 && first !== null ? resolve(first) : reject(new Error(`${args.join(" ")} exited ${code}`))));
  });
}

/** Milliseconds from spawning `args` to its exit. */
function toExit(args, cwd) {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, args, { cwd, env: environment(), stdio: "ignore" });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs every variant once per round, WARMUP + RUNS rounds; medians per variant. */
async function interleaved(variants) {
  const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let round = 0; round < WARMUP + RUNS; round++) {
    for (const [name, measure] of Object.entries(variants)) {
      const ms = await measure();
      if (round >= WARMUP) times[name].push(ms);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

const inThreadHooks = typeof (await import("node:module")).registerHooks === "function";

export default async function startup() {
  const dir = mkdtempSync(join(tmpdir(), "spickle-startup-"));
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }');
  writeFileSync(join(dir, "small.ts"), program.replace("function* count(n)", "function* count(n: number)"));
  writeFileSync(join(dir, "small.mjs"), program);
  writeFileSync(join(dir, "job.ts"), resumable);
  writeFileSync(join(dir, "resumed-plain.mjs"), resumedPlain);
  writeFileSync(join(dir, "empty-hooks.mjs"),
    'import { register } from "node:module";\nregister("data:text/javascript,export async function resolve(s,c,n){return n(s,c)} export async function load(u,c,n){return n(u,c)}");\n');
  const cwd = dir;
  // Warm the compile cache, and write the checkpoint to resume (resuming never replaces it: the
  // resumed program takes no further checkpoint).
  execFileSync(process.execPath, ["--import", register, join(dir, "small.ts")], { cwd, env: environment(), stdio: "ignore" });
  execFileSync(process.execPath, [bin, "run", "small.ts"], { cwd, env: environment(), stdio: "ignore" });
  execFileSync(process.execPath, [bin, "run", "-c", "job.ckpt", "job.ts"], { cwd, env: environment(), stdio: "ignore" });

  const t = await interleaved({
    plain: () => firstOutput(["small.mjs"], cwd),
    run: () => firstOutput([bin, "run", "small.ts"], cwd),
    plainResumed: () => firstOutput(["resumed-plain.mjs"], cwd),
    resume: () => firstOutput([bin, "resume", "job.ckpt"], cwd),
    plainExit: () => toExit(["small.mjs"], cwd),
    loader: () => toExit(["--import", register, "small.ts"], cwd),
    floor: () => toExit(["--import", "./empty-hooks.mjs", "small.mjs"], cwd),
    runModules: () => toExit(["--input-type=module", "-e", importAll([cliModule("main"), cliModule("run")])], cwd),
    resumeModules: () => toExit(["--input-type=module", "-e", importAll([cliModule("main"), cliModule("resume")])], cwd),
  });
  return {
    suite: "startup",
    rows: [
      { name: "spickle run small.ts, warm cache: first output", ours: t.run, baseline: "node small.mjs", base: t.plain, ratio: t.run / t.plain, note: "target <= 1.4" },
      { name: "spickle resume of a small checkpoint: first output", ours: t.resume, baseline: "node, same lines", base: t.plainResumed, ratio: t.resume / t.plainResumed, note: "target <= 1.8" },
      { name: "node --import spickle/register small.ts, warm cache: exit", ours: t.loader, baseline: "node small.mjs", base: t.plainExit, ratio: t.loader / t.plainExit, note: inThreadHooks ? "in-thread hooks; target <= 1.4" : "hooks thread (no module.registerHooks)" },
      { name: "node with an empty module.register hook (Node 20 floor): exit", ours: t.floor, baseline: "node small.mjs", base: t.plainExit, ratio: t.floor / t.plainExit },
      { name: "node importing what spickle run loads (CLI, runtime, linker): exit", ours: t.runModules, baseline: "node small.mjs", base: t.plainExit, ratio: t.runModules / t.plainExit },
      { name: "node importing what spickle resume loads (CLI, runtime, pickler, checkpoint API): exit", ours: t.resumeModules, baseline: "node small.mjs", base: t.plainExit, ratio: t.resumeModules / t.plainExit },
    ],
    notes: [
      `median wall-clock ms of ${RUNS} rounds after ${WARMUP} warm-ups, the variants interleaved in each round; "first output" = spawn to the first byte on stdout`,
      "`spickle run` with a warm cache imports the cache's linked files (no loader hooks); `spickle resume` of a snapshot that carries all its modules registers no hooks and does not import the program",
      "history (same machine, 2026-11-25): before commands loaded their modules lazily and the warm run and the resume stopped using loader hooks, run 2.82x and resume 3.99x (every command imported commander, the pickler and @spickle/remote; run and resume went through the hooks thread)",
    ],
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(await startup(), null, 2));
