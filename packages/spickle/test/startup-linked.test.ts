// Starting without loader hooks (src/loader/linked.ts and `spickle resume`): the built `spickle`
// binary in child processes, with SPICKLE_DEBUG_LOADER=1 saying which way each start went. A
// start from the linked cache must behave exactly as a start through the hooks; whatever it
// cannot do exactly falls back to the hooks.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const repoRoot = dirname(dirname(packageDir));
const bin = join(packageDir, "dist", "bin.js");

let scratch: string;

beforeAll(() => {
  if (!existsSync(bin)) {
    execFileSync(process.execPath, [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-b", packageDir], { cwd: repoRoot, stdio: "inherit" });
  }
  scratch = mkdtempSync(join(tmpdir(), "spickle-startup-"));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

let projects = 0;

/** A project folder (package.json with "type": "module") holding `files`, with its own cache. */
function project(files: Record<string, string>): string {
  const dir = join(scratch, `p${projects++}`);
  for (const [name, text] of Object.entries({ "package.json": '{ "type": "module" }', ...files })) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

interface Start {
  status: number | null;
  stdout: string;
  stderr: string;
  /** How it started: "linked", "hooks: <reason>", or "none" (neither said anything). */
  how: string;
  /** Files the hooks compiled or took from the cache (paths relative to the project). */
  compiled: string[];
  hits: string[];
  linked: string[];
}

function spickle(dir: string, args: string[]): Start {
  const env: Record<string, string | undefined> = { ...process.env, SPICKLE_CACHE_DIR: join(dir, ".cache"), SPICKLE_DEBUG_LOADER: "1" };
  delete env.NODE_PATH;
  delete env.SPICKLE_KEY;
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, env, encoding: "utf8", timeout: 60_000 });
  const debug = r.stderr.split("\n").filter((l) => l.startsWith("spickle: "));
  const files = (prefix: string) => debug.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length).slice(dir.length + 1));
  const hooks = debug.find((l) => l.startsWith("spickle: start through the hooks: "));
  const how = debug.some((l) => l.startsWith("spickle: linked start ")) ? "linked" : hooks !== undefined ? `hooks: ${hooks.slice(34)}` : "none";
  const stderr = r.stderr
    .split("\n")
    .filter((l) => !/^spickle: (linked start|start through the hooks:|link|compile|cache hit|loading compiler) /.test(l))
    .join("\n");
  return { status: r.status, stdout: r.stdout, stderr, how, compiled: files("spickle: compile "), hits: files("spickle: cache hit "), linked: files("spickle: link ") };
}

const program = {
  "main.ts": `import { twice } from "./lib/math.js";
import { greet } from "./lib/greet";
import { version } from "./util";
import { legacy } from "./legacy.cjs";
import { fileURLToPath } from "node:url";
import { basename } from "path";
export const here = [basename(fileURLToPath(import.meta.url)), basename(import.meta.filename), basename(import.meta.dirname)];
console.log(JSON.stringify({ answer: twice(21), greeting: greet("linked"), version, legacy, here }));
`,
  "lib/math.ts": "export function twice(x: number): number { return x * 2; }\n",
  "lib/greet.ts": 'import { twice } from "./math.js";\nexport const greet = (who: string): string => `hello ${who} ${twice(1)}`;\n',
  "util/index.ts": 'export const version: string = "1";\n',
  "legacy.cjs": "exports.legacy = 'cjs';\n",
};

describe("spickle run from the linked cache", () => {
  it("starts through the hooks once, then without them, with the same behaviour", () => {
    const dir = project(program);
    const first = spickle(dir, ["run", "main.ts"]);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(first.how).toBe(`hooks: ${join(dir, "main.ts")} is not compiled yet`);
    expect(first.compiled.sort()).toEqual(["lib/greet.ts", "lib/math.ts", "main.ts", "util/index.ts"]);
    const output = JSON.parse(first.stdout) as Record<string, unknown>;
    expect(output).toEqual({ answer: 42, greeting: "hello linked 2", version: "1", legacy: "cjs", here: ["main.ts", "main.ts", dirname(join(dir, "main.ts")).split("/").pop()] });

    const second = spickle(dir, ["run", "main.ts"]);
    expect(second.how).toBe("linked");
    expect(second.compiled).toEqual([]);
    expect(second.hits).toEqual([]); // no hooks at all
    expect(second.linked.sort()).toEqual(["lib/greet.ts", "lib/math.ts", "main.ts", "util/index.ts"]);
    expect(JSON.parse(second.stdout)).toEqual(output);

    const third = spickle(dir, ["run", "main.ts"]);
    expect(third.how).toBe("linked");
    expect(third.linked).toEqual([]); // the linked files are reused as they are
    expect(JSON.parse(third.stdout)).toEqual(output);
  });

  it("falls back to the hooks when a module changed, then links the new version", () => {
    const dir = project(program);
    spickle(dir, ["run", "main.ts"]);
    spickle(dir, ["run", "main.ts"]);
    writeFileSync(join(dir, "lib", "math.ts"), "export function twice(x: number): number { return x * 2 + 1; }\n");
    const changed = spickle(dir, ["run", "main.ts"]);
    expect(changed.how).toBe(`hooks: ${join(dir, "lib", "math.ts")} is not compiled yet`);
    expect(changed.compiled).toEqual(["lib/math.ts"]);
    expect(JSON.parse(changed.stdout)).toMatchObject({ answer: 43, greeting: "hello linked 3" });
    const after = spickle(dir, ["run", "main.ts"]);
    expect(after.how).toBe("linked");
    expect(after.linked).toEqual(["lib/math.ts"]);
    expect(JSON.parse(after.stdout)).toMatchObject({ answer: 43, greeting: "hello linked 3" });
  });

  it("relinks when an import resolves to another file, and rewrites a damaged linked file", () => {
    const dir = project(program);
    spickle(dir, ["run", "main.ts"]);
    spickle(dir, ["run", "main.ts"]);
    // `./util` meant util/index.ts; now util.ts exists and wins
    writeFileSync(join(dir, "util.ts"), 'export const version: string = "2";\n');
    const compiling = spickle(dir, ["run", "main.ts"]); // main.ts is relinked; util.ts is new
    expect(compiling.how).toBe(`hooks: ${join(dir, "util.ts")} is not compiled yet`);
    expect(compiling.linked).toEqual(["main.ts"]);
    expect(compiling.compiled).toEqual(["util.ts"]);
    expect(JSON.parse(compiling.stdout)).toMatchObject({ version: "2" });
    const moved = spickle(dir, ["run", "main.ts"]);
    expect(moved.how).toBe("linked");
    expect(moved.linked).toEqual(["util.ts"]);
    expect(JSON.parse(moved.stdout)).toMatchObject({ version: "2" });

    const linkedFiles = readdirSync(join(dir, ".cache", "linked"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".mjs"));
    for (const f of linkedFiles) {
      const path = join(dir, ".cache", "linked", f);
      writeFileSync(path, readFileSync(path, "utf8").replace("export", "throw new Error('damaged');export"));
    }
    const repaired = spickle(dir, ["run", "main.ts"]);
    expect(repaired.how).toBe("linked");
    expect(repaired.linked.length).toBeGreaterThan(0);
    expect(repaired.stderr).toBe("");
    expect(JSON.parse(repaired.stdout)).toMatchObject({ answer: 42, version: "2" });
  });

  const fallbacks: [string, Record<string, string>, RegExp][] = [
    [
      "an import of a package",
      {
        "main.ts": 'import { pad } from "padder";\nconsole.log(pad("x"));\n',
        "node_modules/padder/package.json": '{ "name": "padder", "type": "module", "exports": "./index.js" }',
        "node_modules/padder/index.js": 'export const pad = (s) => `[${s}]`;\n',
      },
      /main\.ts imports the package padder$/,
    ],
    ["a dynamic import", { "main.ts": 'const { twice } = await import("./math.ts");\nconsole.log(twice(2));\n', "math.ts": "export const twice = (x: number) => 2 * x;\n" }, /main\.ts has a dynamic import$/],
    ["import.meta.resolve", { "main.ts": 'console.log(import.meta.resolve("./x.js").endsWith("/x.js"));\n' }, /main\.ts calls import\.meta\.resolve$/],
  ];
  for (const [what, files, reason] of fallbacks) {
    it(`starts through the hooks for ${what}`, () => {
      const dir = project(files);
      const first = spickle(dir, ["run", "main.ts"]);
      expect(first.stderr).toBe("");
      expect(first.status).toBe(0);
      const second = spickle(dir, ["run", "main.ts"]);
      expect(second.how).toMatch(reason);
      expect(second.compiled).toEqual([]);
      expect(second.hits.length).toBeGreaterThan(0);
      expect(second.stdout).toBe(first.stdout);
    });
  }

  it("shows the original .ts lines when a linked program fails", () => {
    const dir = project({
      "main.ts": 'import { check } from "./check.js";\n\ncheck(1);\ncheck(5);\n',
      "check.ts": "export function check(n: number): void {\n  if (n > 2) {\n    throw new Error(`too large: ${n}`);\n  }\n}\n",
    });
    spickle(dir, ["run", "main.ts"]);
    const r = spickle(dir, ["run", "main.ts"]);
    expect(r.how).toBe("linked");
    expect(r.status).toBe(1);
    expect(r.stderr.split("\n")[0]).toBe("Error: too large: 5");
    expect(r.stderr).toMatch(/at check \(.*check\.ts:3:\d+\)/);
    expect(r.stderr).toMatch(/main\.ts:4:\d+/);
    expect(r.stderr).not.toMatch(/\.cache|linked/);
  });
});

describe("spickle resume without hooks", () => {
  // The first run stops right after its checkpoint (process.exit, as if the machine went away):
  // a program that finishes marks its checkpoint finished, and resume would refuse it.
  const job = {
    "job.ts": `import { type CheckpointSupport } from "spickle";
import { label } from "./label.js";
export default function* job(cp: CheckpointSupport) {
  let total = 0;
  for (let i = 1; i <= 4; i++) total += i;
  const point = yield* cp.checkpoint();
  if (!point.resumed) process.exit(0);
  console.log(label(total), point.args.join(" "));
}
`,
    "label.ts": "export const label = (n: number): string => `total ${n}`;\n",
  };

  it("resumes a checkpoint whose modules all travel by value, in a folder without the sources, and loads no hooks", () => {
    const dir = project(job);
    expect(spickle(dir, ["run", "-c", "job.ckpt", "job.ts"]).status).toBe(0);
    const linked = spickle(dir, ["run", "-c", "job2.ckpt", "job.ts"]); // a checkpoint written by a linked start
    expect(linked.how).toBe("linked");
    expect(linked.status).toBe(0);
    const elsewhere = project({});
    for (const name of ["job.ckpt", "job2.ckpt"]) writeFileSync(join(elsewhere, name), readFileSync(join(dir, name)));
    rmSync(dir, { recursive: true, force: true });
    for (const name of ["job.ckpt", "job2.ckpt"]) {
      const r = spickle(elsewhere, ["resume", name, "again"]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toBe("total 10 again\n");
      expect(r.how).toBe("none");
      expect(r.hits).toEqual([]);
    }
  });

  it("imports the program first when a module travels by reference (from the linked cache when it can)", () => {
    const dir = project(job);
    expect(spickle(dir, ["run", "-c", "job.ckpt", "--serializable-modules", "job.ts", "job.ts"]).status).toBe(0);
    const r = spickle(dir, ["resume", "job.ckpt"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("total 10 \n");
    expect(r.how).toBe("linked");
  });
});
