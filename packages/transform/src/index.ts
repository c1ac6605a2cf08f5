export type { TypeScriptOptions } from "./passes/typescript-options.js";
export { compile, functionSites, type CompileOptions, type CompileResult, type SourceMap } from "./compile.js";
export { CompileError } from "./errors.js";
export type { SiteIdentity, SiteTable } from "./passes/identity.js";

/** Changes whenever compiled output may change (part of compile-cache keys). */
export const COMPILER_VERSION = "0.1.0-c3";
