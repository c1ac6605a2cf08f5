// Classes as data. A class moves whole into a module-level factory, as a function does:
//
//   function _C$factory($c, $heritage, $keys) {
//     return class C extends $heritage {
//       static { _rt.defineClass(this, _C$factory, $c, { privates, keys: $keys }) }
//       [$keys[0]]() {}  …members…
//     };
//   }
//
// and its site calls `_C$factory(scope, <heritage>, [<computed keys>])`, so the heritage and the
// members' computed keys are evaluated where the class was (and supplied by the snapshot when the
// class is re-made). The leading static block registers the class and its methods before any static
// initializer runs, and hands the runtime accessors for the class's `#private` fields (only code
// inside the class body can touch them).
//
// Re-making a class from a snapshot runs this code with `RESTORE.on`: static initializers and the
// program's static blocks are skipped. An instance that carries private names is re-made through
// the construction path of the classes that declare them, also with `RESTORE.on`: their field
// initializers are skipped and their constructors return at once (derived ones after a bare
// `super()`), so nothing but private names gets installed. Other instances are made with
// `Object.create`, so classes without instance private names keep their constructors as written.

import { types as t } from "@babel/core";
import { compilerStaticBlocks } from "../methods.js";
import type { Analysis } from "./analyze.js";
import { constDeclaration, mentions, replaceIn, replaceStatement, tagKey } from "./ast.js";
import type { Site } from "./factories.js";
import { inLoop, memberOf, type ScopeObject } from "./scopes.js";
import type { Unit } from "./units.js";

/** Factories of functions that use a class's private names, by class: made inside its body. */
const classLocalSites = new WeakMap<Unit, { id: string; factory: t.FunctionDeclaration }[]>();

export function addClassLocalSite(home: Unit, id: string, factory: t.FunctionDeclaration): void {
  let list = classLocalSites.get(home);
  if (list === undefined) classLocalSites.set(home, (list = []));
  list.push({ id, factory });
}

interface ClassSiteInfo {
  factory: t.Identifier;
  /** The factory's computed-keys parameter, when members have computed keys. */
  keys: t.Identifier | null;
  locals: { id: string; factory: t.FunctionDeclaration }[];
}

const classSites = new WeakMap<t.Node, ClassSiteInfo>();

/** The factory of a lifted class; the class node moves into it (its heritage and computed keys
 * are replaced by the factory's parameters). Returns the factory and the site's arguments after
 * the scope. */
export function classFactory(
  analysis: Analysis, unit: Unit, name: t.Identifier, creations: Map<ScopeObject, () => t.ObjectExpression>,
): { factory: t.FunctionDeclaration; siteArgs: t.Expression[] } {
  const node = unit.node as t.Class;
  const uid = (hint: string) => analysis.program.scope.generateUidIdentifier(hint);
  const heritage = node.superClass ?? null;
  const superClass = heritage === null ? null : uid("heritage");
  const keyValues: t.Expression[] = [];
  const keys = hoistComputedKeys(node, uid, keyValues);
  const params = [t.cloneNode(analysis.closureParam), superClass ?? uid("heritage"), ...(keys === null ? [] : [t.cloneNode(keys)])];
  const siteArgs: t.Expression[] = keys === null && heritage === null ? [] : [heritage ?? t.nullLiteral()];
  if (keys !== null) {
    const toKey = t.memberExpression(t.identifier(analysis.runtimeName), t.identifier("toPropertyKey"));
    siteArgs.push(t.arrayExpression(keyValues.map((k) => t.callExpression(toKey, [k]))));
  }
  if (keys === null && heritage === null) params.length = 1;
  const statements: t.Statement[] = [];
  let value: t.Expression = t.classExpression(node.id ?? null, superClass, node.body, node.decorators ?? []);
  const inferred = unit.nativeName;
  if (node.id == null && inferred !== undefined && inferred !== "") {
    if (t.isValidIdentifier(inferred, true) && !mentions(unit.path, inferred) && inferred !== analysis.closureParam.name) {
      statements.push(constDeclaration(t.identifier(inferred), value));
      value = t.identifier(inferred);
    } else {
      value = memberOf(t.objectExpression([t.objectProperty(t.stringLiteral(inferred), value)]), inferred);
    }
  }
  // The class's own name, captured by functions lifted out of its body, lives in its scope object.
  if (unit.fnScope !== null) {
    statements.unshift(constDeclaration(unit.fnScope.name!, creations.get(unit.fnScope)!()));
    const own = analysis.classNames.find((c) => c.path.node === node);
    if (own !== undefined) value = t.assignmentExpression("=", memberOf(t.cloneNode(unit.fnScope.name!), own.captured.member), value);
  }
  const locals = classLocalSites.get(unit) ?? [];
  if (locals.length > 0) {
    // Declared here, made in the class's leading static block (see finishClass).
    statements.unshift(t.variableDeclaration("let", locals.map((l) => t.variableDeclarator(t.cloneNode(l.factory.id!)))));
  }
  statements.push(t.returnStatement(value));
  classSites.set(node, { factory: name, keys, locals });
  return { factory: t.functionDeclaration(name, params, t.blockStatement(statements)), siteArgs };
}

