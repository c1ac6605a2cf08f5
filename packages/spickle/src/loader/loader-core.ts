// What the loader hooks do, shared by both ways of installing them: off-thread hooks for
// `module.register` (./hooks.ts, Node 20 and 22 before 22.15) and synchronous in-thread hooks for
// `module.registerHooks` (./in-thread-hooks.ts). Only how the compiler is loaded and how the next
// hook is awaited differ.
//
// - resolve: `spickle`, `spickle/*` and `@spickle/*` resolve from spickle's own installation,
//   whatever folder the importer is in; in the user's files (not under node_modules) `./x.js`
//   resolves to `./x.ts` (and `.mjs` to `.mts`, `.cjs` to `.cts`) when only the TypeScript file
//   exists, and an extensionless relative import to `x.ts` or `x/index.ts` (or `.tsx`); a bare
//   specifier that the tsconfig's `paths` / `baseUrl` map to a file resolves to it (./tsconfig.ts).
// - load: `.ts`/`.tsx`/`.mts`/`.cts`/`.mjs` files, and `.js` files Node loads as ESM, outside node_modules are
//   compiled with `@spickle/transform` (loaded lazily, on the first cache miss), through the
//   on-disk cache (./cache.ts).
//
// SPICKLE_DEBUG_LOADER=1 prints `spickle: compile <file>`, `spickle: cache hit <file>` and
// `spickle: loading compiler <url>` to stderr.

