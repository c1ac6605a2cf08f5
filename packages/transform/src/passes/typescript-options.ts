// The first pass of the pipeline, chosen by the project's TypeScript options (its tsconfig): what
// the parser accepts (JSX in `.tsx`, decorators of the mode the project uses, `accessor`) and the
// plugins that lower them as tsc's output would run under Node — TypeScript stripped with
// `const enum`s inlined where they are used, decorators (legacy or standard), JSX with the
// project's factory or import source, class fields by `useDefineForClassFields`.

import type { ParserOptions, PluginItem } from "@babel/core";
import proposalDecorators from "@babel/plugin-proposal-decorators";
import transformReactJsx from "@babel/plugin-transform-react-jsx";
import presetTypescript from "@babel/preset-typescript";
import { assignedClassFieldsPlugin } from "./class-fields.js";
import { legacyDecoratorsPlugin } from "./legacy-decorators.js";
import { mayNeedTypeScriptModules, typeScriptModulesPlugin } from "./typescript-modules.js";

/** The compiler options of a project's tsconfig that change the code a file compiles to (the
 * names and values are tsc's). */
export interface TypeScriptOptions {
  /** Legacy decorators (tsc's `experimentalDecorators`); standard (TC39) decorators otherwise. */
  experimentalDecorators?: boolean;
  /** Class fields are defined (true, tsc's default from ES2022 on) or assigned in the constructor. */
  useDefineForClassFields?: boolean;
  /** How `.tsx` JSX compiles: `react` (classic, `jsxFactory`), `react-jsx` / `react-jsxdev`
   * (automatic, `jsxImportSource`). `preserve` and `react-native` leave JSX that Node cannot run. */
  jsx?: string;
  jsxFactory?: string;
  jsxFragmentFactory?: string;
  jsxImportSource?: string;
  /** Imports are kept exactly as written (only `import type` is removed). */
  verbatimModuleSyntax?: boolean;
}

const JSX_RUNTIMES: Record<string, { runtime: "classic" | "automatic"; development: boolean }> = {
  react: { runtime: "classic", development: false },
  "react-jsx": { runtime: "automatic", development: false },
  "react-jsxdev": { runtime: "automatic", development: true },
};

export interface FirstPass {
  parserPlugins: ParserOptions["plugins"];
  /** Passes run before the TypeScript preset's (each its own traversal). */
  before: { plugins: PluginItem[] }[];
  pass: { plugins: PluginItem[]; presets: PluginItem[] };
}

export class OptionsError extends Error {}

export function firstPass(filename: string, source: string, options: TypeScriptOptions, commonjs: boolean): FirstPass {
  const typescript = /\.[cm]?tsx?$/.test(filename);
  const jsxFile = /\.[jt]sx$/.test(filename);
  const legacy = options.experimentalDecorators === true;
  const parserPlugins: NonNullable<ParserOptions["plugins"]> = [];
  if (typescript) parserPlugins.push("typescript");
  if (jsxFile) parserPlugins.push("jsx");
  const decorators = /@[A-Za-z_$(]/.test(source) || /\baccessor\b/.test(source);
  if (decorators) {
    parserPlugins.push(legacy ? "decorators-legacy" : "decorators", "decoratorAutoAccessors");
  }
  const plugins: PluginItem[] = [];
  if (jsxFile) {
    const mode = options.jsx ?? "react";
    const runtime = JSX_RUNTIMES[mode];
    if (runtime === undefined) throw new OptionsError(`tsconfig "jsx": "${mode}" leaves JSX that Node cannot run; use "react", "react-jsx" or "react-jsxdev"`);
    plugins.push([
      transformReactJsx,
      runtime.runtime === "classic"
        ? { runtime: "classic", pragma: options.jsxFactory ?? "React.createElement", pragmaFrag: options.jsxFragmentFactory ?? "React.Fragment" }
        : { runtime: "automatic", importSource: options.jsxImportSource ?? "react", development: runtime.development },
    ]);
  }
  if (decorators) plugins.push(legacy ? legacyDecoratorsPlugin : [proposalDecorators, { version: "2023-11" }]);
  const defineFields = options.useDefineForClassFields !== false;
  if (typescript && !defineFields) plugins.push(assignedClassFieldsPlugin);
  const before: { plugins: PluginItem[] }[] = [];
  if (typescript && (commonjs || mayNeedTypeScriptModules(source))) before.push({ plugins: [typeScriptModulesPlugin({ commonjs })] });
  const presets: PluginItem[] = typescript
    ? [
        [
          presetTypescript,
          {
            allowDeclareFields: defineFields,
            optimizeConstEnums: true,
            onlyRemoveTypeImports: options.verbatimModuleSyntax === true,
            // By extension the preset would compile `.cts` to CommonJS: ./commonjs.ts does that part.
            allExtensions: true,
            isTSX: jsxFile,
            // Imports of the JSX factory are used by the JSX this pass compiles: keep them.
            jsxPragma: (options.jsxFactory ?? "React.createElement").split(".")[0],
            jsxPragmaFrag: (options.jsxFragmentFactory ?? "React.Fragment").split(".")[0],
          },
        ],
      ]
    : [];
  return { parserPlugins, before, pass: { plugins, presets } };
}
