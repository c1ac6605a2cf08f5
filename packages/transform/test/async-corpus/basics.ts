// Awaits of values, tasks and native promises; nesting; returns of promises; interleavings.
import type { AsyncCase } from "../support/async-case.js";

export const log: unknown[] = [];
const tick = (label: string) => Promise.resolve().then(() => log.push(`tick ${label}`));

export async function probe(): Promise<number> {
  await null;
  return 1;
}

async function leaf(name: string, n: number): Promise<string> {
  log.push(`${name} start`);
  for (let i = 0; i < n; i++) {
    await i;
    log.push(`${name} ${i}`);
  }
  return name;
}

async function middle(name: string): Promise<string> {
  const a = await leaf(`${name}.a`, 2);
  log.push(`${name} got ${a}`);
  const b = await leaf(`${name}.b`, 1);
  return `${a}+${b}`;
}

async function returnsTask(): Promise<string> {
  return leaf("returned", 1);
}

async function returnsNative(): Promise<number> {
  return Promise.resolve(5);
}

async function throwsAfter(n: number): Promise<never> {
  for (let i = 0; i < n; i++) await i;
  throw new Error(`thrown after ${n}`);
}

const thenable = (value: unknown) => ({
  then(resolve: (v: unknown) => void) {
    log.push(`then called ${String(value)}`);
    resolve(value);
  },
});

