// On-disk cache of compiled modules.
//
// Layout: `<cache dir>/<key[0..2]>/<key>.mjs`, where key = a content hash (hash.ts) over (cache
// format, compiler fingerprint, module id, filename, source). Each entry is one line of header
// `//spickle-cache:<format>:<hash of the body>` followed by the compiled code (which carries its
// inline source map). An entry whose header or body hash does not match is treated as a miss and
// rewritten. Writes go to a temporary file in the same folder, then rename: readers never see a
// half-written entry. Entries are never deleted by the loader (delete the folder to clear it).

import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { contentHash } from "./hash.js";
import { cacheDirFor, moduleIdOf, projectRootOf } from "./project.js";
import { projectConfigOf } from "./tsconfig.js";

/** Bump when the entry layout or the loader's post-processing of compiled code changes. */
export const CACHE_FORMAT = 2;

const HEADER_PREFIX = `//spickle-cache:${CACHE_FORMAT}:`;

export interface CacheKeyParts {
  fingerprint: string;
  moduleId: string;
  filename: string;
  source: string;
}

export function cacheKey(parts: CacheKeyParts): string {
  return contentHash(`spickle-cache ${CACHE_FORMAT}\0${parts.fingerprint}\0${parts.moduleId}\0${parts.filename}\0${contentHash(parts.source)}`);
}

export function cacheEntryPath(cacheDir: string, key: string): string {
  return join(cacheDir, key.slice(0, 2), `${key}.mjs`);
}

/** Where the compiled output of one module (file and source) belongs. */
export interface CacheSlot {
  root: string;
  moduleId: string;
  cacheDir: string;
  key: string;
  /** The cache entry's path. */
  entryPath: string;
}

/** The cache slot of `filename` with this `source`, compiled by the compiler of `fingerprint`
 * with the code options of its tsconfig (`fallbackRoot`: see projectRootOf). */
export function cacheSlotOf(filename: string, source: string, fingerprint: string, fallbackRoot: string | undefined): CacheSlot {
  const root = projectRootOf(filename, fallbackRoot);
  const moduleId = moduleIdOf(filename, root);
  const cacheDir = cacheDirFor(root);
  const options = projectConfigOf(filename).key;
  const key = cacheKey({ fingerprint: options === "" ? fingerprint : `${fingerprint}\0${options}`, moduleId, filename, source });
  return { root, moduleId, cacheDir, key, entryPath: cacheEntryPath(cacheDir, key) };
}

/** The cached code at `path`, or undefined when it is missing or corrupt. */
export function readCacheEntry(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  if (!text.startsWith(HEADER_PREFIX)) return undefined;
  const newline = text.indexOf("\n");
  if (newline < 0) return undefined;
  const expected = text.slice(HEADER_PREFIX.length, newline);
  const body = text.slice(newline + 1);
  return contentHash(body) === expected ? body : undefined;
}

/** Writes `code` at `path` atomically (temporary file + rename). Throws on I/O errors. */
export function writeCacheEntry(path: string, code: string): void {
  writeFileAtomic(path, `${HEADER_PREFIX}${contentHash(code)}\n${code}`);
}

let temporaries = 0;

/** Writes `text` at `path` through a temporary file in the same folder and a rename: readers
 * see the old file or the new one, never half of one. Throws on I/O errors. */
export function writeFileAtomic(path: string, text: string): void {
  const dir = join(path, "..");
  mkdirSync(dir, { recursive: true });
  const temp = `${path}.${process.pid}.${(temporaries++).toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // the temporary file was never created
    }
    throw error;
  }
}