/** Replaces the computed keys of the class's own members by `$keys[i]`, collecting their
 * expressions (in order) into `values`; returns the parameter, or null when there are none. */
function hoistComputedKeys(node: t.Class, uid: (hint: string) => t.Identifier, values: t.Expression[]): t.Identifier | null {
  let keys: t.Identifier | null = null;
  for (const member of node.body.body) {
    if (!(t.isClassMethod(member) || t.isClassProperty(member) || t.isClassAccessorProperty(member)) || !member.computed) continue;
    keys ??= uid("keys");
    const key = member.key as t.Expression;
    values.push(key);
    const slot = () => t.memberExpression(t.cloneNode(keys!), t.numericLiteral(values.length - 1), true);
    member.key = slot();
    // `[_key = expr]`: a generator method's key, captured for its class's leading static block
    // (methods pass), which must read it from the keys on the restore path too.
    if (t.isAssignmentExpression(key, { operator: "=" })) {
      const name = t.isIdentifier(key.left) ? key.left.name : t.isMemberExpression(key.left) && !key.left.computed && t.isIdentifier(key.left.property) ? key.left.property.name : null;
      if (name !== null) for (const block of node.body.body) if (compilerStaticBlocks.has(block)) replaceReads(block, name, slot);
    }
  }
  return keys;
}

/** Replaces reads of `name` (an identifier, or a scope object's member of that name) under `node`. */
function replaceReads(node: t.Node, name: string, replacement: () => t.Expression): void {
  const matches = (n: t.Node) =>
    t.isIdentifier(n, { name }) || (t.isMemberExpression(n) && !n.computed && t.isIdentifier(n.property, { name }));
  for (const key of t.VISITOR_KEYS[node.type] ?? []) {
    const value = (node as unknown as Record<string, unknown>)[key];
    const children = Array.isArray(value) ? value : [value];
    children.forEach((child, index) => {
      if (child === null || typeof child !== "object" || typeof (child as t.Node).type !== "string") return;
      if (t.isMemberExpression(node) && key === "property" && !node.computed) return;
      if (!matches(child as t.Node)) return replaceReads(child as t.Node, name, replacement);
      if (Array.isArray(value)) value[index] = replacement();
      else (node as unknown as Record<string, unknown>)[key] = replacement();
    });
  }
}

/** Replaces the class at its site by the factory call: an expression stays an expression; a
 * declaration becomes a `let` (or an assignment to its scope object member when captured). A
 * class made once in module code is its module instance's own (`declareClass`). */
export function placeClassSite(analysis: Analysis, unit: Unit, site: Site, call: t.Expression): void {
  const runtime = (name: string) => t.memberExpression(t.identifier(analysis.runtimeName), t.identifier(name));
  const made = unit.parent === null && !inLoop(unit.path, null) ? t.callExpression(runtime("declareClass"), [call]) : call;
  const node = unit.node;
  if (!t.isClassDeclaration(node)) {
    replaceIn(site.parent, site.node, made);
    return;
  }
  const parent = site.parent;
  if (t.isExportDefaultDeclaration(parent)) {
    if (node.id == null) {
      parent.declaration = made;
      return;
    }
    const program = analysis.program.node;
    program.body.splice(program.body.indexOf(parent), 1,
      t.variableDeclaration("let", [t.variableDeclarator(t.cloneNode(node.id), made)]),
      t.exportNamedDeclaration(null, [t.exportSpecifier(t.cloneNode(node.id), t.identifier("default"))]));
    return;
  }
  const id = node.id!;
  if (t.isExportNamedDeclaration(parent)) {
    parent.declaration = t.variableDeclaration("let", [t.variableDeclarator(t.cloneNode(id), made)]);
    return;
  }
  const binding = unit.path.parentPath!.scope.getBinding(id.name);
  const captured = binding === undefined ? undefined : analysis.captured.get(binding);
  const statement = captured !== undefined
    ? t.expressionStatement(t.assignmentExpression("=", memberOf(t.cloneNode(captured.scope.name!), captured.member), made))
    : t.variableDeclaration("let", [t.variableDeclarator(t.cloneNode(id), made)]);
  replaceStatement(parent, node, [statement]);
}

