// compile(source) → resumable ESM: TypeScript stripped, `using` declarations lowered to runtime
// disposal scopes, every generator function a state machine driven by @spickle/runtime. Babel
// passes over one AST, then one code generation (so the source map maps straight back to the
// original file).

import { parseSync, transformFromAstSync, traverse, type PluginItem } from "@babel/core";
import generateModule from "@babel/generator";
import type * as t from "@babel/types";
import { toCompileError } from "./errors.js";
import { closuresPlugin } from "./passes/closures/index.js";
import { recordSourceRanges } from "./passes/closures/source-table.js";
import { identityPlugin, recordSourceFacts, recordUnits, type SiteTable } from "./passes/identity.js";
import { liftBodies } from "./passes/lift.js";
import { modulePlugin } from "./passes/module.js";
import { prepareGenerators, type PrepareState } from "./passes/prepare.js";
import { redirectHelpers, regeneratorPlugin } from "./passes/regenerator.js";
import { commonJsPlugin, isCommonJsFile } from "./passes/commonjs.js";
import { firstPass, OptionsError, type TypeScriptOptions } from "./passes/typescript-options.js";
import { mayDeclareResources, resourcePlugins } from "./passes/resources.js";
import { RUNTIME_SPECIFIER } from "./passes/runtime-ref.js";
import { VerbatimLoops } from "./passes/verbatim.js";

type Generate = typeof import("@babel/generator").default;
const generate: Generate = (generateModule as unknown as { default?: Generate }).default ?? (generateModule as unknown as Generate);

export interface CompileOptions {
  /** Path of the source file (used in errors and the source map). */
  filename: string;
  /** Stable id of the module: its path relative to the project root, POSIX separators. */
  moduleId: string;
  /** Emit a source map (default true). */
  sourceMaps?: boolean;
  /** Module specifier compiled code imports the runtime from (default "@spickle/runtime"). */
  runtimeSpecifier?: string;
  /** The project's TypeScript compiler options that change the emitted code (its tsconfig's). */
  typescript?: TypeScriptOptions;
}

export interface SourceMap {
  version: number;
  sources: string[];
  names: string[];
  mappings: string;
  sourcesContent?: string[];
  file?: string;
}

export interface CompileResult {
  code: string;
  map: SourceMap | null;
  /** Site id → identity (source hash, kind, line; see passes/identity.ts). */
  sites: SiteTable;
}

export function compile(source: string, options: CompileOptions): CompileResult {
  const { filename } = options;
  try {
    return compileUnchecked(source, options, false);
  } catch (error) {
    if (error instanceof OptionsError) throw new Error(`spickle: ${filename}: ${error.message}`);
    throw toCompileError(error, source, filename);
  }
}

/** The function sites of a module (what `compile` returns as `sites`), without its module record
 * and code generation: `spickle diff` needs only these. */
export function functionSites(source: string, options: CompileOptions): SiteTable {
  try {
    return compileUnchecked(source, options, true).sites;
  } catch (error) {
    throw toCompileError(error, source, options.filename);
  }
}

function compileUnchecked(source: string, options: CompileOptions, sitesOnly: boolean): CompileResult {
  const { filename } = options;
  const commonjs = isCommonJsFile(filename);
  const first = firstPass(filename, source, options.typescript ?? {}, commonjs);
  const common = { babelrc: false, configFile: false, filename, sourceType: "module" as const, compact: false };
  let ast = parseSync(source, {
    ...common,
    parserOpts: { plugins: first.parserPlugins, allowReturnOutsideFunction: commonjs },
  }) as t.File;
  const ranges = recordSourceRanges(ast);
  const identity = recordSourceFacts(ast);

  const state: PrepareState = {
    bodies: new Map(),
    stepLocals: new Map(),
    verbatim: new VerbatimLoops(),
    runtime: null,
    runtimeSpecifier: options.runtimeSpecifier ?? RUNTIME_SPECIFIER,
  };
  const runtimeName = () => state.runtime!.name;
  const passes: { plugins?: PluginItem[]; presets?: PluginItem[] }[] = [
    ...first.before,
    first.pass,
    ...(commonjs ? [{ plugins: [commonJsPlugin] }] : []),
    {
      plugins: [
        ...(mayDeclareResources(source) ? resourcePlugins(() => state.runtime!) : []),
        prepareGenerators(state),
      ],
    },
    { plugins: [regeneratorPlugin as unknown as PluginItem, redirectHelpers(runtimeName)] },
    { plugins: [liftBodies(state, runtimeName)] },
    {
      plugins: [
        closuresPlugin({
          moduleId: options.moduleId, bodies: state.bodies, runtimeName, runtimeSpecifier: state.runtimeSpecifier,
          sources: { text: source, ranges }, onUnits: (units) => recordUnits(identity, units),
        }),
      ],
    },
    // The module pass makes the record and restore form, which the sites alone do not need.
    sitesOnly ? {} : {
      plugins: [
        modulePlugin({
          moduleId: options.moduleId, filename, source, runtimeName, runtimeSpecifier: state.runtimeSpecifier,
          sourceMaps: options.sourceMaps ?? true,
        }),
      ],
    },
    { plugins: [identityPlugin(identity, runtimeName)] },
  ];
  for (const pass of passes) {
    if (pass.plugins === undefined && pass.presets === undefined) continue;
    // Scopes are cached per node across traversals; each pass must see the tree as it is now.
    traverse.cache.clear();
    const result = transformFromAstSync(ast, source, { ...common, ...pass, ast: true, code: false, cloneInputAst: false });
    ast = result!.ast!;
  }
  traverse.cache.clear();
  if (sitesOnly) return { code: "", map: null, sites: identity.table };
  const sourceMaps = options.sourceMaps ?? true;
  const output = generate(ast, { sourceMaps, sourceFileName: filename, comments: true }, source);
  return { code: output.code, map: sourceMaps ? ((output.map as SourceMap | null) ?? null) : null, sites: identity.table };
}
