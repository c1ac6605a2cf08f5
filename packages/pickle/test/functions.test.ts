import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { compile } from "@spickle/transform";
import { dumps, loads, ReducerRegistry } from "@spickle/pickle";

// Functions of compiled code in snapshots: closures as (module, function id, scope) re-created by
// their module's factory, bound functions as (target, this, args). The module is used by
// reference or live: the loading process has it loaded.
const source = `
export function makeCounter(step: number) {
  let count = 0;
  return { inc: () => (count += step), read: () => count };
}
export function* ticker(label: string) {
  let n = 0;
  const stamp = (x: number) => \`\${label}:\${x}:\${n}\`;
  for (const x of [1, 2, 3, 4]) {
    n += x;
    yield stamp(x);
  }
  return stamp(0);
}
export function greet(this: { name: string }, greeting: string, punct: string) {
  return \`\${greeting}, \${this.name}\${punct}\`;
}
export const bound = greet.bind({ name: "Ada" }, "Hello");
export const TempProto = { unit: "C" };
export function makeTemp(c: number) {
  return Object.assign(Object.create(TempProto), { c });
}
export function restoreTemp(c: number) {
  return makeTemp(c + 1000);
}
`;

const dir = new URL("./.gen/", import.meta.url);
const modulePath = fileURLToPath(new URL("functions-program.mjs", dir));

async function load() {
  mkdirSync(dir, { recursive: true });
  writeFileSync(modulePath, compile(source, { filename: "program.ts", moduleId: "test/program.ts" }).code);
  return import(modulePath);
}

describe("functions of compiled code in snapshots", () => {
  test("closures that share a captured variable still share it after loading", async () => {
    const { makeCounter } = await load();
    const counter = makeCounter(5);
    counter.inc();
    const copy = loads(dumps(counter)) as { inc(): number; read(): number };
    expect(copy.inc).not.toBe(counter.inc);
    expect(copy.read()).toBe(5);
    expect(copy.inc()).toBe(10);
    expect(copy.read()).toBe(10); // the copies share one scope …
    expect(counter.read()).toBe(5); // … which is not the original's
  });

  test("a reducer's restore function of compiled code travels with carryRestorers; only a trusted load uses it", async () => {
    const { TempProto, makeTemp, restoreTemp } = await load();
    const reducers = new ReducerRegistry().register({ prototype: TempProto }, { name: "test.Temp", reduce: (t: { c: number }) => t.c, restore: restoreTemp });
    const carried = dumps([makeTemp(3)], { reducers, carryRestorers: true, serializableModules: [] });
    const [t] = loads(carried) as [{ c: number }];
    expect(Object.getPrototypeOf(t)).toBe(TempProto);
    expect(t.c).toBe(1003);
    expect(() => loads(carried, { allowCode: false })).toThrow(/^no reducer named "test\.Temp" is registered \(register it in the loading process\)$/);
    expect((loads(carried, { allowCode: false, reducers }) as [{ c: number }])[0].c).toBe(1003);
    // Without carryRestorers the snapshot names the reducer only.
    expect(() => loads(dumps([makeTemp(3)], { reducers, serializableModules: [] }))).toThrow(/no reducer named "test\.Temp"/);
    // A restore function that is not compiled code is never carried: the loading process registers it.
    const plain = new ReducerRegistry().register({ prototype: TempProto }, { name: "test.Temp", reduce: (x: { c: number }) => x.c, restore: (c: number) => makeTemp(c) });
    expect(() => loads(dumps([makeTemp(3)], { reducers: plain, carryRestorers: true, serializableModules: [] }))).toThrow(/no reducer named "test\.Temp"/);
  });

  test("a module-level function is the module's own; a bound function keeps what it binds", async () => {
    const { greet, bound } = await load();
    const [g, b] = loads(dumps([greet, bound])) as [Function, (p: string) => string];
    expect(g).toBe(greet);
    expect(b).not.toBe(bound);
    expect(b("!")).toBe("Hello, Ada!");
  });

  test("a function's own properties: a live declaration keeps its own, a re-made one gets the snapshot's", async () => {
    const { greet, makeCounter } = await load();
    const { inc } = makeCounter(1) as { inc: Function & { label?: string } };
    (greet as Function & { label?: string }).label = "at dump";
    inc.label = "at dump";
    const bytes = dumps([greet, inc]);
    (greet as Function & { label?: string }).label = "now";
    const [g, i] = loads(bytes) as [Function & { label?: string }, Function & { label?: string }];
    expect(g).toBe(greet);
    expect(g.label).toBe("now");
    expect(i).not.toBe(inc);
    expect(i.label).toBe("at dump");
    const [fresh] = loads(bytes, { modules: "fresh" }) as [Function & { label?: string }];
    expect(fresh).not.toBe(greet);
    expect(fresh.label).toBe("at dump");
    delete (greet as Function & { label?: string }).label;
  });

  test("a suspended generator with closures continues in another process", async () => {
    const { ticker } = await load();
    const gen = ticker("t");
    expect([gen.next().value, gen.next().value]).toEqual(["t:1:1", "t:2:3"]);
    const snapshot = fileURLToPath(new URL("ticker.snapshot", dir));
    writeFileSync(snapshot, dumps(gen));
    const pickle = fileURLToPath(new URL("../dist/index.js", import.meta.url));
    const script = `
      await import(${JSON.stringify(modulePath)});
      const { loads } = await import(${JSON.stringify(pickle)});
      const gen = loads((await import("node:fs")).readFileSync(${JSON.stringify(snapshot)}));
      console.log(JSON.stringify([...gen, gen.next()]));`;
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(JSON.parse(output)).toEqual(["t:3:6", "t:4:10", { done: true }]);
    expect([...gen]).toEqual(["t:3:6", "t:4:10"]);
  });

  test("a function whose module goes by reference and is not loaded fails clearly on load", async () => {
    const { makeCounter } = await load();
    // By reference (no module by value); modules.test.ts covers the default, modules by value.
    const bytes = dumps(makeCounter(1), { serializableModules: [] });
    const pickle = fileURLToPath(new URL("../dist/index.js", import.meta.url));
    const script = `
      const { loads } = await import(${JSON.stringify(pickle)});
      try { loads(Buffer.from(${JSON.stringify(Buffer.from(bytes).toString("base64"))}, "base64")); }
      catch (e) { console.log(e.message); }`;
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(output.trim()).toBe("the snapshot needs function test/program.ts#makeCounter.inc, but module test/program.ts is not loaded");
  });
});
