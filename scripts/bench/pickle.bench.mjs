// Pickler benchmark: encode/decode time and size of @spickle/pickle against v8.serialize (the
// structured-clone serializer Node ships) and msgpackr's structuredClone mode, side by side in
// one process. Imports the built package: run `npx tsc -b packages/pickle` first.
// Targets on the tree: encode <= 2.5x v8 (aim 1.5x), decode <= 1.0x (aim 0.7x), size <= 0.6x.
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as v8 from "node:v8";
import { decodeGraph, encodeGraph } from "@spickle/pickle";

const pickleEntry = fileURLToPath(import.meta.resolve("@spickle/pickle"));
const { Packr } = await import(pathToFileURL(createRequire(pickleEntry).resolve("msgpackr")).href);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

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

const datasets = [
  ["tree 200k nodes, parent pointers", () => tree(200_000)],
  ["array of 1M doubles", () => Array.from({ length: 1_000_000 }, (_, i) => i * 1.000001 + 0.5)],
  ["Map of 100k entries", () => new Map(Array.from({ length: 100_000 }, (_, i) => [`key${i}`, { i, label: `v${i}` }]))],
  ["Uint8Array 10 MiB", () => new Uint8Array(10 * 1024 * 1024).map((_, i) => (i * 31) & 0xff)],
];

/** Median time of each function over RUNS rounds, the functions taking turns within a round so
 * that machine noise hits all of them alike; also the last result of each. */
function medians(fs) {
  const times = fs.map(() => []);
  const results = [];
  for (let i = 0; i < RUNS; i++) {
    fs.forEach((f, j) => {
      const t = performance.now();
      results[j] = f();
      times[j].push(performance.now() - t);
    });
  }
  return times.map((ts, j) => {
    ts.sort((a, b) => a - b);
    return [ts[ts.length >> 1], results[j]];
  });
}

const round = (x) => Math.round(x * 100) / 100;

export default async function run() {
  const rows = [];
  const sc = new Packr({ structuredClone: true });
  for (const [label, make] of datasets) {
    const data = make();
    const [[v8Enc, v8Bytes], [ourEnc, ourBytes], [scEnc, scBytes]] = medians([() => v8.serialize(data), () => encodeGraph(data), () => sc.pack(data)]);
    const [[v8Dec], [ourDec], [scDec]] = medians([() => v8.deserialize(v8Bytes), () => decodeGraph(ourBytes), () => sc.unpack(scBytes)]);
    rows.push(
      { name: `${label}: encode`, ours: round(ourEnc), baseline: "v8.serialize", base: round(v8Enc), ratio: round(ourEnc / v8Enc) },
      { name: `${label}: decode`, ours: round(ourDec), baseline: "v8.deserialize", base: round(v8Dec), ratio: round(ourDec / v8Dec) },
      { name: `${label}: size`, ours: ourBytes.length, baseline: "v8.serialize", base: v8Bytes.length, ratio: round(ourBytes.length / v8Bytes.length), note: "bytes, not ms" },
      { name: `${label}: encode`, ours: round(ourEnc), baseline: "msgpackr structuredClone", base: round(scEnc), ratio: round(ourEnc / scEnc) },
      { name: `${label}: decode`, ours: round(ourDec), baseline: "msgpackr structuredClone", base: round(scDec), ratio: round(ourDec / scDec) },
      { name: `${label}: size`, ours: ourBytes.length, baseline: "msgpackr structuredClone", base: scBytes.length, ratio: round(ourBytes.length / scBytes.length), note: "bytes, not ms" },
    );
  }
  return { suite: "pickle", rows };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { rows } = await run();
  console.table(rows);
}
