// After regenerator: each vehicle `function _g$body() { var temps; return H().w(function (ctx) {…},
// …, tries); }` becomes the state machine `function _g$body(ctx, L) {…}` whose temporaries live
// in the frame's locals too, and each `_rt.gen(_g$body, …)` call gets the full locals shape and
// the try table. Nothing of regenerator's own runtime remains.

import { types as t, type NodePath, type PluginObj } from "@babel/core";
import type { PrepareState } from "./prepare.js";
import type { BodyRegistry, StepLocalsRegistry } from "./split.js";
import { restoreVerbatimLoops } from "./verbatim.js";

/** Placeholder regenerator's `regenerator` helper is redirected to; no use of it survives. */
export const REGENERATOR_PLACEHOLDER = "__spickle_regenerator__";

interface BodyInfo {
  members: string[];
  tries: t.ArrayExpression | null;
}

export function liftBodies(state: PrepareState, runtimeName: () => string): PluginObj {
  const { bodies, stepLocals } = state;
  return {
    name: "spickle-lift",
    visitor: {
      Program: {
        exit(program) {
          const infos = new Map<string, BodyInfo>();
          restoreVerbatimLoops(program, state.verbatim);
          program.traverse({
            CallExpression(path) {
              if (isHelperCall(path.node, "w")) liftBody(path, bodies, stepLocals, infos);
            },
          });
          program.traverse({
            CallExpression(path) {
              if (isHelperCall(path.node, "m")) unwrapMark(path);
            },
          });
          completeStarts(program, infos, runtimeName());
          program.traverse({
            Identifier(path) {
              if (path.node.name === REGENERATOR_PLACEHOLDER) {
                throw path.buildCodeFrameError("spickle: internal error: regenerator helper left in output");
              }
            },
          });
        },
      },
    },
  };
}

/** `H().w(…)` / `H().m(…)` */
function isHelperCall(node: t.CallExpression, method: "w" | "m"): boolean {
  const callee = node.callee;
  return (
    t.isMemberExpression(callee) &&
    t.isIdentifier(callee.property, { name: method }) &&
    t.isCallExpression(callee.object) &&
    t.isIdentifier(callee.object.callee, { name: REGENERATOR_PLACEHOLDER })
  );
}

function liftBody(
  call: NodePath<t.CallExpression>, bodies: BodyRegistry, stepLocals: StepLocalsRegistry, infos: Map<string, BodyInfo>,
): void {
  const vehicle = call.getFunctionParent() as NodePath<t.FunctionDeclaration | t.FunctionExpression> | null;
  const name = vehicle?.node.id?.name;
  const localsName = name === undefined ? undefined : bodies.get(name);
  if (vehicle == null || localsName === undefined) {
    throw call.buildCodeFrameError("spickle: internal error: generator outside a body vehicle");
  }
  const [machine, , , tries] = call.node.arguments;
  if (!t.isFunctionExpression(machine)) throw call.buildCodeFrameError("spickle: internal error: unexpected regenerator output");

  // The step function's own locals stay declared in it; the other temporaries go into the frame.
  const plain = new Set(stepLocals.get(name!) ?? []);
  const temps = collectTemps(vehicle).filter((temp) => !plain.has(temp));
  const members = new Set<string>();
  const L = t.identifier(localsName);
  const machinePath = call.get("arguments.0") as NodePath<t.FunctionExpression>;
  collectMembers(machinePath, localsName, members);
  const renamed = new Map<string, string>();
  for (const temp of temps) {
    let member = temp;
    for (let n = 1; members.has(member); n++) member = `${temp}$${n}`;
    members.add(member);
    renamed.set(temp, member);
  }
  machinePath.traverse({
    Identifier(path) {
      const member = renamed.get(path.node.name);
      if (member === undefined) return;
      if (path.parentPath.isMemberExpression({ property: path.node }) && !(path.parent as t.MemberExpression).computed) return;
      if (path.parentPath.isObjectProperty({ key: path.node }) && !(path.parent as t.ObjectProperty).computed) return;
      path.replaceWith(unqualifiedCallee(path, t.memberExpression(t.cloneNode(L), t.identifier(member))));
    },
  });
  // A value received from `yield` (the context's `v`) called as is: `(yield f)()` calls `f` with
  // `this` undefined, not the frame.
  const context = machine.params[0];
  machinePath.traverse({
    MemberExpression(path) {
      const { object, property, computed } = path.node;
      if (!t.isIdentifier(object) || !t.isIdentifier(context, { name: object.name })) return;
      if (computed || !t.isIdentifier(property) || PROTOCOL_METHODS.has(property.name)) return;
      if (isCallee(path)) path.replaceWith(t.sequenceExpression([t.numericLiteral(0), path.node]));
    },
  });

  vehicle.node.params = [machine.params[0] as t.Identifier, L];
  vehicle.node.body = machine.body;
  if (plain.size > 0) {
    vehicle.node.body.body.unshift(t.variableDeclaration("var", [...plain].map((name) => t.variableDeclarator(t.identifier(name)))));
  }
  vehicle.node.generator = false;
  infos.set(name!, { members: [...members], tries: t.isArrayExpression(tries) ? tries : null });
}

