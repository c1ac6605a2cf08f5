export type { TypeScriptOptions } from "./passes/typescript-options.js";
export { compile, type CompileOptions, type CompileResult, type SourceMap } from "./compile.js";
export { CompileError } from "./errors.js";

/** Changes whenever compiled output may change (part of compile-cache keys). */
export const COMPILER_VERSION = "0.1.0-c2";
