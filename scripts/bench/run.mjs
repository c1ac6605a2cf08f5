#!/usr/bin/env node
// Benchmark harness: runs every scripts/bench/*.bench.mjs suite in its own child process (so
// suites do not share JIT state), prints one aligned table per suite, and merges the results into
// scripts/bench/results.json and scripts/bench/results.md.
//
//   node scripts/bench/run.mjs [--suite name]... [--quick] [--node <node binary>]...
//
// With --node, each selected suite runs once under each given Node (e.g. the path printed by
// `npx -y node@22 -p process.execPath`) and is stored as "<suite> (node <major>)".
//
// A suite module: `export default async function (options: { quick: boolean }) {
//   return { suite, rows, notes?, headline?, summary? } }`, a row being
//   `{ name, ours /* ms */, baseline /* label */, base /* ms */, ratio /* ours / base */, note? }`.

import { execFileSync, fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";

const benchDir = fileURLToPath(new URL(".", import.meta.url));
const self = fileURLToPath(import.meta.url);
const resultsJson = new URL("results.json", import.meta.url);
const resultsMd = new URL("results.md", import.meta.url);
const SUFFIX = ".bench.mjs";

// ---------------------------------------------------------------------------------------------

async function runChild(file, quick) {
  try {
    const suite = await import(pathToFileURL(file).href);
    const result = await suite.default({ quick });
    validate(result, file);
    process.send({ ok: true, result });
  } catch (error) {
    process.send({ ok: false, error: error?.stack ?? String(error) });
    process.exitCode = 1;
  }
}

function validate(result, file) {
  if (!result || typeof result.suite !== "string" || !Array.isArray(result.rows)) {
    throw new Error(`${file}: a suite must return { suite, rows }`);
  }
  for (const row of result.rows) {
    for (const key of ["ours", "base", "ratio"]) {
      if (typeof row[key] !== "number" || !Number.isFinite(row[key])) {
        throw new Error(`${file}: row ${JSON.stringify(row.name)} has no numeric ${key}`);
      }
    }
  }
}

function parseArgs(argv) {
  const options = { suites: [], quick: false, nodes: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") options.quick = true;
    else if (arg === "--suite") options.suites.push(argv[++i]);
    else if (arg.startsWith("--suite=")) options.suites.push(arg.slice("--suite=".length));
    else if (arg === "--node") options.nodes.push(argv[++i]);
    else if (arg === "--help" || arg === "-h") {
      console.log("usage: node scripts/bench/run.mjs [--suite name]... [--quick] [--node <node binary>]...");
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

async function main(argv) {
  const options = parseArgs(argv);
  const available = fs
    .readdirSync(benchDir)
    .filter((name) => name.endsWith(SUFFIX))
    .map((name) => name.slice(0, -SUFFIX.length))
    .sort();
  for (const name of options.suites) {
    if (!available.includes(name)) {
      console.error(`unknown suite ${JSON.stringify(name)}; available: ${available.join(", ")}`);
      process.exit(2);
    }
  }
  const selected = options.suites.length > 0 ? available.filter((n) => options.suites.includes(n)) : available;
  const machine = machineInfo();
  machine.busyBefore = await busyFraction(500);
  console.log(`node ${machine.node} on ${machine.cpu} (${machine.cores} cores), ${machine.date}${options.quick ? ", quick" : ""}`);
  if (machine.busyBefore > 0.2) {
    console.warn(
      `warning: the machine is ${Math.round(100 * machine.busyBefore)}% busy before the benchmarks start ` +
        `(load average ${os.loadavg()[0].toFixed(1)}); times will be noisy, ratios less so`,
    );
  }

  const stored = readStored();
  let failed = 0;
  const runs = options.nodes.length === 0
    ? selected.map((name) => ({ name, key: name, node: process.execPath }))
    : selected.flatMap((name) => options.nodes.map((node) => ({ name, key: `${name} (node ${nodeVersion(node).split(".")[0].slice(1)})`, node })));
  for (const { name, key, node } of runs) {
    console.log(`\n== ${key}`);
    const started = Date.now();
    const outcome = await runSuite(`${benchDir}${name}${SUFFIX}`, options.quick, node);
    if (!outcome.ok) {
      failed++;
      console.error(`suite ${name} failed:\n${outcome.error}`);
      continue;
    }
    const result = outcome.result;
    console.log(formatTable(result.rows));
    if (result.headline) console.log(`\n  ${result.headline}`);
    for (const note of result.notes ?? []) console.log(`  - ${note}`);
    console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    const ran = node === process.execPath ? machine : { ...machine, node: nodeVersion(node), v8: nodeVersion(node, "process.versions.v8") };
    stored.suites[key] = { ...result, date: new Date().toISOString(), quick: options.quick, machine: ran };
  }
  stored.updated = new Date().toISOString();
  fs.writeFileSync(resultsJson, `${JSON.stringify(stored, null, 2)}\n`);
  fs.writeFileSync(resultsMd, renderMarkdown(stored) + keptSection());
  console.log(`\nwrote ${fileURLToPath(resultsMd)} and results.json`);
  if (failed > 0) process.exitCode = 1;
}

function nodeVersion(node, expression = "process.version") {
  return execFileSync(node, ["-p", expression], { encoding: "utf8" }).trim();
}

function runSuite(file, quick, node) {
  return new Promise((resolve) => {
    let message = null;
    const child = fork(self, ["--child", file, ...(quick ? ["--quick"] : [])], {
      execPath: node,
      // Suites may time with process.cpuUsage(): keep the collector's work on the main thread.
      execArgv: ["--expose-gc", "--single-threaded-gc"],
      env: { ...process.env, SPICKLE_BENCH_QUICK: quick ? "1" : "0" },
    });
    child.on("message", (m) => (message = m));
    child.on("exit", (code, signal) => {
      if (message !== null) resolve(message);
      else resolve({ ok: false, error: `child exited with ${signal ?? code} before reporting` });
    });
  });
}

function readStored() {
  try {
    const stored = JSON.parse(fs.readFileSync(resultsJson, "utf8"));
    if (stored && typeof stored.suites === "object") return stored;
  } catch {}
  return { updated: null, suites: {} };
}

/** Fraction of all CPU time spent busy over the next `ms` milliseconds (other processes' load). */
async function busyFraction(ms) {
  const sample = () => os.cpus().reduce((acc, cpu) => {
    const { idle, ...rest } = cpu.times;
    acc.idle += idle;
    acc.total += idle + Object.values(rest).reduce((a, b) => a + b, 0);
    return acc;
  }, { idle: 0, total: 0 });
  const before = sample();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = sample();
  const total = after.total - before.total;
  return total > 0 ? Math.round((1000 * (total - (after.idle - before.idle))) / total) / 1000 : 0;
}

function machineInfo() {
  const cpus = os.cpus();
  let commit = null;
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: benchDir, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: benchDir, encoding: "utf8" });
    if (dirty.trim() !== "") commit += "+dirty";
  } catch {}
  return {
    node: process.version,
    v8: process.versions.v8,
    cpu: cpus[0]?.model?.trim() ?? "unknown",
    cores: cpus.length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    commit,
    date: new Date().toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------
// Formatting.

const COLUMNS = [
  { title: "benchmark", get: (r) => r.name },
  { title: "time ms", get: (r) => fmtMs(r.ours), right: true },
  { title: "baseline", get: (r) => r.baseline },
  { title: "base ms", get: (r) => fmtMs(r.base), right: true },
  { title: "ratio", get: (r) => `${r.ratio.toFixed(2)}x`, right: true },
  { title: "note", get: (r) => r.note ?? "" },
];

function fmtMs(ms) {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

function formatTable(rows) {
  const cells = rows.map((row) => COLUMNS.map((c) => String(c.get(row))));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((r) => r[i].length)));
  const line = (values) =>
    "  " +
    values
      .map((v, i) => (COLUMNS[i].right ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(COLUMNS.map((c) => c.title)), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

function renderMarkdown(stored) {
  const out = [
    "# spickle benchmark results",
    "",
    "Latest run of each suite (`pnpm bench`, or `node scripts/bench/run.mjs [--suite name] [--quick]`).",
    "Generated by scripts/bench/run.mjs; times are medians in milliseconds, ratio = time / base " +
      "(each suite's notes say how it times and how it forms ratios).",
    "",
  ];
  for (const name of Object.keys(stored.suites).sort()) {
    const s = stored.suites[name];
    const m = s.machine ?? {};
    out.push(`## ${name}`, "");
    out.push(
      `${s.date}${s.quick ? " (quick)" : ""} — node ${m.node} (V8 ${m.v8}), ${m.cpu}, ${m.cores} cores, ` +
        `${m.memoryGB} GB, ${m.platform}${m.commit ? `, commit ${m.commit}` : ""}` +
        (m.busyBefore !== undefined ? `; machine ${Math.round(100 * m.busyBefore)}% busy at start` : ""),
      "",
    );
    if (s.headline) out.push(`**${s.headline}**`, "");
    out.push(`| ${COLUMNS.map((c) => c.title).join(" | ")} |`);
    out.push(`|${COLUMNS.map((c) => (c.right ? "---:" : "---")).join("|")}|`);
    for (const row of s.rows) out.push(`| ${COLUMNS.map((c) => escapeCell(String(c.get(row)))).join(" | ")} |`);
    if (s.notes?.length) out.push("", ...s.notes.map((n) => `- ${n}`));
    out.push("");
  }
  return out.join("\n");
}

/** The hand-kept part of results.md (from FIGURES on: the measurements behind choices in the
 * code, which comments and READMEs cite instead of quoting numbers), carried over as it is. */
const FIGURES = "## Figures behind the code";

function keptSection() {
  let text;
  try {
    text = fs.readFileSync(resultsMd, "utf8");
  } catch {
    return "";
  }
  const at = text.indexOf(`\n${FIGURES}\n`);
  return at < 0 ? "" : text.slice(at);
}

function escapeCell(text) {
  return text.replace(/\|/g, "\\|");
}

// ---------------------------------------------------------------------------------------------

if (process.argv[2] === "--child") await runChild(process.argv[3], process.argv.includes("--quick"));
else await main(process.argv.slice(2));
