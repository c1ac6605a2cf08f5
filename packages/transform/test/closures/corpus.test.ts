// Every corpus program, run natively, compiled, and compiled with its closures extracted as
// data, structured-cloned and re-created in a fresh instance of the compiled module, observes
// the same.

import { describe, expect, test } from "vitest";
import { closureOf, type SiteRegistry } from "@spickle/runtime";
import {
  compileCorpus, corpusNames, extract, importCompiled, loadNative, moduleIdOf, observe, rebuild, type CorpusFile,
} from "./harness.js";

interface Loaded {
  name: string;
  native: CorpusFile;
  original?: CorpusFile;
  maker?: CorpusFile;
  fresh?: CorpusFile;
  error?: unknown;
}

const files: Loaded[] = [];
for (const name of corpusNames()) {
  const native = await loadNative(name);
  try {
    const code = compileCorpus(name);
    files.push({
      name, native,
      original: await importCompiled(name, code, "original"),
      maker: await importCompiled(name, code, "maker"),
      fresh: await importCompiled(name, code, "fresh"),
    });
  } catch (error) {
    files.push({ name, native, error });
  }
}

function registryOf(file: CorpusFile): SiteRegistry {
  const data = closureOf(file.cases[0]!.make);
  if (data === undefined) throw new Error("the cases' make functions are not tagged");
  return data.registry;
}

describe.each(files.map((f) => [f.name, f] as const))("closures/corpus/%s.ts", (_, file) => {
  test("case names are unique", () => {
    const names = file.native.cases.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  test.each(file.native.cases.map((c, i) => [c.name, i] as const))("%s", async (_, index) => {
    if (file.error !== undefined) throw file.error;
    const nativeCase = file.native.cases[index]!;
    const expected = await observe(async () => nativeCase.use(await nativeCase.make()));

    const originalCase = file.original!.cases[index]!;
    expect(await observe(async () => originalCase.use(await originalCase.make())), "compiled").toStrictEqual(expected);

    const made = await file.maker!.cases[index]!.make();
    const { data, handles } = extract(made);
    const cloned = structuredClone(data);
    const registries = new Map([[moduleIdOf(file.name), registryOf(file.fresh!)]]);
    const rebuilt = rebuild(cloned, handles, registries);
    const freshCase = file.fresh!.cases[index]!;
    expect(await observe(() => freshCase.use(rebuilt)), "rebuilt").toStrictEqual(expected);
  });
});
