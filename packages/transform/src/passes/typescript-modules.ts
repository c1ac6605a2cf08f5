// What tsc accepts and Babel's TypeScript preset does not run as tsc's output does, rewritten
// before the preset sees the tree:
//
// - a namespace's exported names are visible in every block of the merged namespace (tsc writes
//   `Units.a` for a bare `a` that another block exports); Babel resolves them block by block;
// - `export let` / `export var` in a namespace (mutable exports) become properties of the
//   namespace object, and every use of them `NS.x`, as tsc emits them;
// - `import x = require("m")` becomes an ES import of what `require` returns there: the default
//   import (Node's `module.exports`) of a package, a builtin or a CommonJS file, the namespace of
//   one of the program's ES modules; `export import x = require(…)` also exports it;
// - `export = value` is tsc's CommonJS form: in an ES module (where tsc refuses it too) it is a
//   compile error; in a CommonJS module (`.cts`) it sets `module.exports` (./commonjs.ts).

import type { NodePath, PluginObj } from "@babel/core";
import * as t from "@babel/types";

const COMMONJS_TARGET = /\.(c[jt]s|json)$/;

/** Whether `source` may hold anything this pass rewrites (the pass is skipped otherwise). */
export function mayNeedTypeScriptModules(source: string): boolean {
  return /\bnamespace\b|\bmodule\s+[A-Za-z_$]|\bimport\s+[A-Za-z_$][\w$]*\s*=|\bexport\s*=/.test(source);
}

/** The module `require(specifier)` gives in tsc's CommonJS output: an object of named exports for
 * the program's own ES modules, `module.exports` (an ES default import) for everything else. */
function requireImportsNamespace(specifier: string): boolean {
  const relative = specifier.startsWith("./") || specifier.startsWith("../") || specifier.startsWith("/");
  return relative && !COMMONJS_TARGET.test(specifier);
}

export function typeScriptModulesPlugin(options: { commonjs: boolean }): PluginObj {
  return {
    name: "spickle-typescript-modules",
    visitor: {
      Program: {
        enter(program) {
          mergeNamespaces(program);
        },
      },
      TSImportEqualsDeclaration(path) {
        const { node } = path;
        if (!t.isTSExternalModuleReference(node.moduleReference)) return; // `import A = N.B`: the preset's
        if (node.importKind === "type") {
          path.remove();
          return;
        }
        if (!path.parentPath.isProgram()) throw path.buildCodeFrameError("`import … = require(…)` is only allowed at the top level of a module");
        const specifier = node.moduleReference.expression.value;
        const local = t.identifier(node.id.name);
        const specifierNode = requireImportsNamespace(specifier) ? t.importNamespaceSpecifier(local) : t.importDefaultSpecifier(local);
        const declaration = t.importDeclaration([specifierNode], t.stringLiteral(specifier));
        if (node.isExport) {
          path.replaceWithMultiple([declaration, t.exportNamedDeclaration(null, [t.exportSpecifier(t.identifier(node.id.name), t.identifier(node.id.name))])]);
        } else {
          path.replaceWith(declaration);
        }
      },
      TSExportAssignment(path) {
        if (!options.commonjs) {
          throw path.buildCodeFrameError(
            "`export =` can only be used in a CommonJS module (tsc: TS1203); use `export default`, or a .cts file",
          );
        }
        path.replaceWith(
          t.expressionStatement(t.assignmentExpression("=", t.memberExpression(t.identifier("module"), t.identifier("exports")), path.node.expression)),
        );
      },
    },
  };
}

type Statement = t.Statement;

/** The namespace declaration a statement is (`namespace N {}` or `export namespace N {}`), if it
 * is one that emits code and has a block (not `declare`, not `namespace A.B`'s outer name). */
function namespaceOf(statement: Statement): t.TSModuleDeclaration | undefined {
  const node = t.isExportNamedDeclaration(statement) ? statement.declaration : statement;
  if (!t.isTSModuleDeclaration(node) || node.declare || !t.isIdentifier(node.id)) return undefined;
  return node;
}

/** The innermost block of `namespace A.B.C { … }` (Babel nests one declaration per name). */
function blockOf(declaration: t.TSModuleDeclaration): { block: t.TSModuleBlock; owner: t.TSModuleDeclaration } | undefined {
  let owner = declaration;
  while (t.isTSModuleDeclaration(owner.body)) owner = owner.body;
  return t.isTSModuleBlock(owner.body) ? { block: owner.body, owner } : undefined;
}

interface Exports {
  all: Set<string>;
  mutable: Set<string>;
}

function exportsOf(block: t.TSModuleBlock): Exports {
  const all = new Set<string>();
  const mutable = new Set<string>();
  for (const statement of block.body) {
    if (!t.isExportNamedDeclaration(statement) || !statement.declaration) continue;
    const declaration = statement.declaration;
    if (t.isVariableDeclaration(declaration)) {
      if (declaration.declare) continue;
      for (const declarator of declaration.declarations) {
        for (const name of Object.keys(t.getBindingIdentifiers(declarator.id))) {
          all.add(name);
          if (declaration.kind !== "const") mutable.add(name);
        }
      }
    } else if (
      (t.isFunctionDeclaration(declaration) || t.isClassDeclaration(declaration) || t.isTSEnumDeclaration(declaration) || t.isTSModuleDeclaration(declaration)) &&
      t.isIdentifier(declaration.id) &&
      !(declaration as { declare?: boolean }).declare
    ) {
      all.add(declaration.id.name);
    }
  }
  return { all, mutable };
}

