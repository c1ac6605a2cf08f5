// The Node loader (`node --import spickle/register`): end-to-end through child processes running
// the built loader (packages/spickle/dist), plus unit tests of its pure pieces.

import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheDirFor, moduleIdOf, projectRootOf } from "../src/loader/project.js";
import { cacheEntryPath, cacheKey, readCacheEntry, writeCacheEntry } from "../src/loader/cache.js";
import { compilerFingerprint } from "../src/loader/fingerprint.js";
import { compileErrorDetails, formatCompileError, isSourceError } from "../src/loader/compile-error.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, "fixtures", "loader");
const packageDir = dirname(here);
const repoRoot = dirname(dirname(packageDir));
const registerUrl = pathToFileURL(join(packageDir, "dist", "register.js")).href;

let scratch: string;

beforeAll(() => {
  if (!existsSync(join(packageDir, "dist", "register.js"))) {
    execFileSync(process.execPath, [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-b", packageDir], {
      cwd: repoRoot,
      stdio: "inherit",
    });
  }
  scratch = mkdtempSync(join(tmpdir(), "spickle-loader-"));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

let projectCount = 0;

/** A fresh project folder outside the repository, filled with a copy of a fixture folder. */
function makeProject(
  fixture: string,
  options: { packageJson?: object | false; nodeModules?: boolean } = {},
): string {
  const dir = join(scratch, `p${projectCount++}`);
  cpSync(join(fixtures, fixture), dir, { recursive: true });
  if (options.packageJson !== false) {
    writeFileSync(join(dir, "package.json"), JSON.stringify(options.packageJson ?? { name: "p", type: "module" }));
  }
  if (options.nodeModules) mkdirSync(join(dir, "node_modules"), { recursive: true });
  return dir;
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  compiled: string[];
  hits: string[];
  compilerLoaded: boolean;
}

function run(cwd: string, script: string, env: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, ["--import", registerUrl, script], {
    cwd,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, XDG_CACHE_HOME: join(scratch, "xdg"), SPICKLE_CACHE_DIR: "", SPICKLE_DEBUG_LOADER: "1", ...env },
  });
  const lines = result.stderr.split("\n");
  const pick = (prefix: string) =>
    lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length).slice(cwd.length + 1));
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    compiled: pick("spickle: compile "),
    hits: pick("spickle: cache hit "),
    compilerLoaded: lines.some((l) => l.startsWith("spickle: loading compiler ")),
  };
}

function cacheEntries(cacheDir: string): string[] {
  if (!existsSync(cacheDir)) return [];
  return readdirSync(cacheDir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".mjs"))
    .map((f) => join(cacheDir, f));
}

