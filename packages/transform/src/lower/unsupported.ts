// Item 9 of the lowering: what is left that regenerator cannot take is refused with a clear error
// instead of a crash inside regenerator (or silently wrong code).
//
// - A class with a computed key that suspends: the class machinery lifts classes into factories,
//   which cannot suspend halfway through defining a class.
// - After the rewrites, every node that regenerator would explode must be of a kind it explodes;
//   anything else (JSX, a pattern left in a for(;;) head, ...) is reported with its position.

import type { NodePath } from "@babel/core";
import * as t from "@babel/types";
import type { Lowering } from "./context.js";

export function checkClass(path: NodePath<t.Class>, l: Lowering): void {
  for (const member of path.get("body.body") as NodePath<t.ClassBody["body"][number]>[]) {
    const node = member.node;
    if ("computed" in node && node.computed && "key" in node && l.suspends(node.key)) {
      throw l.error(member, "class computed key");
    }
  }
}

/** Statement and expression types regenerator's Emitter explodes (emit.js). */
const explodable = new Set([
  "BlockStatement", "ExpressionStatement", "LabeledStatement", "WhileStatement", "DoWhileStatement", "ForStatement",
  "BreakStatement", "ContinueStatement", "SwitchStatement", "SwitchCase", "IfStatement", "ReturnStatement",
  "TryStatement", "CatchClause", "ThrowStatement", "ClassDeclaration", "VariableDeclaration", "VariableDeclarator",
  "MemberExpression", "CallExpression", "NewExpression", "ObjectExpression", "ObjectProperty", "ArrayExpression",
  "SpreadElement", "SequenceExpression", "LogicalExpression", "ConditionalExpression", "UnaryExpression",
  "BinaryExpression", "AssignmentExpression", "UpdateExpression", "YieldExpression", "AwaitExpression",
  "ClassExpression", "TypeCastExpression",
]);

/** Walks what regenerator will explode in `fn`'s body and throws on the first node it cannot. */
export function checkExplodable(fn: NodePath<t.Function>, l: Lowering): void {
  const visit = (path: NodePath): void => {
    const node = path.node;
    if (!l.leaps(node)) return;
    if (!explodable.has(node.type) || (t.isLogicalExpression(node) && node.operator === "??")) {
      throw l.error(path, describe(node.type));
    }
    if (t.isClass(node)) {
      // Regenerator explodes the heritage and the computed keys only.
      if (node.superClass) visit(path.get("superClass") as NodePath);
      for (const member of path.get("body.body") as NodePath<t.ClassBody["body"][number]>[]) {
        if ("computed" in member.node && member.node.computed) visit(member.get("key") as NodePath);
      }
      return;
    }
    for (const key of t.VISITOR_KEYS[node.type] ?? []) {
      const child = path.get(key) as NodePath | NodePath[];
      for (const item of Array.isArray(child) ? child : [child]) {
        if (item.node === null || item.node === undefined) continue;
        // Methods and functions are kept as they are; object property keys stay in place.
        if (item.isFunction() || (path.isObjectProperty() && key === "key")) continue;
        visit(item);
      }
    }
  };
  visit(fn.get("body") as NodePath);
}

function describe(type: string): string {
  return type.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/ (Statement|Expression)$/, (m) => m.toLowerCase());
}
