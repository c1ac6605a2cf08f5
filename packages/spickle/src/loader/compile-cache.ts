// V8's code cache for the modules Node loads (`module.enableCompileCache`, Node ≥ 22.1): spickle's
// own modules, the runtime and, on a compile, the compiler start from cached code instead of
// being parsed and compiled on every start. Node keys entries by the module's content, so a stale
// entry is never used. Node 20 has no such cache: this does nothing there.
//
// The cache lives in `$NODE_COMPILE_CACHE` when set, else `$SPICKLE_CACHE_DIR/v8` when that is
// set, else Node's default (a folder in the system's temporary directory).
// `NODE_DISABLE_COMPILE_CACHE=1` turns it off, as for any Node program.
import * as nodeModule from "node:module";
import { join } from "node:path";

type EnableCompileCache = (directory?: string) => { status: number; message?: string; directory?: string };

/** Turns V8's compile cache on where Node has one; returns whether it is on. */
export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): boolean {
  const enable = (nodeModule as { enableCompileCache?: unknown }).enableCompileCache;
  if (typeof enable !== "function") return false;
  const dir = env.NODE_COMPILE_CACHE ? undefined : env.SPICKLE_CACHE_DIR ? join(env.SPICKLE_CACHE_DIR, "v8") : undefined;
  try {
    const result = (enable as EnableCompileCache)(dir);
    const constants = (nodeModule as { constants?: { compileCacheStatus?: Record<string, number> } }).constants?.compileCacheStatus;
    return constants === undefined || result.status === constants.ENABLED || result.status === constants.ALREADY_ENABLED;
  } catch {
    // An unwritable folder only costs the cache.
    return false;
  }
}
