// Which subtrees the lowering must rewrite. Regenerator "explodes" (turns into state-machine cases)
// every statement and expression that contains a *leap*: a `yield`, or a `break`, `continue`,
// `return` or `throw` statement (meta.js in @babel/plugin-transform-regenerator). A construct it
// cannot explode crashes it as soon as it contains a leap, with or without a `yield`: a `for-of`
// holding a `return`, or `x ?? { m() { return 1 } }`. So the lowering uses the same test.

import * as t from "@babel/types";

const leapTypes = new Set(["YieldExpression", "BreakStatement", "ContinueStatement", "ReturnStatement", "ThrowStatement"]);

/** Regenerator does not look inside these (function declarations are hoisted into expressions
 * before it looks). Methods are not opaque to it, so they are searched. */
const opaqueTypes = new Set(["FunctionExpression", "ArrowFunctionExpression", "FunctionDeclaration"]);

/** True if regenerator would explode `node`: it contains a leap outside nested functions (an
 * `await` counts too in an async generator). */
export function containsLeap(node: t.Node | null | undefined, awaits = false): boolean {
  return search(node, (n) => leapTypes.has(n.type) || (awaits && isAwait(n)), opaqueTypes);
}

/** True if `node` contains a suspension point of the function being lowered: a `yield` (or an
 * `await` in an async generator) that is not inside a nested function. Computed keys of methods
 * are evaluated by the enclosing function, so they are searched. */
export function containsSuspension(node: t.Node | null | undefined, awaits = false): boolean {
  return search(node, (n) => n.type === "YieldExpression" || (awaits && isAwait(n)), null);
}

function isAwait(node: t.Node): boolean {
  return node.type === "AwaitExpression" || (node.type === "ForOfStatement" && node.await);
}

function search(node: t.Node | null | undefined, hit: (node: t.Node) => boolean, opaque: Set<string> | null): boolean {
  if (node === null || node === undefined) return false;
  if (hit(node)) return true;
  if (opaque === null ? t.isFunction(node) || isClassMemberValue(node) : opaque.has(node.type)) {
    // A nested function's own suspensions are not ours; its computed key is (methods).
    return "computed" in node && node.computed === true && "key" in node ? search(node.key as t.Node, hit, opaque) : false;
  }
  const keys = t.VISITOR_KEYS[node.type] ?? [];
  for (const key of keys) {
    const child = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(child)) {
      for (const item of child) if (item && typeof item === "object" && search(item as t.Node, hit, opaque)) return true;
    } else if (child && typeof child === "object" && search(child as t.Node, hit, opaque)) {
      return true;
    }
  }
  return false;
}

/** Class fields and static blocks run in a function of their own (only their key is ours). */
function isClassMemberValue(node: t.Node): boolean {
  return t.isClassProperty(node) || t.isClassPrivateProperty(node) || t.isClassAccessorProperty(node) || t.isStaticBlock(node);
}
