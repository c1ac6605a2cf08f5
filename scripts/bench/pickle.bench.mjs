// Pickler benchmark: `dumps`/`loads` of @spickle/pickle against v8.serialize/deserialize (the
// structured-clone serializer Node ships) and msgpackr's structuredClone mode, side by side in
// one process, on four data sets; then the memory each decoder needs, each decode alone in a
// fresh process. Imports the built package: run `npx tsc -b packages/pickle` first.
// Targets on the tree: encode <= 2.5x v8 (aim 1.5x), decode <= 1.0x (aim 0.7x), size <= 0.6x;
// memory while decoding <= 3x (snapshot + rebuilt objects).
//
//   node scripts/bench/pickle.bench.mjs            # the table
//   BENCH_RUNS=15 node scripts/bench/pickle.bench.mjs
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as v8 from "node:v8";
import { dumps, loads } from "@spickle/pickle";
import { median } from "./stats.mjs";

const self = fileURLToPath(import.meta.url);
const pickleEntry = fileURLToPath(import.meta.resolve("@spickle/pickle"));
const { Packr } = await import(pathToFileURL(createRequire(pickleEntry).resolve("msgpackr")).href);
const MiB = 1024 * 1024;

/** A tree of `n` nodes, fan-out 4, each pointing back at its parent (so the graph is cyclic). */
function tree(n) {
  const root = { id: 0, name: "n0", value: 0.5, parent: null, children: [] };
  const nodes = [root];
  for (let i = 1; i < n; i++) {
    const parent = nodes[(i - 1) >> 2];
    const node = { id: i, name: `n${i}`, value: i * 1.5, parent, children: [] };
    parent.children.push(node);
    nodes.push(node);
  }
  return root;
}

const datasets = {
  tree: ["tree 200k nodes, parent pointers", () => tree(200_000)],
  doubles: ["array of 1M doubles", () => Array.from({ length: 1_000_000 }, (_, i) => i * 1.000001 + 0.5)],
  map: ["Map of 100k entries", () => new Map(Array.from({ length: 100_000 }, (_, i) => [`key${i}`, { i, label: `v${i}` }]))],
  bytes: ["Uint8Array 10 MiB", () => new Uint8Array(10 * MiB).map((_, i) => (i * 31) & 0xff)],
};

// One fixed header, so snapshots of equal data are equal bytes (no creation time is compared).
const DUMP_OPTIONS = { header: { created: "bench" } };

function codecs() {
  const sc = new Packr({ structuredClone: true });
  return {
    spickle: { encode: (d) => dumps(d, DUMP_OPTIONS), decode: (b) => loads(b) },
    v8: { encode: (d) => v8.serialize(d), decode: (b) => v8.deserialize(b) },
    msgpackr: { encode: (d) => sc.pack(d), decode: (b) => sc.unpack(b) },
  };
}

/** Median time of each function over `runs` rounds, the functions taking turns within a round
 * so that machine noise hits all of them alike; also the last result of each. */
function medians(fs, runs) {
  const times = fs.map(() => []);
  const results = [];
  for (let i = 0; i < runs; i++) {
    fs.forEach((f, j) => {
      const t = performance.now();
      results[j] = f();
      times[j].push(performance.now() - t);
    });
  }
  return times.map((ts, j) => [median(ts), results[j]]);
}

const round = (x) => Math.round(x * 100) / 100;

function timeRows(label, data, runs) {
  const c = codecs();
  const [[v8Enc, v8Bytes], [ourEnc, ourBytes], [scEnc, scBytes]] = medians([() => c.v8.encode(data), () => c.spickle.encode(data), () => c.msgpackr.encode(data)], runs);
  const [[v8Dec], [ourDec], [scDec]] = medians([() => c.v8.decode(v8Bytes), () => c.spickle.decode(ourBytes), () => c.msgpackr.decode(scBytes)], runs);
  const rows = [];
  for (const [baseline, enc, dec, bytes] of [["v8.serialize", v8Enc, v8Dec, v8Bytes], ["msgpackr structuredClone", scEnc, scDec, scBytes]]) {
    const deBaseline = baseline === "v8.serialize" ? "v8.deserialize" : baseline;
    rows.push(
      { name: `${label}: dumps`, ours: round(ourEnc), baseline, base: round(enc), ratio: round(ourEnc / enc) },
      { name: `${label}: loads`, ours: round(ourDec), baseline: deBaseline, base: round(dec), ratio: round(ourDec / dec) },
      { name: `${label}: size`, ours: ourBytes.length, baseline, base: bytes.length, ratio: round(ourBytes.length / bytes.length), note: "bytes, not ms" },
    );
  }
  return { rows, snapshots: { spickle: ourBytes, v8: v8Bytes, msgpackr: scBytes } };
}

