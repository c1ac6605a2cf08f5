// Generator methods. A compiled generator's body is lifted out of the method, so two things the
// method gave it for free must be captured when the class or object literal is created:
//   - the method function itself (its `prototype` is the generator objects' prototype), and
//   - the home object that `super` looks up from.
// Classes capture both in a static block placed first in the class body (it runs right after the
// methods are defined); object literals in a sequence expression around the literal.

import { types as t, type NodePath } from "@babel/core";
import type { RuntimeRef } from "./runtime-ref.js";

type MethodPath = NodePath<t.ClassMethod | t.ClassPrivateMethod | t.ObjectMethod>;

interface Holder {
  /** Variable holding the class or the object literal. */
  home: t.Identifier;
  /** Adds a capture that runs once the class or literal exists. */
  add(capture: t.Expression): void;
}

/** Puts a class method's body vehicle in the class's leading static block, where the class's
 * private names are in scope, and returns the variable that will hold it. */
export function placeInClass(method: NodePath<t.ClassMethod | t.ClassPrivateMethod>, vehicle: t.FunctionDeclaration): void {
  const holder = holderOf(method);
  const id = vehicle.id!;
  const statement = method.parentPath.parentPath!.getStatementParent()!;
  statement.insertBefore(t.variableDeclaration("let", [t.variableDeclarator(t.cloneNode(id))]));
  const expression = t.functionExpression(id, vehicle.params, vehicle.body, true, false);
  holder.add(t.assignmentExpression("=", t.cloneNode(id), expression));
}
const holders = new WeakMap<t.Node, Holder>();

/** Static blocks this pass adds to classes: they capture the class and its methods, so unlike the
 * program's own static blocks they run again whenever a class is re-made from a snapshot. */
export const compilerStaticBlocks = new WeakSet<t.Node>();

export function isMethod(fn: NodePath<t.Function>): fn is MethodPath {
  return fn.isClassMethod() || fn.isClassPrivateMethod() || fn.isObjectMethod();
}

/** Returns an expression naming the method function, valid inside the method's own body. */
export function methodReference(method: MethodPath, rt: RuntimeRef, kind?: number): t.Expression {
  const kindArgs = kind === undefined ? [] : [t.numericLiteral(kind)];
  if (method.isClassPrivateMethod()) {
    // Private methods are not reachable from the class; `this.#m` is, inside the method.
    const ref = declareNear(method, "method");
    const key = t.cloneNode(method.node.key);
    return t.logicalExpression(
      "??",
      t.cloneNode(ref),
      t.assignmentExpression("=", t.cloneNode(ref), rt.call("mark", [t.memberExpression(t.thisExpression(), key), ...(kind === undefined ? [] : [t.identifier("undefined")]), ...kindArgs])),
    );
  }
  const node = method.node as t.ClassMethod | t.ObjectMethod;
  const holder = holderOf(method);
  const ref = declareNear(method, "method");
  const key = capturedKey(method, node);
  const owner = isStatic(method) || method.isObjectMethod()
    ? t.cloneNode(holder.home)
    : t.memberExpression(t.cloneNode(holder.home), t.identifier("prototype"));
  holder.add(t.assignmentExpression("=", t.cloneNode(ref), rt.call("markMethod", [owner, key, ...kindArgs])));
  return t.cloneNode(ref);
}

/** Rewrites `super.x`, `super[k]`, `super.x(...)` and `super.x = v` in the method's body (only
 * inside its arrows, with `inArrowsOnly`; a private method's arrows keep `super`). */
