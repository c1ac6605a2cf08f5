// Starting a program with no loader hooks. Node 20 runs loader hooks on a second thread, which
// costs about half of a plain `node` start; when every module of a program is compiled and cached,
// the CLI imports *linked* copies of the cache entries instead: plain .mjs files whose imports
// name each other's files, so Node loads them as they are.
//
// A linked file is the cached compiled code with
// - each static import's specifier replaced by the URL it resolves to, as the hooks resolve it
//   (a compiled module: its linked file; anything the hooks leave to Node: its own URL);
// - `import.meta` replaced by `$spickleM()`, the original module's url, filename, dirname and
//   resolve (./linked-meta.ts) — as many characters, so the inline source map still holds;
// - on line 1, in front of the code, a header (what it was linked from) and the declarations of
//   `$spickleM`.
// It lives at `<cache dir>/linked/<xx>/<contentHash(filename, module id)>.mjs`, one per module, and is
// rewritten when its header no longer matches (the source, the compiler or a resolution changed).
//
// Anything this cannot do exactly as the hooks would is left to the hooks: a module not yet
// compiled, an import of a package other than spickle's and Node's own (resolving it from the
// cache folder could find another copy), a dynamic `import()` or `import.meta.resolve` (resolved
// at run time), a `.js` file whose format Node decides by its syntax.

