// Frames as data, across processes:
//   demo.ts run                 runs the pipeline to the end
//   demo.ts pause <file> <n>    runs n steps, then writes the suspended generator to <file>
//   demo.ts resume <file>       continues from <file> in this (fresh) process
// The file holds the frame stack as plain data; objects the frames point at are pickled by value,
// and this module's functions are named (the resuming process imports the module by reference).

import { readFileSync } from "node:fs";
import { captureGenerator, dumps, frameStack, loads, restoreGenerator, writeSnapshotFile, type GeneratorData } from "spickle";
import { POEM, wordStats, type Report } from "./word-stats.js";

type Handle = { fn: string } | { value: number };

/** Functions and prototypes the frames use, by name: resolvable in any process that imports them. */
function namedFunctions(): Map<string, unknown> {
  const probe = wordStats("");
  const [frame] = frameStack(probe);
  return new Map<string, unknown>([
    ["wordStats", wordStats],
    ["wordStats.body", frame!.body],
    ["wordStats.prototype", Object.getPrototypeOf(probe)],
  ]);
}

function print(result: IteratorResult<Report, Map<string, number>>): void {
  if (result.done) console.log(`done: ${result.value.size} distinct words`);
  else console.log(`line ${result.value.line}: ${result.value.words} words, most frequent so far "${result.value.top}"`);
}

function runToEnd(gen: Generator<Report, Map<string, number>, void>): void {
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
  const names = new Map([...namedFunctions()].map(([name, value]) => [value, name]));
  const values: unknown[] = [];
  const data = captureGenerator(gen, (value): Handle => {
    const name = names.get(value);
    return name !== undefined ? { fn: name } : { value: values.push(value) - 1 };
  });
  writeSnapshotFile(file!, dumps({ data, values }, { header: { entry: "examples/frames/demo.ts" } }));
  console.log(`paused after ${steps} steps: wrote ${readFileSync(file!).length} bytes to ${file}`);
} else if (command === "resume") {
  const { data, values } = loads(readFileSync(file!)) as { data: GeneratorData; values: unknown[] };
  const functions = namedFunctions();
  const gen = restoreGenerator(data, (handle) => {
    const h = handle as Handle;
    return "fn" in h ? functions.get(h.fn) : values[h.value];
  }) as Generator<Report, Map<string, number>, void>;
  console.log(`resumed from ${file}`);
  runToEnd(gen);
} else {
  console.error("usage: demo.ts run | pause <file> <steps> | resume <file>");
  process.exit(2);
}
