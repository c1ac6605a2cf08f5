// `o[k] = v` and `o[k] += v` where `v` leaps. Regenerator evaluates the right side first and only
// then the target's object and key (`arr[i++] = yield x` would increment `i` after resuming), and
// for compound assignments evaluates the target twice (`o[k++] += yield` increments `k` twice). So
// the object and key are evaluated into temporaries first, in order:
//
//   o[k] OP v  →  (_o = o, _k = k, _o[_k] OP v)
//
// `this`, `super`, literal keys and our own temporaries need no temporary.

import type { NodePath } from "@babel/core";
import * as t from "@babel/types";
import { assign, isConstant } from "./build.js";
import type { Lowering } from "./context.js";

const logicalOperators = new Set(["??=", "||=", "&&="]);

export function lowerMemberAssignment(path: NodePath<t.AssignmentExpression>, l: Lowering): void {
  const { node } = path;
  const target = node.left;
  if (!t.isMemberExpression(target) || logicalOperators.has(node.operator) || !l.leaps(node.right)) return;
  const first: t.Expression[] = [];
  let object = target.object;
  if (!t.isSuper(object) && !t.isThisExpression(object) && !l.isTemp(object)) {
    const temp = l.temp("object");
    first.push(assign(temp, object));
    object = temp;
  }
  let property = target.property;
  if (target.computed && !isConstant(property) && !l.isTemp(property)) {
    const temp = l.temp("key");
    first.push(assign(temp, property as t.Expression));
    property = temp;
  }
  if (first.length === 0) return;
  const assignment = t.assignmentExpression(node.operator, t.memberExpression(object, property, target.computed), node.right);
  path.replaceWith(t.sequenceExpression([...first, assignment]));
}
