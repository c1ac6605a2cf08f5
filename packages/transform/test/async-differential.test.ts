// Async differential tests: every async corpus program, run natively and compiled, must log the
// same events in the same order — its own entries (interleaved across concurrent async functions
// and native promises), its outcome, and the unhandled rejections Node reports.

import { isTask } from "@spickle/runtime";
import { describe, expect, test } from "vitest";
import type { AsyncCase } from "./support/async-case.js";
import { traceAsync } from "./support/async-trace.js";
import { asyncCorpusNames, loadAsyncCorpus } from "./support/async-corpus.js";

const files = await loadAsyncCorpus();

test("the async corpus has at least 200 programs", () => {
  expect(asyncCorpusNames().length).toBeGreaterThan(0);
  expect(files.reduce((n, f) => n + f.native.cases.length, 0)).toBeGreaterThanOrEqual(200);
});

describe.each(files.map((f) => [f.name, f] as const))("async-corpus/%s.ts", (_, file) => {
  test("case names are unique and each runs natively, deterministically", async () => {
    const names = file.native.cases.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const gcase of file.native.cases) {
      expect(await traceAsync(gcase, file.native.log), gcase.name).toStrictEqual(await traceAsync(gcase, file.native.log));
    }
  });

  test.each(file.native.cases.map((c) => [c.name, c] as const))("%s", async (name, gcase) => {
    if (file.loadError) throw file.loadError;
    const ccase = file.compiled!.cases.find((c: AsyncCase) => c.name === name)!;
    const expected = await traceAsync(gcase, file.native.log);
    const actual = await traceAsync(ccase, file.compiled!.log);
    expect(actual).toStrictEqual(expected);
  });

  test("compiled async functions return tasks", async () => {
    if (file.loadError) throw file.loadError;
    const probe = file.compiled!.probe as (() => unknown) | undefined;
    expect(probe, "the corpus file exports a probe async function").toBeTypeOf("function");
    const made = probe!();
    expect(isTask(made)).toBe(true);
    expect(made).toBeInstanceOf(Promise);
    await made;
  });
});
