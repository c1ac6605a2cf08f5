// Module records and restore forms: every compiled module registers at its top (id, hash,
// restore form, binding kinds, imports/exports, each site's module-level references); its restore
// form runs definitions only and reads imports live through `__spickle.imports`.

import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as vm from "node:vm";
import { afterAll, describe, expect, test } from "vitest";
import { compile } from "@spickle/transform";
import * as runtime from "@spickle/runtime";
import type { ModuleInfo } from "@spickle/runtime";

const source = `
import { helper } from "./b.js";
import * as path from "node:path";
console.log("top-level");
let counter: number = 0;
const cache = new Map<string, number>();
const unrelated = { big: true };
await Promise.resolve();
export function inc(k: string) { counter++; cache.set(k, helper(counter)); return () => counter + cache.size; }
export const arrow = (x: number) => x + counter;
export default { made: counter };
function* gen() { yield path.basename(import.meta.url); }
export { gen as g };
export { q as r } from "./d.js";
export * from "./e.js";
`;

/** The info object of the registerModule call, evaluated with a stand-in runtime. */
function infoOf(code: string): ModuleInfo {
  let info: ModuleInfo | undefined;
  const start = code.indexOf("_rt.registerModule(");
  expect(start).toBeGreaterThanOrEqual(0);
  // The info literal is the first argument: evaluate `registerModule(INFO, …)` with a stub.
  const call = code.slice(start);
  const end = call.indexOf("}, {\n  get ");
  const literal = call.slice("_rt.registerModule(".length, end + 1);
  info = vm.runInThisContext(`(${literal})`) as ModuleInfo;
  return info;
}