/** Every statement list that may hold namespaces: the program's body and every namespace block
 * in it (walked with an explicit stack). */
function statementLists(program: NodePath<t.Program>): NodePath<t.Program | t.TSModuleBlock>[] {
  const lists: NodePath<t.Program | t.TSModuleBlock>[] = [];
  const stack: NodePath<t.Program | t.TSModuleBlock>[] = [program];
  while (stack.length > 0) {
    const list = stack.pop()!;
    lists.push(list);
    for (const statement of list.get("body") as NodePath<Statement>[]) {
      const declarationPath = statement.isExportNamedDeclaration() ? (statement.get("declaration") as NodePath) : statement;
      if (!declarationPath.isTSModuleDeclaration()) continue;
      let inner: NodePath = declarationPath;
      while (inner.isTSModuleDeclaration()) inner = inner.get("body") as NodePath;
      if (inner.isTSModuleBlock()) stack.push(inner);
    }
  }
  return lists;
}

function mergeNamespaces(program: NodePath<t.Program>): void {
  for (const list of statementLists(program)) {
    const groups = new Map<string, { block: NodePath<t.TSModuleBlock>; name: string; exports: Exports }[]>();
    for (const statement of list.get("body") as NodePath<Statement>[]) {
      const declaration = namespaceOf(statement.node);
      if (declaration === undefined) continue;
      const found = blockOf(declaration);
      if (found === undefined) continue;
      const name = (declaration.id as t.Identifier).name;
      const innerName = (found.owner.id as t.Identifier).name;
      const blockPath = findBlockPath(statement, found.block);
      if (blockPath === undefined) continue;
      const group = groups.get(name) ?? [];
      group.push({ block: blockPath, name: innerName, exports: exportsOf(found.block) });
      groups.set(name, group);
    }
    for (const group of groups.values()) {
      const mutable = new Set<string>();
      for (const member of group) for (const name of member.exports.mutable) mutable.add(name);
      for (const member of group) {
        const fromOthers = new Set<string>(mutable);
        for (const other of group) if (other !== member) for (const name of other.exports.all) fromOthers.add(name);
        if (fromOthers.size === 0) continue;
        rewriteBlock(member.block, member.name, fromOthers, mutable);
      }
    }
  }
}

function findBlockPath(statement: NodePath<Statement>, block: t.TSModuleBlock): NodePath<t.TSModuleBlock> | undefined {
  let current: NodePath = statement.isExportNamedDeclaration() ? (statement.get("declaration") as NodePath) : statement;
  while (current.isTSModuleDeclaration()) current = current.get("body") as NodePath;
  return current.node === block ? (current as NodePath<t.TSModuleBlock>) : undefined;
}

/** In one namespace block: the mutable exports' declarations become assignments to the namespace
 * object, and names that resolve to the merged namespace's members (not to a binding of this block)
 * become `NS.name`. */
function rewriteBlock(block: NodePath<t.TSModuleBlock>, namespace: string, names: Set<string>, mutable: Set<string>): void {
  const member = (name: string) => t.memberExpression(t.identifier(namespace), t.identifier(name));
  for (const statement of block.get("body")) {
    if (!statement.isExportNamedDeclaration()) continue;
    const declaration = statement.get("declaration");
    if (!declaration.isVariableDeclaration() || declaration.node.kind === "const" || declaration.node.declare) continue;
    const assignments: t.Statement[] = [];
    for (const declarator of declaration.node.declarations) {
      if (declarator.init == null) continue;
      const target = t.isIdentifier(declarator.id) ? member(declarator.id.name) : declarator.id;
      assignments.push(t.expressionStatement(t.assignmentExpression("=", target as t.LVal, declarator.init)));
    }
    if (assignments.length === 0) statement.remove();
    else statement.replaceWithMultiple(assignments);
  }
  block.scope.crawl();
  // A binding of this block, or of a scope inside it, shadows the merged namespace's member.
  const owned = (path: NodePath, name: string) => {
    const binding = path.scope.getBinding(name);
    return binding !== undefined && (binding.scope.path === block || binding.scope.path.isDescendant(block));
  };
  block.traverse({
    Identifier(path) {
      const name = path.node.name;
      if (!names.has(name)) return;
      if (!(path.isReferencedIdentifier() || isWrittenIdentifier(path))) return;
      if (path.parentPath.isTSQualifiedName() || path.parentPath.isTSTypeReference() || path.findParent((p) => p.isTSType()) !== null) return;
      if (owned(path, name)) return;
      if (path.parentPath.isObjectProperty({ shorthand: true })) path.parentPath.node.shorthand = false;
      path.replaceWith(member(name));
      path.skip();
    },
  });
}

/** An identifier that a write targets: `x = …`, `x++`, `[x] = …`, `for (x of …)`. */
function isWrittenIdentifier(path: NodePath<t.Identifier>): boolean {
  const parent = path.parentPath;
  if (parent === null) return false;
  if (parent.isAssignmentExpression() && parent.node.left === path.node) return true;
  if (parent.isUpdateExpression()) return true;
  if ((parent.isForOfStatement() || parent.isForInStatement()) && parent.node.left === path.node) return true;
  if (parent.isArrayPattern()) return !parent.parentPath?.isVariableDeclarator();
  if (parent.isObjectProperty() && parent.node.value === path.node && parent.parentPath?.isObjectPattern()) {
    return !parent.parentPath.parentPath?.isVariableDeclarator();
  }
  return false;
}
