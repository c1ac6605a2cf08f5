// Suite `generators`: the same generator programs (programs/generators.ts) built three ways and
// timed side by side in one process:
//   spickle      compiled by @spickle/transform, driven by @spickle/runtime (what users run)
//   native       types stripped only (Babel preset-typescript): V8's own generators
//   regenerator  stock Babel regenerator with Babel's inline helpers (the prior art)
// Headline: geometric mean of spickle/native over the workloads (target <= 1.2, aim <= 1.0).
//
// A second pass runs in a fresh process after eight other generator functions have gone through
// every build ("megamorphic"): shared driver code then sees many bodies and frame shapes, as in a
// real program. Run this file directly with `--megamorphic [--quick]` to get only that pass.

import { fork } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { median, geomean, round } from "./stats.mjs";

const here = new URL(".", import.meta.url);
const outDir = new URL(".out/", here);
const programUrl = new URL("programs/generators.ts", here);
const requireFromTransform = createRequire(new URL("../../packages/transform/package.json", import.meta.url));

const VARIANTS = ["spickle", "native", "regenerator"];
const TREE_DEPTH = 18;

/** Each workload is one exported function of the program; `run` returns the number it computed. */
const WORKLOADS = [
  { name: "range 10M, for-of", run: (m) => m.rangeForOf(10_000_000) },
  { name: "5M steps, 5 locals, next()", run: (m) => m.manyLocals(5_000_000) },
  { name: `yield* walk, depth ${TREE_DEPTH} tree (${2 ** TREE_DEPTH - 1} nodes)`, run: (m, tree) => m.treeWalk(tree) },
  { name: "8 generators round-robin, 4M steps", run: (m) => m.roundRobin(8, 4_000_000) },
  { name: "yield-free hot loop in a generator body, 20M iterations", run: (m) => m.hotLoop(20_000_000) },
  { name: "numeric kernel, a yield every 10,000 of 20M iterations", run: (m) => m.kernel(20_000_000) },
];

/** Complete binary tree of `depth` levels, values 1..2^depth-1 in order. Shared by all builds. */
function buildTree(depth) {
  let next = 1;
  const build = (level) => {
    if (level === 0) return null;
    const left = build(level - 1);
    const node = { value: next++, left, right: null };
    node.right = build(level - 1);
    return node;
  };
  return build(depth);
}

/** Writes .out/generators.{spickle,native,regenerator}.mjs. */
async function buildVariants() {
  fs.mkdirSync(outDir, { recursive: true });
  const source = fs.readFileSync(programUrl, "utf8");
  const filename = fileURLToPath(programUrl);
  const { compile } = await import("@spickle/transform");
  const babel = requireFromTransform("@babel/core");
  const typescript = requireFromTransform.resolve("@babel/preset-typescript");
  const regenerator = requireFromTransform.resolve("@babel/plugin-transform-regenerator");
  const babelOptions = (plugins) => ({ filename, babelrc: false, configFile: false, sourceType: "module", presets: [typescript], plugins });
  const outputs = {
    spickle: compile(source, { filename, moduleId: "scripts/bench/programs/generators.ts" }).code,
    native: babel.transformSync(source, babelOptions([])).code,
    regenerator: babel.transformSync(source, babelOptions([regenerator])).code,
  };
  for (const variant of VARIANTS) fs.writeFileSync(new URL(`generators.${variant}.mjs`, outDir), outputs[variant]);
}

async function loadVariants() {
  const modules = {};
  for (const variant of VARIANTS) {
    modules[variant] = await import(new URL(`generators.${variant}.mjs`, outDir).href);
  }
  return modules;
}

const gc = typeof globalThis.gc === "function" ? globalThis.gc : () => {};

/** CPU time of this process in ms. With the garbage collector on the main thread
 * (--single-threaded-gc, set by run.mjs) it is the work done, whatever else the machine runs;
 * wall-clock time on a shared machine drifts by 2x. */
function cpuMs() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Times every workload in every build; returns `times[workload][variant] = ms[]`. */
async function measure({ warmups, runs, megamorphic }) {
  const modules = await loadVariants();
  const tree = buildTree(TREE_DEPTH);
  const expected = {};
  const check = (label, variant, result) => {
    if (typeof result !== "number") throw new Error(`${variant}: ${label} returned ${result}`);
    if (!(label in expected)) expected[label] = result;
    else if (result !== expected[label]) throw new Error(`${variant}: ${label} computed ${result}, expected ${expected[label]}`);
  };
  if (megamorphic) {
    for (let i = 0; i < 20; i++) for (const variant of VARIANTS) check("otherShapes", variant, modules[variant].otherShapes());
  }
  const times = WORKLOADS.map(() => Object.fromEntries(VARIANTS.map((v) => [v, []])));
  // Rounds interleave workloads and variants (rotating the variant order), so drift in machine
  // speed hits every variant alike; warm-up rounds run everything before anything is timed.
  for (let round = 0; round < warmups + runs; round++) {
    for (let w = 0; w < WORKLOADS.length; w++) {
      for (let k = 0; k < VARIANTS.length; k++) {
        const variant = VARIANTS[(k + round) % VARIANTS.length];
        if (megamorphic) modules[variant].otherShapes();
        gc();
        const start = cpuMs();
        const result = WORKLOADS[w].run(modules[variant], tree);
        const elapsed = cpuMs() - start;
        check(WORKLOADS[w].name, variant, result);
        if (round >= warmups) times[w][variant].push(elapsed);
      }
    }
  }
  return times;
}