describe("module records", () => {
  const { code } = compile(source, { filename: "/src/a.ts", moduleId: "src/a.ts", sourceMaps: true });
  const info = infoOf(code);

  test("the module registers at its top, right after its sites, with id and source hash", () => {
    const sites = code.indexOf("\nconst _sites = _rt.registerSites(");
    const register = code.indexOf("\n_rt.registerModule(");
    expect(sites).toBeGreaterThan(0);
    expect(register).toBeGreaterThan(sites);
    expect(register).toBeLessThan(code.indexOf('console.log("top-level")'));
    expect(info.id).toBe("src/a.ts");
    expect(info.hash).toBe(createHash("sha256").update(source).digest("hex"));
    // the namespace of `import * as path from "node:path"`: a restored instance lists its names as Node did
    expect(code).toMatch(/}, _sites, import\.meta, {\n  get "node:path"\(\) {\n    return path;\n  }\n}\);/);
  });

  test("bindings, imports, exports and references are recorded", () => {
    expect(info.vars).toEqual({ counter: "let", cache: "const", unrelated: "const", arrow: "const", _default: "const" });
    expect(info.functions).toEqual(expect.arrayContaining(["inc", "gen"]));
    expect(info.imports).toEqual({ helper: ["./b.js", "helper"], path: ["node:path", "*"] });
    expect(info.exports).toEqual({ inc: "inc", arrow: "arrow", default: "_default", g: "gen", r: ["./d.js", "q"] });
    expect(info.stars).toEqual(["./e.js"]);
    // A function's own name is state it needs only when it calls itself.
    expect(info.refs["src/a.ts#inc"]).toEqual(["cache", "counter", "helper"]);
    const recursive = infoOf(compile("export function down(n: number): number { return n > 0 ? down(n - 1) : 0; }", { filename: "/src/r.ts", moduleId: "src/r.ts" }).code);
    expect(recursive.refs["src/r.ts#down"]).toEqual(["down"]);
    expect(info.refs["src/a.ts#inc.<arrow>"]).toEqual(["cache", "counter"]);
    expect(info.refs["src/a.ts#arrow"]).toEqual(["counter"]);
    expect(info.refs["src/a.ts#gen"]).toEqual(expect.arrayContaining(["path"]));
    for (const refs of Object.values(info.refs)) expect(refs).not.toContain("unrelated");
    expect((info.map as { sources: string[] }).sources).toEqual(["/src/a.ts"]);
  });

  test("the restore form runs definitions only", () => {
    // (the functions' source text, a string in the form, is left out of the checks)
    const form = info.code!.replace(/text: "(?:[^"\\]|\\.)*"/g, 'text: ""');
    expect(form.startsWith("(function (__spickle) {")).toBe(true);
    expect(form).not.toContain("console.log");
    expect(form).not.toContain("await");
    expect(form).not.toContain("new Map");
    expect(form).not.toContain("made:");
    expect(form).not.toContain("import.meta");
    expect(form).toContain("__spickle.meta.url");
    expect(form).toContain('__spickle.imports("./b.js")');
    expect(form).toContain("__spickle$b.counter++");
    // a called import keeps \`this\` undefined, as in ESM
    expect(form).toContain('(0, __spickle$i0["helper"])(__spickle$b.counter)');
  });

  test("a restored instance: definitions exist, bindings start uninitialized, imports read live", () => {
    let helperCalls = 0;
    let exporterValue = 100;
    const exporter: ModuleInfo = {
      id: "src/b.ts", hash: "b", code: "(function (__spickle) { return { sites: null, functions: {} }; })", map: null,
      vars: { helper: "let" }, functions: [], imports: {}, exports: { helper: "helper" }, stars: [], refs: {},
    };
    const b = runtime.restoreModule(exporter);
    b.write("helper", (n: number) => (helperCalls++, n + exporterValue));
    const a = runtime.restoreModule({ ...info, url: "file:///src/a.js" });
    a.links.set("./b.js", b);
    expect(() => a.read("counter")).toThrow(/counter is not initialized: module src\/a\.ts was restored from a snapshot that did not write it/);
    a.write("counter", 1);
    a.write("cache", new Map());
    const inc = a.read("inc") as (k: string) => () => number;
    const read = inc("k");
    expect(read()).toBe(3); // counter 2 + one cache entry
    expect((a.read("cache") as Map<string, number>).get("k")).toBe(102);
    b.write("helper", (n: number) => n * 1000); // live: the next call sees the new binding
    inc("j");
    expect((a.read("cache") as Map<string, number>).get("j")).toBe(3000);
    expect(helperCalls).toBe(1);
    exporterValue = 0;
    // const bindings: assignable by the restore path only
    a.write("arrow", (x: number) => x);
    expect((a.read("arrow") as (x: number) => number)(5)).toBe(5);
    // import.meta keeps the original module's url
    const gen = a.read("gen") as () => Generator<string>;
    expect(gen().next().value).toBe("a.js");
    // a restored instance never becomes the live one
    expect(runtime.liveRegistry("src/a.ts")).toBeUndefined();
  });

  test("module-level classes are bindings their factories fill: the restore form defines the factories only", () => {
    const { code: c } = compile(
      "export class P { static n = 1; }\nexport default class {}\nclass Q extends P {}\nexport function f() { return new Q(); }\n",
      { filename: "c.ts", moduleId: "src/c.ts", sourceMaps: false },
    );
    const i = infoOf(c);
    expect(i.vars).toMatchObject({ P: "let", Q: "let" });
    expect(i.exports).toMatchObject({ P: "P", default: expect.any(String) });
    expect(i.refs["src/c.ts#f"]).toEqual(["Q"]);
    const restored = runtime.restoreModule(i);
    expect(restored.initialized("P")).toBe(false); // the class is the snapshot's to supply
    expect([...restored.sites!.factories.keys()].sort()).toEqual(["src/c.ts#P", "src/c.ts#Q", "src/c.ts#default"]);
  });
});

