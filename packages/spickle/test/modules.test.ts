// Modules by value under the Node loader: a script run with `--import spickle/register` imports a
// .ts module as `./counter.js`; a closure referencing that module's state is pickled, the project
// folder is deleted, and a plain node process in an empty folder loads and calls it.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = dirname(here);
const repoRoot = dirname(dirname(packageDir));
const registerUrl = pathToFileURL(join(packageDir, "dist", "register.js")).href;
const pickleUrl = pathToFileURL(join(repoRoot, "packages", "pickle", "dist", "index.js")).href;

let scratch: string;

beforeAll(() => {
  if (!existsSync(join(packageDir, "dist", "register.js"))) {
    execFileSync(process.execPath, [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-b", packageDir], { cwd: repoRoot, stdio: "inherit" });
  }
  scratch = mkdtempSync(join(tmpdir(), "spickle-modules-"));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

it("a closure of a script run by the loader is loaded in a plain process after the project is deleted", () => {
  const project = join(scratch, "project");
  mkdirSync(join(project, "lib"), { recursive: true });
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "p", type: "module" }));
  writeFileSync(join(project, "lib", "counter.ts"), `
    console.log("counter: top-level");
    let total: number = 0;
    export const history: number[] = [];
    export function add(n: number): number { total += n; history.push(total); return total; }
  `);
  writeFileSync(join(project, "main.ts"), `
    import { writeFileSync } from "node:fs";
    import { dumps } from "spickle";
    import { add, history } from "./lib/counter.js";
    add(5);
    const twice = (n: number) => \`\${add(n) * 2}:\${history.join(",")}\`;
    twice(1);
    writeFileSync(process.argv[2]!, dumps(twice));
  `);
  const snapshot = join(scratch, "twice.snapshot");
  const r = spawnSync(process.execPath, ["--import", registerUrl, "main.ts", snapshot], {
    cwd: project, encoding: "utf8", timeout: 60_000, env: { ...process.env, XDG_CACHE_HOME: join(scratch, "xdg"), SPICKLE_CACHE_DIR: "" },
  });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  rmSync(project, { recursive: true, force: true });

  const empty = mkdtempSync(join(scratch, "empty-"));
  expect(readdirSync(empty)).toEqual([]);
  const script = `
    const { loads } = await import(${JSON.stringify(pickleUrl)});
    const bytes = (await import("node:fs")).readFileSync(${JSON.stringify(snapshot)});
    const twice = loads(bytes);
    console.log(twice(10), twice(100));`;
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: empty, encoding: "utf8" });
  expect(output.trim()).toBe("32:5,6,16 232:5,6,16,116");
  expect(readFileSync(snapshot).length).toBeGreaterThan(0);
});
