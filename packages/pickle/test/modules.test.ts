import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { compile } from "@spickle/transform";
import { closureOf, liveModule, moduleOf, type ModuleRecord } from "@spickle/runtime";
import { dumps, loads, readSnapshotHeader } from "@spickle/pickle";

// Modules by value: a snapshot carries the code (restore form) of the compiled modules its
// functions come from, with the values of the module-level bindings those functions reference.

const a = `
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { describe as describeB } from "./b.mjs";
console.log("a: top-level");
let counter = 0;
const cache = new Map<string, number>();
export const child: ChildProcess = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
export const config = await Promise.resolve({ scale: 10 });
export default { kind: "default-export", child };
export function makeCounter(label: string) {
  return (k: string) => {
    counter++;
    if (!cache.has(k)) cache.set(k, counter * config.scale);
    return \`\${label}:\${describeB(k)}:\${counter}:\${cache.get(k)}:\${cache.size}:\${path.basename(import.meta.url)}\`;
  };
}
export function bump() { return ++counter; }
export function aName() { return "a"; }
export function* steps(n: number) {
  for (let i = 1; i <= n; i++) {
    counter += i;
    yield \`\${i}:\${counter}:\${describeB("g")}\`;
  }
  return "done";
}
`;

const b = `
import { aName } from "./a.mjs";
console.log("b: top-level");
export const seen = new Map<string, number>();
export function describe(k: string) {
  seen.set(k, (seen.get(k) ?? 0) + 1);
  return \`\${aName()}/\${k}#\${seen.get(k)}\`;
}
`;

const versioned = (v: string) => `
let calls = 0;
export function make() { return () => \`${v}:\${++calls}\`; }
`;

const reexporter = `
export { describe as describeAgain } from "./b.mjs";
export * from "./b.mjs";
`;

const viaReexport = `
import { describeAgain, seen } from "./re.mjs";
import * as all from "./re.mjs";
export function make() {
  return (k: string) => \`\${describeAgain(k)}|\${all.describe(k)}|\${seen.get(k)}\`;
}
`;

const extras = `
export function version() { return 1; }
export function upgrade() { (version as unknown) = () => 2; }
export function make() {
  const original = version;
  return {
    both: () => [version(), original()],
    later: () => import("./b.mjs").then((m) => typeof m.describe),
    meta: () => import.meta.url.endsWith("/extras.mjs"),
  };
}
`;

const withClass = `
export const made: string[] = [];
export class Point {
  static count = 0;
  static { made.push("static block"); }
  #x: number;
  constructor(x: number) { this.#x = x; Point.count++; made.push("constructor"); }
  get x() { return this.#x; }
  moved(dx: number) { return new Point(this.#x + dx); }
}
export function make() { return new Point(1).moved(2); }
`;

const genRoot = fileURLToPath(new URL("./.gen/", import.meta.url));
const pickleDist = fileURLToPath(new URL("../dist/index.js", import.meta.url));

interface ModuleA {
  makeCounter(label: string): (k: string) => string;
  bump(): number;
  steps(n: number): Generator<string, string>;
  child: import("node:child_process").ChildProcess;
  default: { kind: string };
}

let dir: string;
let modA: ModuleA;

function write(file: string, source: string, moduleId: string): string {
  const path = join(dir, file);
  writeFileSync(path, compile(source, { filename: join(dir, file.replace(/\.mjs$/, ".ts")), moduleId }).code);
  return path;
}

beforeAll(async () => {
  mkdirSync(genRoot, { recursive: true });
  dir = mkdtempSync(join(genRoot, "modules-"));
  write("a.mjs", a, "app/a.ts");
  write("b.mjs", b, "app/b.ts");
  modA = (await import(/* @vite-ignore */ pathToFileURL(join(dir, "a.mjs")).href)) as ModuleA;
});

