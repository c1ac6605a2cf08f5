// Frame data at every position: for each corpus case and each step k, run the compiled generator
// k steps, capture its whole frame stack as plain data (objects the frames do not own become
// handles), prove the data is plain (structuredClone), rebuild a generator from the clone and drive
// it to the end — with nothing injected, with return()/throw() injected right after the rebuild,
// and with a second capture/rebuild one step later. Its results must equal the native trace from
// step k on.

import { captureGenerator, isCompiledGenerator, restoreGenerator } from "@spickle/runtime";
import { describe, expect, test } from "vitest";
import type { GenCase } from "./support/case.js";
import { compiledCase, loadCorpus } from "./support/compiled.js";
import { HandleTable, nonPlainPaths } from "./support/frames.js";
import { type Plan, type Step, drive, hasFinished, planName, trace } from "./support/trace.js";


const files = await loadCorpus();

function calls(steps: Step[]): Step[] {
  return steps.filter((s) => s.op !== "make");
}


/** Captures `gen`, proves the data plain, clones it and rebuilds a generator from the clone. */
function captureAndRestore(gen: Iterator<unknown, unknown, unknown>, k: number): Iterator<unknown, unknown, unknown> {
  const table = new HandleTable();
  const data = captureGenerator(gen, table.external);
  const problems = nonPlainPaths(data);
  if (problems.length > 0) throw new Error(`captured frame data is not plain after ${k} steps: ${problems.join("; ")}`);
  return restoreGenerator(structuredClone(data), table.resolve) as Iterator<unknown, unknown, unknown>;
}

/**
 * Runs the compiled case k steps, captures, clones, restores, and drives the rebuilt generator
 * under `plan`. With `again`, the rebuilt generator is advanced one step and then captured and
 * rebuilt once more (a checkpoint of a resumed generator), for the plain plan.
 */
function resumeAt(ccase: GenCase, k: number, plan: Plan, again = false): Step[] | { skipped: string } {
  if (ccase.log) ccase.log.length = 0;
  const gen = ccase.make();
  if (!isCompiledGenerator(gen)) {
    if (Object.prototype.toString.call(gen) === "[object Generator]") throw new Error("make() returned a generator that is not a compiled one");
    return { skipped: "not a generator" };
  }
  const prefix = drive(gen, ccase, { kind: "plain" }, { stopAt: k });
  let finished = hasFinished(prefix);
  const rebuilt = captureAndRestore(gen, k);
  if (!again) return drive(rebuilt, ccase, plan, { startAt: k, finished });
  const first = drive(rebuilt, ccase, plan, { startAt: k, stopAt: k + 1, finished });
  finished ||= hasFinished(first);
  const twice = captureAndRestore(rebuilt, k + 1);
  return [...first, ...drive(twice, ccase, plan, { startAt: k + 1, finished })];
}

const iterationCases = (file: LoadedFile) => file.native.cases.filter((c) => !c.check && !c.identityBound);

describe.each(files.map((f) => [f.name, f] as const))("corpus/%s.ts", (_, file) => {
  test.each(iterationCases(file).map((c) => [c.name, c] as const))("%s", (_name, gcase) => {
    const ccase = compiledCase(file, gcase.name);
    const steps = calls(trace(gcase)).length;
    const differing: { at: string; native: unknown; rebuilt: unknown }[] = [];
    let runs = 0;
    for (let k = 0; k < steps; k++) {
      const plans: Plan[] = gcase.plainOnly ? [{ kind: "plain" }] : [{ kind: "plain" }, { kind: "return", at: k }, { kind: "throw", at: k }];
      const runsAtK: [Plan, boolean][] = plans.map((plan) => [plan, false]);
      if (k + 1 < steps) runsAtK.push([{ kind: "plain" }, true]);
      for (const [plan, again] of runsAtK) {
        const expected = calls(trace(gcase, plan)).slice(k);
        let actual: unknown;
        try {
          actual = resumeAt(ccase, k, plan, again);
        } catch (e) {
          actual = { captureOrRestoreFailed: String((e as Error)?.stack ?? e) };
        }
        if (actual && typeof actual === "object" && "skipped" in actual) return;
        runs++;
        try {
          expect(actual).toStrictEqual(expected);
        } catch {
          differing.push({ at: `k=${k} ${planName(plan)}${again ? " recaptured at k+1" : ""}`, native: expected, rebuilt: actual });
        }
      }
    }
    if (differing.length > 0) {
      const first = differing[0]!;
      expect(first.rebuilt, `${differing.length} of ${runs} resumptions differ (${differing.map((d) => d.at).join(", ")}); first: ${first.at}`).toStrictEqual(first.native);
    }
  });
});
