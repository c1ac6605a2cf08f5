// Closures as data (after lift): every function value becomes readable as (function id, scope)
// and re-creatable from that pair. Captured variables move into scope objects chained by
// `$parent`; each nested function literal is lifted into a module-level factory
// `function _f$factory($c) { return _rt.closure(fn, _f$factory, $c) }` that its site calls;
// the module registers its factories (and tags its top-level function declarations) at its top.
// `f.bind(...)` calls become `_rt.bind(f, ...)` so bound functions read as (target, this, args).

import { types as t, type NodePath, type PluginObj } from "@babel/core";
import { analyze } from "./analyze.js";
import { rewrite } from "./rewrite.js";
import type { SourceRanges } from "./source-table.js";
import type { Unit } from "./units.js";

export interface ClosuresOptions {
  moduleId: string;
  /** Generator body name → its locals parameter name (from prepare/lift). */
  bodies: Map<string, string>;
  runtimeName: () => string;
  runtimeSpecifier: string;
  /** The original source and its functions' ranges (their text for `toString`). */
  sources?: { text: string; ranges: SourceRanges };
  /** Told the units once they have their ids (function identity, ../identity.ts). */
  onUnits?: (units: readonly Unit[]) => void;
}

export function closuresPlugin(options: ClosuresOptions): PluginObj {
  return {
    name: "spickle-closures",
    visitor: {
      Program: {
        exit(program) {
          const runtimeName = options.runtimeName();
          rewriteBindCalls(program, runtimeName);
          normalizeCatchPatterns(program);
          program.scope.crawl();
          const analysis = analyze(program, options.moduleId, runtimeName, options.runtimeSpecifier, options.bodies, options.sources ?? null);
          options.onUnits?.(analysis.unitList);
          rewrite(analysis);
          ensureRuntimeImport(program.node, runtimeName, options.runtimeSpecifier);
        },
      },
    },
  };
}

/** `f.bind(a, ...b)` → `_rt.bind(f, a, ...b)`. */
function rewriteBindCalls(program: NodePath<t.Program>, runtimeName: string): void {
  program.traverse({
    CallExpression: {
      exit(path) {
        const callee = path.node.callee;
        if (!t.isMemberExpression(callee) || t.isSuper(callee.object)) return;
        if (t.isIdentifier(callee.object, { name: runtimeName })) return;
        const isBind = callee.computed ? t.isStringLiteral(callee.property, { value: "bind" }) : t.isIdentifier(callee.property, { name: "bind" });
        if (!isBind) return;
        const bind = t.memberExpression(t.identifier(runtimeName), t.identifier("bind"));
        path.replaceWith(t.callExpression(bind, [callee.object, ...path.node.arguments]));
      },
    },
  });
}

/** `catch ({ a })` → `catch (_error) { let { a } = _error; … }`: catch bindings become ordinary. */
function normalizeCatchPatterns(program: NodePath<t.Program>): void {
  program.traverse({
    CatchClause(path) {
      const param = path.node.param;
      if (param == null || t.isIdentifier(param)) return;
      const id = path.scope.generateUidIdentifier("error");
      path.node.param = id;
      path.node.body.body.unshift(t.variableDeclaration("let", [t.variableDeclarator(param, t.cloneNode(id))]));
    },
  });
}

function ensureRuntimeImport(program: t.Program, runtimeName: string, specifier: string): void {
  const present = program.body.some(
    (s) => t.isImportDeclaration(s) && s.specifiers.some((sp) => t.isImportNamespaceSpecifier(sp) && sp.local.name === runtimeName),
  );
  if (present) return;
  let used = false;
  t.traverseFast(program, (node) => {
    if (t.isMemberExpression(node) && t.isIdentifier(node.object, { name: runtimeName })) used = true;
  });
  if (!used) return;
  program.body.unshift(t.importDeclaration([t.importNamespaceSpecifier(t.identifier(runtimeName))], t.stringLiteral(specifier)));
}
