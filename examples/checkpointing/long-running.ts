// sPickle's example 1, ported: a long-running computation that checkpoints after every step.
// If the process dies, `resume.ts` continues it from the last checkpoint file — in another
// process, possibly on another machine.

import type { CheckpointSupport } from "spickle";

/** The work of one step: the n-th Fibonacci number, the slow way. */
function fibonacci(n: number): number {
  return n < 2 ? n : fibonacci(n - 1) + fibonacci(n - 2);
}

export default function* longRunningFunctionWithCheckpointing(cp: CheckpointSupport, ...args: string[]) {
  console.log(`At program start (args: ${args.join(" ") || "none"})`);
  const crashAfter = Number(args.find((arg) => arg.startsWith("--crash-after="))?.split("=")[1] ?? Infinity);
  const results: number[] = [];
  let step = 0;
  while (step < 8) {
    step++;
    results.push(fibonacci(step + 20));
    console.log(`step ${step}: fibonacci(${step + 20}) = ${results[results.length - 1]}`);
    const checkpoint = yield* cp.checkpoint();
    if (checkpoint.resumed) {
      console.log(`resumed after step ${step} (args: ${checkpoint.args.join(" ") || "none"})`);
    } else if (step === crashAfter) {
      console.log(`simulating a crash after step ${step}; the checkpoint is in ${checkpoint.path}`);
      process.exit(75);
    }
  }
  console.log(`done: ${results.length} results, sum ${results.reduce((a, b) => a + b, 0)}`);
  return results;
}
