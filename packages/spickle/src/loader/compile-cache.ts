// V8's code cache for the modules Node loads (`module.enableCompileCache`, Node ≥ 22.1): spickle's
// own modules, the runtime and, on a compile, the compiler start from cached code instead of
// being parsed and compiled on every start. Node keys entries by the module's content, so a stale
// entry is never used. Node 20 has no such cache: this does nothing there.
//
// The cache lives where Node puts it (`$NODE_COMPILE_CACHE`, else a folder in the system's
// temporary directory), apart from spickle's own cache of compiled modules, which `--no-cache`
// and SPICKLE_CACHE_DIR govern. `NODE_DISABLE_COMPILE_CACHE=1` turns it off, as for any Node program.
import * as nodeModule from "node:module";

type EnableCompileCache = (directory?: string) => { status: number; message?: string; directory?: string };

/** Turns V8's compile cache on where Node has one; returns whether it is on. */
export function enableCompileCache(): boolean {
  const enable = (nodeModule as { enableCompileCache?: unknown }).enableCompileCache;
  if (typeof enable !== "function") return false;
  try {
    const result = (enable as EnableCompileCache)();
    const constants = (nodeModule as { constants?: { compileCacheStatus?: Record<string, number> } }).constants?.compileCacheStatus;
    return constants === undefined || result.status === constants.ENABLED || result.status === constants.ALREADY_ENABLED;
  } catch {
    // An unwritable folder only costs the cache.
    return false;
  }
}
