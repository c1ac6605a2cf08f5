// The try statement that gives a lowered for-of loop or array pattern the spec's IteratorClose
// semantics. The record (runtime `IteratorRecord`) marks itself done while `next()` runs and once
// exhausted, so both handlers do nothing in those cases:
//   - a throw completion (including a generator `throw()` injected at a yield inside) reaches the
//     catch: `return()` is called, its own errors are swallowed, the original is rethrown;
//   - break, continue to an outer label, return (including an injected generator `return()`) and
//     normal completion of an array pattern reach the finally: `return()` is called and its errors
//     propagate (a non-object result is a TypeError).
// The finally also clears the record's temporary: a frame keeps only live state.

import * as t from "@babel/types";
import { voidZero } from "./build.js";
import type { Lowering } from "./context.js";

export function closingTry(l: Lowering, record: t.Identifier, body: t.Statement[]): t.TryStatement {
  const error = l.uid("error");
  return t.tryStatement(
    t.blockStatement(body),
    t.catchClause(
      error,
      t.blockStatement([
        t.expressionStatement(l.call("closeIteratorOnThrow", [t.cloneNode(record)])),
        t.throwStatement(t.cloneNode(error)),
      ]),
    ),
    t.blockStatement([
      t.expressionStatement(l.call("closeIterator", [t.cloneNode(record)])),
      t.expressionStatement(t.assignmentExpression("=", t.cloneNode(record), voidZero())),
    ]),
  );
}