import { readFileSync, realpathSync } from "node:fs";
import { isBuiltin } from "node:module";
import { extname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { cacheSlotOf, readCacheEntry, writeFileAtomic, type CacheSlot } from "./cache.js";
import { contentHash } from "./hash.js";
import { debug } from "./debug.js";
import { compilerFingerprint } from "./fingerprint.js";
import { cacheDirFor, moduleIdOf, projectRootOf } from "./project.js";
import {
  ALWAYS_ESM,
  compilerDirOf,
  isExcluded,
  isFile,
  isPathLike,
  isSpicklePackage,
  packageTypeOf,
  transformEntryUrl,
  typeScriptAlternative,
} from "./resolution.js";

/** Bump when the layout of linked files changes. */
export const LINK_FORMAT = 1;

const HEADER_PREFIX = `/*spickle-linked:${LINK_FORMAT}:`;
const HEADER_END = "*/";
const META_CALL = "$spickleM()";
const META_HELPER = new URL("./linked-meta.js", import.meta.url).href;

/** A reason to start through the hooks instead. */
class NotLinkable extends Error {}

/** What a static import of a linked module resolved to. */
interface Dependency {
  specifier: string;
  /** The URL written into the linked file. */
  url: string;
  /** The compiled module's file, when the import is one (its linked file is `url`). */
  linked?: string;
}

/** The header of a linked file. */
interface LinkHeader {
  /** The cache key of the compiled code it was made from. */
  key: string;
  /** The original module's URL. */
  url: string;
  /** The URL of the import.meta helper. */
  meta: string;
  deps: Dependency[];
  /** Content hash of the text after the header. */
  body: string;
}

interface LinkContext {
  fallbackRoot: string;
  fingerprint: string;
  compilerDir: string;
}

/**
 * The URL of the linked copy of `entry` (an absolute, real path) and of every module it imports,
 * made or brought up to date as needed; undefined when the program must start through the hooks
 * (the reason is printed with SPICKLE_DEBUG_LOADER=1).
 */
export async function linkedStart(entry: string, fallbackRoot: string): Promise<string | undefined> {
  try {
    const transformUrl = transformEntryUrl();
    const context: LinkContext = { fallbackRoot, fingerprint: compilerFingerprint(transformUrl), compilerDir: compilerDirOf(transformUrl) };
    if (!isCompiled(entry, context)) throw new NotLinkable(`${entry} is not a module the loader compiles`);
    const url = await linkGraph(entry, context);
    debug(`linked start ${entry}`);
    return url;
  } catch (error) {
    debug(`start through the hooks: ${error instanceof NotLinkable ? error.message : `linking failed: ${(error as Error)?.message ?? error}`}`);
    return undefined;
  }
}

/** Links every module reachable from `entry` by static imports (iteratively: a long chain of
 * imports does not grow the stack); the URL of the entry's linked file. */
async function linkGraph(entry: string, context: LinkContext): Promise<string> {
  const seen = new Set<string>([entry]);
  const pending = [entry];
  while (pending.length > 0) {
    const filename = pending.pop()!;
    const slot = cacheSlotOf(filename, readFileSync(filename, "utf8"), context.fingerprint, context.fallbackRoot);
    const path = linkedPathOf(filename, context);
    const deps = currentDependencies(path, filename, slot, context) ?? (await relink(path, filename, slot, context));
    for (const dep of deps) {
      if (dep.linked !== undefined && !seen.has(dep.linked)) {
        seen.add(dep.linked);
        pending.push(dep.linked);
      }
    }
  }
  return pathToFileURL(linkedPathOf(entry, context)).href;
}

/** `<cache dir>/linked/<xx>/<hash of (filename, module id)>.mjs`. */
function linkedPathOf(filename: string, context: LinkContext): string {
  const root = projectRootOf(filename, context.fallbackRoot);
  const name = contentHash(`${filename}\0${moduleIdOf(filename, root)}`);
  return join(cacheDirFor(root), "linked", name.slice(0, 2), `${name}.mjs`);
}

/** Whether the hooks would compile `filename` (else they leave it to Node). */
function isCompiled(filename: string, context: LinkContext): boolean {
  if (isExcluded(filename, context.compilerDir)) return false;
  const ext = extname(filename);
  if (ALWAYS_ESM.has(ext)) return true;
  if (ext !== ".js") return false;
  const type = packageTypeOf(filename);
  if (type === "module") return true;
  if (type === "commonjs") return false;
  throw new NotLinkable(`${filename}: Node decides its format by its syntax`);
}

/** What static import `specifier` of `parent` resolves to, as the hooks resolve it. */
function dependency(specifier: string, parent: string, context: LinkContext): Dependency {
  if (specifier.startsWith("node:") || isBuiltin(specifier)) return { specifier, url: specifier };
  if (isSpicklePackage(specifier)) {
    try {
      return { specifier, url: import.meta.resolve(specifier) };
    } catch {
      throw new NotLinkable(`${parent} imports ${specifier}, which spickle's installation does not have`);
    }
  }
  if (!isPathLike(specifier)) throw new NotLinkable(`${parent} imports the package ${specifier}`);
  if (/[?#]/.test(specifier)) throw new NotLinkable(`${parent} imports ${specifier} (a query or fragment)`);
  const parentUrl = pathToFileURL(parent).href;
  const alternative = typeScriptAlternative(specifier, parentUrl);
  const named = new URL(specifier, parentUrl);
  if (alternative === undefined && (named.protocol !== "file:" || !isFile(fileURLToPath(named)))) {
    throw new NotLinkable(`${parent} imports ${specifier}: no such file`);
  }
  // Node's own resolution follows symbolic links; the hooks' TypeScript alternatives do not.
  const filename = alternative !== undefined ? fileURLToPath(alternative) : realpathSync(fileURLToPath(named));
  const url = alternative ?? pathToFileURL(filename).href;
  if (!isCompiled(filename, context)) return { specifier, url };
  return { specifier, url: pathToFileURL(linkedPathOf(filename, context)).href, linked: filename };
}

/** The dependencies recorded in the linked file at `path` when it is intact and still what
 * linking `filename` now would write; else undefined. */
function currentDependencies(path: string, filename: string, slot: CacheSlot, context: LinkContext): Dependency[] | undefined {
  const header = readLinkedHeader(path);
  if (header === undefined || header.key !== slot.key || header.meta !== META_HELPER || header.url !== pathToFileURL(filename).href) return undefined;
  for (const dep of header.deps) {
    const now = dependency(dep.specifier, filename, context);
    if (now.url !== dep.url || now.linked !== dep.linked) return undefined;
  }
  return header.deps;
}

function readLinkedHeader(path: string): LinkHeader | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  const end = text.indexOf(HEADER_END);
  if (!text.startsWith(HEADER_PREFIX) || end < 0) return undefined;
  try {
    const header = JSON.parse(decodeURIComponent(text.slice(HEADER_PREFIX.length, end))) as LinkHeader;
    return contentHash(text.slice(end + HEADER_END.length)) === header.body && Array.isArray(header.deps) ? header : undefined;
  } catch {
    return undefined;
  }
}

let lexer: Promise<typeof import("es-module-lexer")> | undefined;

/** es-module-lexer, loaded on the first link (a warm start with linked files never needs it). */
function loadLexer(): Promise<typeof import("es-module-lexer")> {
  return (lexer ??= import("es-module-lexer").then(async (m) => {
    await m.init;
    return m;
  }));
}

/** Writes the linked file of `filename` from its cache entry; its dependencies. */
async function relink(path: string, filename: string, slot: CacheSlot, context: LinkContext): Promise<Dependency[]> {
  const compiled = readCacheEntry(slot.entryPath);
  if (compiled === undefined) throw new NotLinkable(`${filename} is not compiled yet`);
  if (compiled.includes("$spickleM") || compiled.includes("$spickleL")) throw new NotLinkable(`${filename} uses the names the linker adds`);
  const { parse } = await loadLexer();
  const [imports] = parse(compiled, filename);
  const deps: Dependency[] = [];
  let code = "";
  let at = 0;
  for (const imp of imports) {
    let replacement: string;
    if (imp.d === -2) {
      if (/^\s*\.\s*resolve\b/.test(compiled.slice(imp.se, imp.se + 64))) throw new NotLinkable(`${filename} calls import.meta.resolve`);
      replacement = META_CALL;
      code += compiled.slice(at, imp.ss) + replacement;
      at = imp.se;
      continue;
    }
    if (imp.d !== -1 || imp.t !== 1 || imp.n === undefined) throw new NotLinkable(`${filename} has a dynamic import`);
    const dep = dependency(imp.n, filename, context);
    const quote = compiled[imp.s - 1]!;
    if (dep.url.includes(quote) || dep.url.includes("\\")) throw new NotLinkable(`${filename} imports ${imp.n}, whose URL cannot be quoted`);
    deps.push(dep);
    code += compiled.slice(at, imp.s) + dep.url;
    at = imp.e;
  }
  code += compiled.slice(at);
  // A hashbang line means nothing in an imported module; the header takes its place on line 1.
  if (code.startsWith("#!")) code = code.slice(code.indexOf("\n") < 0 ? code.length : code.indexOf("\n"));
  const url = pathToFileURL(filename).href;
  const body = `import{linkedMeta as $spickleL}from${JSON.stringify(META_HELPER)};function $spickleM(){return $spickleL(${JSON.stringify(url)})}${code}`;
  const header: LinkHeader = { key: slot.key, url, meta: META_HELPER, deps, body: contentHash(body) };
  writeFileAtomic(path, `${HEADER_PREFIX}${encodeURIComponent(JSON.stringify(header))}${HEADER_END}${body}`);
  debug(`link ${filename}`);
  return deps;
}
