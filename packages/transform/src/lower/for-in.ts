// for (HEAD in EXPR) BODY, when regenerator would have to explode it (its own lowering keeps the
// keys in a closure, which a snapshot cannot hold):
//
//   {
//     _keys = rt.forInKeys(EXPR);                         // a ForInIterator: keys computed up front
//     LABELS: while ((_key = rt.nextKey(_keys)) !== void 0) {
//       { const HEAD = _key; { BODY } }
//     }
//     _keys = void 0;
//   }
//
// No iterator closing is involved, so no try statement either.

import type { NodePath } from "@babel/core";
import * as t from "@babel/types";
import { voidZero } from "./build.js";
import type { Lowering } from "./context.js";
import { headBinding, iterationBlock, labeled, loopLabels } from "./loop-head.js";

export function lowerForIn(path: NodePath<t.ForInStatement>, l: Lowering): void {
  const { node } = path;
  if (!l.leaps(node)) return;
  const keys = l.temp("keys");
  const key = l.temp("key");
  const statements: t.Statement[] = [];
  // Annex B `for (var x = init in o)`: the initializer runs first.
  const declarator = t.isVariableDeclaration(node.left) ? node.left.declarations[0] : undefined;
  if (declarator?.init) {
    statements.push(t.variableDeclaration("var", [t.variableDeclarator(declarator.id, declarator.init)]));
    declarator.init = null;
  }
  statements.push(t.expressionStatement(t.assignmentExpression("=", t.cloneNode(keys), l.call("forInKeys", [node.right]))));
  const test = t.binaryExpression(
    "!==",
    t.assignmentExpression("=", t.cloneNode(key), l.call("nextKey", [t.cloneNode(keys)])),
    voidZero(),
  );
  const binding = headBinding(node.left, t.cloneNode(key));
  const { outer, labels } = loopLabels(path);
  statements.push(
    labeled(labels, t.whileStatement(test, iterationBlock(binding, node.body))),
    t.expressionStatement(t.assignmentExpression("=", t.cloneNode(keys), voidZero())),
  );
  outer.replaceWith(t.blockStatement(statements));
}
