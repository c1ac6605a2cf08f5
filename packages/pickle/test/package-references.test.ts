import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { dumps, preparePackages, readSnapshotHeader, SerializeError } from "../src/index.js";
import { resolvePackageFile } from "../src/package-resolution.js";

const dir = mkdtempSync(join(tmpdir(), "spickle-pkg-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makePackage(name: string, manifest: object, files: Record<string, string>): void {
  const root = join(dir, "node_modules", name);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, "package.json"), JSON.stringify({ name, ...manifest }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(root, file, ".."), { recursive: true });
    writeFileSync(join(root, file), text);
  }
}

test("a package is resolved as the program's import resolves it: exports conditions, subpaths, main", () => {
  makePackage("dual", { exports: { ".": { import: "./esm/index.mjs", require: "./cjs/index.cjs" }, "./sub/*": { default: "./lib/*.js" } } },
    { "esm/index.mjs": "export const x = 1;\n", "cjs/index.cjs": "exports.x = 1;\n", "lib/a.js": "" });
  makePackage("plain", { main: "lib/main" }, { "lib/main.js": "" });
  expect(resolvePackageFile("dual", join(dir, "src", "deep"))).toBe(join(dir, "node_modules", "dual", "esm", "index.mjs"));
  expect(resolvePackageFile("dual", dir, true)).toBe(join(dir, "node_modules", "dual", "cjs", "index.cjs"));
  expect(resolvePackageFile("dual/sub/a", dir)).toBe(join(dir, "node_modules", "dual", "lib", "a.js"));
  expect(resolvePackageFile("dual/missing", dir)).toBeUndefined();
  expect(resolvePackageFile("plain", dir)).toBe(join(dir, "node_modules", "plain", "lib", "main.js"));
  expect(resolvePackageFile("absent", dir)).toBeUndefined();
});

test("a package value that would not load again in a fresh process fails when it is written, naming the value and its path", () => {
  // Loaded from a folder that is not the program's: a resume could not resolve it.
  makePackage("stray", { main: "index.js" }, { "index.js": "exports.helper = function helper() { return 1; };\n" });
  const stray = createRequire(join(dir, "x.js"))("stray") as { helper: () => number };
  let error: unknown;
  try {
    dumps({ tools: [stray.helper] });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SerializeError);
  expect((error as Error).message).toMatch(/^cannot serialize function helper at root\.tools\[0\]: it comes from package stray, which is loaded from .* but does not resolve from the program's folder/);
  expect((error as Error).message).not.toContain("\n");
});

test("a snapshot names the packages it needs; a resume that cannot resolve one says which, before decoding", async () => {
  const bytes = dumps(1, { header: { packages: [["not-installed-anywhere", join(dir, "gone")]] } });
  const header = readSnapshotHeader(bytes);
  await expect(preparePackages(header)).rejects.toThrow(/^this snapshot needs package not-installed-anywhere, which does not resolve from .*gone or /);
});
