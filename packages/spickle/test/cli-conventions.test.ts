// Command-line conventions: the environment section of `--help` lists every variable the code
// reads, errors that need an option name it, and `--serializable-modules` globs (picomatch).

import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serializableModulesMatching, splitPatterns } from "../src/cli/checkpoint-policy.js";

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = dirname(here);
const repoRoot = dirname(dirname(packageDir));
const bin = join(packageDir, "dist", "bin.js");

let scratch: string;

beforeAll(() => {
  execFileSync(process.execPath, [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-b", packageDir], { cwd: repoRoot, stdio: "inherit" });
  scratch = mkdtempSync(join(tmpdir(), "spickle-conventions-"));
  cpSync(join(here, "fixtures", "cli"), scratch, { recursive: true });
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function spickle(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, SPICKLE_CACHE_DIR: join(scratch, ".cache") };
  delete env.NODE_PATH;
  delete env.SPICKLE_KEY;
  return spawnSync(process.execPath, [bin, ...args], { cwd: scratch, env, encoding: "utf8", timeout: 60_000 });
}

/** `process.env.NAME` and `env.NAME` reads in the packages' sources. */
function environmentVariablesRead(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts")) {
        for (const m of readFileSync(path, "utf8").matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)) names.add(m[1]!);
      }
    }
  };
  for (const pkg of readdirSync(join(repoRoot, "packages"))) walk(join(repoRoot, "packages", pkg, "src"));
  return names;
}

describe("spickle --help", () => {
  it("has an environment section naming every variable spickle reads", () => {
    const r = spickle(["--help"]);
    expect(r.status).toBe(0);
    const section = r.stdout.slice(r.stdout.indexOf("\nEnvironment:\n"));
    expect(section).toMatch(/^\nEnvironment:\n/);
    const read = environmentVariablesRead();
    expect(read).toContain("SPICKLE_KEY");
    expect(read).toContain("SPICKLE_CACHE_DIR");
    // SPICKLE_TORTURE is read by tortureRequested(), which the test setup calls; the CLI does not.
    read.delete("SPICKLE_TORTURE");
    for (const name of read) expect(section, name).toMatch(new RegExp(`^  ${name} `, "m"));
  });
});

describe("errors name the option they need", () => {
  it("cp.checkpoint() without a path in a run without -c points at -c/--checkpoint-file", () => {
    const r = spickle(["run", join(scratch, "counter.ts"), "2"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("step 1 total 1\n");
    expect(r.stderr).toMatch(/checkpoint\(\) needs a path.*-c\/--checkpoint-file <path>/);
  });
});

describe("--serializable-modules globs", () => {
  const matches = (patterns: string[], ids: string[]) => ids.filter(serializableModulesMatching(patterns));
  const ids = ["src/a.ts", "src/b.ts", "src/c.ts", "src/deep/d.ts", "lib/x.ts", "lib/y.mts", "main.ts", ".hidden/h.ts"];

  it("reads **, *, ? and dot folders", () => {
    expect(matches(["src/**"], ids)).toEqual(["src/a.ts", "src/b.ts", "src/c.ts", "src/deep/d.ts"]);
    expect(matches(["src/*.ts"], ids)).toEqual(["src/a.ts", "src/b.ts", "src/c.ts"]);
    expect(matches(["lib/?.ts"], ids)).toEqual(["lib/x.ts"]);
    expect(matches(["**/h.ts"], ids)).toEqual([".hidden/h.ts"]);
  });

  it("reads braces and character classes", () => {
    expect(matches(["src/{a,c}.ts"], ids)).toEqual(["src/a.ts", "src/c.ts"]);
    expect(matches(["src/[ab].ts"], ids)).toEqual(["src/a.ts", "src/b.ts"]);
    expect(matches(["lib/*.{ts,mts}"], ids)).toEqual(["lib/x.ts", "lib/y.mts"]);
  });

  it("`!pattern` excludes; only negated patterns keep everything else", () => {
    expect(matches(["src/**", "!src/deep/**"], ids)).toEqual(["src/a.ts", "src/b.ts", "src/c.ts"]);
    expect(matches(["src/**,!src/b.ts"], ids)).toEqual(["src/a.ts", "src/c.ts", "src/deep/d.ts"]);
    expect(matches(["!{src,lib}/**"], ids)).toEqual(["main.ts", ".hidden/h.ts"]);
  });

  it("splits a list at the commas outside braces", () => {
    expect(splitPatterns("a/**, {b,c}/*.ts ,,d")).toEqual(["a/**", "{b,c}/*.ts", "d"]);
  });

  it("carries the modules a brace pattern names by value in a real checkpoint", () => {
    const r = spickle(["run", "-c", "braces.ckpt", "--serializable-modules", "{counter,other}.ts", join(scratch, "counter.ts"), "2", "--stop-after=1"]);
    expect(r.status, r.stderr).toBe(3);
    const inspect = spickle(["inspect", "--json", "braces.ckpt"]);
    expect(JSON.parse(inspect.stdout).modules).toEqual([expect.objectContaining({ id: "counter.ts", byValue: true })]);
  });
});