/** Adds the restore guards and the leading definition block to a lifted class's body. */
export function finishClass(analysis: Analysis, unit: Unit): void {
  const node = unit.node as t.Class;
  const restoring = () => t.memberExpression(tagKey(analysis, "RESTORE"), t.identifier("on"));
  const members = node.body.body;
  // Only instances that carry private names are re-made by running their class's construction
  // path (the runtime skips every class of the chain without them): other classes' constructors
  // and instance fields stay exactly as written, at no cost.
  const branded = hasInstancePrivateNames(node);
  let constructor: t.ClassMethod | undefined;
  for (const member of members) {
    if ((t.isClassProperty(member) || t.isClassPrivateProperty(member)) && member.value != null) {
      if (!member.static && !branded) continue;
      member.value = t.conditionalExpression(restoring(), t.unaryExpression("void", t.numericLiteral(0)), member.value);
    } else if (t.isStaticBlock(member) && !compilerStaticBlocks.has(member)) {
      member.body = [t.ifStatement(t.unaryExpression("!", restoring()), t.blockStatement(member.body))];
    } else if (t.isClassMethod(member) && member.kind === "constructor") {
      constructor = member;
    }
  }
  const derived = node.superClass != null;
  let length: number | undefined;
  if (branded && constructor !== undefined) {
    length = guardParameters(constructor, restoring);
    const early = derived ? [t.expressionStatement(t.callExpression(t.super(), [])), t.returnStatement()] : [t.returnStatement()];
    constructor.body.body.unshift(t.ifStatement(restoring(), t.blockStatement(early)));
  } else if (branded && derived) {
    // The implicit `constructor(...args) { super(...args) }`, with the restore path.
    const args = analysis.program.scope.generateUidIdentifier("args");
    members.unshift(t.classMethod("constructor", t.identifier("constructor"), [t.restElement(args)], t.blockStatement([
      t.ifStatement(restoring(), t.blockStatement([t.expressionStatement(t.callExpression(t.super(), [])), t.returnStatement()])),
      t.expressionStatement(t.callExpression(t.super(), [t.spreadElement(t.cloneNode(args))])),
    ])));
  }
  const { factory, keys, locals } = classSites.get(node)!;
  const details: t.ObjectProperty[] = [];
  if (locals.length > 0) {
    details.push(t.objectProperty(t.identifier("sites"), t.objectExpression(locals.map(({ id, factory: f }) =>
      t.objectProperty(t.stringLiteral(id), t.assignmentExpression("=", t.cloneNode(f.id!), t.functionExpression(f.id, f.params, f.body)))))));
  }
  const privates = privateAccess(node);
  if (privates !== null) details.push(t.objectProperty(t.identifier("privates"), privates));
  if (keys !== null) details.push(t.objectProperty(t.identifier("keys"), t.cloneNode(keys)));
  if (length !== undefined) details.push(t.objectProperty(t.identifier("length"), t.numericLiteral(length)));
  const define = t.callExpression(t.memberExpression(t.identifier(analysis.runtimeName), t.identifier("defineClass")), [
    t.thisExpression(), t.cloneNode(factory), t.cloneNode(analysis.closureParam), ...(details.length > 0 ? [t.objectExpression(details)] : []),
  ]);
  members.unshift(t.staticBlock([t.expressionStatement(define)]));
}

/** The constructor's parameters, made safe for the restore path (called with no arguments): every
 * default is skipped, every destructuring pattern gets an empty default to destructure. Returns
 * the constructor's original `length` when the new defaults changed it. */