/** The megamorphic pass, in a fresh process (feedback once polluted stays polluted). */
function measureInChild(quick) {
  return new Promise((resolve, reject) => {
    let message = null;
    const child = fork(fileURLToPath(import.meta.url), ["--megamorphic", ...(quick ? ["--quick"] : [])], {
      execArgv: ["--expose-gc", "--single-threaded-gc"],
    });
    child.on("message", (m) => (message = m));
    child.on("exit", (code) => {
      if (message?.ok) resolve(message.times);
      else reject(new Error(message?.error ?? `megamorphic pass exited with ${code}`));
    });
  });
}

/** Per-workload medians and ratios. Ratios are medians of per-round ratios: the variants of one
 * round run back to back, so a slow stretch of a shared machine cancels out of each pair. */
function summarize(times) {
  return times.map((runsOf) => {
    const t = Object.fromEntries(VARIANTS.map((v) => [v, median(runsOf[v])]));
    const ratio = (a, b) => median(runsOf[a].map((time, i) => time / runsOf[b][i]));
    const spread = (v) => {
      const sorted = [...runsOf[v]].sort((a, b) => a - b);
      const quartile = (q) => sorted[Math.round(q * (sorted.length - 1))];
      return Math.round((100 * (quartile(0.75) - quartile(0.25))) / t[v]);
    };
    return {
      t,
      compiled: ratio("spickle", "native"),
      stock: ratio("regenerator", "native"),
      versusStock: ratio("spickle", "regenerator"),
      spread: Object.fromEntries(VARIANTS.map((v) => [v, spread(v)])),
    };
  });
}

function settings(quick) {
  return quick ? { warmups: 1, runs: 5 } : { warmups: 3, runs: 11 };
}

export default async function generators(options = {}) {
  const quick = options.quick ?? process.env.SPICKLE_BENCH_QUICK === "1";
  const { warmups, runs } = settings(quick);
  await buildVariants();
  const main = summarize(await measure({ warmups, runs, megamorphic: false }));
  const mega = summarize(await measureInChild(quick));

  const rows = [];
  WORKLOADS.forEach((workload, w) => {
    const s = main[w];
    rows.push({
      name: `spickle: ${workload.name}`,
      ours: round(s.t.spickle, 1),
      baseline: "native",
      base: round(s.t.native, 1),
      ratio: round(s.compiled, 2),
      note: `${round(s.versusStock, 2)}x regenerator; iqr ${s.spread.spickle}%/${s.spread.native}%`,
    });
  });
  WORKLOADS.forEach((workload, w) => {
    const s = main[w];
    rows.push({
      name: `regenerator: ${workload.name}`,
      ours: round(s.t.regenerator, 1),
      baseline: "native",
      base: round(s.t.native, 1),
      ratio: round(s.stock, 2),
      note: `stock Babel helper; iqr ${s.spread.regenerator}%`,
    });
  });
  WORKLOADS.forEach((workload, w) => {
    const s = mega[w];
    rows.push({
      name: `spickle, megamorphic: ${workload.name}`,
      ours: round(s.t.spickle, 1),
      baseline: "native",
      base: round(s.t.native, 1),
      ratio: round(s.compiled, 2),
      note: `regenerator ${round(s.stock, 2)}x native; iqr ${s.spread.spickle}%/${s.spread.native}%`,
    });
  });
  const compiled = geomean(main.map((s) => s.compiled));
  const stock = geomean(main.map((s) => s.stock));
  const compiledMega = geomean(mega.map((s) => s.compiled));
  const stockMega = geomean(mega.map((s) => s.stock));
  return {
    suite: "generators",
    rows,
    headline: `geometric mean spickle/native ${compiled.toFixed(2)} (target <= 1.2, aim <= 1.0)`,
    summary: {
      geomeanCompiledOverNative: round(compiled, 3),
      geomeanRegeneratorOverNative: round(stock, 3),
      megamorphicGeomeanCompiledOverNative: round(compiledMega, 3),
      megamorphicGeomeanRegeneratorOverNative: round(stockMega, 3),
      runs,
      warmups,
    },
    notes: [
      `geometric mean regenerator/native: ${stock.toFixed(2)}`,
      `megamorphic pass (fresh process, 8 other generator functions run first): ` +
        `spickle/native ${compiledMega.toFixed(2)}, regenerator/native ${stockMega.toFixed(2)}`,
      `median of ${runs} runs after ${warmups} warm-up round(s); builds interleaved in one process; ` +
        `every run's result checked equal across the three builds`,
      "time = median CPU ms (GC on the main thread) of the build named in the row; ratio = median of per-round time/base; " +
        "iqr = interquartile range / median of the runs (spickle/native)",
    ],
  };
}

// Direct run: the megamorphic pass for the parent suite.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes("--megamorphic")) {
  try {
    const times = await measure({ ...settings(process.argv.includes("--quick")), megamorphic: true });
    if (process.send) process.send({ ok: true, times });
    else console.log(JSON.stringify(summarize(times), null, 2));
  } catch (error) {
    if (process.send) process.send({ ok: false, error: error?.stack ?? String(error) });
    else throw error;
  }
}
