// Shared by the for-of and for-in rewrites: the loop's labels and its per-iteration binding.

import type { NodePath } from "@babel/core";
import * as t from "@babel/types";

/** The statement to replace (the loop, or the outermost of the labels directly around it) and the
 * labels, which move onto the new inner loop so that `break l` / `continue l` keep their target. */
export function loopLabels(loop: NodePath<t.Statement>): { outer: NodePath<t.Statement>; labels: t.Identifier[] } {
  let outer: NodePath<t.Statement> = loop;
  const labels: t.Identifier[] = [];
  while (outer.parentPath?.isLabeledStatement()) {
    outer = outer.parentPath as NodePath<t.Statement>;
    labels.unshift((outer.node as t.LabeledStatement).label);
  }
  return { outer, labels };
}

/** The new loop under one label. Several labels (`a: b: for ...`) are merged into the innermost,
 * as regenerator cannot `continue` a label that names another label: `break a` / `continue a` in
 * the body become `break b` / `continue b`, which mean the same. */
export function labeled(labels: t.Identifier[], loop: t.WhileStatement): t.Statement {
  if (labels.length === 0) return loop;
  const label = labels[labels.length - 1]!;
  const others = new Set(labels.slice(0, -1).map((l) => l.name));
  if (others.size > 0) relabel(loop.body, others, label);
  return t.labeledStatement(t.cloneNode(label), loop);
}

function relabel(node: t.Node, from: Set<string>, to: t.Identifier): void {
  if ((t.isBreakStatement(node) || t.isContinueStatement(node)) && node.label && from.has(node.label.name)) {
    node.label = t.cloneNode(to);
    return;
  }
  if (t.isFunction(node)) return; // labels do not cross functions (and may be reused inside)
  for (const key of t.VISITOR_KEYS[node.type] ?? []) {
    const child = (node as unknown as Record<string, unknown>)[key];
    for (const item of Array.isArray(child) ? child : [child]) {
      if (item && typeof item === "object" && "type" in item) relabel(item as t.Node, from, to);
    }
  }
}

/** The head `const x` / `let [a, b]` / `var x` / `obj.prop` / `[a, b]` bound to `value`, as a
 * statement at the top of the new per-iteration block (a declaration keeps per-iteration
 * `let`/`const` semantics; a pattern in it is lowered later if it needs to be). */
export function headBinding(left: t.VariableDeclaration | t.LVal, value: t.Expression): t.Statement {
  if (t.isVariableDeclaration(left)) {
    const declarator = left.declarations[0]!;
    return t.variableDeclaration(left.kind, [t.variableDeclarator(declarator.id, value)]);
  }
  return t.expressionStatement(t.assignmentExpression("=", left as t.LVal, value));
}

/** The new loop body: the binding in a block of its own around the original body, which stays a
 * nested block (`for (const x of a) { let x = 1 }` is legal and must stay so). */
export function iterationBlock(binding: t.Statement, body: t.Statement): t.BlockStatement {
  return t.blockStatement([binding, t.isBlockStatement(body) ? body : t.blockStatement([body])]);
}
