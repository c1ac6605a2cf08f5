// The loader's pieces, for the CLI and tools.
export { registerLoader, type RegisterLoaderOptions } from "./register-loader.js";
export { projectRootOf, moduleIdOf, cacheDirFor, packageDirOf, isInNodeModules } from "./project.js";
export { cacheKey, cacheEntryPath, readCacheEntry, writeCacheEntry, CACHE_FORMAT } from "./cache.js";
export { compilerFingerprint } from "./fingerprint.js";
export { isCompileError, formatCompileError, COMPILE_ERROR_CODE } from "./compile-error.js";
