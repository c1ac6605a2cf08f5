// Compile time of TypeScript, against TypeScript's own transpile-only emit (`transpileModule`
// with `isolatedModules`, what `tsc --isolatedModules` does per file) and esbuild's transform:
// - one 5,000-line file: the single-file programs of the TypeScript corpus
//   (packages/spickle/test/fixtures/typescript), each wrapped in a namespace of its own, repeated
//   until the file has 5,000 lines (target: spickle <= 1.5x tsc);
// - the corpus itself: every single-file program compiled as its own module, in one pass.
// spickle's time is `compile` from @spickle/transform (strip types, lower generators, closures and
// module records, source map) — everything the loader does on a cache miss. All three run in this
// process, interleaved round by round, after warm-up rounds (JIT-compiled compilers).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { median, round } from "./stats.mjs";

const QUICK = Boolean(process.env.BENCH_QUICK) || process.argv.includes("--quick");
const RUNS = QUICK ? 5 : 15;
const WARMUP = 3;
const corpusDir = fileURLToPath(new URL("../../packages/spickle/test/fixtures/typescript/", import.meta.url));
const { compile } = await import(new URL("../../packages/transform/dist/index.js", import.meta.url).href);
let esbuild;
try {
  esbuild = await import("esbuild");
} catch {
  esbuild = undefined;
}

/** The corpus's single-file `.ts` programs (no JSX, no CommonJS). */
function corpusPrograms() {
  return readdirSync(corpusDir)
    .filter((name) => name.endsWith(".ts") && statSync(join(corpusDir, name)).isFile())
    .sort()
    .map((name) => {
      const source = readFileSync(join(corpusDir, name), "utf8");
      const header = /^\/\/ tsconfig: (\{.*\})$/m.exec(source);
      return { name, source, options: header ? JSON.parse(header[1]) : {} };
    });
}

/** Programs wrapped in `namespace P<i> { … }` (those with module-level-only syntax left out),
 * repeated until the text has `lines` lines. */
function bigFile(programs, lines) {
  const wrappable = programs.filter(({ source }) => !/declare (global|module)|\bawait\b|^import |require\(|^\/\/ tsconfig/m.test(source));
  const parts = [];
  let count = 0;
  for (let i = 0; count < lines; i++) {
    const { source } = wrappable[i % wrappable.length];
    const text = `namespace P${i} {\n${source.replace(/^export \{\};?$/m, "")}}\n`;
    parts.push(text);
    count += text.split("\n").length - 1;
  }
  return parts.join("");
}

const tsOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, isolatedModules: true, sourceMap: true };

const variants = {
  spickle: (name, source, options) => compile(source, { filename: name, moduleId: name, typescript: options }).code.length,
  "tsc transpileModule": (name, source, options) =>
    ts.transpileModule(source, { fileName: name, compilerOptions: { ...tsOptions, experimentalDecorators: options.experimentalDecorators, useDefineForClassFields: options.useDefineForClassFields } }).outputText.length,
  ...(esbuild
    ? { "esbuild transform": (name, source) => esbuild.transformSync(source, { loader: "ts", format: "esm", target: "es2022", sourcemap: true, sourcefile: name, tsconfigRaw: { compilerOptions: { experimentalDecorators: options.experimentalDecorators, useDefineForClassFields: options.useDefineForClassFields } } }).code.length }
    : {}),
};

function time(fn, inputs) {
  const start = process.hrtime.bigint();
  for (const { name, source, options } of inputs) fn(name, source, options ?? {});
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function measure(inputs) {
  const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let round = 0; round < WARMUP + RUNS; round++) {
    for (const [key, fn] of Object.entries(variants)) {
      const ms = time(fn, inputs);
      if (round >= WARMUP) times[key].push(ms);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

export default async function () {
  const programs = corpusPrograms();
  const big = bigFile(programs, 5000);
  const bigLines = big.split("\n").length - 1;
  const rows = [];
  const cases = [
    { label: `one ${bigLines}-line file`, inputs: [{ name: "big.ts", source: big, options: {} }] },
    { label: `${programs.length} corpus programs, one module each`, inputs: programs },
  ];
  let headline;
  for (const { label, inputs } of cases) {
    const medians = measure(inputs);
    const base = medians["tsc transpileModule"];
    for (const [key, ms] of Object.entries(medians)) {
      if (key === "tsc transpileModule") continue;
      rows.push({ name: `${key}: ${label}`, ours: round(ms, 1), baseline: "tsc transpileModule", base: round(base, 1), ratio: round(ms / base, 2) });
    }
    headline ??= `spickle compile of a ${bigLines}-line TypeScript file: ${round(medians.spickle / base, 2)}x tsc transpileModule (target <= 1.5x)`;
  }
  return {
    suite: "compile",
    headline,
    rows,
    notes: [
      `median of ${RUNS} runs after ${WARMUP} warm-up round(s); variants interleaved in one process`,
      "tsc transpileModule: target ES2022, module ESNext, isolatedModules, with a source map; esbuild: loader ts, es2022, with a source map",
      "spickle: the whole compile (types stripped, generators lowered, closures and module records, source map)",
    ],
  };
}
