// Splits a generator function in two: the function itself becomes a plain function that starts a
// frame (`return _rt.gen(body, fn, this, locals, tries)`), and its body moves into a parameterless
// generator `function* _g$body() { … }` next to it — the only kind of generator regenerator sees.
// The lift pass later turns that vehicle into the state machine `_g$body(frame, L)`.

import { types as t, type NodePath } from "@babel/core";
import type { Initial, LocalsPlan } from "./locals.js";
import { isMethod, methodReference, placeInClass } from "./methods.js";
import type { RuntimeRef } from "./runtime-ref.js";

/** Kind argument of `_rt.gen` and `_rt.mark` for an async function (the runtime's ASYNC_KIND). */
const ASYNC_KIND = 1;

/** Body function name → name of its locals object, for the lift pass. */
export type BodyRegistry = Map<string, string>;
/** Body function name → names of its step function's plain locals (see liveness.ts). */
export type StepLocalsRegistry = Map<string, readonly string[]>;

export function splitGenerator(
  fn: NodePath<t.Function>,
  L: t.Identifier,
  plan: LocalsPlan,
  rt: RuntimeRef,
  bodies: BodyRegistry,
  isAsync = false,
): string {
  const fnRef = functionReference(fn, rt, isAsync);
  const bodyId = fn.scope.generateUidIdentifier(`${nameHint(fn)}$body`);
  bodies.set(bodyId.name, L.name);

  const vehicle = t.functionDeclaration(bodyId, [], fn.node.body as t.BlockStatement, true, false);
  const locals = initialLocals(plan, fnRef);
  const statements: t.Statement[] = [];
  let localsArg: t.Expression = locals;
  if (plan.defaults.length > 0) {
    // `const L = {…}; if (L.b === undefined) L.b = default; …` — defaults see the frame's locals.
    statements.push(t.variableDeclaration("const", [t.variableDeclarator(t.cloneNode(L), locals)]));
    for (const { slot, value } of plan.defaults) {
      const missing = t.binaryExpression("===", slot, t.identifier("undefined"));
      const assign = t.assignmentExpression("=", t.cloneNode(slot) as t.MemberExpression, value);
      statements.push(t.ifStatement(missing, t.expressionStatement(assign)));
    }
    localsArg = t.cloneNode(L);
  }
  const startArgs = [t.cloneNode(bodyId), t.cloneNode(fnRef), t.thisExpression(), localsArg, t.nullLiteral()];
  if (isAsync) startArgs.push(t.numericLiteral(ASYNC_KIND));
  const start = rt.call("gen", startArgs);
  fn.node.generator = false;
  statements.push(t.returnStatement(start));
  if (!isMethod(fn)) {
    // A generator function is not a constructor; a plain function would be.
    const newTarget = t.metaProperty(t.identifier("new"), t.identifier("target"));
    statements.unshift(t.ifStatement(newTarget, t.expressionStatement(rt.call("notConstructor", [t.cloneNode(fnRef)]))));
  }
  fn.node.body = t.blockStatement(statements);

  placeVehicle(fn, vehicle);
  markFunction(fn, rt, isAsync);
  return bodyId.name;
}

/** `{ a: a, $scope: { b: b, arguments: arguments }, … }`: what a call puts into its frame. The
 * lift pass adds every other member, so all frames of a function share one shape. */
function initialLocals(plan: LocalsPlan, fnRef: t.Expression): t.ObjectExpression {
  const own: t.ObjectProperty[] = [];
  const scoped: t.ObjectProperty[] = [];
  const add = (initial: Initial | null, value: t.Expression) => {
    if (initial !== null) (initial.inScope ? scoped : own).push(t.objectProperty(t.identifier(initial.member), value));
  };
  for (const param of plan.params) add(param, t.identifier(param.member));
  add(plan.self, t.cloneNode(fnRef));
  add(plan.args, t.identifier("arguments"));
  if (plan.scope !== null) own.push(t.objectProperty(t.identifier(plan.scope), t.objectExpression(scoped)));
  return t.objectExpression(own);
}

function nameHint(fn: NodePath<t.Function>): string {
  const node = fn.node as { id?: t.Identifier | null; key?: t.Node };
  if (node.id) return node.id.name;
  if (node.key && t.isIdentifier(node.key)) return node.key.name;
  if (node.key && t.isPrivateName(node.key)) return node.key.id.name;
  return "gen";
}

