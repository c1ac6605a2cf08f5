// The compiler fingerprint that keys the compile cache, computed WITHOUT loading the compiler
// (a warm start must not pay for Babel): the transform package's package.json (name, version,
// dependency ranges), the text of its entry module (which declares COMPILER_VERSION), and the
// relative names, sizes and modification times of every file in the folder that holds the entry
// module (its `dist/` once built) — but type declarations and source maps, which do not change
// what the compiler does (skipping them keeps the stat calls of every start to a quarter).

import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { contentHash } from "./hash.js";
import { packageDirOf } from "./project.js";

/** Files of a built package that do not run: `.d.ts` (and `.d.mts`, `.d.cts`), `.map`. */
function isInert(name: string): boolean {
  return name.endsWith(".map") || /\.d\.[cm]?ts$/.test(name);
}

function listFiles(dir: string, prefix: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      listFiles(path, `${prefix}${entry.name}/`, out);
    } else if (!isInert(entry.name)) {
      const stat = statSync(path, { throwIfNoEntry: false });
      if (stat) out.push(`${prefix}${entry.name}\0${stat.size}\0${stat.mtimeMs}`);
    }
  }
}

/** Fingerprint of the compiler whose entry module is at `entryUrl` (a file: URL). */
export function compilerFingerprint(entryUrl: string): string {
  const entryFile = fileURLToPath(entryUrl);
  const codeDir = dirname(entryFile);
  const parts = [`entry\0${entryFile}`];
  try {
    parts.push(readFileSync(entryFile, "utf8"));
  } catch {
    // unreadable entry: the import will report it
  }
  const pkgDir = packageDirOf(codeDir);
  if (pkgDir !== undefined) {
    try {
      parts.push(readFileSync(join(pkgDir, "package.json"), "utf8"));
    } catch {
      // no readable package.json: the file listing alone identifies the compiler
    }
  }
  listFiles(codeDir, "", parts);
  return contentHash(parts.join("\n"));
}
