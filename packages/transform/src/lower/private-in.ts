// `#x in obj` whose right side leaps: regenerator moves the left operand into a temporary, which a
// private name cannot be. The right side is evaluated first (the left evaluates nothing):
//
//   #x in (yield o)  →  (_t = yield o, #x in _t)

import type { NodePath } from "@babel/core";
import * as t from "@babel/types";
import { assign } from "./build.js";
import type { Lowering } from "./context.js";

export function lowerPrivateIn(path: NodePath<t.BinaryExpression>, l: Lowering): void {
  const { node } = path;
  if (!t.isPrivateName(node.left) || !l.leaps(node.right)) return;
  const temp = l.temp("object");
  path.replaceWith(t.sequenceExpression([assign(temp, node.right), t.binaryExpression("in", node.left, t.cloneNode(temp))]));
}
