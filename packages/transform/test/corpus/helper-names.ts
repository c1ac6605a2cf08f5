// User bindings named like the helpers of compilers (regenerator's own test suite declares
// `regeneratorRuntime`): they stay the user's.
import type { GenCase } from "../support/case.js";

const regeneratorRuntime = {
  mark<T>(value: T): string[] {
    return ["user mark", String(value)];
  },
  wrap: "user wrap",
};

function* usesRegeneratorRuntime(): Generator<unknown, unknown, unknown> {
  yield regeneratorRuntime.mark(yield "first");
  return regeneratorRuntime.wrap;
}

function* shadowsRegeneratorRuntime(): Generator<unknown, unknown, unknown> {
  const regeneratorRuntime = { mark: (v: unknown) => `inner ${String(v)}` };
  return regeneratorRuntime.mark(yield 1);
}

export const atModuleLevel = regeneratorRuntime.mark("module");

export const cases: GenCase[] = [
  { name: "a module-level binding named regeneratorRuntime", make: () => usesRegeneratorRuntime(), sends: [0, "sent"] },
  { name: "a local binding named regeneratorRuntime", make: () => shadowsRegeneratorRuntime(), sends: [0, "x"] },
  { name: "module code calling a binding named regeneratorRuntime", make: () => usesRegeneratorRuntime(), check: () => atModuleLevel },
];
