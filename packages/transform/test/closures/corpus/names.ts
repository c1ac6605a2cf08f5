// Function names and lengths as the program sees them, for every way a closure is made: inline
// arguments, declarations, assignments, object properties, defaults (compiled code makes most of
// them through factories or inline copies, which must not change what `name` says).
import type { ClosureCase } from "../case.js";

export const topLevel = (a: number, b: number) => a + b;

function makeAll(label: string) {
  const named = (x: number) => `${label}${x}`;
  const expression = function (x: number) { return `${label}${x}`; };
  let assigned;
  assigned = () => label;
  const holder = { method: () => label, ["computed"]: () => label };
  const anonymous = [(x: number) => x, function () { return label; }];
  const withDefault = (f = () => label) => f;
  return { named, expression, assigned, holder, anonymous, withDefault: withDefault() };
}

const describe = (fns: Record<string, unknown>) =>
  Object.entries(fns).map(([key, f]) => [key, typeof f === "function" ? [f.name, f.length] : Object.values(f as object).map((g) => [(g as Function).name, (g as Function).length])]);

export const cases: ClosureCase[] = [
  { name: "names of closures made every way", make: () => makeAll("n"), use: (made) => describe(made) },
  { name: "a module-level arrow keeps its name", make: () => topLevel, use: (f) => [f.name, f.length, f(1, 2)] },
  { name: "an inline callback is anonymous", make: () => [1].map((x) => () => x)[0], use: (f) => [f.name, f()] },
];
