// A generator paused in one process and continued in another:
//   demo.ts run                 runs the pipeline to the end
//   demo.ts pause <file> <n>    runs n steps, then writes the suspended generator to <file>
//   demo.ts resume <file>       continues from <file> in this (fresh) process
// The snapshot holds the generator's frames, the Map and strings they reach, and its functions as
// (module, function id, scope); the resuming process has this program's modules loaded (by
// reference), and re-creates the functions from them.

import { readFileSync } from "node:fs";
import { dumps, loads, writeSnapshotFile } from "spickle";
import { POEM, wordStats, type Report } from "./word-stats.js";

type Stats = Generator<Report, Map<string, number>, void>;

function print(result: IteratorResult<Report, Map<string, number>>): void {
  if (result.done) console.log(`done: ${result.value.size} distinct words`);
  else console.log(`line ${result.value.line}: ${result.value.words} words, most frequent so far "${result.value.top}"`);
}

function runToEnd(gen: Stats): void {
  for (let result = gen.next(); ; result = gen.next()) {
    print(result);
    if (result.done) return;
  }
}

const [command, file, steps] = process.argv.slice(2);
if (command === "run") {
  runToEnd(wordStats(POEM));
} else if (command === "pause") {
  const gen = wordStats(POEM);
  for (let i = 0; i < Number(steps); i++) print(gen.next());
  writeSnapshotFile(file!, dumps(gen, { header: { entry: "examples/frames/demo.ts" } }));
  console.log(`paused after ${steps} steps: wrote ${readFileSync(file!).length} bytes to ${file}`);
} else if (command === "resume") {
  const gen = loads(readFileSync(file!)) as Stats;
  console.log(`resumed from ${file}`);
  runToEnd(gen);
} else {
  console.error("usage: demo.ts run | pause <file> <steps> | resume <file>");
  process.exit(2);
}
