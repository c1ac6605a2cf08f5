// How the loader resolves and which files it compiles: shared by the hooks (./hooks.ts) and the
// hook-free start from the linked cache (./linked.ts), so both load a program the same way.

import { readFileSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isInNodeModules, isInside, isSpickleOwnCode, packageDirOf } from "./project.js";

/** Extensions always compiled as ES modules (a `.js` file is compiled when Node loads it as one). */
export const ALWAYS_ESM = new Set([".ts", ".tsx", ".mts", ".cts", ".mjs"]);

/** `spickle`, `spickle/*` and `@spickle/*`: resolved from spickle's own installation. */
export function isSpicklePackage(specifier: string): boolean {
  return specifier === "spickle" || specifier.startsWith("spickle/") || specifier.startsWith("@spickle/");
}

export function isPathLike(specifier: string): boolean {
  return (
    specifier.startsWith("./") ||
    specifier.startsWith("../") ||
    specifier === "." ||
    specifier === ".." ||
    specifier.startsWith("/") ||
    specifier.startsWith("file:")
  );
}

export function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** The TypeScript file a path-like import means when the file it names does not exist:
 * `./x.js` → `./x.ts` or `./x.tsx`, `./x.mjs` → `./x.mts`, `./x.cjs` → `./x.cts`, `./x` →
 * `./x.ts`, `./x.tsx`, `./x/index.ts` or `./x/index.tsx`. */
export function typeScriptAlternative(specifier: string, parentURL: string | undefined): string | undefined {
  let url: URL;
  try {
    url = new URL(specifier, parentURL ?? pathToFileURL(`${process.cwd()}/`).href);
  } catch {
    return undefined;
  }
  if (url.protocol !== "file:") return undefined;
  const path = fileURLToPath(url);
  if (isInNodeModules(path)) return undefined;
  const suffix = `${url.search}${url.hash}`;
  const file = typeScriptFileFor(path);
  return file === undefined ? undefined : `${pathToFileURL(file).href}${suffix}`;
}

/** The TypeScript file `path` means when no file `path` exists (see typeScriptAlternative). */
export function typeScriptFileFor(path: string): string | undefined {
  const ext = extname(path);
  let candidates: string[];
  if (ext === ".js" || ext === ".jsx") candidates = [`${path.slice(0, -ext.length)}.ts`, `${path.slice(0, -ext.length)}.tsx`];
  else if (ext === ".mjs") candidates = [`${path.slice(0, -4)}.mts`];
  else if (ext === ".cjs") candidates = [`${path.slice(0, -4)}.cts`];
  else if (ext === "") candidates = [`${path}.ts`, `${path}.tsx`, join(path, "index.ts"), join(path, "index.tsx")];
  else return undefined;
  if (isFile(path)) return undefined;
  return candidates.find(isFile);
}

/** The file a `paths` candidate of the tsconfig names: itself, or the TypeScript file it means. */
export function pathsTarget(candidate: string): string | undefined {
  return isFile(candidate) ? candidate : typeScriptFileFor(candidate);
}

/** The URL of the compiler's entry module (`@spickle/transform`, unless `override`). */
export function transformEntryUrl(override?: string): string {
  if (override !== undefined) return override;
  // (import.meta.resolve is not available on Node 20's hooks thread.)
  return pathToFileURL(installedTransformEntry() ?? createRequire(import.meta.url).resolve("@spickle/transform")).href;
}

/** The compiler's entry file read straight from its package.json in the nearest `node_modules`
 * (where `require.resolve` would find it): the first resolution through Node's loader is a cost
 * of every start (scripts/bench/results.md, "Figures behind the code"). Undefined when the layout is not the plain one (then Node resolves it). */
function installedTransformEntry(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const pkgDir = join(dir, "node_modules", "@spickle", "transform");
    let pkg: { exports?: { ".": { default?: unknown } } };
    try {
      pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as typeof pkg;
    } catch {
      if (dirname(dir) === dir) return undefined;
      continue;
    }
    const entry = pkg.exports?.["."]?.default;
    if (typeof entry !== "string") return undefined;
    const file = join(pkgDir, entry);
    try {
      return realpathSync(file);
    } catch {
      return undefined;
    }
  }
}

/** Files the loader leaves to Node: node_modules, spickle's own code, the compiler's folder. */
export function isExcluded(filename: string, compilerDir: string): boolean {
  return isInNodeModules(filename) || isSpickleOwnCode(filename) || isInside(filename, compilerDir);
}

/** The folder of the compiler whose entry module is at `entryUrl`. */
export function compilerDirOf(entryUrl: string): string {
  return dirname(fileURLToPath(entryUrl));
}

const packageTypes = new Map<string, string | undefined>();

/** The `type` field of the package.json that scopes `filename` ("module", "commonjs" or
 * undefined when it has none or there is no package.json). */
export function packageTypeOf(filename: string): string | undefined {
  const dir = packageDirOf(dirname(filename));
  if (dir === undefined) return undefined;
  if (packageTypes.has(dir)) return packageTypes.get(dir);
  let type: string | undefined;
  try {
    const parsed = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { type?: unknown };
    if (typeof parsed.type === "string") type = parsed.type;
  } catch {
    // unreadable or invalid package.json: Node reports it when it loads the file
  }
  packageTypes.set(dir, type);
  return type;
}
