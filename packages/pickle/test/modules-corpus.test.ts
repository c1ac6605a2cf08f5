// The closure corpus through modules by value: each case's `make` and `use` are pickled and loaded
// in fresh mode — a new instance of the corpus module rebuilt from its restore form, with only the
// module-level bindings they reference — and must observe what the native program observes.

import { describe, expect, test } from "vitest";
import { closureOf, moduleOf } from "@spickle/runtime";
import { dumps, loads } from "@spickle/pickle";
import { compileCorpus, corpusNames, importCompiled, loadNative, observe, type CorpusFile } from "../../transform/test/closures/harness.js";

interface Loaded {
  name: string;
  native: CorpusFile;
  compiled: CorpusFile;
}

const files: Loaded[] = [];
for (const name of corpusNames()) {
  files.push({ name, native: await loadNative(name), compiled: await importCompiled(name, compileCorpus(name), "by-value") });
}

describe.each(files.map((f) => [f.name, f] as const))("modules by value: closures/corpus/%s.ts", (_, file) => {
  test.each(file.native.cases.map((c, i) => [c.name, i] as const))("%s", async (_, index) => {
    const nativeCase = file.native.cases[index]!;
    const compiledCase = file.compiled.cases[index]!;
    const expected = await observe(async () => nativeCase.use(await nativeCase.make()));
    const [make, use] = loads(dumps([compiledCase.make, compiledCase.use]), { modules: "fresh" }) as [() => unknown, (m: unknown) => unknown];
    const record = moduleOf(closureOf(make)!.registry)!;
    expect(record.restored).toBe(true);
    expect(record.initialized("cases")).toBe(false); // the case list itself is not written
    expect(await observe(async () => use(await make())), "restored").toStrictEqual(expected);
  });
});
