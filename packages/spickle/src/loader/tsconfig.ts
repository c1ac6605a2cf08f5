// The project's tsconfig.json, as tsc reads it (get-tsconfig: comments, trailing commas,
// `extends` chains and package `extends` followed): the nearest one above a compiled file, or the
// one `spickle run --tsconfig <path>` names (SPICKLE_TSCONFIG, set by the CLI) for every file.
// From it come the compiler options that change a file's code (part of its compile-cache key) and
// the `paths` / `baseUrl` mapping of bare specifiers.

import { dirname, resolve as resolvePath } from "node:path";
import { createPathsMatcher, getTsconfig, parseTsconfig, type TsConfigResult } from "get-tsconfig";

/** The compiler options of a tsconfig that change what a file compiles to (tsc's names). */
export interface CodeOptions {
  experimentalDecorators?: boolean;
  useDefineForClassFields?: boolean;
  jsx?: string;
  jsxFactory?: string;
  jsxFragmentFactory?: string;
  jsxImportSource?: string;
  verbatimModuleSyntax?: boolean;
}

export interface ProjectConfig {
  /** The tsconfig.json's path; undefined when there is none. */
  path: string | undefined;
  options: CodeOptions;
  /** A stable string of `options`, for cache keys. */
  key: string;
  /** The files a bare specifier maps to by `paths` (most specific pattern first), or null. */
  paths: ((specifier: string) => string[]) | null;
}

const NONE: ProjectConfig = { path: undefined, options: {}, key: "", paths: null };
const byFolder = new Map<string, ProjectConfig>();
const parseCache = new Map<string, unknown>();

/** tsc's default of `useDefineForClassFields`: true from target ES2022 (and ESNext) on. */
function defineFieldsByTarget(target: string | undefined): boolean {
  if (target === undefined) return false;
  const t = target.toLowerCase();
  if (t === "esnext") return true;
  const year = /^es(\d{4})$/.exec(t);
  return year !== null && Number(year[1]) >= 2022;
}

function projectConfig(result: TsConfigResult): ProjectConfig {
  const compilerOptions = (result.config.compilerOptions ?? {}) as Record<string, unknown>;
  const options: CodeOptions = {};
  const flag = (name: keyof CodeOptions) => {
    const value = compilerOptions[name];
    if (typeof value === "boolean") (options as Record<string, unknown>)[name] = value;
  };
  const text = (name: keyof CodeOptions) => {
    const value = compilerOptions[name];
    if (typeof value === "string") (options as Record<string, unknown>)[name] = value;
  };
  flag("experimentalDecorators");
  flag("verbatimModuleSyntax");
  text("jsx");
  text("jsxFactory");
  text("jsxFragmentFactory");
  text("jsxImportSource");
  const define = compilerOptions.useDefineForClassFields;
  options.useDefineForClassFields = typeof define === "boolean" ? define : defineFieldsByTarget(compilerOptions.target as string | undefined);
  const hasPaths = compilerOptions.paths !== undefined || compilerOptions.baseUrl !== undefined;
  return { path: result.path, options, key: JSON.stringify(options), paths: hasPaths ? createPathsMatcher(result) : null };
}

/** The tsconfig that drives the compilation of `filename`. A tsconfig that cannot be read or
 * parsed is an error naming it. */
export function projectConfigOf(filename: string): ProjectConfig {
  const explicit = process.env.SPICKLE_TSCONFIG;
  const folder = explicit ? `explicit\0${explicit}` : dirname(filename);
  let config = byFolder.get(folder);
  if (config !== undefined) return config;
  let result: TsConfigResult | null;
  try {
    if (explicit) {
      const path = resolvePath(explicit);
      result = { path, config: parseTsconfig(path, parseCache as Map<string, never>) };
    } else {
      result = getTsconfig(folder, "tsconfig.json", parseCache as Map<string, never>);
    }
  } catch (error) {
    throw new Error(`spickle: cannot read the tsconfig for ${filename}: ${(error as Error).message}`);
  }
  config = result === null ? NONE : projectConfig(result);
  byFolder.set(folder, config);
  return config;
}
