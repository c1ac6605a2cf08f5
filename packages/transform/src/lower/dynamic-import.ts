// `import(x)` whose argument leaps: regenerator treats `import` as an ordinary callee and moves it
// into a temporary (`_t = import`), which is not valid code. The arguments are evaluated first:
//
//   import(yield x)  →  (_a = yield x, import(_a))

import type { NodePath } from "@babel/core";
import * as t from "@babel/types";
import { assign, isConstant } from "./build.js";
import type { Lowering } from "./context.js";

export function lowerDynamicImport(path: NodePath<t.CallExpression>, l: Lowering): void {
  const { node } = path;
  if (!t.isImport(node.callee) || !node.arguments.some((a) => l.leaps(a))) return;
  const before: t.Expression[] = [];
  const args = node.arguments.map((arg) => {
    if (t.isSpreadElement(arg) || t.isArgumentPlaceholder(arg) || isConstant(arg)) return arg;
    const temp = l.temp("specifier");
    before.push(assign(temp, arg as t.Expression));
    return t.cloneNode(temp);
  });
  path.replaceWith(t.sequenceExpression([...before, t.callExpression(node.callee, args)]));
}

/** The same for the `ImportExpression` node (parser option `createImportExpressions`). */
export function lowerImportExpression(path: NodePath<t.ImportExpression>, l: Lowering): void {
  const { node } = path;
  if (!l.leaps(node)) return;
  const before: t.Expression[] = [];
  const evaluate = (value: t.Expression): t.Expression => {
    if (isConstant(value)) return value;
    const temp = l.temp("specifier");
    before.push(assign(temp, value));
    return t.cloneNode(temp);
  };
  const source = evaluate(node.source);
  const options = node.options ? evaluate(node.options) : null;
  const lowered = t.importExpression(source, options);
  if (node.phase) lowered.phase = node.phase;
  path.replaceWith(t.sequenceExpression([...before, lowered]));
}
