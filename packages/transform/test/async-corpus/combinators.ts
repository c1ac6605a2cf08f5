// Promise.all / allSettled / race / any over compiled calls, native promises and values.
import type { AsyncCase } from "../support/async-case.js";

export const log: unknown[] = [];

export async function probe(): Promise<unknown[]> {
  return Promise.all([work("p", 1)]);
}

async function work(name: string, steps: number): Promise<string> {
  for (let i = 0; i < steps; i++) {
    log.push(`${name} ${i}`);
    await null;
  }
  return name;
}

async function fail(name: string, steps: number): Promise<never> {
  for (let i = 0; i < steps; i++) await null;
  log.push(`${name} fails`);
  throw new Error(name);
}

const tick = (label: string) => Promise.resolve().then(() => log.push(`tick ${label}`));

export const cases: AsyncCase[] = [];
const kinds = ["all", "allSettled", "race", "any"] as const;
type Kind = (typeof kinds)[number];
const combine = (kind: Kind, items: Promise<unknown>[]): Promise<unknown> =>
  kind === "all" ? Promise.all(items) : kind === "allSettled" ? Promise.allSettled(items) : kind === "race" ? Promise.race(items) : Promise.any(items);

const shapes: [string, () => Promise<unknown>[]][] = [
  ["three helpers", () => [work("a", 1), work("b", 2), work("c", 3)]],
  ["three helpers, reversed lengths", () => [work("a", 3), work("b", 2), work("c", 1)]],
  ["one fails first", () => [work("a", 2), fail("f", 1), work("c", 3)]],
  ["one fails last", () => [work("a", 1), fail("f", 4), work("c", 2)]],
  ["all fail", () => [fail("x", 1), fail("y", 2)]],
  ["empty", () => []],
  ["values and tasks", () => [1 as unknown as Promise<unknown>, work("t", 1), "s" as unknown as Promise<unknown>]],
  ["native promises and tasks", () => [Promise.resolve("n"), work("t", 2), tick("in")]],
  ["settled tasks", () => [work("s0", 0), work("s1", 0)]],
  ["nested combinators", () => [Promise.all([work("i", 1), work("j", 2)]), work("k", 1)]],
  ["fan-out of ten", () => Array.from({ length: 10 }, (_, i) => work(`w${i}`, i % 3))],
];
for (const kind of kinds) {
  for (const [shape, make] of shapes) {
    if (kind === "race" && shape === "empty") continue; // never settles
    cases.push({ name: `${kind}: ${shape}`, foreign: true, run: async () => { const r = combine(kind, make()); tick("after"); return await r; } });
    cases.push({ name: `${kind}: ${shape}, awaited`, foreign: shape.includes("native"), run: async () => await combine(kind, make()) });
    cases.push({ name: `${kind}: ${shape}, then`, run: () => combine(kind, make()).then((v) => { log.push(["then", v]); return v; }, (e) => { log.push(["caught", String(e)]); return "c"; }) });
  }
}
cases.push({ name: "all over an iterable of a generator", run: async () => Promise.all((function* () { yield work("g1", 1); yield work("g2", 1); })()) });
cases.push({ name: "all rejects on a throwing iterator", run: async () => { try { await Promise.all({ [Symbol.iterator]() { throw new Error("iter"); } } as Iterable<unknown>); } catch (e) { log.push((e as Error).message); } return 1; } });
cases.push({ name: "race unhandled loser", run: async () => { const r = await Promise.race([work("w", 1), fail("l", 3)]); return r; } });
