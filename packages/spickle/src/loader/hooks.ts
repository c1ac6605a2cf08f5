// Module customization hooks (run on Node's hooks thread; registered by ../register.ts).
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
// `spickle run` with a warm cache does not use these hooks: it imports linked copies of the cache
// entries (./linked.ts), resolved the same way (./resolution.ts).
//
// SPICKLE_DEBUG_LOADER=1 prints `spickle: compile <file>`, `spickle: cache hit <file>` and
// `spickle: loading compiler <url>` to stderr.

import { readFileSync } from "node:fs";
import type { InitializeHook, LoadHook, ResolveFnOutput, ResolveHook } from "node:module";
import { basename, extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { cacheSlotOf, readCacheEntry, writeCacheEntry } from "./cache.js";
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
  pathsTarget,
  transformEntryUrl as defaultTransformEntryUrl,
  typeScriptAlternative,
} from "./resolution.js";

/** What register.ts passes to `initialize`. */
export interface LoaderData {
  /** Folder of the entry script: the project root of files with no package.json above them. */
  fallbackRoot?: string;
  /** URL of a module exporting `compile` to use instead of `@spickle/transform` (tests). */
  transformUrl?: string;
  /** false: compile every module afresh (`spickle run --no-cache`). */
  cache?: boolean;
}

interface CompileResult {
  code: string;
  map?: unknown;
}
type Compile = (source: string, options: { filename: string; moduleId: string; typescript?: object }) => CompileResult;

/** An error shown as its message alone (no hooks-thread stack). */
function plainError(message: string): Error {
  const error = new Error(message);
  error.stack = `Error: ${message}`;
  return error;
}

let fallbackRoot: string | undefined;
let transformUrl: string | undefined;
let useCache = true;
let fingerprint: string | undefined;
let compilePromise: Promise<Compile> | undefined;

export const initialize: InitializeHook<LoaderData | undefined> = (data) => {
  fallbackRoot = data?.fallbackRoot;
  transformUrl = data?.transformUrl;
  useCache = data?.cache !== false;
};

let compilerDir: string | undefined;

/** Files the loader leaves to Node: node_modules, spickle's own code, the compiler's folder. */
function isExcluded(filename: string): boolean {
  return isExcludedFrom(filename, (compilerDir ??= compilerDirOf(transformEntryUrl())));
}

function transformEntryUrl(): string {
  return (transformUrl ??= defaultTransformEntryUrl());
}

function compilerFingerprintOnce(): string {
  return (fingerprint ??= compilerFingerprint(transformEntryUrl()));
}

function loadCompile(): Promise<Compile> {
  return (compilePromise ??= (async () => {
    const url = transformEntryUrl();
    debug(`loading compiler ${url}`);
    let transform: { compile?: Compile };
    try {
      transform = (await import(url)) as { compile?: Compile };
    } catch (error) {
      throw plainError(`spickle: cannot load the compiler ${url}: ${(error as Error)?.message ?? error}`);
    }
    if (typeof transform.compile !== "function") throw plainError(`spickle: ${url} does not export compile()`);
    return transform.compile;
  })());
}

// ---------------------------------------------------------------- resolve

const SPICKLE_BASE = import.meta.url;

/** Resolutions of spickle's packages (independent of the importer), by specifier and conditions. */
const spickleResolutions = new Map<string, Promise<ResolveFnOutput | undefined>>();

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  if (isSpicklePackage(specifier)) {
    const key = `${specifier}\0${context.conditions.join(",")}`;
    let resolved = spickleResolutions.get(key);
    if (resolved === undefined) {
      resolved = (async () => {
        try {
          return await nextResolve(specifier, { ...context, parentURL: SPICKLE_BASE });
        } catch {
          return undefined;
        }
      })();
      spickleResolutions.set(key, resolved);
    }
    const result = await resolved;
    return result === undefined ? nextResolve(specifier, context) : { ...result, shortCircuit: true };
  }
  const parentURL = context.parentURL;
  if (isPathLike(specifier) && (parentURL === undefined || parentURL.startsWith("file:"))) {
    if (parentURL === undefined || !isInNodeModules(fileURLToPath(parentURL))) {
      const url = typeScriptAlternative(specifier, parentURL);
      if (url !== undefined) return { url, format: "module", shortCircuit: true };
    }
  } else if (!isPathLike(specifier) && parentURL?.startsWith("file:") && !specifier.startsWith("node:")) {
    const parent = fileURLToPath(parentURL);
    if (!isInNodeModules(parent)) {
      // The tsconfig's `paths` / `baseUrl`, as tsc resolves them, before packages.
      const paths = projectConfigOf(parent).paths;
      for (const candidate of paths?.(specifier) ?? []) {
        const file = pathsTarget(candidate);
        if (file !== undefined) return { url: pathToFileURL(file).href, shortCircuit: true };
      }
    }
  }
  return nextResolve(specifier, context);
};

// ---------------------------------------------------------------- load

function withInlineSourceMap(code: string, map: unknown, filename: string): string {
  if (/\n\/\/# sourceMappingURL=\S+\s*$/.test(code) || map === undefined || map === null) return code;
  const m = { ...(map as Record<string, unknown>) };
  if (!Array.isArray(m.sources) || m.sources.length === 0) m.sources = [basename(filename)];
  const encoded = Buffer.from(JSON.stringify(m), "utf8").toString("base64");
  return `${code}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${encoded}\n`;
}

async function compileCached(filename: string, source: string): Promise<string> {
  const { moduleId, entryPath } = cacheSlotOf(filename, source, compilerFingerprintOnce(), fallbackRoot);
  const cached = useCache ? readCacheEntry(entryPath) : undefined;
  if (cached !== undefined) {
    debug(`cache hit ${filename}`);
    return cached;
  }
  debug(`compile ${filename}`);
  const compile = await loadCompile();
  let result: CompileResult;
  try {
    result = compile(source, { filename, moduleId, typescript: projectConfigOf(filename).options });
  } catch (error) {
    const { compileErrorDetails, isSourceError, makeCompileError } = await import("./compile-error.js");
    // A compiler bug (not a problem of the source) keeps its own message and stack.
    throw isSourceError(error) ? makeCompileError(compileErrorDetails(error, filename)) : error;
  }
  const code = withInlineSourceMap(result.code, result.map, filename);
  if (!useCache) return code;
  try {
    writeCacheEntry(entryPath, code);
  } catch (error) {
    debug(`cannot write cache entry ${entryPath}: ${(error as Error).message}`);
  }
  return code;
}

export const load: LoadHook = async (url, context, nextLoad) => {
  if (!url.startsWith("file:")) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  if (isExcluded(filename)) return nextLoad(url, context);
  const ext = extname(filename);
  let source: string;
  if (ALWAYS_ESM.has(ext)) {
    source = readFileSync(filename, "utf8");
  } else if (ext === ".js") {
    // Node decides (package "type", or syntax detection): compile only what it loads as ESM.
    const loaded = await nextLoad(url, context);
    if (loaded.format !== "module" || loaded.source == null) return loaded;
    source = typeof loaded.source === "string" ? loaded.source : Buffer.from(loaded.source as Uint8Array).toString("utf8");
  } else {
    return nextLoad(url, context);
  }
  return { format: "module", source: await compileCached(filename, source), shortCircuit: true };
};
