// Sites and factories: every lifted function's site (the node its factory call replaces) and the
// module-level factory `function _f$factory($c) { … }` that makes it from its scope object.

import { types as t, type NodePath } from "@babel/core";
import type { Analysis } from "./analyze.js";
import { constDeclaration, mentions, tagKey } from "./ast.js";
import { memberOf } from "./scopes.js";
import { isRuntimeCall, keyName, type Unit } from "./units.js";

export interface Site {
  /** The node the factory call replaces, and its parent. */
  node: t.Node;
  parent: t.Node;
  /** For object-literal accessors: the literal's parent. */
  objectParent?: t.Node;
  /** For function declarations: the statement list holding it. */
  container?: t.Node;
}

export function collectSites(analysis: Analysis): Map<Unit, Site> {
  const sites = new Map<Unit, Site>();
  for (const unit of analysis.unitList) {
    if (!unit.lifted) continue;
    let path: NodePath = unit.path;
    if (unit.wrapper !== null) path = unit.wrapper.path.parentPath!; // the wrapper's call
    const parent = path.parentPath!;
    if (isRuntimeCall(parent.node, analysis.runtimeName, "named") && parent.node.arguments[0] === path.node) {
      // The factory gives the function its name natively.
      sites.set(unit, { node: parent.node, parent: parent.parent });
      continue;
    }
    const site: Site = { node: path.node, parent: parent.node };
    if (unit.kind === "getter" || unit.kind === "setter") site.objectParent = parent.parent;
    if (t.isFunctionDeclaration(unit.node)) {
      if (parent.isSwitchCase()) {
        throw parent.buildCodeFrameError("spickle: a function declared directly in a switch case is not supported yet");
      }
      site.container = parent.node;
    }
    sites.set(unit, site);
  }
  return sites;
}

export function factoryHint(unit: Unit): string {
  const last = unit.id.slice(unit.id.indexOf("#") + 1).split(".").pop()!;
  const cleaned = last.replace(/#\d+$/, "").replace(/[^A-Za-z0-9_$]/g, "");
  return cleaned === "" ? "fn" : cleaned;
}

/** `function _f$factory($c) { return _rt.closure(<function>, _f$factory, $c); }` */
export function factory(analysis: Analysis, unit: Unit, name: t.Identifier, runtime: (n: string) => t.MemberExpression): t.FunctionDeclaration {
  const node = unit.node;
  const statements: t.Statement[] = [];
  let value: t.Expression;
  if (t.isObjectMethod(node)) {
    const key = keyName(node.key, false)!;
    const holder = t.objectExpression([node]);
    value = node.kind === "method"
      ? memberOf(holder, key)
      : t.callExpression(runtime("accessorOf"), [holder, t.stringLiteral(key), t.stringLiteral(node.kind)]);
  } else if (t.isFunctionDeclaration(node)) {
    value = t.functionExpression(node.id, node.params, node.body, node.generator, node.async);
  } else {
    value = node as t.Expression;
    const inferred = unit.nativeName;
    if (inferred !== undefined && inferred !== "") {
      if (t.isValidIdentifier(inferred, true) && !mentions(unit.path, inferred) && inferred !== analysis.closureParam.name) {
        statements.push(constDeclaration(t.identifier(inferred), value));
        value = t.identifier(inferred);
      } else {
        value = memberOf(t.objectExpression([t.objectProperty(t.stringLiteral(inferred), value)]), inferred);
      }
    }
  }
  if (t.isIdentifier(value)) {
    // Tags stored in place (no call into the runtime that many sites share).
    const tag = (key: "SITE" | "SCOPE", tagValue: t.Expression) =>
      t.expressionStatement(t.assignmentExpression("=", t.memberExpression(t.cloneNode(value as t.Identifier), tagKey(analysis, key), true), tagValue));
    statements.push(tag("SITE", t.cloneNode(name)), tag("SCOPE", t.cloneNode(analysis.closureParam)), t.returnStatement(t.cloneNode(value)));
  } else {
    statements.push(t.returnStatement(t.callExpression(runtime("closure"), [value, t.cloneNode(name), t.cloneNode(analysis.closureParam)])));
  }
  return t.functionDeclaration(name, [t.cloneNode(analysis.closureParam)], t.blockStatement(statements));
}

export function hoistDeclaration(analysis: Analysis, unit: Unit, site: Site, call: t.Expression, hoisted: Map<t.Node, t.Statement[]>): void {
  const fn = unit.node as t.FunctionDeclaration;
  const statementList = t.isSwitchCase(site.parent) ? site.parent.consequent : (site.parent as t.BlockStatement).body;
  statementList.splice(statementList.indexOf(fn), 1);
  const binding = unit.path.parentPath!.scope.getBinding(fn.id!.name);
  const captured = binding === undefined ? undefined : analysis.captured.get(binding);
  let statement: t.Statement;
  if (captured !== undefined) {
    statement = t.expressionStatement(t.assignmentExpression("=", memberOf(t.cloneNode(captured.scope.name!), captured.member), call));
  } else {
    const functionBody = t.isBlockStatement(site.parent) && t.isFunction(unit.path.parentPath!.parent);
    statement = t.variableDeclaration(functionBody ? "var" : "let", [t.variableDeclarator(t.cloneNode(fn.id!), call)]);
  }
  const container = site.container!;
  let list = hoisted.get(container);
  if (list === undefined) hoisted.set(container, (list = []));
  list.push(statement);
}
