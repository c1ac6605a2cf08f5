// `o.m(args)` where an argument suspends. The spec reads `o.m` before evaluating the arguments;
// regenerator keeps the object in a temporary but reads the method only when the call is made,
// after the yields (so `o.m(o.m = f, yield)` would call the new `f`). The method is read first:
//
//   o.m(a, yield x)  →  (_o = o, _f = _o.m, rt.callMethod(_f, _o, a, yield x))
//
// Calls of the runtime itself are exempt (their callee cannot change), and so are calls with a
// spread argument (spread.ts already reads the callee first).

import type { NodePath } from "@babel/core";
import * as t from "@babel/types";
import { assign } from "./build.js";
import type { Lowering } from "./context.js";

export function lowerMemberCall(path: NodePath<t.CallExpression>, l: Lowering): void {
  const { node } = path;
  const callee = node.callee;
  if (!t.isMemberExpression(callee) || l.isRuntimeCall(node)) return;
  if (node.arguments.some((a) => t.isSpreadElement(a)) || !node.arguments.some((a) => l.suspends(a))) return;
  const before: t.Expression[] = [];
  let object: t.Expression = t.thisExpression();
  let method: t.MemberExpression = callee;
  if (!t.isSuper(callee.object)) {
    object = callee.object;
    if (!t.isThisExpression(object) && !l.isTemp(object)) {
      const temp = l.temp("object");
      before.push(assign(temp, object));
      object = temp;
    }
    method = t.memberExpression(t.cloneNode(object), callee.property, callee.computed);
  }
  const fn = l.temp("method");
  before.push(assign(fn, method));
  const call = l.call("callMethod", [t.cloneNode(fn), t.cloneNode(object), ...(node.arguments as t.Expression[])]);
  path.replaceWith(t.sequenceExpression([...before, call]));
}
