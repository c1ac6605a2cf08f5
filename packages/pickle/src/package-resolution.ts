// Resolving a package specifier the way the program's own `import` resolved it: from a folder,
// walking up its node_modules folders, through the package's "exports" with the import
// conditions (else "main", else index.js). Used to check, when a snapshot is written, that each
// package it names by reference resolves from the program's folder, and to load those packages
// (as ES modules: Node 20 cannot require one) before such a snapshot is decoded.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

const IMPORT_CONDITIONS = ["node", "import", "default"];
const REQUIRE_CONDITIONS = ["node", "require", "default"];

/** `name` and `./sub/path` of a bare specifier (`@scope/name/sub` → `@scope/name`, `./sub`). */
export function splitSpecifier(specifier: string): { name: string; subpath: string } | undefined {
  const parts = specifier.split("/");
  const n = specifier.startsWith("@") ? 2 : 1;
  if (parts.length < n || parts.slice(0, n).some((p) => p === "" || p === "." || p === "..")) return undefined;
  const rest = parts.slice(n);
  if (rest.some((p) => p === "" || p === "." || p === "..")) return undefined;
  return { name: parts.slice(0, n).join("/"), subpath: rest.length === 0 ? "." : `./${rest.join("/")}` };
}

/** The folder of the installed package `name` as Node finds it from `folder`, or undefined. */
export function packageFolder(name: string, folder: string): string | undefined {
  for (let dir = folder; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The file `specifier` names when imported (or, with `require: true`, required) from a module in
 * `folder`, or undefined when it does not resolve. */
export function resolvePackageFile(specifier: string, folder: string, require = false): string | undefined {
  const parts = splitSpecifier(specifier);
  if (parts === undefined) return undefined;
  const root = packageFolder(parts.name, folder);
  if (root === undefined) return undefined;
  let manifest: { exports?: unknown; main?: unknown };
  try {
    manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as typeof manifest;
  } catch {
    return undefined;
  }
  const conditions = require ? REQUIRE_CONDITIONS : IMPORT_CONDITIONS;
  if (manifest.exports !== undefined && manifest.exports !== null) {
    const target = exportTarget(manifest.exports, parts.subpath, conditions);
    return target === undefined ? undefined : fileAt(join(root, target));
  }
  if (parts.subpath !== ".") return fileAt(join(root, parts.subpath));
  return fileAt(join(root, typeof manifest.main === "string" ? manifest.main : "index.js"));
}

function fileAt(path: string): string | undefined {
  for (const candidate of [path, `${path}.js`, `${path}.json`, join(path, "index.js")]) {
    if (statSync(candidate, { throwIfNoEntry: false })?.isFile() === true) return candidate;
  }
  return undefined;
}

/** The target of `subpath` in a package's "exports" (exact keys and one `*` pattern per key). */
function exportTarget(exports: unknown, subpath: string, conditions: string[]): string | undefined {
  const sugar = typeof exports === "string" || Array.isArray(exports) || (typeof exports === "object" && !Object.keys(exports as object).some((k) => k.startsWith(".")));
  const map = sugar ? { ".": exports } : (exports as Record<string, unknown>);
  if (Object.hasOwn(map, subpath)) return conditional(map[subpath], conditions, undefined);
  for (const [key, value] of Object.entries(map)) {
    const star = key.indexOf("*");
    if (star < 0) continue;
    const [before, after] = [key.slice(0, star), key.slice(star + 1)];
    if (subpath.startsWith(before) && subpath.endsWith(after) && subpath.length >= key.length - 1) {
      return conditional(value, conditions, subpath.slice(before.length, subpath.length - after.length));
    }
  }
  return undefined;
}

function conditional(target: unknown, conditions: string[], star: string | undefined): string | undefined {
  if (typeof target === "string") return star === undefined ? target : target.replaceAll("*", star);
  if (Array.isArray(target)) {
    for (const t of target) {
      const found = conditional(t, conditions, star);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof target !== "object" || target === null) return undefined;
  for (const [condition, value] of Object.entries(target)) {
    if (!conditions.includes(condition)) continue;
    const found = conditional(value, conditions, star);
    if (found !== undefined) return found;
  }
  return undefined;
}