/** An expression that names the generator function from inside its own body. */
function functionReference(fn: NodePath<t.Function>, rt: RuntimeRef, isAsync: boolean): t.Expression {
  if (isMethod(fn)) return methodReference(fn, rt, isAsync ? ASYNC_KIND : undefined);
  if (fn.isFunctionDeclaration() || fn.isFunctionExpression()) {
    if (fn.node.id == null) {
      // Anonymous: name it for the reference; `mark` restores the name a native one would have.
      (fn.node as t.FunctionExpression & { inferredName?: string }).inferredName = inferredName(fn);
      fn.node.id = fn.scope.parent.generateUidIdentifier("gen");
    }
    return t.cloneNode(fn.node.id!);
  }
  throw fn.buildCodeFrameError("spickle: unsupported generator function form");
}

/** The `name` a native anonymous generator function would get from where it is defined. */
function inferredName(fn: NodePath<t.Function>): string {
  const parent = fn.parentPath;
  const keyName = (key: t.Node, computed: boolean): string =>
    computed ? "" : t.isIdentifier(key) ? key.name : t.isStringLiteral(key) ? key.value : "";
  if (parent.isVariableDeclarator() && t.isIdentifier(parent.node.id)) return parent.node.id.name;
  if (parent.isAssignmentExpression({ operator: "=" }) && t.isIdentifier(parent.node.left)) return parent.node.left.name;
  if (parent.isAssignmentPattern() && t.isIdentifier(parent.node.left)) return parent.node.left.name;
  if (parent.isObjectProperty() || parent.isClassProperty()) return keyName(parent.node.key, parent.node.computed);
  if (parent.isExportDefaultDeclaration()) return "default";
  return "";
}

/** Puts the vehicle where it sees the same bindings as the generator function. */
function placeVehicle(fn: NodePath<t.Function>, vehicle: t.FunctionDeclaration): void {
  if (fn.isClassMethod() || fn.isClassPrivateMethod()) {
    placeInClass(fn, vehicle);
    return;
  }
  if (fn.isFunctionDeclaration()) {
    fn.insertAfter(vehicle);
    return;
  }
  const enclosing: NodePath<t.Function> | null = fn.parentPath.getFunctionParent();
  if (enclosing?.isArrowFunctionExpression() && !enclosing.get("body").isBlockStatement()) {
    const arrow: NodePath<t.ArrowFunctionExpression> = enclosing;
    arrow.ensureBlock();
  }
  // The nearest statement, even a loop's lone body (getStatementParent would skip to the loop,
  // outside the loop variable's scope); inserting before it turns such a body into a block.
  const statement = fn.findParent((p) => p.isStatement());
  if (statement === null) throw fn.buildCodeFrameError("spickle: no statement encloses this generator");
  statement.insertBefore(vehicle);
}

function markFunction(fn: NodePath<t.Function>, rt: RuntimeRef, isAsync: boolean): void {
  if (isMethod(fn)) return; // marked when its class or literal captures it
  const kind = isAsync ? [t.numericLiteral(ASYNC_KIND)] : [];
  if (fn.isFunctionDeclaration()) {
    // Hoisted like the declaration, so the function looks like a generator before it runs.
    const owner = fn.parentPath.isExportDeclaration() ? fn.parentPath.parentPath! : fn.parentPath;
    const statement = t.expressionStatement(rt.call("mark", [t.cloneNode(fn.node.id!), ...(isAsync ? [t.identifier("undefined"), ...kind] : [])]));
    if (owner.isProgram()) owner.unshiftContainer("body", statement);
    else if (owner.isBlockStatement()) owner.unshiftContainer("body", statement);
    else if (owner.isSwitchCase()) owner.unshiftContainer("consequent", statement);
    else throw fn.buildCodeFrameError("spickle: unsupported position for a generator declaration");
    return;
  }
  const inferred = (fn.node as { inferredName?: string }).inferredName;
  const args: t.Expression[] = [fn.node as t.FunctionExpression];
  if (inferred !== undefined) args.push(t.stringLiteral(inferred));
  else if (isAsync) args.push(t.identifier("undefined"));
  args.push(...kind);
  fn.replaceWith(rt.call("mark", args));
}
