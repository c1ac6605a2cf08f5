// Reverse index of the exports of the npm packages the program has loaded: value →
// `<specifier>#<export>[.<member>][.prototype]`, so that a lodash function, a zod namespace or the
// class of a Decimal is written by reference and loaded again from the program's folder. The
// packages are those compiled modules import (each registers its packages' namespaces with the
// runtime) and the CommonJS packages in require's cache. Built on the first value of unknown
// identity the encoder meets, cached, and extended when more packages have been loaded since.
import { createRequire, isBuiltin } from "node:module";
import { dirname, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { loadedPackageImports } from "@spickle/runtime";
import { resolvePackageFile } from "./package-resolution.js";
import { comparePaths } from "./reference-paths.js";

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** A package the program loaded: its namespace (or CommonJS exports) and the folder its specifier
 * resolves from (the importing module's). */
export interface LoadedPackage {
  specifier: string;
  exports: object;
  folder: string | undefined;
  /** The exports are a CommonJS module.exports (the path goes through `default`). */
  commonjs: boolean;
  /** The file it was loaded from, when known. */
  file?: string;
}

const byValue = new Map<object, string>();
const packages = new Map<string, LoadedPackage>();
let seenImports = 0;
let seenCache = -1;
let req: NodeJS.Require | undefined;
/** An installed package's folder and name → its main entry (null: none). */
const mainEntries = new Map<string, string | null>();
/** Specifiers named by the encodes in progress (innermost last). */
const collectors: Set<string>[] = [];

function add(value: unknown, path: string): void {
  if ((typeof value !== "object" || value === null) && typeof value !== "function") return;
  const known = byValue.get(value);
  if (known === undefined || comparePaths(path, known) < 0) byValue.set(value, path);
}

/** An export and what hangs off it: a class's prototype, and one level of members (`_.chunk`,
 * `z.object`, `z.ZodObject.prototype`). */
function addExport(value: unknown, path: string, depth: number): void {
  if ((typeof value !== "object" || value === null) && typeof value !== "function") return;
  add(value, path);
  if (typeof value === "function") {
    const proto = Object.getOwnPropertyDescriptor(value, "prototype")?.value as unknown;
    if (typeof proto === "object" && proto !== null) add(proto, `${path}.prototype`);
  }
  if (depth > 0) return;
  for (const key of Object.getOwnPropertyNames(value)) {
    if (!IDENT.test(key) || key === "prototype" || key === "constructor") continue;
    let d: PropertyDescriptor | undefined;
    try {
      d = Object.getOwnPropertyDescriptor(value, key);
    } catch {
      continue;
    }
    // Namespaces' members are data properties; getters of other objects are never called.
    if (d !== undefined && "value" in d) addExport(d.value, `${path}.${key}`, depth + 1);
  }
}

function index(pkg: LoadedPackage): void {
  packages.set(pkg.specifier, pkg);
  const root = `${pkg.specifier}#`;
  if (pkg.commonjs) {
    addExport(pkg.exports, `${root}default`, 0);
    return;
  }
  add(pkg.exports, root);
  for (const key of Object.keys(pkg.exports)) {
    let value: unknown;
    try {
      value = (pkg.exports as Record<string, unknown>)[key];
    } catch {
      continue; // a binding not yet initialized
    }
    if (IDENT.test(key)) addExport(value, root + key, 0);
  }
}

/** Indexes the packages loaded since the last call. */
function refresh(): void {
  const imports = loadedPackageImports();
  while (seenImports < imports.length) {
    const { from, namespaces } = imports[seenImports]!;
    const folder = from !== undefined && from.startsWith("file:") ? dirname(fileURLToPath(from)) : undefined;
    let complete = true;
    for (const specifier of Object.keys(namespaces)) {
      if (packages.has(specifier) || isBuiltin(specifier)) continue;
      let exports: unknown;
      try {
        exports = Reflect.get(namespaces, specifier);
      } catch {
        complete = false; // still being evaluated (an import cycle): indexed by a later refresh
        continue;
      }
      if ((typeof exports === "object" && exports !== null) || typeof exports === "function") {
        index({ specifier, exports, folder, commonjs: false });
      }
    }
    if (!complete) break;
    seenImports++;
  }
  indexRequireCache();
}

/** CommonJS packages in require's cache, by the entry file their name resolves to. */
function indexRequireCache(): void {
  req ??= createRequire(import.meta.url);
  const cache = req.cache;
  const files = Object.keys(cache);
  if (files.length === seenCache) return;
  seenCache = files.length;
  const marker = `${sep}node_modules${sep}`;
  let folders: string[] | undefined;
  for (const file of files) {
    const at = file.lastIndexOf(marker);
    if (at < 0) continue;
    const parts = file.slice(at + marker.length).split(sep);
    const name = parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
    if (packages.has(name)) continue;
    // Only a package's main entry (resolved once per installed copy).
    const key = `${file.slice(0, at)}\0${name}`;
    let main = mainEntries.get(key);
    if (main === undefined) mainEntries.set(key, (main = resolvePackageFile(name, file.slice(0, at), true) ?? null));
    if (main !== file) continue;
    const exports = cache[file]?.exports as unknown;
    if ((typeof exports === "object" && exports !== null) || typeof exports === "function") {
      // Where the program requires it from: a resume resolves it from there.
      const folder = (folders ??= programFolders()).find((f) => resolvePackageFile(name, f, true) === file);
      index({ specifier: name, exports, folder, commonjs: true, file });
    }
  }
}

/** The by-reference path of a value exported by a loaded package (a function, class, prototype,
 * namespace or object, at most one level down), else undefined. `refreshFirst: false` only looks
 * in what is indexed already (the encoder's question about every other object). */
export function packagePathOf(value: object, refreshFirst = true): string | undefined {
  if (refreshFirst) refresh();
  const path = byValue.get(value);
  if (path !== undefined) for (const c of collectors) c.add(path.slice(0, path.indexOf("#", 1)));
  return path;
}

/** Whether any package value is indexed (no index is built for programs that hold none). */
export function hasPackageIndex(): boolean {
  return byValue.size > 0;
}

/** The package loaded under `specifier` in this process (the program's own instance), if any. */
export function loadedPackage(specifier: string): LoadedPackage | undefined {
  refresh();
  return packages.get(specifier);
}

/** Runs `fn` (one encode), adding to `met` each package it names by reference. */
export function collectPackages<T>(met: Set<string>, fn: () => T): T {
  collectors.push(met);
  try {
    return fn();
  } finally {
    collectors.pop();
  }
}

/** The folders of the program's modules that import packages (else the working directory). */
function programFolders(): string[] {
  const folders = new Set<string>();
  for (const { from } of loadedPackageImports()) if (from !== undefined && from.startsWith("file:")) folders.add(dirname(fileURLToPath(from)));
  if (folders.size === 0) folders.add(process.cwd());
  return [...folders];
}

const checked = new Map<string, string | null>();

/** Why the package a by-reference path names would not load again in a fresh process (it does
 * not resolve from the program's folder to the file the program loaded), or undefined. */
export function unresolvablePackage(path: string): string | undefined {
  const specifier = path.slice(0, path.indexOf("#", 1));
  let problem = checked.get(specifier);
  if (problem === undefined) {
    const pkg = packages.get(specifier);
    problem = pkg === undefined || pkg.folder !== undefined ? null
      : `it comes from package ${specifier}, which is loaded from ${pkg.file ?? "a file"} but does not resolve from the program's folder (${programFolders().join(", ")}), so a resume could not load it (make it a dependency of the program)`;
    checked.set(specifier, problem);
  }
  return problem ?? undefined;
}
