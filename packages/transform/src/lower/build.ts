// Small AST builders shared by the lowering rewrites.

import * as t from "@babel/types";

export function voidZero(): t.UnaryExpression {
  return t.unaryExpression("void", t.numericLiteral(0));
}

export function assign(target: t.LVal, value: t.Expression): t.AssignmentExpression {
  return t.assignmentExpression("=", t.cloneNode(target), value);
}

/** `id === null || id === void 0` (what `??` and `?.` test). */
export function isNullish(id: t.Expression): t.LogicalExpression {
  return t.logicalExpression(
    "||",
    t.binaryExpression("===", t.cloneNode(id), t.nullLiteral()),
    t.binaryExpression("===", t.cloneNode(id), voidZero()),
  );
}

/** A sequence, or the single expression itself. */
export function sequence(expressions: t.Expression[]): t.Expression {
  return expressions.length === 1 ? expressions[0]! : t.sequenceExpression(expressions);
}

/** Statements that are all expression statements, as one expression (or null if one is not). */
export function asExpressions(statements: t.Statement[]): t.Expression[] | null {
  const expressions: t.Expression[] = [];
  for (const statement of statements) {
    if (!t.isExpressionStatement(statement)) return null;
    expressions.push(statement.expression);
  }
  return expressions;
}

/** Values whose evaluation has no effect and cannot change, so they need no temporary to keep
 * their place in the evaluation order. */
export function isConstant(node: t.Node): boolean {
  return (
    t.isStringLiteral(node) || t.isNumericLiteral(node) || t.isBooleanLiteral(node) || t.isNullLiteral(node) ||
    t.isBigIntLiteral(node) || (t.isTemplateLiteral(node) && node.expressions.length === 0) ||
    (t.isUnaryExpression(node, { operator: "void" }) && t.isNumericLiteral(node.argument)) ||
    (t.isUnaryExpression(node, { operator: "-" }) && t.isNumericLiteral(node.argument))
  );
}

/** Function literals: evaluating them only creates a closure, so their place in the evaluation
 * order is not observable, and keeping them in place keeps their inferred `name`. */
export function isFunctionLiteral(node: t.Node): boolean {
  return t.isFunctionExpression(node) || t.isArrowFunctionExpression(node);
}

/** `object.key` / `object[key]` for a property key known at compile time. */
export function memberByName(object: t.Expression, name: string): t.MemberExpression {
  return t.isValidIdentifier(name, false)
    ? t.memberExpression(t.cloneNode(object), t.identifier(name))
    : t.memberExpression(t.cloneNode(object), t.stringLiteral(name), true);
}

/** Wraps a statement in a block unless it is one. */
export function asBlock(statement: t.Statement): t.BlockStatement {
  return t.isBlockStatement(statement) ? statement : t.blockStatement([statement]);
}
