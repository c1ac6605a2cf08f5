// Async functions become generator bodies: `await x` is `yield x`, and the split makes the
// function start its body with the async kind (`_rt.gen(…, 1)` returns a task driven by
// @spickle/runtime's async/task.ts). An async arrow first becomes a function expression whose
// `this` and `arguments` are the enclosing ones.

import { types as t, type NodePath } from "@babel/core";

/** Async functions the compiler leaves native: async generators and bodies with `for await`. */
export function isCompilableAsync(fn: NodePath<t.Function>): boolean {
  if (!fn.node.async || fn.node.generator) return false;
  let forAwait = false;
  fn.traverse({
    Function(inner) {
      inner.skip();
    },
    ForOfStatement(loop) {
      if (loop.node.await) {
        forAwait = true;
        loop.stop();
      }
    },
  });
  return !forAwait;
}

/** Turns the async function at `fn` into a generator function that yields what it awaited. */
export function asyncToGenerator(fn: NodePath<t.Function>): void {
  if (fn.isArrowFunctionExpression()) {
    fn.arrowFunctionToExpression({ allowInsertArrow: false, noNewArrows: true });
  }
  fn.traverse({
    Function(inner) {
      inner.skip();
    },
    AwaitExpression(path) {
      path.replaceWith(t.yieldExpression(path.node.argument, false));
    },
  });
  fn.node.async = false;
  fn.node.generator = true;
}
