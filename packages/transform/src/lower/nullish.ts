// `a ?? b` and the logical assignments `a ??= b`, `a ||= b`, `a &&= b`. Regenerator asserts on
// `??` and lowers `x ||= y` as an unconditional assignment, so:
//
//   a ?? b        →  (_t = a) === null || _t === void 0 ? b : _t   (a local `a` is read twice
//                    instead: nothing can run between the reads)
//   a OP= b       →  a OP (a = b)                                  (then `??` is lowered as above)
//   o.p OP= b     →  (_o = o).p OP (_o.p = b)                      (object and key evaluated once)
//   o[k] OP= b    →  (_o = o)[_k = k] OP (_o[_k] = b)

import type { NodePath } from "@babel/core";
import * as t from "@babel/types";
import { assign, isConstant, isNullish } from "./build.js";
import type { Lowering } from "./context.js";

export function lowerNullish(path: NodePath<t.LogicalExpression>, l: Lowering): void {
  const { node } = path;
  if (node.operator !== "??" || !l.leaps(node)) return;
  let value: t.Expression = node.left;
  let test: t.Expression;
  if (isStable(path, node.left, l)) {
    test = isNullish(node.left);
  } else {
    value = l.temp("value");
    test = t.logicalExpression(
      "||",
      t.binaryExpression("===", assign(value as t.Identifier, node.left), t.nullLiteral()),
      t.binaryExpression("===", t.cloneNode(value), t.unaryExpression("void", t.numericLiteral(0))),
    );
  }
  path.replaceWith(t.conditionalExpression(test, node.right, t.cloneNode(value)));
}

/** A temporary or a binding of the generator (reading it twice in a row is unobservable); a
 * global may be a getter on the global object. */
function isStable(path: NodePath, node: t.Expression, l: Lowering): boolean {
  if (l.isTemp(node)) return true;
  return t.isIdentifier(node) && path.scope.getBinding(node.name) !== undefined;
}

const logicalOperators = { "??=": "??", "||=": "||", "&&=": "&&" } as const;

export function lowerLogicalAssignment(path: NodePath<t.AssignmentExpression>, l: Lowering): void {
  const { node } = path;
  if (!(node.operator in logicalOperators) || !l.leaps(node)) return;
  const operator = logicalOperators[node.operator as keyof typeof logicalOperators];
  const { read, write } = referenceOnce(node.left, l);
  path.replaceWith(t.logicalExpression(operator, read, t.assignmentExpression("=", write, node.right)));
}

/** A read of `target` that evaluates its object and key (storing them), and a write that reuses
 * them. */
export function referenceOnce(target: t.LVal | t.OptionalMemberExpression, l: Lowering): { read: t.Expression; write: t.LVal } {
  if (!t.isMemberExpression(target)) {
    if (!t.isIdentifier(target)) throw new Error(`unexpected assignment target ${(target as t.Node).type}`);
    return { read: t.cloneNode(target), write: t.cloneNode(target) };
  }
  let objectRead: t.Expression | t.Super = target.object;
  let objectRef: t.Expression | t.Super = target.object;
  if (!t.isSuper(target.object) && !t.isThisExpression(target.object) && !l.isTemp(target.object)) {
    const object = l.temp("object");
    objectRead = assign(object, target.object);
    objectRef = object;
  }
  let keyRead: t.Expression | t.PrivateName = target.property;
  let keyRef: t.Expression | t.PrivateName = target.property;
  if (target.computed && !isConstant(target.property) && !l.isTemp(target.property)) {
    const key = l.temp("key");
    keyRead = assign(key, target.property as t.Expression);
    keyRef = key;
  }
  return {
    read: t.memberExpression(objectRead, keyRead, target.computed),
    write: t.memberExpression(t.cloneNode(objectRef), t.cloneNode(keyRef), target.computed),
  };
}
