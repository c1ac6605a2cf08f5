// `using` beyond what the differential corpus drives: `await using` in async functions and
// `using` at module top level (corpus/using.ts), native and compiled; and the shape of the
// runtime's SuppressedError, which follows TypeScript's downlevel helpers.
import { usingCtx } from "@spickle/runtime";
import { describe, expect, test } from "vitest";
import { loadCompiled, loadNative } from "./support/compiled.js";
import { normalize } from "./support/trace.js";

type AsyncCase = { name: string; run: () => Promise<unknown>; log: unknown[] };

const native = await loadNative("using");
const compiled = await loadCompiled("using");

async function outcome(c: AsyncCase): Promise<unknown> {
  c.log.length = 0;
  let result: unknown;
  try {
    result = { value: normalize(await c.run()) };
  } catch (e) {
    result = { threw: normalize(e) };
  }
  return { result, log: normalize([...c.log]) };
}

describe("await using", () => {
  const cases = native.asyncCases as AsyncCase[];
  test.each(cases.map((c) => [c.name, c] as const))("%s", async (name, nativeCase) => {
    const compiledCase = (compiled.asyncCases as AsyncCase[]).find((c) => c.name === name)!;
    expect(await outcome(compiledCase)).toStrictEqual(await outcome(nativeCase));
  });
});

test("a module's top-level resources are disposed after its body ran", () => {
  expect(native.moduleEvents).toStrictEqual(["module body ran with object", "module resource disposed"]);
  expect(compiled.moduleEvents).toStrictEqual(native.moduleEvents);
});

describe("disposal errors follow TypeScript's helpers", () => {
  const failing = (name: string) => ({
    [Symbol.dispose]() {
      throw new Error(name);
    },
  });

  test("a disposal error suppresses the body's error, the last one outermost", () => {
    const scope = usingCtx();
    scope.u(failing("first declared"));
    scope.u(failing("second declared"));
    scope.e = new Error("body");
    let thrown: unknown;
    try {
      scope.d();
    } catch (e) {
      thrown = e;
    }
    const outer = thrown as Error & { error: Error; suppressed: Error & { error: Error; suppressed: Error } };
    expect(outer.name).toBe("SuppressedError");
    expect(outer.message).toBe("An error was suppressed during disposal.");
    expect(outer.error.message).toBe("first declared");
    expect(outer.suppressed.name).toBe("SuppressedError");
    expect(outer.suppressed.error.message).toBe("second declared");
    expect(outer.suppressed.suppressed.message).toBe("body");
    expect(scope.resources).toEqual([]);
  });

  test("values that cannot be resources", () => {
    expect(() => usingCtx().u(1)).toThrow(new TypeError("Object expected."));
    expect(() => usingCtx().u({})).toThrow(new TypeError("Object not disposable."));
    expect(usingCtx().u(null)).toBe(null);
  });

  test("the scope is plain data: its resources and pending error are its own fields", () => {
    const scope = usingCtx();
    const resource = failing("x");
    scope.u(resource);
    expect(Object.keys(scope).sort()).toEqual(["error", "hasError", "resources"]);
    expect(scope.resources).toEqual([{ value: resource, dispose: resource[Symbol.dispose], async: false, syncFallback: false }]);
  });
});
