// What a program sees of its modules after a resume, driven through the built `spickle` binary in
// fresh processes, on projects written to a scratch folder:
// - CommonJS packages import as under Node (default import = module.exports; the namespace is
//   Node's), in a resumed program, in `loads` in a plain process, and on a remote worker;
// - modules carried by value keep their state when others go by reference (--serializable-modules);
// - a by-reference module that changed since the checkpoint is refused, by name;
// - process.argv is what `node script a b` gives;
// - a JSON import travels in the snapshot.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = dirname(here);
const repoRoot = dirname(dirname(packageDir));
const bin = join(packageDir, "dist", "bin.js");
const pickleUrl = pathToFileURL(join(repoRoot, "packages", "pickle", "dist", "index.js")).href;

let scratch: string;

beforeAll(() => {
  if (!existsSync(bin)) {
    execFileSync(process.execPath, [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-b", packageDir], { cwd: repoRoot, stdio: "inherit" });
  }
  scratch = mkdtempSync(join(tmpdir(), "spickle-module-state-"));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, SPICKLE_CACHE_DIR: join(scratch, "cache") };
  delete e.SPICKLE_KEY;
  delete e.NODE_PATH;
  return e;
}

function spickle(args: string[], cwd: string): Result {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, env: env(), encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function node(args: string[], cwd: string): Result {
  const r = spawnSync(process.execPath, args, { cwd, env: env(), encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let projects = 0;
/** A project folder with these files (paths relative to it). */
function project(files: Record<string, string>): string {
  const dir = join(scratch, `project${projects++}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function elsewhere(): string {
  return mkdtempSync(join(scratch, "elsewhere-"));
}

const lines = (text: string) => text.split("\n").filter((l) => l !== "");

describe("CommonJS packages import as under Node wherever a module is restored", () => {
  const packages = {
    "package.json": JSON.stringify({ name: "cjs-interop", type: "module" }),
    // module.exports is a function with a `.default` property; `extra` is added in a way Node's
    // export detection does not see, so it is not a named export natively
    "node_modules/fn-default/package.json": JSON.stringify({ name: "fn-default", version: "1.0.0", main: "index.js" }),
    "node_modules/fn-default/index.js":
      'function fn() { return "fn called"; }\nfn.default = function dotDefault() { return "dot default"; };\nfn["ex" + "tra"] = 1;\nmodule.exports = fn;\n',
    // compiled-from-ESM style: __esModule and exports.default (Node still gives module.exports as default)
    "node_modules/flagged/package.json": JSON.stringify({ name: "flagged", version: "1.0.0", main: "index.js" }),
    "node_modules/flagged/index.js":
      'Object.defineProperty(exports, "__esModule", { value: true });\nexports.default = "the default property";\nexports.answer = 42;\n',
    "node_modules/literal/package.json": JSON.stringify({ name: "literal", version: "1.0.0", main: "index.cjs" }),
    "node_modules/literal/index.cjs": "function beta() { return 2; }\nconst alpha = 1;\nmodule.exports = { alpha, beta, later: beta };\nmodule.exports[\"hid\" + \"den\"] = 3;\n",
    "describe.mjs": `
import fnDefault from "fn-default";
import * as fnNs from "fn-default";
import flagged from "flagged";
import * as flaggedNs from "flagged";
import { answer } from "flagged";
import literal, * as literalNs from "literal";
import fsDefault, * as fsNs from "node:fs";

const show = (ns) => Object.keys(ns).map((k) => k + ":" + typeof ns[k]).join(",");
export function describeImports() {
  return JSON.stringify({
    fn: [typeof fnDefault, fnDefault === fnNs.default, fnDefault(), "extra" in fnNs, show(fnNs)],
    flagged: [typeof flagged, flagged === flaggedNs.default, flagged.default, flagged.answer, answer, show(flaggedNs)],
    literal: [literal.alpha, literal === literalNs.default, literalNs.beta(), show(literalNs)],
    fs: [fsDefault === fsNs.default, typeof fsNs.readFileSync, Object.keys(fsNs).includes("default")],
  });
}
`,
    "native.mjs": 'import { describeImports } from "./describe.mjs";\nconsole.log(describeImports());\n',
  };

  let native: string;
  beforeAll(() => {
    const dir = project(packages);
    const r = node(["native.mjs"], dir);
    expect(r.stderr).toBe("");
    native = r.stdout.trim();
    // what Node does natively: the facts the other cases compare against
    const facts = JSON.parse(native);
    // Node 23 and later also name `module.exports` in a CommonJS module's namespace.
    const exportsName = (type: string) => (Number(process.versions.node.split(".")[0]) >= 23 ? `,module.exports:${type}` : "");
    expect(facts.fn).toEqual(["function", true, "fn called", false, `default:function${exportsName("function")}`]);
    expect(facts.flagged.slice(0, 5)).toEqual(["object", true, "the default property", 42, 42]);
    expect(facts.flagged[5]).toBe(`__esModule:boolean,answer:number,default:object${exportsName("object")}`);
    expect(facts.literal).toEqual([1, true, 2, `alpha:number,beta:function,default:object,later:function${exportsName("object")}`]);
  });

  it("resume in a fresh process, from another folder, after the sources are deleted", () => {
    const dir = project({
      ...packages,
      "main.mjs": `
import { describeImports } from "./describe.mjs";
export default function* main(cp) {
  console.log(describeImports());
  const point = yield* cp.checkpoint();
  if (!point.resumed) process.exit(3);
  console.log(describeImports());
}
`,
    });
    const run = spickle(["run", "-c", "c.ckpt", "main.mjs"], dir);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(3);
    expect(lines(run.stdout)).toEqual([native]);
    for (const f of ["main.mjs", "describe.mjs", "native.mjs"]) rmSync(join(dir, f));
    const resumed = spickle(["resume", join(dir, "c.ckpt")], elsewhere());
    expect(resumed.stderr).toBe("");
    expect(resumed.status).toBe(0);
    expect(lines(resumed.stdout)).toEqual([native]);
  });

  it("loads in a plain node process, after the sources are deleted", () => {
    const dir = project({
      ...packages,
      "dump.mjs": `
import { writeFileSync } from "node:fs";
import { dumps } from "spickle";
import { describeImports } from "./describe.mjs";
export default function dump(out) { writeFileSync(out, dumps(describeImports)); }
`,
    });
    const snapshot = join(dir, "describe.snapshot");
    const r = spickle(["run", "dump.mjs", snapshot], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    for (const f of ["dump.mjs", "describe.mjs", "native.mjs"]) rmSync(join(dir, f));
    const script = `
const { loads } = await import(${JSON.stringify(pickleUrl)});
const describeImports = loads((await import("node:fs")).readFileSync(${JSON.stringify(snapshot)}));
console.log(describeImports());`;
    const loaded = node(["--input-type=module", "-e", script], elsewhere());
    expect(loaded.stderr).toBe("");
    expect(loaded.stdout.trim()).toBe(native);
  });

  it("on a remote worker", () => {
    const dir = project({
      ...packages,
      "caller.mjs": `
import { connect, remoteMethod } from "spickle";
import { describeImports } from "./describe.mjs";
export default async function caller(spickleBin) {
  const conn = await connect({ command: [process.execPath, spickleBin, "worker", "--stdio"] }, { key: null });
  try {
    console.log(await remoteMethod(conn, describeImports)());
  } finally {
    await conn.close();
  }
}
`,
    });
    const r = spickle(["run", "caller.mjs", bin], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(lines(r.stdout)).toEqual([native]);
  });
});

describe("--serializable-modules: the modules carried by value keep their state", () => {
  const files = {
    "package.json": JSON.stringify({ name: "ids", type: "module" }),
    "lib/ids.ts": `
let counter = 0;
const names = new Map<number, string>();
export function nextId(name: string): number { counter++; names.set(counter, name); return counter; }
export function named(): string { return [...names.values()].join(","); }
export class Item {
  static made = 0;
  readonly serial: number;
  constructor() { this.serial = ++Item.made; }
}
`,
    "main.ts": `
import { Item, named, nextId } from "./lib/ids.ts";
export default function* main(cp: any, steps: string) {
  for (let i = 1; i <= Number(steps); i++) {
    const item = new Item();
    console.log(\`id \${nextId("n" + i)} serial \${item.serial} names \${named()}\`);
    const point = yield* cp.checkpoint();
    if (!point.resumed && i === 2) process.exit(3);
  }
}
`,
  };
  const expected = ["id 1 serial 1 names n1", "id 2 serial 2 names n1,n2", "id 3 serial 3 names n1,n2,n3", "id 4 serial 4 names n1,n2,n3,n4"];

  it("a module counter, a const Map and a static counter continue after resume (the entry by reference)", () => {
    const dir = project(files);
    const run = spickle(["run", "-c", "c.ckpt", "--serializable-modules", "lib/**", "main.ts", "4"], dir);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(3);
    expect(lines(run.stdout)).toEqual(expected.slice(0, 2));
    const info = JSON.parse(spickle(["inspect", "--json", "c.ckpt"], dir).stdout);
    expect(Object.fromEntries(info.modules.map((m: { id: string; byValue: boolean }) => [m.id, m.byValue]))).toEqual({ "main.ts": false, "lib/ids.ts": true });
    const resumed = spickle(["resume", "c.ckpt"], dir);
    expect(resumed.stderr).toBe("");
    expect(resumed.status).toBe(0);
    expect(lines(resumed.stdout)).toEqual(expected.slice(2));
  });

  it("everything by value: the same", () => {
    const dir = project(files);
    expect(spickle(["run", "-c", "c.ckpt", "main.ts", "4"], dir).status).toBe(3);
    rmSync(join(dir, "lib"), { recursive: true });
    rmSync(join(dir, "main.ts"));
    const resumed = spickle(["resume", "c.ckpt"], dir);
    expect(resumed.stderr).toBe("");
    expect(lines(resumed.stdout)).toEqual(expected.slice(2));
  });

  it("a by-reference module that changed since the checkpoint is refused at resume start, by name (exit 2)", () => {
    const dir = project({ ...files, "main.ts": `console.log("top level ran");\n${files["main.ts"]}` });
    expect(spickle(["run", "-c", "c.ckpt", "--serializable-modules", "lib/**", "main.ts", "4"], dir).status).toBe(3);
    writeFileSync(join(dir, "main.ts"), readFileSync(join(dir, "main.ts"), "utf8").replace('"n" + i', '"m" + i'));
    const r = spickle(["resume", "c.ckpt"], dir);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe(""); // refused before the program's code ran
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^spickle: c\.ckpt: cannot resume: module main\.ts changed since the checkpoint \(hash [0-9a-f]{12}…, now [0-9a-f]{12}…\); it is used by reference/);
    // deleted: refused the same way
    rmSync(join(dir, "main.ts"));
    expect(spickle(["resume", "c.ckpt"], dir).status).toBe(2);
  });

  it("a module by value that changed, imported by a by-reference module, is refused too", () => {
    const dir = project(files);
    expect(spickle(["run", "-c", "c.ckpt", "--serializable-modules", "lib/**", "main.ts", "4"], dir).status).toBe(3);
    writeFileSync(join(dir, "lib/ids.ts"), files["lib/ids.ts"].replace("counter++", "counter += 10"));
    const r = spickle(["resume", "c.ckpt"], dir);
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^spickle: c\.ckpt: cannot resume: module lib\/ids\.ts changed since the checkpoint .*carries it by value/);
  });

  it("an unchanged by-reference module resumes", () => {
    const dir = project(files);
    const run = spickle(["run", "-c", "c.ckpt", "--serializable-modules", "main.ts", "main.ts", "4"], dir);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(3);
    const r = spickle(["resume", "c.ckpt"], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    // lib/ids.ts goes by reference: it is imported again, from its top-level state
    expect(lines(r.stdout)).toEqual(["id 1 serial 1 names n3", "id 2 serial 2 names n3,n4"]);
  });
});

describe("process.argv", () => {
  const script = `
console.log(JSON.stringify(process.argv.slice(1)));
export default function* main(cp) {
  const point = yield* cp.checkpoint();
  if (!point.resumed) process.exit(3);
  console.log(JSON.stringify(process.argv.slice(1)), JSON.stringify(point.args));
}
`;

  it("spickle run -c ck s.mjs a b gives the script what node s.mjs a b gives it; resume: the script's path and the resume's arguments", () => {
    const dir = project({ "package.json": JSON.stringify({ name: "argv", type: "module" }), "s.mjs": script });
    const path = join(dir, "s.mjs");
    const native = node(["s.mjs", "a", "b"], dir);
    expect(lines(native.stdout)).toEqual([JSON.stringify([path, "a", "b"])]);
    const run = spickle(["run", "-c", "ck", "s.mjs", "a", "b"], dir);
    expect(run.stderr).toBe("");
    expect(lines(run.stdout)).toEqual(lines(native.stdout));
    const resumed = spickle(["resume", join(dir, "ck"), "x"], elsewhere());
    expect(resumed.stderr).toBe("");
    expect(lines(resumed.stdout)).toEqual([`${JSON.stringify([path, "x"])} ["x"]`]);
  });
});

describe("JSON imports", () => {
  it("travel in the snapshot, with the changes the program made to them", () => {
    const dir = project({
      "package.json": JSON.stringify({ name: "json", type: "module" }),
      "data.json": JSON.stringify({ name: "config", items: [1, 2, 3] }),
      "main.ts": `
import data from "./data.json" with { type: "json" };
import { count } from "./count.ts";
export default function* main(cp: any) {
  data.items.push(4);
  console.log(data.name, data.items.join(","), count());
  const point = yield* cp.checkpoint();
  if (!point.resumed) process.exit(3);
  data.items.push(5);
  console.log(data.name, data.items.join(","), count());
}
`,
      // another module's import of the same JSON module is the same object
      "count.ts": 'import data from "./data.json" with { type: "json" };\nexport const count = () => data.items.length;\n',
    });
    const run = spickle(["run", "-c", "c.ckpt", "main.ts"], dir);
    expect(run.stderr).toBe("");
    expect(lines(run.stdout)).toEqual(["config 1,2,3,4 4"]);
    for (const f of ["data.json", "main.ts", "count.ts"]) rmSync(join(dir, f));
    const resumed = spickle(["resume", join(dir, "c.ckpt")], elsewhere());
    expect(resumed.stderr).toBe("");
    expect(resumed.status).toBe(0);
    expect(lines(resumed.stdout)).toEqual(["config 1,2,3,4,5 5"]);
  });
});