describe("spickle/register", () => {
  it("runs a .ts script that imports .ts files as ./x.js, extensionless and as a folder", () => {
    const dir = makeProject("basic", { nodeModules: true });
    const r = run(dir, "main.ts");
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ answer: 42, greeting: "hello loader", version: "1" });
    expect(r.compiled.sort()).toEqual(["lib/greet.ts", "lib/math.ts", "main.ts", "util/index.ts"]);
  });

  it("runs its hooks in-thread where Node has module.registerHooks, off-thread otherwise or when asked", async () => {
    const nodeModule = await import("node:module");
    const hasRegisterHooks = typeof (nodeModule as { registerHooks?: unknown }).registerHooks === "function";
    const dir = makeProject("basic", { nodeModules: true });
    const loaderModule = pathToFileURL(join(packageDir, "dist", "loader", "register-loader.js")).href;
    writeFileSync(join(dir, "mode.ts"), `import "./main.ts";\nconst { installedLoaderMode } = await import(${JSON.stringify(loaderModule)});\nconsole.error("mode " + installedLoaderMode());\n`);
    const inThread = run(dir, "mode.ts");
    expect(inThread.status).toBe(0);
    expect(JSON.parse(inThread.stdout).answer).toBe(42);
    expect(inThread.stderr).toContain(`mode ${hasRegisterHooks ? "in-thread" : "off-thread"}`);
    const offThread = run(dir, "mode.ts", { SPICKLE_LOADER: "off-thread" });
    expect(offThread.status).toBe(0);
    expect(JSON.parse(offThread.stdout).answer).toBe(42);
    expect(offThread.stderr).toContain("mode off-thread");
    // the off-thread run found what the in-thread run compiled: both use the same cache
    expect(offThread.compiled).toEqual([]);
  });

  it("lets a script in a folder without package.json or node_modules import spickle and @spickle/runtime", () => {
    const dir = makeProject("tmp-script", { packageJson: false });
    const r = run(dir, "script.ts");
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe("symbol object");
    // no node_modules folder: the cache is under $XDG_CACHE_HOME/spickle
    expect(cacheEntries(join(scratch, "xdg", "spickle")).length).toBeGreaterThan(0);
  });

  it("leaves files under node_modules, CommonJS .js files and spickle's own code alone", () => {
    const dir = makeProject("basic", { nodeModules: true });
    const dep = join(dir, "node_modules", "dep");
    mkdirSync(dep, { recursive: true });
    writeFileSync(join(dep, "package.json"), JSON.stringify({ name: "dep", type: "module", exports: "./index.js" }));
    writeFileSync(join(dep, "index.js"), "export const dep = 'dep';\n");
    mkdirSync(join(dir, "legacy"));
    writeFileSync(join(dir, "legacy", "package.json"), JSON.stringify({ type: "commonjs" }));
    writeFileSync(join(dir, "legacy", "old.js"), "module.exports = { old: 'old' };\n");
    writeFileSync(join(dir, "esm.js"), "export const esm = 'esm';\n");
    writeFileSync(
      join(dir, "uses.ts"),
      [
        'import { dep } from "dep";',
        'import legacy from "./legacy/old.js";',
        'import { esm } from "./esm.js";',
        'import * as runtime from "@spickle/runtime";',
        "console.log(dep, legacy.old, esm, typeof runtime.FRAME);",
      ].join("\n"),
    );
    const r = run(dir, "uses.ts");
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe("dep old esm symbol");
    expect(r.compiled.sort()).toEqual(["esm.js", "uses.ts"]);
    expect(r.stderr).not.toMatch(/compile .*node_modules/);
    expect(r.stderr).not.toMatch(/compile .*packages\/runtime/);
  });

  it("uses the cache on the second start without loading the compiler", () => {
    const dir = makeProject("basic", { nodeModules: true });
    const first = run(dir, "main.ts");
    expect(first.status).toBe(0);
    expect(first.compilerLoaded).toBe(true);
    expect(first.compiled).toHaveLength(4);
    const cacheDir = join(dir, "node_modules", ".cache", "spickle");
    expect(cacheEntries(cacheDir)).toHaveLength(4);

    const second = run(dir, "main.ts");
    expect(second.status).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(second.compiled).toEqual([]);
    expect(second.hits.sort()).toEqual(["lib/greet.ts", "lib/math.ts", "main.ts", "util/index.ts"]);
    expect(second.compilerLoaded).toBe(false);

    // an edited file is recompiled, the others still come from the cache
    writeFileSync(join(dir, "lib", "math.ts"), "export function twice(x: number): number { return x + x + 0; }\n");
    const third = run(dir, "main.ts");
    expect(third.stdout).toBe(first.stdout);
    expect(third.compiled).toEqual(["lib/math.ts"]);
    expect(third.hits).toHaveLength(3);
  });

  it("ignores and rewrites a corrupt cache entry", () => {
    const dir = makeProject("basic", { nodeModules: true });
    expect(run(dir, "main.ts").status).toBe(0);
    const entries = cacheEntries(join(dir, "node_modules", ".cache", "spickle"));
    expect(entries).toHaveLength(4);
    // one truncated, one with garbage in the body, one replaced by junk
    const [a, b, c] = entries as [string, string, string];
    const textA = readFileSync(a, "utf8");
    writeFileSync(a, textA.slice(0, textA.length >> 1));
    writeFileSync(b, readFileSync(b, "utf8").replace(/\n/, "\nthrow new Error('corrupt');\n"));
    writeFileSync(c, "\u0000\u0001garbage");

    const r = run(dir, "main.ts");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ answer: 42, greeting: "hello loader", version: "1" });
    expect(r.compiled).toHaveLength(3);
    expect(r.hits).toHaveLength(1);

    const again = run(dir, "main.ts");
    expect(again.compiled).toEqual([]);
    expect(again.hits).toHaveLength(4);
  });

  it("shows the original .ts lines in stack traces", () => {
    const dir = makeProject("errors");
    const r = run(dir, "throws.ts");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("Error: failed: on purpose");
    expect(r.stderr).toMatch(/at fail \(.*throws\.ts:4:\d+\)/);
    expect(r.stderr).toMatch(/throws\.ts:7:\d+/);
  });

  it("reports a syntax error as SyntaxError: reason (file:line:column) with a code frame", () => {
    const dir = makeProject("errors");
    const r = run(dir, "imports-syntax.ts");
    expect(r.status).toBe(1);
    // (Node names the error's class after it crossed from the hooks thread: `SyntaxError [Error]`;
    // `spickle run` prints `SyntaxError: …`, see cli.test.ts)
    expect(r.stderr).toContain("SyntaxError");
    expect(r.stderr).toContain(`Unexpected token (${join(dir, "syntax.ts")}:2:9)\n`);
    expect(r.stderr).toMatch(/> 2 \| let x = ;\n\s+\| +\^/);
    // one message, not a stack dump of the hooks thread
    expect(r.stderr).not.toMatch(/hooks\.js|node:internal\/modules\/esm\/worker/);
  });

  it("lets a program catch a compile error of a dynamic import", () => {
    const dir = makeProject("errors");
    const r = run(dir, "catches-syntax.ts");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ code: "ERR_SPICKLE_COMPILE", file: "syntax.ts", line: 2, column: 9 });
  });
});

