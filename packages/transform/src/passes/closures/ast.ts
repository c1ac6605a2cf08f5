// Small AST edits the closures pass shares: replacing a node in its parent (a callee keeps
// `this` undefined: `(0, _s.f)()`), the runtime tag keys, declarations and sequences.

import { types as t, type NodePath } from "@babel/core";
import type { Analysis } from "./analyze.js";

export interface Edit {
  parent: t.Node;
  old: t.Node;
  replacement: t.Expression;
}

/** The tag symbols, imported by name (a module binding, not a property load at every site). */
export function tagKey(analysis: Analysis, key: "SITE" | "SCOPE" | "RESTORE"): t.Identifier {
  let id = analysis.tagImports.get(key);
  if (id === undefined) analysis.tagImports.set(key, (id = analysis.program.scope.generateUidIdentifier(key)));
  return t.cloneNode(id);
}

export function constDeclaration(id: t.Identifier, init: t.Expression): t.VariableDeclaration {
  return t.variableDeclaration("const", [t.variableDeclarator(t.cloneNode(id), init)]);
}

/** Replaces `old` by `replacement` among `parent`'s children. */
export function replaceIn(parent: t.Node, old: t.Node, replacement: t.Node): void {
  for (const key of t.VISITOR_KEYS[parent.type] ?? []) {
    const value = (parent as unknown as Record<string, unknown>)[key];
    if (value === old) {
      (parent as unknown as Record<string, unknown>)[key] = replacement;
      return;
    }
    if (Array.isArray(value)) {
      const index = value.indexOf(old);
      if (index >= 0) {
        value[index] = replacement;
        return;
      }
    }
  }
  throw new Error(`spickle: internal error: ${old.type} not found in ${parent.type}`);
}

export function replaceReference({ parent, old, replacement }: Edit): void {
  let value: t.Expression = replacement;
  // `f()` must not become a method call on the scope object: `(0, _s.f)()`.
  if (t.isMemberExpression(replacement)) {
    if ((t.isCallExpression(parent) || t.isOptionalCallExpression(parent)) && parent.callee === old) {
      value = t.sequenceExpression([t.numericLiteral(0), replacement]);
    } else if (t.isTaggedTemplateExpression(parent) && parent.tag === old) {
      value = t.sequenceExpression([t.numericLiteral(0), replacement]);
    }
  }
  if ((t.isObjectProperty(parent) || t.isProperty(parent)) && (parent as t.ObjectProperty).value === old) {
    (parent as t.ObjectProperty).shorthand = false;
    (parent as t.ObjectProperty).value = value;
    return;
  }
  replaceIn(parent, old, value);
}

/** Whether an identifier `name` occurs in the function (a local `const name` would shadow it). */
export function mentions(path: NodePath, name: string): boolean {
  let found = false;
  path.traverse({
    Identifier(id: NodePath<t.Identifier>) {
      if (id.node.name === name && (id.isReferencedIdentifier() || (id as NodePath).isBindingIdentifier())) {
        found = true;
        id.stop();
      }
    },
  });
  return found;
}

export function replaceStatement(parent: t.Node, node: t.Statement, statements: t.Statement[]): void {
  const list = t.isSwitchCase(parent) ? parent.consequent : (parent as { body?: unknown }).body;
  if (Array.isArray(list)) {
    list.splice(list.indexOf(node), 1, ...statements);
    return;
  }
  replaceIn(parent, node, statements.length === 1 ? statements[0]! : t.blockStatement(statements));
}

export function sequence(expressions: t.Expression[]): t.Expression {
  return expressions.length === 1 ? expressions[0]! : t.sequenceExpression(expressions);
}

// Block scope objects