// ---------------------------------------------------------------------------------------------
// Memory while decoding. Each decode runs alone in a fresh process (`--memory codec file`): it
// reads the snapshot, collects garbage, notes RSS, decodes, and reports the peak RSS growth
// during the decode and what the rebuilt value retains (heap + array buffers, after a full GC,
// with the value alive). The peak is Linux's VmHWM, reset just before the decode (getrusage's
// maxRSS cannot be reset, and a child inherits its parent's across fork and exec).

function retainedBytes() {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Peak RSS since the last resetPeakRss(), in bytes. */
function peakRss() {
  const status = fs.readFileSync("/proc/self/status", "utf8");
  return Number(/^VmHWM:\s*(\d+) kB$/m.exec(status)[1]) * 1024;
}

function resetPeakRss() {
  fs.writeFileSync("/proc/self/clear_refs", "5");
}

function measureDecode(codec, file) {
  const bytes = fs.readFileSync(file);
  const decode = codecs()[codec].decode;
  globalThis.gc();
  globalThis.gc();
  const before = retainedBytes();
  const rssBefore = process.memoryUsage.rss();
  resetPeakRss();
  const value = decode(bytes);
  const peak = peakRss();
  globalThis.gc();
  globalThis.gc();
  const rebuilt = retainedBytes() - before;
  if (value === undefined) throw new Error("nothing decoded");
  return { snapshot: bytes.length, rebuilt, peakGrowth: peak - rssBefore };
}

function memoryOf(codec, bytes) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "spickle-bench-")), "snapshot");
  fs.writeFileSync(file, bytes);
  try {
    const out = execFileSync(process.execPath, ["--expose-gc", self, "--memory", codec, file], { encoding: "utf8" });
    return JSON.parse(out);
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

const mib = (x) => Math.round((x / MiB) * 10) / 10;

function memoryRows(label, snapshots) {
  const rows = [];
  const ours = memoryOf("spickle", snapshots.spickle);
  const factor = (m) => round(m.peakGrowth / (m.snapshot + m.rebuilt));
  // Two readings of "3x the snapshot plus the rebuilt objects": peak / (snapshot + rebuilt), and
  // what the decode needs beyond the rebuilt objects, per byte of snapshot.
  const overhead = (m) => round((m.peakGrowth - m.rebuilt) / m.snapshot);
  const describe = (m) => `${factor(m)}x (snapshot ${mib(m.snapshot)} + rebuilt ${mib(m.rebuilt)} MiB; beyond rebuilt ${overhead(m)}x snapshot)`;
  for (const [codec, baseline] of [["v8", "v8.deserialize"], ["msgpackr", "msgpackr structuredClone"]]) {
    const base = memoryOf(codec, snapshots[codec]);
    rows.push({
      name: `${label}: peak RSS growth while decoding`,
      ours: mib(ours.peakGrowth),
      baseline,
      base: mib(base.peakGrowth),
      ratio: round(ours.peakGrowth / base.peakGrowth),
      note: `MiB, not ms; ours ${describe(ours)}, target <= 3x; ${baseline} ${describe(base)}`,
    });
  }
  return rows;
}

export default async function run({ quick } = {}) {
  const runs = Number(process.env.BENCH_RUNS ?? (quick ? 5 : 9));
  const rows = [];
  const memory = process.platform === "linux";
  for (const [label, make] of Object.values(datasets)) {
    const { rows: times, snapshots } = timeRows(label, make(), runs);
    rows.push(...times, ...(memory ? memoryRows(label, snapshots) : []));
  }
  return {
    suite: "pickle",
    rows,
    notes: [
      `median of ${runs} runs; the three codecs take turns within each round, in one process`,
      "dumps/loads include the snapshot envelope (header, CRC-32); msgpackr structuredClone keeps identity but not classes on cycles",
      "memory (Linux only): each decode alone in a fresh process; peak = VmHWM growth during the decode; " +
        "rebuilt = heap + array buffers the result retains after GC; the factor is peak / (snapshot + rebuilt), " +
        "'beyond rebuilt' is (peak - rebuilt) / snapshot; RSS includes V8's young generation (two semi-spaces of up to 16 MiB each on Node 20)",
    ],
  };
}

if (process.argv[2] === "--memory") {
  process.stdout.write(JSON.stringify(measureDecode(process.argv[3], process.argv[4])));
} else if (process.argv[1] === self) {
  const { rows } = await run({ quick: process.argv.includes("--quick") });
  console.table(rows);
}