describe("project roots and module ids", () => {
  it("uses the nearest package.json folder, else the fallback root, else the file's folder", () => {
    const root = mkdtempSync(join(tmpdir(), "spickle-root-"));
    try {
      mkdirSync(join(root, "app", "src", "deep"), { recursive: true });
      mkdirSync(join(root, "loose", "sub"), { recursive: true });
      writeFileSync(join(root, "app", "package.json"), "{}");
      const file = join(root, "app", "src", "deep", "x.ts");
      expect(projectRootOf(file)).toBe(join(root, "app"));
      expect(moduleIdOf(file, projectRootOf(file))).toBe("src/deep/x.ts");
      const loose = join(root, "loose", "sub", "y.ts");
      // (assumes no package.json above the temporary folder)
      expect(projectRootOf(loose, join(root, "loose"))).toBe(join(root, "loose"));
      expect(moduleIdOf(loose, join(root, "loose"))).toBe("sub/y.ts");
      expect(projectRootOf(loose, join(root, "app"))).toBe(join(root, "loose", "sub"));
      expect(projectRootOf(loose)).toBe(join(root, "loose", "sub"));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("caches under node_modules/.cache/spickle when the project has node_modules", () => {
    const root = mkdtempSync(join(tmpdir(), "spickle-root-"));
    const saved = { dir: process.env.SPICKLE_CACHE_DIR, xdg: process.env.XDG_CACHE_HOME };
    try {
      delete process.env.SPICKLE_CACHE_DIR;
      process.env.XDG_CACHE_HOME = join(root, "xdg");
      expect(cacheDirFor(root)).toBe(join(root, "xdg", "spickle"));
      mkdirSync(join(root, "node_modules"));
      expect(cacheDirFor(root)).toBe(join(root, "node_modules", ".cache", "spickle"));
      process.env.SPICKLE_CACHE_DIR = join(root, "elsewhere");
      expect(cacheDirFor(root)).toBe(join(root, "elsewhere"));
    } finally {
      if (saved.dir === undefined) delete process.env.SPICKLE_CACHE_DIR;
      else process.env.SPICKLE_CACHE_DIR = saved.dir;
      if (saved.xdg === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved.xdg;
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("compile cache", () => {
  it("keys on source, compiler fingerprint, module id and filename", () => {
    const base = { fingerprint: "f", moduleId: "a.ts", filename: "/p/a.ts", source: "x" };
    const key = cacheKey(base);
    expect(cacheKey({ ...base })).toBe(key);
    for (const change of [{ fingerprint: "g" }, { moduleId: "b.ts" }, { filename: "/q/a.ts" }, { source: "y" }]) {
      expect(cacheKey({ ...base, ...change })).not.toBe(key);
    }
  });

  it("round-trips entries and rejects corrupt ones", () => {
    const dir = mkdtempSync(join(tmpdir(), "spickle-cache-"));
    try {
      const path = cacheEntryPath(dir, cacheKey({ fingerprint: "f", moduleId: "m", filename: "/m", source: "s" }));
      expect(readCacheEntry(path)).toBeUndefined();
      writeCacheEntry(path, "export const x = 1;\n");
      expect(readCacheEntry(path)).toBe("export const x = 1;\n");
      writeFileSync(path, readFileSync(path, "utf8").replace("1", "2"));
      expect(readCacheEntry(path)).toBeUndefined();
      writeCacheEntry(path, "export const x = 3;\n");
      expect(readCacheEntry(path)).toBe("export const x = 3;\n");
      expect(readdirSync(dirname(path)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fingerprints the compiler from its files without loading it", () => {
    const dir = mkdtempSync(join(tmpdir(), "spickle-fp-"));
    try {
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "c", version: "1.0.0" }));
      mkdirSync(join(dir, "dist"));
      writeFileSync(join(dir, "dist", "index.js"), "throw new Error('must not be loaded');\n");
      const url = pathToFileURL(join(dir, "dist", "index.js")).href;
      const first = compilerFingerprint(url);
      expect(compilerFingerprint(url)).toBe(first);
      utimesSync(join(dir, "dist", "index.js"), new Date(1_000_000), new Date(1_000_000));
      const touched = compilerFingerprint(url);
      expect(touched).not.toBe(first);
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "c", version: "1.0.1" }));
      const bumped = compilerFingerprint(url);
      expect(bumped).not.toBe(touched);
      // type declarations and source maps do not change what the compiler does
      writeFileSync(join(dir, "dist", "index.d.ts"), "export {};\n");
      writeFileSync(join(dir, "dist", "index.js.map"), "{}");
      expect(compilerFingerprint(url)).toBe(bumped);
      mkdirSync(join(dir, "dist", "passes"));
      writeFileSync(join(dir, "dist", "passes", "pass.js"), "export {};\n");
      expect(compilerFingerprint(url)).not.toBe(bumped);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("compile error messages", () => {
  it("formats the transform's CompileError as reason (file:line:column) and code frame", () => {
    const frame = "  1 | a\n> 2 | let x = ;\n    |         ^";
    const error = Object.assign(new SyntaxError(`Unexpected token (/p/a.ts:2:9)\n\n${frame}`), {
      reason: "Unexpected token",
      filename: "/p/a.ts",
      line: 2,
      column: 9,
      codeFrame: frame,
    });
    expect(isSourceError(error)).toBe(true);
    const details = compileErrorDetails(error, "/p/a.ts");
    expect(details).toEqual({ filename: "/p/a.ts", line: 2, column: 9, reason: "Unexpected token", codeFrame: frame });
    expect(formatCompileError(details)).toBe(`Unexpected token (/p/a.ts:2:9)\n\n${frame}\n`);
  });

  it("reads a raw Babel error (0-based column, file name and frame in the message)", () => {
    const error = Object.assign(new SyntaxError("/p/a.ts: Unexpected token (2:8)\n\n  1 | a\n> 2 | let x = ;\n    |         ^"), {
      loc: { line: 2, column: 8 },
    });
    expect(compileErrorDetails(error, "/p/a.ts")).toMatchObject({ line: 2, column: 9, reason: "Unexpected token" });
    expect(compileErrorDetails(error, "/p/a.ts").codeFrame).toContain("> 2 | let x = ;");
  });

  it("does not take a compiler bug for a source error", () => {
    expect(isSourceError(new Error("spickle: internal compiler error in /p/a.ts: boom"))).toBe(false);
  });
});
