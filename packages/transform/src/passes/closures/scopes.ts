// Scope objects. A variable that a nested unit (function, class member) uses lives in a scope
// object `{ $parent, …members }` instead of a JS binding:
//   - "function": made at the entry of a function that declares captured variables (its params,
//     vars, and block-scoped bindings of blocks that are not inside a loop);
//   - "block": made on each entry to a block inside a loop (fresh per iteration), chained to the
//     scope current there; also any captured block at module level;
//   - "site": made where a lifted function is created, for values that have no other home (`this`,
//     `arguments`, `new.target` of the enclosing function seen from arrows; the parameters of a
//     locals-pass wrapper).
// From a position, a scope object is reached by its local name when it was made in the same
// lifted function, else through the factory parameter `$c` and `$parent` links.

import { types as t, type NodePath } from "@babel/core";
import { isComputedKeyOf, isHeritageOf, type Unit } from "./units.js";

export type ScopeKind = "function" | "block" | "site";

export interface Member {
  name: string;
  /** Initial value in the creating object literal (default `void 0`). */
  init: t.Expression | null;
}

export interface ScopeObject {
  kind: ScopeKind;
  /** Unit whose code makes the object (site objects: the lifted unit; null: module code). */
  owner: Unit | null;
  /** The function (kind function), block-ish node (kind block), or lifted unit (kind site). */
  node: t.Node;
  path: NodePath;
  /** Local variable holding it (site objects have none: they are only reached as `$c`). */
  name: t.Identifier | null;
  members: Map<string, Member>;
  parent?: ScopeObject | null;
  /** A generator body's frame locals object (made by `gen`, not by the body). */
  locals?: boolean;
}

export function newScope(kind: ScopeKind, owner: Unit | null, path: NodePath, name: t.Identifier | null): ScopeObject {
  return { kind, owner, node: path.node, path, name, members: new Map() };
}

const RESERVED = new Set(["$parent", "$this", "$arguments", "$newTarget", "__proto__"]);

/** Adds a member named after `name` (unique in the object); returns its member name. */
export function addMember(scope: ScopeObject, name: string, init: t.Expression | null): string {
  let member = name;
  for (let n = 1; scope.members.has(member) || RESERVED.has(member); n++) member = `${name}$${n}`;
  scope.members.set(member, { name: member, init });
  return member;
}

/** `$this` and friends: one per object. */
export function addSpecial(scope: ScopeObject, name: "$this" | "$arguments" | "$newTarget", init: t.Expression): void {
  if (!scope.members.has(name)) scope.members.set(name, { name, init });
}

export interface ScopeModel {
  units: Map<t.Node, Unit>;
  blockScopes: Map<t.Node, ScopeObject>;
  /** Identifier of the factory parameter. */
  closureParam: t.Identifier;
}

/** The ancestors of `path` with the child each is reached from, innermost first — past the class
 * of a computed member key (the key is evaluated where the class is made). */
function* ancestors(path: NodePath): Generator<[NodePath, t.Node]> {
  let child = path.node;
  let inClassKey = false;
  for (let a = path.parentPath; a !== null; child = a.node, a = a.parentPath) {
    if (isClassKeyOf(a.node, child)) inClassKey = true;
    if (inClassKey && t.isClass(a.node)) {
      inClassKey = false;
      continue;
    }
    yield [a, child];
  }
}

/** Whether the code at `child` runs in the unit `unit` itself (not in a computed key, decorator or
 * heritage, which are evaluated outside it). */
function ownCode(unit: t.Node, child: t.Node): boolean {
  return !isComputedKeyOf(unit, child) && !isDecorator(child) && !isHeritageOf(unit, child);
}

/** The unit whose code `path` belongs to (null: module code). */
export function unitAt(model: ScopeModel, path: NodePath): Unit | null {
  for (const [a, child] of ancestors(path)) {
    const unit = model.units.get(a.node);
    if (unit !== undefined && ownCode(a.node, child)) return unit;
  }
  return null;
}

/** Whether `child` is the computed key of the class member `member`: keys are evaluated where
 * the class is made (its site), not inside its factory. */
export function isClassKeyOf(member: t.Node, child: t.Node): boolean {
  return (t.isClassMethod(member) || t.isClassProperty(member) || t.isClassAccessorProperty(member)) && isComputedKeyOf(member, child);
}

