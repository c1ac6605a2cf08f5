// Differential tests: every corpus program, run natively and compiled, must yield, return and throw
// the same sequence — in its plain run and with `return()` / `throw()` injected at every step.
// SPICKLE_DIFF_COMPILER=regenerator compares against stock Babel regenerator instead (a reference
// with known gaps, used to validate the corpus itself).

import { readFileSync } from "node:fs";
import { isCompiledGenerator } from "@spickle/runtime";
import { describe, expect, test } from "vitest";
import { type Compiler, compiledCase, corpusPath, loadCorpus } from "./support/compiled.js";
import { planName, plansFor, trace } from "./support/trace.js";

const compiler = (process.env.SPICKLE_DIFF_COMPILER ?? "spickle") as Compiler;

const files = await loadCorpus(compiler);


describe.each(files.map((f) => [f.name, f] as const))("corpus/%s.ts", (_, file) => {
  test("case names are unique and the corpus runs natively, deterministically", () => {
    const names = file.native.cases.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const gcase of file.native.cases) {
      const first = trace(gcase);
      expect(trace(gcase), gcase.name).toStrictEqual(first);
      for (const plan of plansFor(gcase, first)) expect(trace(gcase, plan), `${gcase.name} ${planName(plan)}`).toStrictEqual(trace(gcase, plan));
    }
  });

  test.each(file.native.cases.map((c) => [c.name, c] as const))("%s", (_, gcase) => {
    const ccase = compiledCase(file, gcase.name);
    if (compiler === "spickle" && !gcase.check) {
      // A generator the compiler left native would pass trivially: make sure it is a compiled one.
      let made: unknown;
      try {
        made = gcase.make();
      } catch {
        made = undefined; // a make() that throws (parameter defaults) is compared by the traces
      }
      if (Object.prototype.toString.call(made) === "[object Generator]") {
        expect(isCompiledGenerator(ccase.make()), "compiled make() returns a compiled generator").toBe(true);
      }
    }
    const nativePlain = trace(gcase);
    const plans = plansFor(gcase, nativePlain);
    const differing: { plan: string; native: unknown; compiled: unknown }[] = [];
    for (const plan of plans) {
      const expected = plan.kind === "plain" ? nativePlain : trace(gcase, plan);
      const actual = trace(ccase, plan);
      try {
        expect(actual).toStrictEqual(expected);
      } catch {
        differing.push({ plan: planName(plan), native: expected, compiled: actual });
      }
    }
    if (differing.length > 0) {
      const first = differing[0]!;
      expect(first.compiled, `${differing.length} of ${plans.length} plans differ (${differing.map((d) => d.plan).join(" ")}); first: ${first.plan}`).toStrictEqual(first.native);
    }
  });
});

describe("source maps", () => {
  test("an error thrown inside a compiled generator points at the original .ts line", () => {
    process.setSourceMapsEnabled(true);
    const file = files.find((f) => f.name === "errors");
    expect(file, "corpus/errors.ts").toBeDefined();
    if (file!.loadError) throw file!.loadError;
    const source = readFileSync(corpusPath("errors"), "utf8").split("\n");
    const line = source.findIndex((l) => l.includes("// STACK-TRACE-LINE")) + 1;
    expect(line).toBeGreaterThan(0);
    const throwing = file!.compiled!.throwsAtKnownLine as () => Iterator<unknown>;
    const gen = throwing();
    gen.next();
    let stack = "";
    try {
      gen.next();
    } catch (e) {
      stack = String((e as Error).stack);
    }
    expect(stack).toContain("boom at a known line");
    expect(stack).toMatch(new RegExp(`errors\\.ts:${line}\\b`));
  });
});
