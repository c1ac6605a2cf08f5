// Suite `async`: the same async programs (programs/async.ts) compiled by spickle and with types
// stripped only (V8's own async functions), timed side by side in one process; and the time to
// checkpoint (dumps) 10,000 compiled async functions suspended at an await.

import fs from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { median, round } from "./stats.mjs";

const here = new URL(".", import.meta.url);
const outDir = new URL(".out/", here);
const programUrl = new URL("programs/async.ts", here);
const requireFromTransform = createRequire(new URL("../../packages/transform/package.json", import.meta.url));
const VARIANTS = ["spickle", "native"];

async function build() {
  fs.mkdirSync(outDir, { recursive: true });
  const source = fs.readFileSync(programUrl, "utf8");
  const filename = fileURLToPath(programUrl);
  const { compile } = await import("@spickle/transform");
  const babel = requireFromTransform("@babel/core");
  const typescript = requireFromTransform.resolve("@babel/preset-typescript");
  fs.writeFileSync(new URL("async.spickle.mjs", outDir), compile(source, { filename, moduleId: "scripts/bench/programs/async.ts" }).code);
  fs.writeFileSync(
    new URL("async.native.mjs", outDir),
    babel.transformSync(source, { filename, babelrc: false, configFile: false, sourceType: "module", presets: [typescript] }).code,
  );
  const modules = {};
  for (const v of VARIANTS) modules[v] = await import(new URL(`async.${v}.mjs`, outDir).href);
  return modules;
}

const gc = typeof globalThis.gc === "function" ? globalThis.gc : () => {};
const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

export default async function ({ quick }) {
  const modules = await build();
  const awaits = quick ? 1_000_000 : 10_000_000;
  const fan = 100_000;
  const workloads = [
    { name: `${awaits / 1e6}M awaits of compiled async calls`, run: (m) => m.awaitLoop(awaits), expect: awaits },
    { name: `Promise.all over ${fan / 1000}k async calls`, run: (m) => m.fanOut(fan), expect: null },
  ];
  const rounds = quick ? 3 : 7;
  const rows = [];
  for (const w of workloads) {
    const times = { spickle: [], native: [] };
    let expected = w.expect;
    for (let r = 0; r < rounds + 1; r++) {
      for (let k = 0; k < VARIANTS.length; k++) {
        const v = VARIANTS[(k + r) % VARIANTS.length];
        gc();
        const start = cpuMs();
        const result = await w.run(modules[v]);
        const elapsed = cpuMs() - start;
        if (expected === null) expected = result;
        if (result !== expected) throw new Error(`${v}: ${w.name} computed ${result}, expected ${expected}`);
        if (r > 0) times[v].push(elapsed);
      }
    }
    const ours = median(times.spickle);
    const base = median(times.native);
    rows.push({ name: w.name, ours: round(ours), baseline: "native async", base: round(base), ratio: round(median(times.spickle.map((t, i) => t / times.native[i])), 2) });
  }

  // A checkpoint of 10,000 suspended async functions: dumps of every waiting task and the gate.
  const { dumps } = await import("@spickle/pickle");
  // Called detached, as a program would: `this` is undefined, not the module namespace.
  const { gateTask, suspended } = modules.spickle;
  const gate = gateTask();
  const waiting = suspended(10_000, gate);
  await new Promise((resolve) => setImmediate(resolve));
  const checkpointTimes = [];
  let bytes = 0;
  for (let r = 0; r < (quick ? 3 : 7); r++) {
    gc();
    const start = performance.now();
    bytes = dumps({ waiting, gate }).length;
    checkpointTimes.push(performance.now() - start);
  }
  const checkpointMs = median(checkpointTimes);
  rows.push({ name: "checkpoint of 10,000 suspended async functions", ours: round(checkpointMs), baseline: "target 250 ms", base: 250, ratio: round(checkpointMs / 250, 2), note: `${Math.round(bytes / 1024)} KiB` });
  return {
    suite: "async",
    rows,
    headline: `awaits ${rows[0].ratio}x native, fan-out ${rows[1].ratio}x native, checkpoint of 10k ${Math.round(checkpointMs)} ms`,
  };
}