describe("what the ESM form gives the runtime for a resume that loads it", () => {
  const { code } = compile(
    [
      'import fn from "cjs-pkg";',
      'import data from "./data.json" with { type: "json" };',
      'import "./side.js";',
      'export * from "other-pkg";',
      "const cache = new Map<string, number>();",
      "const frozen = 1;",
      "let count = 0;",
      "export function bump() { count++; frozen = 2; return [fn, data, cache]; }",
    ].join("\n"),
    { filename: "/src/m.ts", moduleId: "src/m.ts", sourceMaps: false },
  );
  const register = code.slice(code.indexOf("\n_rt.registerModule("));

  test("accessors write every binding; a const nothing assigns becomes a let, one assigned stays const", () => {
    expect(register).toContain("set count(_value) {\n    count = _value;\n  }");
    expect(register).toContain("set cache(_value) {\n    cache = _value;\n  }");
    expect(register).toContain("set bump(_value) {\n    bump = _value;\n  }");
    expect(code).toContain("\nlet cache = new Map();");
    // `frozen = 2` throws natively (a const): it stays so, and has no setter
    expect(code).toContain("\nconst frozen = 1;");
    expect(register).toContain("get frozen()");
    expect(register).not.toContain("set frozen(");
  });

  test("namespaces of JSON modules and of packages re-exported with export * are handed over, imported last", () => {
    expect(register).toMatch(/}, _sites, import\.meta, {\n  get "\.\/data\.json"\(\) {\n    return (_ns\d*);\n  },\n  get "other-pkg"\(\) {\n    return (_ns\d*);\n  }\n}, {/);
    const lines = code.trimEnd().split("\n");
    // appended after everything else: each specifier is imported earlier, so evaluation order is the same
    expect(lines.slice(-3)).toEqual([
      expect.stringMatching(/^import \* as _ns\d* from "cjs-pkg";$/),
      expect.stringMatching(/^import \* as _ns\d* from "\.\/data\.json" with \{\s*type: "json"\s*\};$/),
      expect.stringMatching(/^import \* as _ns\d* from "other-pkg";$/),
    ]);
    // a side-effect import of a file needs nothing
    expect(register).not.toContain('"./side.js"()');
  });

  test("every package imported is handed over too, for the pickler's index of package values", () => {
    // the last argument: packages only (not the JSON module), however they are imported
    expect(register).toMatch(/\n}, {\n  get "cjs-pkg"\(\) {\n    return _ns\d*;\n  },\n  get "other-pkg"\(\) {\n    return _ns\d*;\n  }\n}\);/);
  });
});

describe("a restored instance imports packages as Node does from ESM", () => {
  const dir = mkdtempSync(join(tmpdir(), "spickle-cjs-"));
  mkdirSync(join(dir, "node_modules", "flagged"), { recursive: true });
  writeFileSync(join(dir, "node_modules", "flagged", "package.json"), JSON.stringify({ name: "flagged", main: "index.js" }));
  writeFileSync(
    join(dir, "node_modules", "flagged", "index.js"),
    'Object.defineProperty(exports, "__esModule", { value: true });\nexports.default = "dot default";\nexports.answer = 42;\nexports["un" + "detected"] = 1;\n',
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const { code } = compile('import flagged, * as ns from "flagged";\nexport function f() { return [flagged, Object.keys(ns), ns.default, ns.answer, ns.undetected]; }\n', {
    filename: join(dir, "m.ts"), moduleId: "m.ts", sourceMaps: false,
  });
  const info = { ...infoOf(code), url: pathToFileURL(join(dir, "m.ts")).href };
  const exports = createRequire(join(dir, "m.ts"))("flagged") as Record<string, unknown>;

  test("the default import is module.exports, __esModule or not; the namespace has the names Node listed", () => {
    const restored = runtime.restoreModule({ ...info, foreignExports: { flagged: ["__esModule", "answer", "default"] } });
    const [def, keys, nsDefault, answer, undetected] = (restored.read("f") as () => unknown[])();
    expect(def).toBe(exports);
    expect(nsDefault).toBe(exports);
    expect(keys).toEqual(["__esModule", "answer", "default"]);
    expect(answer).toBe(42);
    expect(undetected).toBeUndefined();
  });

  test("without recorded names (an older snapshot): default, then the own enumerable properties", () => {
    const restored = runtime.restoreModule(info);
    const [def, keys] = (restored.read("f") as () => unknown[])();
    expect(def).toBe(exports);
    expect(keys).toEqual(["answer", "default", "undetected"]);
  });
});