export const cases: AsyncCase[] = [
  { name: "await a value", run: async () => { log.push(1); await 0; log.push(2); return 3; } },
  { name: "await nothing", run: async () => { log.push(1); return 2; } },
  { name: "sync part runs before the caller continues", run: () => { const t = leaf("x", 2); log.push("caller"); return t; } },
  { name: "two leaves interleave", run: async () => { const a = leaf("a", 3); const b = leaf("b", 3); return [await a, await b]; } },
  { name: "three leaves, awaited in reverse", run: async () => { const a = leaf("a", 1); const b = leaf("b", 2); const c = leaf("c", 3); return [await c, await b, await a]; } },
  { name: "nested awaits", run: () => middle("m") },
  { name: "nested, concurrent", run: async () => { const x = middle("x"); const y = middle("y"); return (await x) + (await y); } },
  { name: "return a task", run: async () => { const r = returnsTask(); const t = leaf("other", 4); return [await r, await t]; } },
  { foreign: true, name: "return a native promise", run: async () => { const r = returnsNative(); tick("a"); tick("b"); tick("c"); return await r; } },
  { foreign: true, name: "interleave with native ticks", run: async () => { tick("1"); await null; tick("2"); await null; log.push("after"); await tick("3"); return "done"; } },
  { foreign: true, name: "native ticks around a leaf", run: async () => { tick("before"); const v = await leaf("l", 2); tick("after"); return v; } },
  { foreign: true, name: "await a thenable", run: async () => { const v = await thenable(7); log.push(v); tick("t"); return v; } },
  { foreign: true, name: "thenable ticks vs native", run: async () => { tick("a"); const p = (async () => await thenable("x"))(); tick("b"); return p; } },
  { foreign: true, name: "await a rejected native promise", run: async () => { try { await Promise.reject(new Error("no")); } catch (e) { log.push((e as Error).message); } return 1; } },
  { name: "throw after awaits", run: () => throwsAfter(2) },
  { name: "throw before any await", run: () => throwsAfter(0) },
  { name: "catch a task's rejection", run: async () => { try { await throwsAfter(1); } catch (e) { log.push(`caught ${(e as Error).message}`); } return "ok"; } },
  { name: "finally around awaits", run: async () => { try { await leaf("in", 1); return "r"; } finally { log.push("fin"); await null; log.push("fin2"); } } },
  { name: "finally overrides return", run: async () => { try { await 1; return "first"; } finally { await 2; log.push("f"); } } },
  { name: "catch then rethrow", run: async () => { try { await throwsAfter(1); } catch (e) { await null; throw new Error(`re ${(e as Error).message}`); } } },
  { name: "unhandled rejection", run: () => { throwsAfter(1); return "left"; } },
  { name: "unhandled rejection, sync throw", run: () => { throwsAfter(0); return "left"; } },
  { name: "rejection handled in a later tick", run: async () => { const t = throwsAfter(0); await null; await null; try { await t; } catch { log.push("late catch"); } return 1; } },
  { foreign: true, name: "rejection handled after a macrotask", run: async () => { const t = throwsAfter(0); await new Promise((r) => setTimeout(r, 1)); try { await t; } catch { log.push("very late catch"); } return 1; } },
  { name: "then on a task", run: () => leaf("t", 2).then((v) => { log.push(`then ${v}`); return v.length; }) },
  { name: "catch on a task", run: () => throwsAfter(1).catch((e: Error) => { log.push(e.message); return "c"; }) },
  { name: "finally on a task", run: () => leaf("f", 1).finally(() => log.push("finally cb")) },
  { foreign: true, name: "Promise.resolve adopts a task", run: async () => { const p = Promise.resolve(leaf("r", 1)); tick("x"); return await p; } },
  { name: "native then chain on a task", run: () => { const t = leaf("c", 1); t.then(() => log.push("one")); t.then(() => log.push("two")); return t.then(() => log.push("three")); } },
  { name: "many awaiters of one task", run: async () => { const t = leaf("shared", 2); const w = async (n: number) => { const v = await t; log.push(`${n} saw ${v}`); }; return Promise.all([w(1), w(2), w(3)]); } },
  { name: "await a settled task twice", run: async () => { const t = leaf("s", 0); await t; log.push("once"); await t; log.push("twice"); return t; } },
  { name: "instanceof Promise", run: () => { const t = leaf("i", 0); log.push(t instanceof Promise, Object.prototype.toString.call(t)); return t; } },
  { name: "async arrow this", run: function (this: unknown) { const self = { v: 1, go() { return (async () => { await null; return (this as { v: number }).v; })(); } }; return self.go(); } },
  { name: "async arrow arguments", run: function (this: unknown) { function outer(..._xs: number[]) { return (async () => { await null; return arguments.length; })(); } return (outer as (...a: number[]) => Promise<number>)(1, 2, 3); } },
  { name: "async function expression", run: async () => { const f = async function named(x: number) { await x; return named.name + x; }; return f(2); } },
  { name: "function name and length", run: () => { async function two(_a: number, _b: number) {} const arrow = async (_x: number) => {}; log.push(two.name, two.length, arrow.name, arrow.length); return two(1, 2); } },
  { name: "async function is not a constructor", run: () => { async function f() {} try { new (f as unknown as new () => object)(); log.push("constructed"); } catch (e) { log.push((e as Error).constructor.name); } return 0; } },
  { name: "default parameters", run: async () => { const f = async (a = 1, b = a + 1) => { await a; return a + b; }; return [await f(), await f(5), await f(5, 0)]; } },
  { name: "destructured parameters", run: async () => { const f = async ({ a, b: [c] }: { a: number; b: number[] }) => { await a; return a + c; }; return f({ a: 1, b: [2] }); } },
  { name: "closures capture locals across awaits", run: async () => { let n = 0; const inc = () => ++n; await null; inc(); await null; inc(); return n; } },
  { name: "awaits in a loop", run: async () => { let sum = 0; for (let i = 0; i < 5; i++) sum += await i; return sum; } },
  { name: "awaits in while and break", run: async () => { let i = 0; while (true) { if ((await i) > 3) break; i++; } return i; } },
  { name: "await in conditions", run: async () => { const r: string[] = []; if (await true) r.push("t"); else r.push("f"); r.push((await 0) ? "x" : "y"); return r; } },
  { name: "await in switch", run: async () => { switch (await 2) { case 1: return "one"; case 2: log.push("two"); await null; return "two"; default: return "d"; } } },
  { name: "await in template and call args", run: async () => { const f = (a: number, b: number) => a * b; return `${await 1}-${f(await 2, await 3)}`; } },
  { name: "await in for-of", run: async () => { const out: number[] = []; for (const x of [1, 2, 3]) out.push(await x * 2); return out; } },
  { name: "recursion", run: async () => { const fib = async (n: number): Promise<number> => (n < 2 ? n : (await fib(n - 1)) + (await fib(n - 2))); return fib(10); } },
  { name: "deep recursion", run: async () => { const down = async (n: number): Promise<number> => (n === 0 ? 0 : 1 + (await down(n - 1))); return down(400); } },
  { name: "await in catch and finally", run: async () => { try { throw new Error("x"); } catch (e) { log.push(await (e as Error).message); } finally { log.push(await "f"); } return 0; } },
  { name: "nested try finally with awaits", run: async () => { try { try { await null; throw new Error("inner"); } finally { await null; log.push("inner fin"); } } catch (e) { log.push((e as Error).message); } finally { log.push("outer fin"); } return 1; } },
  { name: "return from inside finally loop", run: async () => { for (let i = 0; i < 3; i++) { try { await i; if (i === 1) return i; } finally { log.push(`fin ${i}`); } } return -1; } },
  { foreign: true, name: "await a pending native promise", run: async () => { let resolve!: (v: number) => void; const p = new Promise<number>((r) => (resolve = r)); setTimeout(() => resolve(9), 0); return await p; } },
  { foreign: true, name: "await a timer", run: async () => { await new Promise((r) => setTimeout(r, 1)); log.push("woke"); return 1; } },
  { foreign: true, name: "racing two timers and a task", run: async () => { const a = (async () => { await new Promise((r) => setTimeout(r, 5)); log.push("a"); })(); const b = leaf("b", 3); await a; await b; return 1; } },
  { name: "self-resolution is a TypeError", run: async () => { let self!: Promise<unknown>; const f = async () => { await null; return self; }; self = f(); try { await self; } catch (e) { log.push((e as Error).constructor.name); } return 0; } },
  { name: "throwing then getter", run: async () => { const bad = { get then() { log.push("get then"); throw new Error("getter"); } }; try { await bad; } catch (e) { log.push((e as Error).message); } return 1; } },
  { name: "thenable that throws after resolving", run: async () => { const t = { then(res: (v: number) => void) { res(1); throw new Error("ignored"); } }; return await t; } },
  { name: "thenable resolving with a thenable", run: async () => await thenable(thenable(3)) },
  { foreign: true, name: "returning a thenable", run: async () => { const f = async () => thenable("ret"); tick("a"); return f(); } },
];
