import { expect, test } from "vitest";
import { compile } from "@spickle/transform";
import { isCompiledGenerator, isCompiledGeneratorFunction, frameStack } from "@spickle/runtime";
import { mkdirSync, writeFileSync } from "node:fs";

async function load(source: string, name: string) {
  const dir = new URL("./.gen/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(name, dir), compile(source, { filename: name, moduleId: name }).code);
  return import(new URL(name, dir).pathname);
}

test("compiled generator functions are told apart from plain and native ones", async () => {
  const m = await load("export function* g() { yield 1 }\nexport function f() {}\nexport class C { *m() {} }\n", "kinds.mjs");
  expect(isCompiledGeneratorFunction(m.g)).toBe(true);
  expect(isCompiledGeneratorFunction(m.C.prototype.m)).toBe(true);
  expect(isCompiledGeneratorFunction(m.f)).toBe(false);
  expect(isCompiledGeneratorFunction(function* native() {})).toBe(false);
  expect(isCompiledGenerator(m.g())).toBe(true);
  expect(isCompiledGenerator((function* () {})())).toBe(false);
});

test("a 1,000,000-deep yield* chain runs (native generators overflow near 4,600)", async () => {
  const m = await load(
    "export function* nest(n) { if (n === 0) { yield 'bottom'; return 0; } return 1 + (yield* nest(n - 1)); }\n",
    "deep.mjs",
  );
  const it = m.nest(1_000_000);
  expect(it.next()).toEqual({ value: "bottom", done: false });
  expect(frameStack(it)).toHaveLength(1_000_001);
  expect(it.next()).toEqual({ value: 1_000_000, done: true });
});
