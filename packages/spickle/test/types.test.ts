// The public types as users compile against them: test/types/ (expectTypeOf and @ts-expect-error
// over the built .d.ts files) and examples/ type-check under the strictest settings, every export
// of `spickle` is covered there, and no @internal member is in a published .d.ts.

import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = dirname(here);
const repoRoot = dirname(dirname(packageDir));
const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");

beforeAll(() => {
  execFileSync(process.execPath, [tsc, "-b", packageDir], { cwd: repoRoot, stdio: "inherit" });
});

function typeCheck(project: string): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [tsc, "--noEmit", "--pretty", "false", "-p", project], { cwd: repoRoot, encoding: "utf8", timeout: 300_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe("public types", () => {
  it("type tests pass under strict, exactOptionalPropertyTypes and module nodenext", () => {
    const config = readFileSync(join(here, "types", "tsconfig.json"), "utf8");
    for (const setting of [/"strict": true/, /"exactOptionalPropertyTypes": true/, /"module": "NodeNext"/]) expect(config).toMatch(setting);
    const r = typeCheck(join(here, "types"));
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
  });

  it("the examples type-check under the strictest settings", () => {
    const r = typeCheck(join(repoRoot, "examples"));
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
  });

  it("the type tests cover every value spickle exports", async () => {
    const api = (await import(pathToFileURL(join(packageDir, "dist", "index.js")).href)) as Record<string, unknown>;
    const tests = readdirSync(join(here, "types"))
      .filter((f) => f.endsWith(".ts"))
      .map((f) => readFileSync(join(here, "types", f), "utf8"))
      .join("\n");
    const untested = Object.keys(api).filter((name) => !new RegExp(`\\b${name}\\b`).test(tests));
    expect(untested).toEqual([]);
  });

  it("no @internal member is in a package's .d.ts", () => {
    const leaked: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith(".d.ts") && readFileSync(path, "utf8").includes("@internal")) leaked.push(path);
      }
    };
    for (const pkg of readdirSync(join(repoRoot, "packages"))) walk(join(repoRoot, "packages", pkg, "dist"));
    expect(leaked).toEqual([]);
  });
});