afterAll(() => {
  modA?.child.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `script` (ESM) in a new node process whose working folder is a new empty folder. */
function runFresh(script: string): string {
  const cwd = mkdtempSync(join(tmpdir(), "spickle-fresh-"));
  try {
    expect(readdirSync(cwd)).toEqual([]);
    return execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", cwd });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

function loaderScript(snapshot: Uint8Array, body: string): string {
  return `
    const { loads } = await import(${JSON.stringify(pathToFileURL(pickleDist).href)});
    const bytes = Buffer.from(${JSON.stringify(Buffer.from(snapshot).toString("base64"))}, "base64");
    ${body}`;
}

describe("modules by value", () => {
  test("early: a closure of a module with top-level await, a default export expression, a circular import and a child process is rebuilt in a fresh process without its source files", () => {
    const f = modA.makeCounter("t");
    const first = [f("x"), f("y")];
    expect(first[0]).toMatch(/^t:a\/x#1:\d+:\d+:\d:a\.mjs$/);
    const snapshot = dumps(f); // the child process binding is not referenced, so not written
    const hashOf = (id: string) => liveModule(id)!.hash;
    expect(readSnapshotHeader(snapshot).modules).toEqual([
      ["app/a.ts", hashOf("app/a.ts"), true, liveModule("app/a.ts")!.info.url],
      ["app/b.ts", hashOf("app/b.ts"), true, liveModule("app/b.ts")!.info.url],
    ]);
    const copyDir = mkdtempSync(join(genRoot, "copy-"));
    const snapshotFile = join(copyDir, "f.snapshot");
    writeFileSync(snapshotFile, snapshot);
    // What the original would answer next, from an in-process fresh instance (same code, same state).
    const expected = (() => {
      const g = loads(snapshot, { modules: "fresh" }) as (k: string) => string;
      return [g("x"), g("z"), g("x")];
    })();
    const output = runFresh(loaderScript(snapshot, `
      const f = loads(bytes);
      console.log(JSON.stringify([f("x"), f("z"), f("x")]));`));
    rmSync(copyDir, { recursive: true, force: true });
    // Top-level console.logs did not run again; the state (counter, cache, b's Map) continued.
    expect(output.trim().split("\n")).toEqual([JSON.stringify(expected)]);
    const [x2, z, x3] = JSON.parse(output) as string[];
    const counterBefore = Number(first[1]!.split(":")[2]);
    expect(x2).toBe(`t:a/x#2:${counterBefore + 1}:${first[0]!.split(":")[3]}:2:a.mjs`);
    expect(z).toBe(`t:a/z#1:${counterBefore + 2}:${(counterBefore + 2) * 10}:3:a.mjs`);
    expect(x3).toBe(`t:a/x#3:${counterBefore + 3}:${first[0]!.split(":")[3]}:3:a.mjs`);
  });

  test("the snapshot writes only the bindings its functions reference", () => {
    const f = modA.makeCounter("only");
    const copy = loads(dumps(f), { modules: "fresh" }) as (k: string) => string;
    const record = moduleOf(closureOf(copy)!.registry)!;
    expect(record.restored).toBe(true);
    expect(record.initialized("counter")).toBe(true);
    expect(record.initialized("cache")).toBe(true);
    expect(record.read("cache")).toBeInstanceOf(Map);
    // not referenced by the closure: never written, reads as a ReferenceError
    expect(record.initialized("child")).toBe(false);
    expect(() => record.read("child")).toThrow(ReferenceError);
    expect(() => record.read("child")).toThrow(/child is not initialized: module app\/a\.ts was restored from a snapshot that did not write it/);
    expect(() => record.exported("default")).toThrow(ReferenceError);
    // a module-level function that uses an unwritten binding fails the same way
    const steps = record.read("steps") as (n: number) => Generator<string>;
    expect(steps(1).next().value).toMatch(/^1:\d+:a\/g#1$/);
  });

  test("live mode (default) uses the loaded module with the same id and hash; fresh mode rebuilds it", () => {
    const f = modA.makeCounter("m");
    f("k");
    const bytes = dumps(f);
    const live = loads(bytes) as (k: string) => string;
    const liveRecord = moduleOf(closureOf(live)!.registry)!;
    expect(liveRecord).toBe(liveModule("app/a.ts"));
    expect(liveRecord.restored).toBe(false);
    const before = modA.bump();
    live("k");
    expect(modA.bump()).toBe(before + 2); // the live counter moved

    const fresh = loads(bytes, { modules: "fresh" }) as (k: string) => string;
    const freshRecord = moduleOf(closureOf(fresh)!.registry)!;
    expect(freshRecord.restored).toBe(true);
    expect(freshRecord).not.toBe(liveRecord);
    const now = modA.bump();
    const counterInSnapshot = freshRecord.read("counter") as number;
    fresh("k");
    expect(freshRecord.read("counter")).toBe(counterInSnapshot + 1);
    expect(modA.bump()).toBe(now + 1); // the live module did not move
    // two fresh loads are two instances
    const again = loads(bytes, { modules: "fresh" }) as (k: string) => string;
    expect(moduleOf(closureOf(again)!.registry)).not.toBe(freshRecord);
  });

  test("a module with the same id and another hash lives side by side", async () => {
    const v1 = (await import(/* @vite-ignore */ pathToFileURL(write("v1.mjs", versioned("v1"), "app/v.ts")).href)) as { make(): () => string };
    const f1 = v1.make();
    f1();
    const bytes1 = dumps(f1);
    const v2 = (await import(/* @vite-ignore */ pathToFileURL(write("v2.mjs", versioned("v2"), "app/v.ts")).href)) as { make(): () => string };
    const f2 = v2.make();
    const bytes2 = dumps(f2);
    expect(liveModule("app/v.ts")!.hash).not.toBe(moduleOf(closureOf(f1)!.registry)!.hash);
    // live: each snapshot finds its own loaded version
    expect((loads(bytes1) as () => string)()).toBe("v1:2");
    expect((loads(bytes2) as () => string)()).toBe("v2:1");
    expect(f1()).toBe("v1:3");
    // fresh: new instances, side by side with the loaded ones
    const fresh1 = loads(bytes1, { modules: "fresh" }) as () => string;
    const fresh2 = loads(bytes2, { modules: "fresh" }) as () => string;
    expect([fresh1(), fresh2(), fresh1()]).toEqual(["v1:2", "v2:1", "v1:3"]);
    // a process that has neither loaded: the snapshot's code is used
    const output = runFresh(loaderScript(bytes1, `console.log(loads(bytes)());`));
    expect(output.trim()).toBe("v1:2");
  });

  test("allowCode: false refuses a snapshot that carries code", () => {
    const bytes = dumps(modA.makeCounter("c"));
    expect(() => loads(bytes, { allowCode: false })).toThrow(/the snapshot carries code \(module app\/a\.ts\) but code is not allowed \(allowCode: false\)/);
    // by reference: no code, allowed
    const byRef = dumps(modA.makeCounter("c"), { serializableModules: [] });
    expect(typeof loads(byRef, { allowCode: false })).toBe("function");
  });

  test("serializableModules chooses which modules go by value", () => {
    const f = modA.makeCounter("s");
    // only a by value: b is used by reference (live b in the loading process)
    const bytes = dumps(f, { serializableModules: ["app/a.ts"] });
    const copy = loads(bytes, { modules: "fresh" }) as (k: string) => string;
    const record = moduleOf(closureOf(copy)!.registry)!;
    expect(record.restored).toBe(true);
    expect(record.resolve("./b.mjs")).toBe("app/b.ts");
    expect(copy("q")).toMatch(/^s:a\/q#1:/);
    expect(readSnapshotHeader(bytes).modules).toEqual([
      ["app/a.ts", liveModule("app/a.ts")!.hash, true, liveModule("app/a.ts")!.info.url],
      ["app/b.ts", liveModule("app/b.ts")!.hash, false, liveModule("app/b.ts")!.info.url],
    ]);
    expect(dumps(f, { serializableModules: (id) => id !== "app/a.ts" }).length).toBeLessThan(bytes.length);
  });

  test("imports through re-exports (named and export *) and namespace imports stay live after restore", async () => {
    write("re.mjs", reexporter, "app/re.ts");
    const m = (await import(/* @vite-ignore */ pathToFileURL(write("via.mjs", viaReexport, "app/via.ts")).href)) as { make(): (k: string) => string };
    const f = m.make();
    expect(f("r")).toBe("a/r#1|a/r#2|2");
    const bytes = dumps(f);
    expect((readSnapshotHeader(bytes).modules as unknown[][]).map((e) => e[0]).sort()).toEqual(["app/a.ts", "app/b.ts", "app/re.ts", "app/via.ts"]);
    const expected = (loads(bytes, { modules: "fresh" }) as (k: string) => string)("r");
    expect(expected).toBe("a/r#3|a/r#4|4");
    const output = runFresh(loaderScript(bytes, `const f = loads(bytes); console.log(f("r"), f("s"));`));
    expect(output.trim()).toBe("a/r#3|a/r#4|4 a/s#1|a/s#2|2");
  });

  test("a reassigned function declaration keeps the new binding and the original where it is held; import() and import.meta use the original path", async () => {
    const m = (await import(/* @vite-ignore */ pathToFileURL(write("extras.mjs", extras, "app/extras.ts")).href)) as {
      upgrade(): void;
      make(): { both(): number[]; later(): Promise<string>; meta(): boolean };
    };
    const made = m.make();
    m.upgrade();
    expect(made.both()).toEqual([2, 1]);
    const copy = loads(dumps(made), { modules: "fresh" }) as typeof made;
    expect(moduleOf(closureOf(copy.both)!.registry)!.restored).toBe(true);
    expect(copy.both()).toEqual([2, 1]);
    expect(copy.meta()).toBe(true);
    expect(await copy.later()).toBe("function");
  });

  test("instances of a module-level class, with private fields and static state, are rebuilt in a fresh process without its source", async () => {
    const m = (await import(/* @vite-ignore */ pathToFileURL(write("cls.mjs", withClass, "app/cls.ts")).href)) as { make(): { x: number } };
    const point = m.make();
    const output = runFresh(loaderScript(dumps(point), `
      const point = loads(bytes);
      const Point = point.constructor;
      const next = point.moved(10);
      console.log(JSON.stringify([point.x, next.x, next instanceof Point, Point.count]));`));
    // Neither constructors nor the static block ran on loading; the static count is the snapshot's.
    expect(JSON.parse(output)).toEqual([3, 13, true, 3]);
  });

  test("errors thrown by restored code have stack traces in the original source, without the source present", async () => {
    const source = "export function check(n: number) {\n  return () => {\n    if (n > 1) throw new RangeError(`too big: ${n}`);\n    return n;\n  };\n}\n";
    const m = (await import(/* @vite-ignore */ pathToFileURL(write("boom.mjs", source, "app/boom.ts")).href)) as { check(n: number): () => number };
    const output = runFresh(loaderScript(dumps(m.check(5)), `
      const f = loads(bytes);
      try { f(); } catch (error) { console.log(error.stack.split("\\n").slice(0, 2).join("\\n")); }`));
    expect(output).toContain("RangeError: too big: 5");
    expect(output).toContain(`${join(dir, "boom.ts")}:3:22`);
  });

  test("a suspended generator whose module is not loaded continues in a fresh process", () => {
    const steps = modA.steps;
    const gen = steps(4); // not as a method: `this` would be the module namespace
    const [s1, s2] = [gen.next().value, gen.next().value];
    expect(s1).toMatch(/^1:\d+:a\/g#\d+$/);
    const bytes = dumps(gen);
    const expected = (() => {
      const g = loads(bytes, { modules: "fresh" }) as Generator<string, string>;
      return [...g];
    })();
    const output = runFresh(loaderScript(bytes, `
      const gen = loads(bytes);
      console.log(JSON.stringify([...gen, gen.next()]));`));
    expect(JSON.parse(output)).toEqual([...expected, { done: true }]);
    const c2 = Number(s2!.split(":")[1]);
    expect(expected[0]).toBe(`3:${c2 + 3}:a/g#${Number(s2!.split("#")[1]) + 1}`);
    expect(expected).toHaveLength(2);
  });
});

describe("adopt mode (a resume that loaded the program)", () => {
  test("the loaded instance with the same id and hash takes the snapshot's state; its importers see it", () => {
    const f = modA.makeCounter("adopt");
    f("k");
    const bytes = dumps(f);
    const inSnapshot = modA.bump() - 1; // the counter the snapshot holds
    modA.bump();
    modA.bump();
    const adopted = loads(bytes, { modules: "adopt" }) as (k: string) => string;
    const record = moduleOf(closureOf(adopted)!.registry)!;
    expect(record).toBe(liveModule("app/a.ts"));
    expect(record.restored).toBe(false);
    // the module's own binding went back to the snapshot's value: its ESM importers (this test) see it
    expect(modA.bump()).toBe(inSnapshot + 1);
    expect(adopted("k")).toMatch(new RegExp(`^adopt:a/k#\\d+:${inSnapshot + 2}:`));
  });

  test("a module whose accessors cannot write a binding is refused, not split in two", async () => {
    write("fixed.mjs", "const fixed = 1;\nexport function f() { fixed = 2; return fixed; }\n", "app/fixed.ts");
    const mod = (await import(/* @vite-ignore */ pathToFileURL(join(dir, "fixed.mjs")).href)) as { f(): number };
    expect(liveModule("app/fixed.ts")!.writable()).toBe(false);
    expect(() => loads(dumps(mod.f), { modules: "adopt" })).toThrow(/module app\/fixed\.ts is loaded by the program but cannot take the snapshot's state/);
  });
});

export type { ModuleRecord };