/** Methods of the frame that regenerator's code calls on it (the rest are data fields). */
const PROTOCOL_METHODS = new Set(["a", "f", "d"]);

/** Whether `path` is the function of a call or tagged template (so its base becomes `this`). */
function isCallee(path: NodePath): boolean {
  const parent = path.parent;
  if ((t.isCallExpression(parent) || t.isOptionalCallExpression(parent)) && parent.callee === path.node) return true;
  return t.isTaggedTemplateExpression(parent) && parent.tag === path.node;
}

/** `replacement` for the identifier at `path`, as `(0, L.temp)` where the identifier is called:
 * a temporary holding a function is called with `this` undefined, as the original expression. */
function unqualifiedCallee(path: NodePath, replacement: t.MemberExpression): t.Expression {
  return isCallee(path) ? t.sequenceExpression([t.numericLiteral(0), replacement]) : replacement;
}

/** The vehicle's `var` declarations: regenerator's temporaries. */
function collectTemps(vehicle: NodePath<t.Function>): string[] {
  const temps: string[] = [];
  for (const statement of (vehicle.node.body as t.BlockStatement).body) {
    if (!t.isVariableDeclaration(statement)) continue;
    for (const declarator of statement.declarations) {
      if (!t.isIdentifier(declarator.id) || declarator.init != null) {
        throw vehicle.buildCodeFrameError("spickle: internal error: unexpected temporary in regenerator output");
      }
      temps.push(declarator.id.name);
    }
  }
  return temps;
}

function collectMembers(machine: NodePath, localsName: string, members: Set<string>): void {
  machine.traverse({
    MemberExpression(path) {
      const { object, property, computed } = path.node;
      if (!t.isIdentifier(object, { name: localsName })) return;
      if (!computed && t.isIdentifier(property)) members.add(property.name);
      else if (computed && t.isStringLiteral(property)) members.add(property.value);
    },
  });
}

/** `var _marked = H().m(body)` goes away; `H().m(fn)` becomes `fn`. */
function unwrapMark(path: NodePath<t.CallExpression>): void {
  if (path.parentPath.isVariableDeclarator()) {
    const declaration = path.parentPath.parentPath as NodePath<t.VariableDeclaration>;
    if (declaration.node.declarations.length === 1) declaration.remove();
    else path.parentPath.remove();
    return;
  }
  path.replaceWith(path.node.arguments[0] as t.Expression);
}

/** Fills each `_rt.gen(body, fn, this, {…}, null)` with every member and the try table. */
function completeStarts(program: NodePath<t.Program>, infos: Map<string, BodyInfo>, runtimeName: string): void {
  const tableIds: t.Identifier[] = [];
  program.traverse({
    CallExpression(path) {
      const { callee, arguments: args } = path.node;
      if (!t.isMemberExpression(callee) || !t.isIdentifier(callee.object, { name: runtimeName })) return;
      if (!t.isIdentifier(callee.property, { name: "gen" })) return;
      const info = infos.get(referencedName(args[0]!));
      if (info === undefined) return;
      const locals = localsLiteral(path, args[3]!);
      const present = new Set(locals.properties.map((p) => ((p as t.ObjectProperty).key as t.Identifier).name));
      for (const name of info.members) {
        if (present.has(name)) continue;
        const key = t.isValidIdentifier(name, false) ? t.identifier(name) : t.stringLiteral(name);
        locals.properties.push(t.objectProperty(key, t.unaryExpression("void", t.numericLiteral(0))));
      }
      if (info.tries !== null) {
        // A table per function, built on first use (a `var`, so calls during a circular import work).
        const id = program.scope.generateUidIdentifier("tries");
        tableIds.push(id);
        args[4] = t.logicalExpression("||", t.cloneNode(id), t.assignmentExpression("=", t.cloneNode(id), info.tries));
      }
    },
  });
  if (tableIds.length > 0) {
    program.unshiftContainer("body", t.variableDeclaration("var", tableIds.map((id) => t.variableDeclarator(id))));
  }
}

/** The object literal that makes a frame's locals: inline, or a `const L = {…}` of the function
 * (when parameter defaults run against the locals first). */
function localsLiteral(call: NodePath<t.CallExpression>, arg: t.Node): t.ObjectExpression {
  if (t.isObjectExpression(arg)) return arg;
  const binding = t.isIdentifier(arg) ? call.scope.getBinding(arg.name) : undefined;
  const init = binding?.path.isVariableDeclarator() ? binding.path.node.init : null;
  if (!t.isObjectExpression(init)) throw call.buildCodeFrameError("spickle: internal error: locals literal not found");
  return init;
}

function referencedName(node: t.Node): string {
  if (t.isIdentifier(node)) return node.name;
  if (t.isMemberExpression(node) && !node.computed && t.isIdentifier(node.property)) return node.property.name;
  return "";
}
