// The runtime as it is served: one esbuild bundle (dist/bundle.js, built by `pnpm test`).
import { describe, expect, test } from "vitest";

describe("the bundled runtime", () => {
  test("keeps one tagged function of each kind alive, by exporting them", async () => {
    // A bundle turns what the package entry does not export into a local of its one module,
    // which dies once the module has run: the transition chains of tagged functions then die at
    // the next full collection, and closure-heavy code keeps deoptimizing (a map() over a
    // capturing arrow ran at 2.5x native speed under forced collections).
    const bundle = (await import("../dist/bundle.js")) as typeof import("../src/index.js");
    expect(bundle.taggedFunctionKinds.length).toBeGreaterThanOrEqual(9);
    for (const fn of bundle.taggedFunctionKinds) expect((fn as unknown as Record<symbol, unknown>)[bundle.SITE]).toBeTypeOf("function");
  });
});
