// Ids (stable under unrelated edits), the runtime API (closureOf, recreate, registries per module
// instance, shared scopes after re-creation), bound functions, and the compiled shape.

import { describe, expect, test } from "vitest";
import { compile } from "@spickle/transform";
import { boundOf, closureOf, rebind, recreate, type Scope } from "@spickle/runtime";
import { importCompiled } from "./harness.js";

function ids(source: string): string[] {
  const { code } = compile(source, { filename: "a.ts", moduleId: "src/a.ts", sourceMaps: false });
  const registration = code.slice(code.indexOf("registerSites"), code.indexOf("});") + 3);
  // `"id": factory` entries (the source table's `"id": [start, end]` ranges are not sites)
  return [...registration.matchAll(/"(src\/a\.ts#[^"]*)": [\w$]/g)].map((m) => m[1]!);
}

describe("ids", () => {
  const base = `
    export function makeCounter() { let n = 0; const inc = () => ++n; return { inc, get() { return n; } }; }
    export function main(xs: number[]) { return [xs.map((x) => x + 1), xs.filter((x) => x > 1)]; }
  `;
  test("qualified names and sibling indices", () => {
    expect(ids(base).sort()).toEqual([
      "src/a.ts#main", "src/a.ts#main.<arrow>", "src/a.ts#main.<arrow>#1",
      "src/a.ts#makeCounter", "src/a.ts#makeCounter.get", "src/a.ts#makeCounter.inc",
    ]);
  });
  test("survive unrelated edits elsewhere in the file", () => {
    const edited = `
      const unrelated = [1, 2].map((x) => x * 2);
      export function other() { return () => 1; }
      ${base}
      export function after() { return function named() {}; }
    `;
    for (const id of ids(base)) expect(ids(edited)).toContain(id);
  });
  test("generator bodies are named after their generator", () => {
    expect(ids(`export function* g(n: number) { yield () => n; }`).sort()).toEqual(["src/a.ts#g", "src/a.ts#g$body", "src/a.ts#g.<arrow>"]);
  });
});

describe("runtime API", () => {
  const source = `
    export function pair() { let shared = 0; return { inc: () => ++shared, get: () => shared }; }
    export function top() { return 1; }
    export const bound = (function (this: { k: number }, a: number, b: number) { return this.k + a + b; }).bind({ k: 100 }, 1);
  `;
  const code = compile(source, { filename: "api.ts", moduleId: "test/api.ts", sourceMaps: false }).code;

  test("closureOf reads (id, scope); recreate shares one scope", async () => {
    const m = await importCompiled("api", code, "a");
    const p = (m.pair as () => { inc: () => number; get: () => number })();
    p.inc();
    const incData = closureOf(p.inc)!;
    const getData = closureOf(p.get)!;
    expect(incData.id).toBe("test/api.ts#pair.inc");
    expect(incData.scope).toBe(getData.scope);
    const scope = structuredClone(incData.scope) as Scope;
    const inc2 = recreate(incData.id, scope, incData.registry) as () => number;
    const get2 = recreate(getData.id, scope, getData.registry) as () => number;
    expect([inc2(), inc2(), get2(), p.get()]).toEqual([2, 3, 3, 1]);
    expect(inc2.name).toBe("inc");
  });

  test("module-level declarations are tagged with scope null; registries are per module instance", async () => {
    const a = await importCompiled("api", code, "b");
    const b = await importCompiled("api", code, "c");
    const da = closureOf(a.top)!;
    const db = closureOf(b.top)!;
    expect(da.scope).toBeNull();
    expect(da.id).toBe(db.id);
    expect(da.registry).not.toBe(db.registry);
    expect(recreate(da.id, null, db.registry)).toBe(b.top);
  });

  test("bound functions read as (target, this, args)", async () => {
    const m = await importCompiled("api", code, "d");
    const data = boundOf(m.bound)!;
    expect(data.thisArg).toEqual({ k: 100 });
    expect(data.args).toEqual([1]);
    expect(closureOf(data.target)?.id).toBe("test/api.ts#bound.<function>");
    const again = rebind({ target: data.target, thisArg: structuredClone(data.thisArg), args: structuredClone(data.args) });
    expect((again as (b: number) => number)(2)).toBe(103);
    expect((m.bound as (b: number) => number)(2)).toBe(103);
  });
});

describe("compiled shape", () => {
  test("a counter", () => {
    const { code } = compile(
      `export function makeCounter() { let count = 0; const inc = () => ++count; return inc; }`,
      { filename: "c.ts", moduleId: "src/c.ts", sourceMaps: false },
    );
    expect(code).toContain(`const _s = {\n    count: 0\n  };\n  _s.count = 0;`);
    expect(code).toContain("function _inc$factory($c) {\n  const inc = () => ++$c.count;\n  inc[_SITE] = _inc$factory;\n  inc[_SCOPE] = $c;\n  return inc;\n}");
  });
});

test("functions in module-level blocks get their factories", () => {
  const { code } = compile(
    `if (process.argv.length > 0) { globalThis.__spickleBlock = [1, 2].map((x) => x + 1); } else { [3].map((y) => y); }`,
    { filename: "block.ts", moduleId: "block.ts" },
  );
  expect(code).toMatch(/function _arrow\$factory\(/);
  expect(code).toMatch(/function _arrow\$factory2\(/);
});
