// Where a compiled module belongs: its project root, its module id and the folder its compiled
// output is cached in. Pure functions of the file system, shared by the loader hooks and the CLI.
//
// Project root of a file = the nearest folder, walking up from the file's own folder, that holds
// a package.json (Node's own "package scope" lookup, the one that decides `"type": "module"`). It
// depends on the file alone, never on which script started the process, so a module gets the same
// id whoever imports it. A file with no package.json above it belongs to the entry script's folder
// when it lies inside it (the loader passes that folder as `fallbackRoot`), else to its own folder.
//
// Module id = the file's path relative to its project root, with POSIX separators
// (`src/main.ts`).

import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, relative, sep } from "node:path";

const packageDirCache = new Map<string, string | null>();

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** The nearest folder at or above `dir` that holds a package.json, or undefined. */
export function packageDirOf(dir: string): string | undefined {
  const visited: string[] = [];
  let current = dir;
  let found: string | null = null;
  for (;;) {
    const cached = packageDirCache.get(current);
    if (cached !== undefined) {
      found = cached;
      break;
    }
    visited.push(current);
    if (isFile(join(current, "package.json"))) {
      found = current;
      break;
    }
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of visited) packageDirCache.set(d, found);
  return found ?? undefined;
}

/** Whether `file` lies inside folder `dir` (or is `dir`). */
export function isInside(file: string, dir: string): boolean {
  const rel = relative(dir, file);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The project root of `file` (an absolute path): see the comment at the top of this file. */
export function projectRootOf(file: string, fallbackRoot?: string): string {
  const dir = dirname(file);
  const pkg = packageDirOf(dir);
  if (pkg !== undefined) return pkg;
  if (fallbackRoot !== undefined && isInside(file, fallbackRoot)) return fallbackRoot;
  return dir;
}

/** The module id of `file` under project root `root`: relative path, POSIX separators. */
export function moduleIdOf(file: string, root: string): string {
  const rel = relative(root, file);
  return sep === "/" ? rel : rel.split(sep).join("/");
}

/** Whether a path has a `node_modules` segment (such files are never compiled). */
export function isInNodeModules(file: string): boolean {
  return file.includes(`${sep}node_modules${sep}`);
}

const packageNameCache = new Map<string, string | undefined>();

/** The `name` field of `<pkgDir>/package.json`, or undefined. */
export function packageNameOf(pkgDir: string): string | undefined {
  if (packageNameCache.has(pkgDir)) return packageNameCache.get(pkgDir);
  let name: string | undefined;
  try {
    const parsed = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { name?: unknown };
    if (typeof parsed.name === "string") name = parsed.name;
  } catch {
    // unreadable or invalid package.json: no name
  }
  packageNameCache.set(pkgDir, name);
  return name;
}

/**
 * Whether `file` is spickle's own code, which runs uncompiled: the `src/` and `dist/` folders of
 * the packages named `spickle` and `@spickle/*` (wherever they are installed, e.g. a workspace
 * checkout where they are not under node_modules). Their tests and fixtures are ordinary user code.
 */
export function isSpickleOwnCode(file: string): boolean {
  const pkgDir = packageDirOf(dirname(file));
  if (pkgDir === undefined) return false;
  const name = packageNameOf(pkgDir);
  if (name === undefined || (name !== "spickle" && !name.startsWith("@spickle/"))) return false;
  const rel = relative(pkgDir, file);
  return rel.startsWith(`src${sep}`) || rel.startsWith(`dist${sep}`);
}

/**
 * The folder that caches compiled output for the project at `root`:
 * `$SPICKLE_CACHE_DIR` when set; else `<root>/node_modules/.cache/spickle` when the project has a
 * node_modules folder; else `$XDG_CACHE_HOME/spickle`, or `~/.cache/spickle`.
 */
export function cacheDirFor(root: string): string {
  const override = process.env.SPICKLE_CACHE_DIR;
  if (override) return override;
  const nodeModules = join(root, "node_modules");
  if (isDirectory(nodeModules)) return join(nodeModules, ".cache", "spickle");
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg ? xdg : join(homedir(), ".cache"), "spickle");
}
