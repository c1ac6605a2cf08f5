// In a for-of head or a `yield*` operand, with or without a yield:
//
//   x.entries() / x.keys() / x.values()  →  rt.entriesOf(x) / rt.keysOf(x) / rt.valuesOf(x)
//   s.matchAll(re)                       →  rt.matchAllOf(s, re)
//
// The native iterators these methods return cannot be pickled; at run time the helpers return
// serializable iterators for arrays, typed arrays, Maps, Sets and strings, and otherwise call the
// method on `x` exactly as written.

import type { NodePath } from "@babel/core";
import * as t from "@babel/types";
import type { Lowering } from "./context.js";

const iterationMethods: Record<string, string> = { entries: "entriesOf", keys: "keysOf", values: "valuesOf" };

export function rewriteIterationCall(path: NodePath<t.Node | null | undefined>, l: Lowering): void {
  const node = path.node;
  if (!t.isCallExpression(node) || !t.isMemberExpression(node.callee)) return;
  const { object } = node.callee;
  if (t.isSuper(object)) return;
  const name = propertyName(node.callee);
  if (name === null) return;
  const args = node.arguments;
  if (Object.hasOwn(iterationMethods, name) && args.length === 0) {
    path.replaceWith(l.call(iterationMethods[name]!, [object]));
  } else if (name === "matchAll" && args.length === 1 && t.isExpression(args[0])) {
    path.replaceWith(l.call("matchAllOf", [object, args[0]]));
  }
}

function propertyName(member: t.MemberExpression): string | null {
  if (!member.computed && t.isIdentifier(member.property)) return member.property.name;
  if (member.computed && t.isStringLiteral(member.property)) return member.property.value;
  return null;
}
