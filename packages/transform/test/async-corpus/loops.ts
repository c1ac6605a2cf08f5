// Awaits in every kind of loop and control construct, with breaks, continues and labels.
import type { AsyncCase } from "../support/async-case.js";

export const log: unknown[] = [];

export async function probe(): Promise<number> {
  let n = 0;
  for (let i = 0; i < 3; i++) n += await i;
  return n;
}

async function value<T>(v: T): Promise<T> {
  await null;
  return v;
}

export const cases: AsyncCase[] = [];
const loops: [string, (n: number) => Promise<unknown>][] = [
  ["for", async (n) => { const out: number[] = []; for (let i = 0; i < n; i++) out.push(await value(i)); return out; }],
  ["for with await in head", async (n) => { let c = 0; for (let i = await value(0); i < (await value(n)); i += await value(1)) c++; return c; }],
  ["while", async (n) => { let i = 0; while (i < n) { log.push(i); i = await value(i + 1); } return i; }],
  ["do-while", async (n) => { let i = 0; do { i = await value(i + 1); } while (i < n); return i; }],
  ["for-of with closures", async (n) => { const fs: (() => number)[] = []; for (const x of Array.from({ length: n }, (_, i) => i)) { await null; fs.push(() => x); } return fs.map((f) => f()); }],
  ["for-in", async (n) => { const o: Record<string, number> = {}; for (let i = 0; i < n; i++) o[`k${i}`] = i; const keys: string[] = []; for (const k in o) keys.push(await value(k)); return keys; }],
  ["break and continue", async (n) => { const out: number[] = []; for (let i = 0; i < n + 3; i++) { if (i % 2) continue; if (i > n) break; out.push(await value(i)); } return out; }],
  ["labeled continue", async (n) => { const out: string[] = []; outer: for (let i = 0; i < n; i++) { for (let j = 0; j < n; j++) { if (j > i) continue outer; out.push(await value(`${i}.${j}`)); } } return out; }],
  ["try in a loop", async (n) => { let caught = 0; for (let i = 0; i < n; i++) { try { if (i % 2) throw new Error(String(i)); await value(i); } catch { caught++; await null; } finally { log.push(`f${i}`); } } return caught; }],
  ["concurrent loops", async (n) => { const a = (async () => { for (let i = 0; i < n; i++) { log.push(`a${i}`); await null; } })(); const b = (async () => { for (let i = 0; i < n; i++) { log.push(`b${i}`); await value(i); } })(); await a; await b; return "both"; }],
  ["sequential helpers", async (n) => { let s = ""; for (let i = 0; i < n; i++) s += await value(String(i)); return s; }],
  ["loop over Promise.all", async (n) => { const out: unknown[] = []; for (let i = 0; i < n; i++) out.push(await Promise.all([value(i), value(-i)])); return out; }],
  ["destructuring in loop head", async (n) => { const out: number[] = []; for (const [a, b] of Array.from({ length: n }, (_, i) => [i, i * 2])) out.push((await value(a!)) + b!); return out; }],
  ["switch in loop", async (n) => { const out: string[] = []; for (let i = 0; i < n; i++) { switch (i % 3) { case 0: out.push(await value("zero")); break; case 1: out.push("one"); continue; default: out.push(await value("two")); } } return out; }],
];
for (const [name, loop] of loops) {
  for (const n of [0, 1, 4]) cases.push({ name: `${name} ×${n}`, run: () => loop(n) });
}