function guardParameters(constructor: t.ClassMethod, restoring: () => t.Expression): number | undefined {
  const lengthOf = (params: t.Node[]) => {
    const i = params.findIndex((p) => t.isAssignmentPattern(p) || t.isRestElement(p));
    return i === -1 ? params.length : i;
  };
  const before = lengthOf(constructor.params);
  const undef = () => t.unaryExpression("void", t.numericLiteral(0));
  const guard = (node: t.Node): t.Node => {
    if (t.isAssignmentPattern(node)) {
      const left = t.isIdentifier(node.left) ? node.left : guardPattern(node.left);
      return t.assignmentPattern(left as t.AssignmentPattern["left"], t.conditionalExpression(restoring(), emptyFor(node.left) ?? undef(), node.right));
    }
    if (t.isObjectPattern(node) || t.isArrayPattern(node)) {
      return t.assignmentPattern(guardPattern(node), t.conditionalExpression(restoring(), emptyFor(node)!, undef()));
    }
    if (t.isRestElement(node) && !t.isIdentifier(node.argument)) return t.restElement(guardPattern(node.argument) as t.ArrayPattern);
    return node;
  };
  const guardPattern = (pattern: t.Node): t.ObjectPattern | t.ArrayPattern => {
    if (t.isObjectPattern(pattern)) {
      for (const property of pattern.properties) {
        if (t.isObjectProperty(property)) property.value = guard(property.value) as t.ObjectProperty["value"];
        else property.argument = guard(property.argument) as t.RestElement["argument"];
      }
      return pattern;
    }
    const array = pattern as t.ArrayPattern;
    array.elements = array.elements.map((e) => (e === null ? null : (guard(e) as t.PatternLike)));
    return array;
  };
  constructor.params = constructor.params.map((p) => guard(p) as t.ClassMethod["params"][number]);
  return lengthOf(constructor.params) === before ? undefined : before;
}

/** `{}` or `[]` for a pattern to destructure on the restore path; undefined for an identifier. */
function emptyFor(target: t.Node): t.Expression | undefined {
  if (t.isObjectPattern(target)) return t.objectExpression([]);
  if (t.isArrayPattern(target)) return t.arrayExpression([]);
  return undefined;
}

function hasInstancePrivateNames(node: t.Class): boolean {
  return node.body.body.some((m) => (t.isClassPrivateProperty(m) || t.isClassPrivateMethod(m)) && !m.static);
}

/** `{ has, instance, static }` over the class's private names, or null when it has none. */
function privateAccess(node: t.Class): t.Expression | null {
  const instanceFields: string[] = [];
  const staticFields: string[] = [];
  let brand: string | undefined;
  for (const member of node.body.body) {
    if (t.isClassPrivateProperty(member)) {
      (member.static ? staticFields : instanceFields).push(member.key.id.name);
      if (!member.static) brand ??= member.key.id.name;
    } else if (t.isClassPrivateMethod(member) && !member.static) {
      brand ??= member.key.id.name;
    }
  }
  if (brand === undefined && staticFields.length === 0) return null;
  const o = () => t.identifier("o");
  const field = (name: string) => t.memberExpression(o(), t.privateName(t.identifier(name)));
  const fields = (names: string[]) => t.objectExpression([
    t.objectProperty(t.identifier("names"), t.arrayExpression(names.map((n) => t.stringLiteral(n)))),
    t.objectProperty(t.identifier("get"), t.arrowFunctionExpression([o()], t.arrayExpression(names.map(field)))),
    t.objectProperty(t.identifier("set"), t.arrowFunctionExpression([o(), t.identifier("v")], t.blockStatement(
      names.map((n, i) => t.expressionStatement(t.assignmentExpression("=", field(n), t.memberExpression(t.identifier("v"), t.numericLiteral(i), true))))))),
  ]);
  const properties: t.ObjectProperty[] = [];
  if (brand !== undefined) {
    properties.push(t.objectProperty(t.identifier("has"), t.arrowFunctionExpression([o()],
      t.binaryExpression("in", t.privateName(t.identifier(brand)) as unknown as t.Expression, o()))));
  }
  if (instanceFields.length > 0) properties.push(t.objectProperty(t.identifier("instance"), fields(instanceFields)));
  if (staticFields.length > 0) properties.push(t.objectProperty(t.identifier("static"), fields(staticFields)));
  return t.objectExpression(properties);
}
