import { test, expect } from "vitest";
import { mkdirSync, writeFileSync } from "node:fs";
import { compile } from "@spickle/transform";

const src = `
export function* g(a: number, b = 2) {
  let x: any = yield a;
  try { x += yield* other(); } catch (e) { yield e; } finally { yield 'f'; }
  const fs: any[] = [];
  for (let i = 0; i < 3; i++) { const y = i; fs.push(() => y + arguments.length); }
  yield fs.map((f) => f());
  return x;
}
function* other() { const r = yield 1; if (r === 'boom') throw new Error('boom'); return 5 }
export const anon = function* () { yield 1 };
class Base { *m(k: number) { yield 'base' + k } toString() { return 'B' } }
export class C extends Base { *m(k: number) { yield super.toString(); yield* super.m(k); yield k } static *s() { yield this.name } }
export function* deep(n: number): Generator<number, number> { if (n === 0) { yield 0; return 0; } const r = yield* deep(n - 1); return r + 1; }
`;

async function load(name: string, code: string) {
  const dir = new URL("./.gen/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(name, dir), code);
  return import(new URL(name, dir).pathname);
}

function drive(it: Iterator<unknown>, sends: unknown[] = []) {
  const out: unknown[] = [];
  for (let i = 0; i < 50; i++) {
    try {
      const r = it.next(sends[i]);
      out.push(r.value instanceof Array ? JSON.stringify(r.value) : r.value instanceof Error ? "E:" + r.value.message : r.value, r.done);
      if (r.done) break;
    } catch (e) { out.push("threw:" + (e as Error).message); break; }
  }
  return out;
}

test("compiled matches native", async () => {
  const out = compile(src, { filename: "smoke.ts", moduleId: "smoke.ts" });
  const compiled = await load("smoke.mjs", out.code);
  const { transformSync } = await import("@babel/core");
  const native = await load("smoke-native.mjs", transformSync(src, { filename: "n.ts", presets: ["@babel/preset-typescript"], babelrc: false, configFile: false })!.code!);
  for (const m of [native, compiled]) {
    expect(Object.getPrototypeOf(m.g)).toBe(Object.getPrototypeOf(function* () {}));
  }
  expect(compiled.anon.name).toBe("anon");
  expect(drive(compiled.g(1), [undefined, 10, 20])).toEqual(drive(native.g(1), [undefined, 10, 20]));
  expect(drive(compiled.g(1), [undefined, 10, "boom", 3])).toEqual(drive(native.g(1), [undefined, 10, "boom", 3]));
  expect(drive(new compiled.C().m(7))).toEqual(drive(new native.C().m(7)));
  expect(drive(compiled.C.s())).toEqual(drive(native.C.s()));
  expect(drive(compiled.deep(100))).toEqual(drive(native.deep(100)));
  const g = compiled.g(1);
  expect(Object.getPrototypeOf(g)).toBe(compiled.g.prototype);
  expect(Object.prototype.toString.call(g)).toBe("[object Generator]");
  // deep yield* chain that native generators cannot run
  const it = compiled.deep(1_000_000);
  expect(it.next()).toEqual({ value: 0, done: false });
  expect(it.next()).toEqual({ value: 1_000_000, done: true });
});
