// Suite `closures`: closure-heavy programs (programs/closures.ts) built two ways and timed side
// by side in one process:
//   spickle  compiled by @spickle/transform: captured variables in scope objects, functions made
//            by module-level factories and tagged with (id, scope)
//   native   types stripped only (Babel preset-typescript)
// Target: ratio <= 1.3 (aim <= 1.1).

import fs from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median, geomean, round } from "./stats.mjs";

const here = new URL(".", import.meta.url);
const outDir = new URL(".out/", here);
const programUrl = new URL("programs/closures.ts", here);
const requireFromTransform = createRequire(new URL("../../packages/transform/package.json", import.meta.url));

const VARIANTS = ["spickle", "native"];

const WORKLOADS = [
  { name: "closure updating a captured counter, 30M calls", run: (m) => m.counterLoop(30_000_000) },
  { name: "array.map with a capturing arrow, 2000 x 10k", run: (m) => m.mapArrow(2_000, 10_000) },
  { name: "method calls on class instances, 10M", run: (m) => m.methodCalls(10_000_000) },
  // Not part of the headline: native V8 removes the closure entirely here (escape analysis).
  { name: "a closure made per iteration, 10M", run: (m) => m.createClosures(10_000_000), extra: true },
];

async function buildVariants() {
  fs.mkdirSync(outDir, { recursive: true });
  const source = fs.readFileSync(programUrl, "utf8");
  const filename = fileURLToPath(programUrl);
  const { compile } = await import("@spickle/transform");
  const babel = requireFromTransform("@babel/core");
  const typescript = requireFromTransform.resolve("@babel/preset-typescript");
  const outputs = {
    spickle: compile(source, { filename, moduleId: "scripts/bench/programs/closures.ts" }).code,
    native: babel.transformSync(source, { filename, babelrc: false, configFile: false, sourceType: "module", presets: [typescript] }).code,
  };
  const modules = {};
  for (const variant of VARIANTS) {
    const file = new URL(`closures.${variant}.mjs`, outDir);
    fs.writeFileSync(file, outputs[variant]);
    modules[variant] = await import(pathToFileURL(fileURLToPath(file)).href);
  }
  return modules;
}

const gc = typeof globalThis.gc === "function" ? globalThis.gc : () => {};

export default async function closures(options = {}) {
  const quick = options.quick ?? process.env.SPICKLE_BENCH_QUICK === "1";
  const warmups = quick ? 1 : 3;
  const runs = quick ? 5 : 9;
  const modules = await buildVariants();
  const expected = WORKLOADS.map(() => undefined);
  const times = WORKLOADS.map(() => Object.fromEntries(VARIANTS.map((v) => [v, []])));

  const once = (w, variant) => {
    gc();
    const start = performance.now();
    const result = WORKLOADS[w].run(modules[variant]);
    const elapsed = performance.now() - start;
    if (expected[w] === undefined) expected[w] = result;
    else if (result !== expected[w]) throw new Error(`${variant}: ${WORKLOADS[w].name} computed ${result}, expected ${expected[w]}`);
    return elapsed;
  };

  // Rounds interleave workloads and variants (rotating the order) so drift hits both alike.
  for (let r = 0; r < warmups + runs; r++) {
    for (let w = 0; w < WORKLOADS.length; w++) {
      for (let k = 0; k < VARIANTS.length; k++) {
        const variant = VARIANTS[(k + r) % VARIANTS.length];
        const elapsed = once(w, variant);
        if (r >= warmups) times[w][variant].push(elapsed);
      }
    }
  }

  const rows = [];
  const ratios = [];
  WORKLOADS.forEach((workload, w) => {
    const t = Object.fromEntries(VARIANTS.map((v) => [v, median(times[w][v])]));
    const spread = (v) => Math.round((100 * (Math.max(...times[w][v]) - Math.min(...times[w][v]))) / t[v]);
    if (!workload.extra) ratios.push(t.spickle / t.native);
    rows.push({
      name: `spickle: ${workload.name}`,
      ours: round(t.spickle, 1),
      baseline: "native",
      base: round(t.native, 1),
      ratio: round(t.spickle / t.native, 2),
      note: `spread ${spread("spickle")}% / ${spread("native")}%${workload.extra ? "; not in the headline" : ""}`,
    });
  });
  const mean = geomean(ratios);
  return {
    suite: "closures",
    rows,
    headline: `geometric mean spickle/native ${mean.toFixed(2)} over the first three rows (target <= 1.3, aim <= 1.1)`,
    summary: { geomeanCompiledOverNative: round(mean, 3), runs, warmups },
    notes: [
      `median of ${runs} runs after ${warmups} warm-up round(s); variants interleaved in one process; results checked equal`,
      "'ours' is the compiled build's time; spread = (max - min) / median over the runs",
      "method calls on class instances: the compiled class is made by its factory and its constructor checks the restore flag",
      "a closure made per iteration: the compiled build allocates a scope object and the function per iteration; " +
        "native V8 inlines and removes both",
    ],
  };
}
