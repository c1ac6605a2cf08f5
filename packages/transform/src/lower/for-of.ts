// for (HEAD of EXPR) BODY, when regenerator would have to explode it (it cannot):
//
//   {
//     _iterator = rt.iter(EXPR);               // GetIterator: a serializable iterator record
//     try {
//       LABELS: while (rt.step(_iterator)) {   // IteratorStep: next(), result checked
//         { const HEAD = rt.take(_iterator);   // per-iteration binding
//           { BODY } }
//       }
//     } catch (e) { rt.closeIteratorOnThrow(_iterator); throw e; }
//     finally { rt.closeIterator(_iterator); _iterator = void 0; }
//   }
//
// See iterator-close.ts for why this gives exactly the spec's closing behaviour.

import type { NodePath } from "@babel/core";
import * as t from "@babel/types";
import type { Lowering } from "./context.js";
import { closingTry } from "./iterator-close.js";
import { headBinding, iterationBlock, labeled, loopLabels } from "./loop-head.js";

export function lowerForOf(path: NodePath<t.ForOfStatement>, l: Lowering): void {
  const { node } = path;
  if (!l.leaps(node)) return;
  if (node.await) throw l.error(path, "for await");
  const record = l.temp("iterator");
  const binding = headBinding(node.left, l.call("take", [t.cloneNode(record)]));
  const loop = t.whileStatement(l.call("step", [t.cloneNode(record)]), iterationBlock(binding, node.body));
  const { outer, labels } = loopLabels(path);
  outer.replaceWith(
    t.blockStatement([
      t.expressionStatement(t.assignmentExpression("=", t.cloneNode(record), l.call("iter", [node.right]))),
      closingTry(l, record, [labeled(labels, loop)]),
    ]),
  );
}
