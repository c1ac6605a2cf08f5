// The API reference in docs/api is what `pnpm run docs` (typedoc, ../../typedoc.json) makes of the
// current sources: regenerated into a scratch folder with warnings as errors (a type used by the
// public API but not exported is one) and compared file by file.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const repoRoot = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const scratch = mkdtempSync(join(tmpdir(), "spickle-api-docs-"));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function files(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else found.set(relative(dir, path), readFileSync(path, "utf8"));
    }
  };
  walk(dir);
  return found;
}

describe("docs/api", () => {
  it("is up to date with the sources (run `pnpm run docs` after changing the public API)", () => {
    const out = join(scratch, "api");
    const typedoc = join(repoRoot, "node_modules", "typedoc", "bin", "typedoc");
    execFileSync(process.execPath, [typedoc, "--out", out, "--treatWarningsAsErrors"], { cwd: repoRoot, stdio: "pipe", timeout: 300_000 });
    const made = files(out);
    const committed = files(join(repoRoot, "docs", "api"));
    expect([...committed.keys()].sort()).toEqual([...made.keys()].sort());
    for (const [path, text] of made) expect(committed.get(path), path).toBe(text);
  });
});