/** Like unitAt, but `path` itself counts when it is a unit. */
export function unitOfNode(model: ScopeModel, path: NodePath): Unit | null {
  return model.units.get(path.node) ?? unitAt(model, path);
}

function isDecorator(node: t.Node): boolean {
  return t.isDecorator(node);
}

/** Whether `child` (a direct child of the block-ish `owner`) is inside the region of the owner's
 * block scope object. */
function inRegion(owner: t.Node, child: t.Node): boolean {
  if (t.isForInStatement(owner) || t.isForOfStatement(owner) || t.isCatchClause(owner)) return owner.body === child;
  if (t.isSwitchStatement(owner)) return owner.discriminant !== child;
  return true;
}

/** Whether `child` is the body of the unit node `unit` (its entry code has run). */
function inBody(unit: t.Node, child: t.Node): boolean {
  if (t.isStaticBlock(unit)) return true;
  if (t.isFunction(unit) || t.isClass(unit)) return unit.body === child;
  return false;
}

/** The innermost scope object whose region contains `path` (strictly: `path` itself, if a unit
 * or block, does not count). */
export function innermost(model: ScopeModel, path: NodePath): ScopeObject | null {
  for (const [a, child] of ancestors(path)) {
    const block = model.blockScopes.get(a.node);
    if (block !== undefined && inRegion(a.node, child)) return block;
    const unit = model.units.get(a.node);
    if (unit === undefined || !ownCode(a.node, child)) continue;
    if (unit.fnScope !== null && inBody(a.node, child)) return unit.fnScope;
    if (unit.siteScope !== null) return unit.siteScope;
  }
  return null;
}

/** The scope a lifted unit's factory receives (`$c`). */
export function siteScopeOf(model: ScopeModel, unit: Unit): ScopeObject | null {
  return unit.siteScope ?? innermost(model, unit.path);
}

export function parentOf(model: ScopeModel, scope: ScopeObject): ScopeObject | null {
  if (scope.parent !== undefined) return scope.parent;
  let parent: ScopeObject | null;
  if (scope.kind === "function" && scope.owner !== null && scope.owner.lifted) parent = siteScopeOf(model, scope.owner);
  else parent = innermost(model, scope.path);
  scope.parent = parent;
  return parent;
}

/** The nearest lifted unit strictly enclosing `path`. */
function liftedAround(model: ScopeModel, path: NodePath): Unit | null {
  for (let unit = unitAt(model, path); unit !== null; unit = unit.parent) if (unit.lifted) return unit;
  return null;
}

function within(unit: Unit | null, ancestor: Unit): boolean {
  for (let u = unit; u !== null; u = u.parent) if (u === ancestor) return true;
  return false;
}

/** An expression that evaluates, at `path`, to the scope object `target` (which must be on the
 * scope chain there). */
export function scopeAccess(model: ScopeModel, path: NodePath, target: ScopeObject): t.Expression {
  const lifted = liftedAround(model, path);
  const liftedSite = lifted === null ? null : siteScopeOf(model, lifted);
  let expression: t.Expression | null = null;
  let hops = 0;
  let scope = innermost(model, path);
  for (; scope !== null; scope = parentOf(model, scope)) {
    if (lifted !== null && scope === liftedSite) {
      expression = t.cloneNode(model.closureParam);
      hops = 0;
    } else if (scope.name !== null && (lifted === null || within(scope.owner, lifted))) {
      expression = t.cloneNode(scope.name);
      hops = 0;
    } else {
      hops++;
    }
    if (scope === target) break;
  }
  if (scope === null || expression === null) {
    throw path.buildCodeFrameError("spickle: internal error: captured variable not reachable from here");
  }
  for (let i = 0; i < hops; i++) expression = t.memberExpression(expression, t.identifier("$parent"));
  return expression;
}

/** `scope.member` (member names may not be identifiers). */
export function memberOf(object: t.Expression, name: string): t.MemberExpression {
  return t.isValidIdentifier(name, false)
    ? t.memberExpression(object, t.identifier(name))
    : t.memberExpression(object, t.stringLiteral(name), true);
}

/** Whether the block-ish `path` runs more than once per run of `unit` (a loop lies between). */
export function inLoop(path: NodePath, unitNode: t.Node | null): boolean {
  for (let p: NodePath | null = path; p !== null && p.node !== unitNode; p = p.parentPath) {
    if (p.isLoop()) return true;
  }
  return false;
}
