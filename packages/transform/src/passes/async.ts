// Async functions become generator bodies: `await x` is `yield x`, and the split makes the
// function start its body with the async kind (`_rt.gen(…, 1)` returns a task driven by
// @spickle/runtime's async/task.ts). An async arrow first becomes a function expression whose
// `this` and `arguments` are the enclosing ones.

import { types as t, type NodePath } from "@babel/core";
import type { RuntimeRef } from "./runtime-ref.js";

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
export function asyncToGenerator(start: NodePath<t.Function>): NodePath<t.Function> {
  let fn = start;
  if (fn.isArrowFunctionExpression()) {
    const arrow = inFunctionEnvironment(fn);
    arrow.arrowFunctionToExpression({ allowInsertArrow: false, noNewArrows: true });
    fn = arrow;
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
  return fn;
}

/** The arrow at `arrow`, moved (when it is in a class field's initializer, which has no function
 * to keep `this` in) into `(function () { return initializer; }).call(this)`. */
function inFunctionEnvironment(arrow: NodePath<t.ArrowFunctionExpression>): NodePath<t.ArrowFunctionExpression> {
  for (let p: NodePath | null = arrow.parentPath; p !== null && !p.isProgram(); p = p.parentPath) {
    if (p.isFunction() && !p.isArrowFunctionExpression()) return arrow;
    if (p.isClassProperty() || p.isClassPrivateProperty() || p.isClassAccessorProperty() || p.isStaticBlock()) {
      if (p.isStaticBlock()) return arrow;
      const field = p as NodePath<t.ClassProperty>;
      const value = field.node.value!;
      const wrapper = t.functionExpression(null, [], t.blockStatement([t.returnStatement(value)]));
      field.node.value = t.callExpression(t.memberExpression(wrapper, t.identifier("call")), [t.thisExpression()]);
      let moved: NodePath<t.ArrowFunctionExpression> | null = null;
      field.get("value").traverse({
        ArrowFunctionExpression(q) {
          if (q.node === arrow.node) {
            moved = q;
            q.stop();
          }
        },
      });
      if (moved === null) throw arrow.buildCodeFrameError("spickle: internal error: async arrow lost in its field");
      return moved;
    }
  }
  return arrow;
}

const COMBINATORS: Record<string, string> = { all: "promiseAll", allSettled: "promiseAllSettled", any: "promiseAny", race: "promiseRace" };

/** `Promise.all(x)` (and allSettled, any, race) of the global Promise → the runtime's, under which
 * compiled tasks are promises (so the aggregate is data and its ordering V8's). */
export function rewritePromiseCombinator(call: NodePath<t.CallExpression>, rt: RuntimeRef): void {
  const callee = call.node.callee;
  if (!t.isMemberExpression(callee) || callee.computed || !t.isIdentifier(callee.object, { name: "Promise" })) return;
  if (!t.isIdentifier(callee.property) || !Object.hasOwn(COMBINATORS, callee.property.name)) return;
  if (call.scope.hasBinding("Promise", true) || call.node.arguments.length !== 1 || t.isSpreadElement(call.node.arguments[0])) return;
  call.replaceWith(rt.call(COMBINATORS[callee.property.name]!, [call.node.arguments[0] as t.Expression]));
}