import { basename, extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { cacheSlotOf, readCacheEntry, writeCacheEntry, type CacheSlot } from "./cache.js";
import { debug } from "./debug.js";
import { compilerFingerprint } from "./fingerprint.js";
import { isInNodeModules } from "./project.js";
import { projectConfigOf } from "./tsconfig.js";
import {
  ALWAYS_ESM,
  compilerDirOf,
  isExcluded as isExcludedFrom,
  isPathLike,
  isSpicklePackage,
  transformEntryUrl as defaultTransformEntryUrl,
  typeScriptAlternative,
  pathsTarget,
} from "./resolution.js";

/** What register-loader.ts passes to the hooks. */
export interface LoaderData {
  /** Folder of the entry script: the project root of files with no package.json above them. */
  fallbackRoot?: string;
  /** URL of a module exporting `compile` to use instead of `@spickle/transform` (tests). */
  transformUrl?: string;
  /** false: compile every module afresh (`spickle run --no-cache`). */
  cache?: boolean;
}

export interface CompileResult {
  code: string;
  map?: unknown;
}
export type Compile = (source: string, options: { filename: string; moduleId: string; typescript?: object }) => CompileResult;

/** An error shown as its message alone (no hooks-thread stack). */
export function plainError(message: string): Error {
  const error = new Error(message);
  error.stack = `Error: ${message}`;
  return error;
}

let fallbackRoot: string | undefined;
let transformUrl: string | undefined;
let useCache = true;
let fingerprint: string | undefined;
let compilerDir: string | undefined;

export function configure(data: LoaderData | undefined): void {
  fallbackRoot = data?.fallbackRoot;
  transformUrl = data?.transformUrl;
  useCache = data?.cache !== false;
}

/** Files the loader leaves to Node: node_modules, spickle's own code, the compiler's folder. */
function isExcluded(filename: string): boolean {
  return isExcludedFrom(filename, (compilerDir ??= compilerDirOf(transformEntryUrl())));
}

export function transformEntryUrl(): string {
  return (transformUrl ??= defaultTransformEntryUrl());
}

function compilerFingerprintOnce(): string {
  return (fingerprint ??= compilerFingerprint(transformEntryUrl()));
}

/** Checks what the transform module exports. */
export function compileOf(transform: { compile?: Compile }, url: string): Compile {
  if (typeof transform.compile !== "function") throw plainError(`spickle: ${url} does not export compile()`);
  return transform.compile;
}

// ---------------------------------------------------------------- resolve

/** Where spickle's own packages resolve from: this installation. */
export const SPICKLE_BASE = import.meta.url;

/** How to resolve `specifier`: from spickle's installation, as a TypeScript file, or as given. */
/** "file": a file the tsconfig's `paths` / `baseUrl` map a bare specifier to (its format left to the load). */
export type ResolvePlan = { kind: "spickle" } | { kind: "typescript"; url: string } | { kind: "file"; url: string } | { kind: "next" };

export function resolvePlan(specifier: string, parentURL: string | undefined): ResolvePlan {
  if (isSpicklePackage(specifier)) return { kind: "spickle" };
  if (isPathLike(specifier) && (parentURL === undefined || parentURL.startsWith("file:"))) {
    if (parentURL === undefined || !isInNodeModules(fileURLToPath(parentURL))) {
      const url = typeScriptAlternative(specifier, parentURL);
      if (url !== undefined) return { kind: "typescript", url };
    }
  } else if (!isPathLike(specifier) && parentURL?.startsWith("file:") && !specifier.startsWith("node:")) {
    const parent = fileURLToPath(parentURL);
    if (!isInNodeModules(parent)) {
      // The tsconfig's `paths` / `baseUrl`, as tsc resolves them, before packages.
      for (const candidate of projectConfigOf(parent).paths?.(specifier) ?? []) {
        const file = pathsTarget(candidate);
        if (file !== undefined) return { kind: "file", url: pathToFileURL(file).href };
      }
    }
  }
  return { kind: "next" };
}

// ---------------------------------------------------------------- load

/** How to load `url`: compile its source (read here, or as Node loads it if Node loads it as
 * ESM), or leave it to Node. */
export type LoadPlan = { kind: "compile"; filename: string; read: boolean } | { kind: "next" };

export function loadPlan(url: string): LoadPlan {
  if (!url.startsWith("file:")) return { kind: "next" };
  const filename = fileURLToPath(url);
  if (isExcluded(filename)) return { kind: "next" };
  const ext = extname(filename);
  if (ALWAYS_ESM.has(ext)) return { kind: "compile", filename, read: true };
  // Node decides (package "type", or syntax detection): compile only what it loads as ESM.
  if (ext === ".js") return { kind: "compile", filename, read: false };
  return { kind: "next" };
}

export function sourceText(source: string | ArrayBuffer | ArrayBufferView): string {
  if (typeof source === "string") return source;
  const bytes = ArrayBuffer.isView(source) ? source : new Uint8Array(source);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}

function withInlineSourceMap(code: string, map: unknown, filename: string): string {
  if (/\n\/\/# sourceMappingURL=\S+\s*$/.test(code) || map === undefined || map === null) return code;
  const m = { ...(map as Record<string, unknown>) };
  if (!Array.isArray(m.sources) || m.sources.length === 0) m.sources = [basename(filename)];
  const encoded = Buffer.from(JSON.stringify(m), "utf8").toString("base64");
  return `${code}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${encoded}\n`;
}

/** The cached compiled code of `filename`, or where to store it once compiled. */
export function lookUpCache(filename: string, source: string): { code: string } | { slot: CacheSlot } {
  const slot = cacheSlotOf(filename, source, compilerFingerprintOnce(), fallbackRoot);
  const cached = useCache ? readCacheEntry(slot.entryPath) : undefined;
  if (cached !== undefined) {
    debug(`cache hit ${filename}`);
    return { code: cached };
  }
  debug(`compile ${filename}`);
  return { slot };
}

/** Compiles a cache miss and stores the result. `toCompileError` turns a problem of the source
 * into the error the user sees; a compiler bug keeps its own message and stack. */
export function compileAndStore(
  slot: CacheSlot, filename: string, source: string, compile: Compile, toCompileError: (error: unknown) => Error | undefined,
): string {
  let result: CompileResult;
  try {
    result = compile(source, { filename, moduleId: slot.moduleId, typescript: projectConfigOf(filename).options });
  } catch (error) {
    throw toCompileError(error) ?? error;
  }
  const code = withInlineSourceMap(result.code, result.map, filename);
  if (!useCache) return code;
  try {
    writeCacheEntry(slot.entryPath, code);
  } catch (error) {
    debug(`cannot write cache entry ${slot.entryPath}: ${(error as Error).message}`);
  }
  return code;
}
