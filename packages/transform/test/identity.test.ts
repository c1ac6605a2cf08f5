// Function identity (passes/identity.ts): ids and hashes of function sites do not move when a
// file is reformatted, its comments edited, or a function added elsewhere in it; an edit changes
// the hash of the function edited (and of the functions that contain it), nothing else.

import { describe, expect, it } from "vitest";
import { compile, functionSites } from "../src/index.js";

const sites = (source: string) => compile(source, { filename: "/p/app.ts", moduleId: "app.ts", sourceMaps: false }).sites;
const hashes = (source: string) => Object.fromEntries(Object.entries(sites(source)).map(([id, s]) => [id, s.h]));

const ORIGINAL = `
// counts things
let count = 0;
export function helper(x: number): number { return x + 1; }
export class Box { a = 1; constructor(public v: number) { this.w = v * 2; } w: number; get() { return this.v; } }
const list = [1, 2, 3].map((n) => n * 2);
export default function* main(cp: any) {
  let total = 0;
  const add = (n: number) => { total += n; };
  for (let i = 0; i < 3; i++) { add(helper(i)); yield* cp.checkpoint(); }
  return total;
}
`;

describe("function identity", () => {
  it("gives every site an id, a kind, a line, and a hash", () => {
    const table = sites(ORIGINAL);
    expect(Object.keys(table).sort()).toEqual(
      ["app.ts#Box", "app.ts#Box.a", "app.ts#Box.constructor", "app.ts#Box.get", "app.ts#helper", "app.ts#list.<arrow>", "app.ts#main", "app.ts#main$body", "app.ts#main.add#1"].sort(),
    );
    expect(table["app.ts#helper"]).toMatchObject({ k: "declaration", l: 4 });
    expect(table["app.ts#main$body"]).toMatchObject({ k: "body", l: 7 });
    expect(table["app.ts#Box"]!.f).toEqual(["a", "v", "w"]);
    expect(table["app.ts#main.add#1"]!.s).toEqual(["_e.total"]);
    for (const site of Object.values(table)) expect(site.h).toMatch(/^[0-9a-f]{16}$/);
  });

  it("is unchanged by reformatting (layout, semicolons, quotes, trailing commas, parentheses)", () => {
    const reformatted = `
// counts things
let count = 0
export function helper(x: number): number {
  return (x + 1)
}
export class Box {
  a = 1
  constructor(public v: number) {
    this.w = v * 2
  }
  w: number
  get() {
    return this.v
  }
}
const list = [1, 2, 3,].map(n => n * 2)
export default function* main(cp: any) {
  let total = 0
  const add = (n: number) => {
    total += n
  }
  for (let i = 0; i < 3; i++) {
    add(helper(i))
    yield* cp.checkpoint()
  }
  return total
}
`;
    expect(hashes(reformatted)).toEqual(hashes(ORIGINAL));
  });

  it("is unchanged by editing comments", () => {
    const commented = ORIGINAL.replace("// counts things", "/* a new header */").replace("{ return x + 1; }", "{ /* add one */ return x + 1; // done\n }");
    expect(hashes(commented)).toEqual(hashes(ORIGINAL));
  });

  it("keeps every other site's id and hash when a function is added elsewhere", () => {
    const before = hashes(ORIGINAL);
    for (const added of [
      ORIGINAL.replace("let count = 0;", "let count = 0;\nfunction other(y: number) { const add = (n: number) => n + y; return add(1); }"),
      ORIGINAL + "\nexport function* side(cp: any) { const add = () => 1; yield* cp.checkpoint(); return add(); }\n",
      ORIGINAL.replace("export class Box", "export class Before { m() { return 1; } }\nexport class Box"),
    ]) {
      const after = hashes(added);
      for (const [id, h] of Object.entries(before)) expect(after[id], id).toBe(h);
      expect(Object.keys(after).length).toBeGreaterThan(Object.keys(before).length);
    }
  });

  it("changes the hash of the function edited, and of those that contain it, only", () => {
    const before = hashes(ORIGINAL);
    const fixed = hashes(ORIGINAL.replace("return x + 1;", "return x + 2;"));
    const changed = Object.keys(before).filter((id) => before[id] !== fixed[id]);
    expect(changed).toEqual(["app.ts#helper"]);
    const closureEdit = hashes(ORIGINAL.replace("total += n;", "total += n * 2;"));
    expect(Object.keys(before).filter((id) => before[id] !== closureEdit[id]).sort()).toEqual(["app.ts#main", "app.ts#main$body", "app.ts#main.add#1"]);
  });

  it("changes a generator state machine's hash when its frame layout changes", () => {
    const before = sites(ORIGINAL);
    const extraYield = sites(ORIGINAL.replace("yield* cp.checkpoint(); }", "yield* cp.checkpoint(); yield* cp.checkpoint(); }"));
    expect(extraYield["app.ts#main$body"]!.h).not.toBe(before["app.ts#main$body"]!.h);
  });

  it("names a generator expression's state machine after its generator (not a compiler-made name)", () => {
    const source = "export default function* main(cp: any) { const tick = function* (i: number) { yield i; }; yield* tick(1); }";
    expect(Object.keys(sites(source))).toContain("app.ts#main.tick#1$body");
    const other = "function* first() { const a = function* () { yield 0; }; yield* a(); }\n" + source;
    expect(hashes(other)["app.ts#main.tick#1$body"]).toBe(hashes(source)["app.ts#main.tick#1$body"]);
  });

  it("gives the same sites through functionSites, which skips the module record and code", () => {
    expect(functionSites(ORIGINAL, { filename: "/p/app.ts", moduleId: "app.ts" })).toEqual(sites(ORIGINAL));
  });

  it("lists a class's instance fields, and records the sites in the module info", () => {
    const source = "export class P { #secret = 1; static count = 0; x = 0; constructor() { this.y = 2; } }";
    expect(sites(source)["app.ts#P"]!.f).toEqual(["#secret", "x", "y"]);
    const code = compile(source, { filename: "/p/app.ts", moduleId: "app.ts", sourceMaps: false }).code;
    expect(code).toMatch(/sites: \{\s*"app\.ts#P":/);
  });
});
