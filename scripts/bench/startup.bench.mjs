// Start-up: a small generator script run with the loader from a warm compile cache, against plain
// `node` on the same program as .mjs — and, for scale, against `node` with a do-nothing
// `module.register` hook, the floor any loader on Node 20 pays (its hooks run on a second thread).
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./stats.mjs";

const RUNS = Number(process.env.BENCH_QUICK ? 8 : 25);
const register = fileURLToPath(new URL("../../packages/spickle/dist/register.js", import.meta.url));
const program = "function* count(n) { for (let i = 0; i < n; i++) yield i; }\nlet s = 0; for (const x of count(10)) s += x; console.log(s);\n";

function timeRuns(args) {
  const times = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, args, { stdio: "ignore" });
    if (i >= 2) times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

export default async function startup() {
  const dir = mkdtempSync(join(tmpdir(), "spickle-startup-"));
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }');
  writeFileSync(join(dir, "small.ts"), program.replace("function* count(n)", "function* count(n: number)"));
  writeFileSync(join(dir, "small.mjs"), program);
  writeFileSync(join(dir, "empty-hooks.mjs"),
    'import { register } from "node:module";\nregister("data:text/javascript,export async function resolve(s,c,n){return n(s,c)} export async function load(u,c,n){return n(u,c)}");\n');
  execFileSync(process.execPath, ["--import", register, join(dir, "small.ts")], { stdio: "ignore" }); // warm the cache
  const plain = timeRuns([join(dir, "small.mjs")]);
  const warm = timeRuns(["--import", register, join(dir, "small.ts")]);
  const floor = timeRuns(["--import", join(dir, "empty-hooks.mjs"), join(dir, "small.mjs")]);
  return {
    suite: "startup",
    rows: [
      { name: "spickle/register, warm cache, small .ts script", ours: warm, baseline: "node small.mjs", base: plain, ratio: warm / plain, note: "target <= 1.5" },
      { name: "node with an empty module.register hook (Node 20 floor)", ours: floor, baseline: "node small.mjs", base: plain, ratio: floor / plain },
    ],
    notes: [`median wall-clock ms of ${RUNS} runs each, after 2 warm-ups`],
  };
}
