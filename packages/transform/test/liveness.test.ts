// Liveness-aware locals: a suspended generator's frame holds the bindings the rest of the body
// needs and nothing that died before the suspension; loops without a suspension run as plain JS
// loops (no jump through the driver), reading and writing the frame once around the loop.

import { mkdirSync, writeFileSync } from "node:fs";
import { compile } from "@spickle/transform";
import { frameOf } from "@spickle/runtime";
import { expect, test } from "vitest";

const source = `
export function* tally(n: number) {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const square = i * i;
    if (square > 50) break;
    sum += square;
  }
  const label = "sum " + sum;
  yield label;
  let after = 0;
  for (let j = 0; j < 3; j++) after += j;
  yield sum + after;
  return sum;
}
`;

async function load(code: string): Promise<{ tally: (n: number) => Generator<unknown, unknown, unknown> }> {
  const dir = new URL("./.gen/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL("liveness-tally.mjs", dir);
  writeFileSync(file, code);
  return import(file.pathname);
}

test("a suspended frame holds only the bindings live across the suspension", async () => {
  const { code } = compile(source, { filename: "tally.ts", moduleId: "tally.ts", sourceMaps: false });
  const { tally } = await load(code);
  const gen = tally(20);
  expect(gen.next()).toEqual({ value: "sum 140", done: false });
  const locals = frameOf(gen)!.l;
  // `sum` and `n` are read after the first yield; `i`, `square` and `label` died before it, and
  // `after`/`j` are born after it.
  expect(Object.keys(locals).sort()).toEqual(["n", "sum"]);
  expect(locals.sum).toBe(140);
  expect(gen.next()).toEqual({ value: 143, done: false });
  expect(gen.next()).toEqual({ value: 140, done: true });
});

test("a loop without a suspension is a plain JS loop: its break is not a jump through the driver", () => {
  const { code } = compile(source, { filename: "tally.ts", moduleId: "tally.ts", sourceMaps: false });
  const body = code.slice(code.lastIndexOf("function _tally$body"));
  expect(body).toMatch(/for \(\w+ = 0; \w+ < \w+; \w+\+\+\) \{/);
  expect(body).toMatch(/\bbreak;/);
  expect(body).not.toMatch(/\.a\(3,/);
});