export function rewriteSuper(method: MethodPath | NodePath<t.ClassProperty>, rt: RuntimeRef, { inArrowsOnly = false } = {}): void {
  if (inArrowsOnly && method.isClassPrivateMethod()) return;
  let home: t.Expression | null = null;
  const homeObject = (): t.Expression => {
    if (home === null) {
      if (method.isClassPrivateMethod()) throw method.buildCodeFrameError("spickle: `super` in a private generator method is not supported");
      const holder = holderOf(method as MethodPath);
      home = isStatic(method as MethodPath) || method.isObjectMethod()
        ? holder.home
        : t.memberExpression(t.cloneNode(holder.home), t.identifier("prototype"));
    }
    return t.cloneNode(home);
  };
  (method.isClassProperty() ? method.get("value") as NodePath : method.get("body") as NodePath).traverse({
    Function(path) {
      if (!path.isArrowFunctionExpression()) path.skip();
    },
    Super(path) {
      if (inArrowsOnly && !path.getFunctionParent()!.isArrowFunctionExpression()) return;
      const access = path.parentPath;
      if (!access.isMemberExpression()) throw path.buildCodeFrameError("spickle: unsupported use of `super`");
      const node = access.node;
      const key = node.computed ? (node.property as t.Expression) : t.stringLiteral((node.property as t.Identifier).name);
      const get = () => rt.call("superGet", [homeObject(), t.cloneNode(key), t.thisExpression()]);
      const parent = access.parentPath;
      if (parent.isCallExpression() && parent.node.callee === node) {
        parent.replaceWith(t.callExpression(t.memberExpression(get(), t.identifier("call")), [t.thisExpression(), ...parent.node.arguments]));
      } else if (parent.isAssignmentExpression() && parent.node.left === node) {
        const { operator, right } = parent.node;
        const value = operator === "=" ? right : t.binaryExpression(operator.slice(0, -1) as t.BinaryExpression["operator"], get(), right);
        parent.replaceWith(rt.call("superSet", [homeObject(), t.cloneNode(key), value, t.thisExpression()]));
      } else if (parent.isUpdateExpression()) {
        throw parent.buildCodeFrameError("spickle: `super.x++` in a generator is not supported");
      } else {
        access.replaceWith(get());
      }
    },
  });
}

function isStatic(method: MethodPath): boolean {
  return !method.isObjectMethod() && (method.node as t.ClassMethod).static === true;
}

/** The variable holding the method's class or object literal, created on first use. */
function holderOf(method: MethodPath): Holder {
  const container = method.parentPath.isClassBody() ? method.parentPath.parentPath! : method.parentPath;
  const existing = holders.get(container.node);
  if (existing !== undefined) return existing;
  const home = declareNear(container, "home");
  let holder: Holder;
  if (container.isObjectExpression()) {
    // Wrapped by `wrapObjectHolders` once all its methods are prepared.
    const captures: t.Expression[] = [];
    holder = { home, add: (capture) => captures.push(capture) };
    literalCaptures.set(container.node, { home, captures });
  } else {
    const block = t.staticBlock([t.expressionStatement(t.assignmentExpression("=", t.cloneNode(home), t.thisExpression()))]);
    (container.node as t.Class).body.body.unshift(block);
    compilerStaticBlocks.add(block);
    holder = { home, add: (capture) => block.body.push(t.expressionStatement(capture)) };
  }
  holders.set(container.node, holder);
  return holder;
}

const literalCaptures = new WeakMap<t.Node, { home: t.Identifier; captures: t.Expression[] }>();

/** `{ *m() {} }` → `(home = { *m() {} }, capture…, home)`: the value stays the literal. */
export function wrapObjectHolder(literal: NodePath<t.ObjectExpression>): void {
  const entry = literalCaptures.get(literal.node);
  if (entry === undefined) return;
  literalCaptures.delete(literal.node);
  const { home, captures } = entry;
  literal.replaceWith(
    t.sequenceExpression([t.assignmentExpression("=", t.cloneNode(home), literal.node), ...captures, t.cloneNode(home)]),
  );
}

/** A method's key as an expression usable after the class exists (computed keys are captured). */
function capturedKey(method: MethodPath, node: t.ClassMethod | t.ObjectMethod): t.Expression {
  if (!node.computed) {
    const key = node.key;
    if (t.isIdentifier(key)) return t.stringLiteral(key.name);
    return t.cloneNode(key as t.Expression);
  }
  const keyVar = declareNear(method, "key");
  node.key = t.assignmentExpression("=", t.cloneNode(keyVar), node.key as t.Expression);
  return t.cloneNode(keyVar);
}

/** `let id;` before the statement enclosing `path` (outside any class or object literal). */
function declareNear(path: NodePath, hint: string): t.Identifier {
  const statement = path.getStatementParent();
  if (statement === null) throw path.buildCodeFrameError("spickle: no enclosing statement");
  const id = statement.scope.generateUidIdentifier(hint);
  statement.insertBefore(t.variableDeclaration("let", [t.variableDeclarator(id)]));
  return id;
}
