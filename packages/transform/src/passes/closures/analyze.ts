// Analysis: units, their ids, which bindings are captured and where they live, and what `this`,
// `arguments` and `new.target` inside lifted arrows refer to. Nothing is changed here except
// normalizations that keep meaning (catch patterns, `.bind` calls).

import { types as t, type NodePath } from "@babel/core";
import type { SourceRanges } from "./source-table.js";
import { assignedIdentifiers } from "../bindings.js";
import {
  addMember, addSpecial, inLoop, newScope, unitAt, unitOfNode,
  type ScopeModel, type ScopeObject,
} from "./scopes.js";
import {
  escapeSegment, idSegment, inferredName, isRuntimeCall, isUnitNode, keyName, usesOuterPrivateNames, usesSuper, wrapperCall,
  type Unit, type UnitKind,
} from "./units.js";

type Scope = NodePath["scope"];
export type Binding = NonNullable<ReturnType<Scope["getBinding"]>>;

export interface Captured {
  scope: ScopeObject;
  member: string;
}

export interface SpecialUse {
  path: NodePath;
  site: ScopeObject;
  member: "$this" | "$arguments" | "$newTarget";
}

export interface Analysis extends ScopeModel {
  program: NodePath<t.Program>;
  moduleId: string;
  runtimeName: string;
  unitList: Unit[];
  captured: Map<Binding, Captured>;
  /** Declared identifier node → captured binding info (declarations to convert). */
  declared: Map<t.Node, Captured>;
  /** References (and assigned identifiers) to rewrite. */
  references: { path: NodePath; binding: Binding; captured: Captured }[];
  specials: SpecialUse[];
  /** Catch parameters merged into a function scope: assigned at the start of the catch body. */
  catchInits: { clause: t.CatchClause; captured: Captured; name: string }[];
  /** Class expressions whose own name is captured. */
  classNames: { path: NodePath<t.ClassExpression>; captured: Captured }[];
  runtimeSpecifier: string;
  /** `SITE` / `SCOPE` → local name of their named import. */
  tagImports: Map<string, t.Identifier>;
  /** Generator body name → the `_rt.gen(body, …)` call that starts its frames. */
  genCalls: Map<string, NodePath<t.CallExpression>>;
  /** The original source and its functions' ranges, for their source text (null: none). */
  sources: { text: string; ranges: SourceRanges } | null;
}

export function analyze(
  program: NodePath<t.Program>, moduleId: string, runtimeName: string, runtimeSpecifier: string, bodies: Map<string, string>,
  sources: Analysis["sources"] = null,
): Analysis {
  const closureParam = t.identifier(freeName(program, "$c"));
  const analysis: Analysis = {
    program, moduleId, runtimeName, runtimeSpecifier, tagImports: new Map(), closureParam,
    units: new Map(), blockScopes: new Map(), unitList: [],
    captured: new Map(), declared: new Map(), references: [], specials: [], catchInits: [], classNames: [],
    genCalls: new Map(), sources,
  };
  collectUnits(analysis, bodies);
  assignIds(analysis);
  findCaptures(analysis);
  findSpecials(analysis);
  return analysis;
}

/** `name` if no identifier of the program uses it, else a fresh one. */
function freeName(program: NodePath<t.Program>, name: string): string {
  let used = false;
  program.traverse({
    Identifier(path) {
      if (path.node.name === name) {
        used = true;
        path.stop();
      }
    },
  });
  return used ? program.scope.generateUid(name.replace(/^\$/, "")) : name;
}

// ---------------------------------------------------------------------------------------------
// Units

function localsNameOf(bodies: Map<string, string>) {
  return (fn: NodePath): string | null => {
    const node = fn.node as t.Function & { id?: t.Identifier | null };
    if (!(t.isFunctionDeclaration(node) || t.isFunctionExpression(node)) || node.id == null) return null;
    const L = bodies.get(node.id.name);
    const param = node.params[1];
    return L !== undefined && t.isIdentifier(param, { name: L }) ? L : null;
  };
}

function collectUnits(analysis: Analysis, bodies: Map<string, string>): void {
  const localsName = localsNameOf(bodies);
  analysis.program.traverse({
    enter(path) {
      if (!isUnitNode(path)) return;
      const parent = unitAt(analysis, path);
      const classified = classify(path, localsName);
      const { kind } = classified;
      let lifted = classified.lifted;
      let home: Unit | null = null;
      if (lifted && usesOuterPrivateNames(path as NodePath<t.Function | t.Class>)) {
        // A function using its class's private names is made by a factory inside that class.
        home = kind === "class" ? null : enclosingClass(parent);
        if (home === null || !home.lifted) lifted = false;
      }
      const unit: Unit = {
        path, node: path.node, kind, parent, lifted,
        arrow: path.isArrowFunctionExpression(),
        localsName: path.isFunction() ? localsName(path) : null,
        inlineWrapper: null, wrapper: null, home, fnScope: null, siteScope: null,
        id: "", nativeName: undefined, depth: parent === null ? 0 : parent.depth + 1,
      };
      if (lifted && (path.isArrowFunctionExpression() || ((path.isFunctionExpression() || path.isClass()) && path.node.id == null))) {
        unit.nativeName = inferredName(path, analysis.runtimeName);
      }
      analysis.units.set(path.node, unit);
      analysis.unitList.push(unit);
    },
  });
  for (const unit of analysis.unitList) {
    if (unit.kind !== "wrapper") continue;
    const body = analysis.units.get((unit.node as t.ArrowFunctionExpression).body);
    if (body !== undefined && body.lifted && (body.kind === "arrow" || body.kind === "function")) {
      unit.inlineWrapper = body;
      body.wrapper = unit;
    }
  }
}

function enclosingClass(unit: Unit | null): Unit | null {
  for (let u = unit; u !== null; u = u.parent) if (u.kind === "class") return u;
  return null;
}

function classify(path: NodePath, localsName: (fn: NodePath) => string | null): { kind: UnitKind; lifted: boolean } {
  if (path.isStaticBlock()) return { kind: "staticBlock", lifted: false };
  if (path.isClass()) return { kind: "class", lifted: true };
  if (!path.isFunction()) return { kind: "field", lifted: false };
  if (path.isClassMethod() || path.isClassPrivateMethod()) return { kind: "classMember", lifted: false };
  if (path.isFunctionDeclaration()) {
    const parent = path.parentPath;
    const topLevel = parent.isProgram() || (parent.isExportDeclaration() && parent.parentPath!.isProgram());
    return { kind: topLevel ? "declaration" : "function", lifted: !topLevel };
  }
  if (path.isObjectMethod()) {
    const kind: UnitKind = path.node.kind === "get" ? "getter" : path.node.kind === "set" ? "setter" : "method";
    let lifted = !path.node.computed && keyName(path.node.key, false) !== undefined && !usesSuper(path);
    if (lifted && kind !== "method") lifted = accessorIsSafe(path as NodePath<t.ObjectMethod>);
    return { kind, lifted };
  }
  if (path.isArrowFunctionExpression()) {
    if (wrapperCall(path, localsName)) return { kind: "wrapper", lifted: false };
    return { kind: "arrow", lifted: !usesSuper(path) };
  }
  return { kind: "function", lifted: true };
}

/** An accessor can be re-made through a placeholder property and `defineAccessor` after the
 * literal exists when nothing later in the literal defines its key again. */
function accessorIsSafe(path: NodePath<t.ObjectMethod>): boolean {
  const literal = path.parent as t.ObjectExpression;
  const key = keyName(path.node.key, false);
  if (key === "__proto__") return false;
  for (const property of literal.properties) {
    if (t.isSpreadElement(property)) return false;
    if (property.computed) return false;
    if (keyName(property.key, false) !== key) continue;
    if (!t.isObjectMethod(property) || property.kind === "method") return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Ids: `moduleId#outer.inner`, the chain of enclosing named functions, classes, variables and
// object properties; same-named siblings in one parent are told apart by their index (`#1`, …).

interface Container {
  path: string;
  counts: Map<string, number>;
}

function assignIds(analysis: Analysis): void {
  const { runtimeName } = analysis;
  const stack: Container[] = [{ path: "", counts: new Map() }];
  const pushed = new Set<t.Node>();
  const bodyOwner = new Map<string, Unit>();
  const bodies = new Map<string, Unit>();
  const enter = (node: t.Node, segment: string): Container => {
    const top = stack[stack.length - 1]!;
    const index = top.counts.get(segment) ?? 0;
    top.counts.set(segment, index + 1);
    const own = escapeSegment(segment) + (index > 0 ? `#${index}` : "");
    const container = { path: top.path === "" ? own : `${top.path}.${own}`, counts: new Map() };
    stack.push(container);
    pushed.add(node);
    return container;
  };
  const innermostUnit = (): Unit | null => {
    for (let i = unitStack.length - 1; i >= 0; i--) if (unitStack[i]!.kind !== "wrapper") return unitStack[i]!;
    return null;
  };
  const unitStack: Unit[] = [];
  const containers = new Map<t.Node, Container>();
  const visitor = {
    enter(path: NodePath) {
      const node = path.node;
      const unit = analysis.units.get(node);
      if (unit !== undefined) {
        unitStack.push(unit);
        if (unit.kind === "wrapper") return;
        if (unit.localsName !== null) {
          // A generator's body: named after its generator, visited once that one has its id.
          bodies.set((node as t.FunctionDeclaration).id!.name, unit);
          unitStack.pop();
          path.skip();
          return;
        }
        if (unit.kind === "field" && isNamedValue((node as t.ClassProperty).value!, runtimeName)) return;
        unit.id = enter(node, idSegment(path, runtimeName)).path;
        containers.set(node, stack[stack.length - 1]!);
        return;
      }
      if (path.isVariableDeclarator() && t.isIdentifier(path.node.id) && path.node.init != null && !isNamedValue(path.node.init, runtimeName)) {
        enter(node, path.node.id.name);
      } else if (path.isObjectProperty() && !path.node.computed && !isNamedValue(path.node.value, runtimeName)) {
        const key = keyName(path.node.key, false);
        if (key !== undefined) enter(node, key);
      } else if (isRuntimeCall(node, runtimeName, "gen") && t.isIdentifier(node.arguments[0])) {
        const owner = innermostUnit();
        if (owner !== null) bodyOwner.set(node.arguments[0].name, owner);
        analysis.genCalls.set(node.arguments[0].name, path as NodePath<t.CallExpression>);
      } else if (isRuntimeCall(node, runtimeName, "gen") && t.isMemberExpression(node.arguments[0]) && t.isIdentifier(node.arguments[0].property)) {
        // A generator expression's body, reached through a locals-pass wrapper's parameter
        // (`_e.body`): its generator still names it.
        const owner = innermostUnit();
        if (owner !== null && !node.arguments[0].computed) bodyOwner.set(node.arguments[0].property.name, owner);
      }
    },
    exit(path: NodePath) {
      if (analysis.units.has(path.node)) unitStack.pop();
      if (pushed.has(path.node)) stack.pop();
    },
  };
  analysis.program.traverse(visitor);
  // Bodies (and what they hold) continue their generator's container: closures in a generator
  // body are named as if nested in the generator, as they are in the source.
  const done = new Set<string>();
  for (let progress = true, ownerless = false; progress; ) {
    progress = false;
    for (const [name, body] of bodies) {
      if (done.has(name)) continue;
      const owner = bodyOwner.get(name);
      const container = owner === undefined ? undefined : containers.get(owner.node);
      if (owner !== undefined && container === undefined) continue; // owner is in a body not done yet
      // A body whose `gen` call was not met yet may be in a body not visited yet: ownerless
      // (named after itself) only once nothing else can go on, so that ids stay stable.
      if (owner === undefined && !ownerless) continue;
      done.add(name);
      progress = true;
      body.id = owner !== undefined && owner.id !== "" ? `${owner.id}$body` : name;
      stack.length = 0;
      stack.push(container ?? { path: name, counts: new Map() });
      unitStack.length = 0;
      unitStack.push(body);
      body.path.traverse(visitor);
    }
    if (!progress && !ownerless && done.size < bodies.size) progress = ownerless = true;
    else if (progress) ownerless = false;
  }
  const used = new Set<string>();
  for (const unit of analysis.unitList) {
    if (unit.kind === "wrapper") continue;
    let id = `${analysis.moduleId}#${unit.id}`;
    for (let n = 1; used.has(id); n++) id = `${analysis.moduleId}#${unit.id}#${n}`;
    used.add(id);
    unit.id = id;
  }
}

/** Whether a value is itself a function or class (it takes its name from its declarator or key,
 * instead of the declarator being a container). */
function isNamedValue(node: t.Node, runtimeName: string): boolean {
  let value: t.Node = node;
  for (;;) {
    if ((isRuntimeCall(value, runtimeName, "named") || isRuntimeCall(value, runtimeName, "mark")) && value.arguments.length > 0) {
      value = value.arguments[0]!;
    } else if (t.isCallExpression(value) && t.isArrowFunctionExpression(value.callee) && !t.isBlockStatement(value.callee.body)) {
      value = value.callee.body; // a locals-pass wrapper
    } else break;
  }
  return t.isFunction(value) || t.isClass(value);
}

// ---------------------------------------------------------------------------------------------
// Captures

function fnScopeOf(analysis: Analysis, unit: Unit): ScopeObject {
  if (unit.fnScope === null) {
    if (unit.localsName !== null) {
      throw unit.path.buildCodeFrameError("spickle: internal error: a generator body declares captured variables");
    }
    if (unit.kind === "field") throw unit.path.buildCodeFrameError("spickle: internal error: scope in a field initializer");
    unit.fnScope = newScope("function", unit, unit.path, analysis.program.scope.generateUidIdentifier("s"));
  }
  return unit.fnScope;
}

function blockScopeOf(analysis: Analysis, path: NodePath, owner: Unit | null): ScopeObject {
  let scope = analysis.blockScopes.get(path.node);
  if (scope === undefined) {
    scope = newScope("block", owner, path, analysis.program.scope.generateUidIdentifier("s"));
    analysis.blockScopes.set(path.node, scope);
  }
  return scope;
}

export function siteScopeFor(analysis: Analysis, unit: Unit): ScopeObject {
  if (unit.siteScope === null) unit.siteScope = newScope("site", unit, unit.path, null);
  return unit.siteScope;
}

/** The scope object that holds the captured bindings of Babel scope `scope`. */
function objectFor(analysis: Analysis, scope: Scope, owner: Unit | null): ScopeObject {
  const path = scope.path;
  if (owner !== null && path.node === owner.node) return fnScopeOf(analysis, owner);
  if (path.isClass()) return objectFor(analysis, scope.parent!, owner);
  if (owner === null || owner.kind === "field" || inLoop(path, owner.node)) {
    if (owner !== null && owner.kind === "field") {
      throw path.buildCodeFrameError("spickle: captured block-scoped variables in a class field initializer are not supported yet");
    }
    return blockScopeOf(analysis, path, owner);
  }
  return fnScopeOf(analysis, owner);
}

function allScopes(program: NodePath<t.Program>): Scope[] {
  const scopes = new Set<Scope>();
  program.traverse({
    Scopable(path) {
      if (path.scope !== program.scope) scopes.add(path.scope);
    },
  });
  return [...scopes];
}

function isLoopHead(scope: Scope): boolean {
  return scope.path.isForStatement() || scope.path.isForXStatement();
}

function findCaptures(analysis: Analysis): void {
  const wrapperParams = new Map<Binding, Captured>();
  for (const unit of analysis.unitList) {
    const body = unit.inlineWrapper;
    if (body === null) continue;
    const call = unit.path.parentPath as NodePath<t.CallExpression>;
    const site = siteScopeFor(analysis, body);
    (unit.node as t.ArrowFunctionExpression).params.forEach((param, index) => {
      const name = (param as t.Identifier).name;
      const binding = unit.path.scope.getOwnBinding(name)!;
      const member = addMember(site, name, call.node.arguments[index] as t.Expression);
      wrapperParams.set(binding, { scope: site, member });
    });
  }

  for (const scope of allScopes(analysis.program)) {
    // A class declaration's name is bound outside the class too: that binding is the one to move.
    if (scope.path.isClassDeclaration()) continue;
    const owner = unitOfNode(analysis, scope.path);
    // A loop head's bindings all move once one of them is captured (they are copied per iteration).
    let headCaptured = false;
    for (const name of Object.keys(scope.bindings)) {
      const binding = scope.bindings[name]!;
      const wrapped = wrapperParams.get(binding);
      if (wrapped !== undefined) {
        record(analysis, binding, wrapped, owner);
        continue;
      }
      if (owner?.localsName != null) {
        if (!isCaptured(analysis, binding, owner)) continue;
        if (name !== owner.localsName) {
          const use = [...binding.referencePaths, ...binding.constantViolations].find((u) => unitAt(analysis, u) !== owner)!;
          throw use.buildCodeFrameError(`spickle: internal error: a closure reads a generator's ${name} directly`);
        }
        // Closures read the frame's locals object itself: it is the body's scope object.
        owner.fnScope = newScope("function", owner, owner.path, t.identifier(name));
        owner.fnScope.locals = true;
        record(analysis, binding, { scope: owner.fnScope, member: "" }, owner);
        continue;
      }
      if (!isCaptured(analysis, binding, owner)) continue;
      if (isLoopHead(scope)) headCaptured = true;
      capture(analysis, binding, scope, owner);
    }
    if (headCaptured) {
      for (const binding of Object.values(scope.bindings)) if (!analysis.captured.has(binding)) capture(analysis, binding, scope, owner);
    }
  }
}

function capture(analysis: Analysis, binding: Binding, scope: Scope, owner: Unit | null): void {
  const object = objectFor(analysis, scope, owner);
  const name = binding.identifier.name;
  const copied = binding.kind === "param" || binding.kind === "local";
  let init: t.Expression | null = null;
  const catchClause = binding.path.isCatchClause() ? binding.path.node : null;
  if (copied && !scope.path.isClass()) init = t.identifier(name);
  if (catchClause !== null && object.node === catchClause) init = t.identifier(name);
  // A constant initial value goes into the scope object's literal as well (its declaration still
  // assigns it): the member starts with the right representation (a small integer, not undefined).
  // (`let`/`const` only: reading one before its declaration throws natively, a `var` reads undefined.)
  if (init === null && (binding.kind === "let" || binding.kind === "const") && binding.path.isVariableDeclarator() &&
      t.isIdentifier(binding.path.node.id)) {
    const value = binding.path.node.init;
    if (t.isNumericLiteral(value) || t.isStringLiteral(value) || t.isBooleanLiteral(value) || t.isNullLiteral(value)) {
      init = t.cloneNode(value);
    }
  }
  const member = addMember(object, name, init);
  const captured: Captured = { scope: object, member };
  if (catchClause !== null && object.node !== catchClause) analysis.catchInits.push({ clause: catchClause, captured, name });
  if (binding.kind === "local" && scope.path.isClassExpression()) {
    analysis.classNames.push({ path: scope.path as NodePath<t.ClassExpression>, captured });
  }
  record(analysis, binding, captured, owner);
}

function record(analysis: Analysis, binding: Binding, captured: Captured, owner: Unit | null): void {
  analysis.captured.set(binding, captured);
  const selfUnit = selfReferenceUnit(analysis, binding);
  const inOwnParams = (path: NodePath) =>
    owner !== null && captured.scope === owner.fnScope && t.isFunction(owner.node) &&
    owner.path.get("params").some((param) => path.isDescendant(param));
  const className = binding.path.isClass();
  for (const ref of binding.referencePaths) {
    if (selfUnit !== null && unitAt(analysis, ref) === selfUnit) continue;
    if (className && !usesScope(analysis, binding, owner, ref)) continue;
    if (inOwnParams(ref) && unitAt(analysis, ref) === owner) continue; // runs before the scope exists
    analysis.references.push({ path: ref, binding, captured });
  }
  for (const violation of binding.constantViolations) {
    for (const id of assignedIdentifiers(violation, binding)) {
      if (inOwnParams(id) && unitAt(analysis, id) === owner) continue;
      analysis.references.push({ path: id, binding, captured });
    }
  }
  for (const id of declaredIdentifiers(binding)) analysis.declared.set(id, captured);
}

/** A function declaration never reassigned may call itself by its own name (the function
 * expression its factory makes keeps that name): those references need no scope. */
function selfReferenceUnit(analysis: Analysis, binding: Binding): Unit | null {
  if (binding.kind !== "hoisted" || binding.constantViolations.length > 0) return null;
  return analysis.units.get(binding.path.node) ?? null;
}

function isCaptured(analysis: Analysis, binding: Binding, owner: Unit | null): boolean {
  const uses = [...binding.referencePaths, ...binding.constantViolations];
  return uses.some((use) => usesScope(analysis, binding, owner, use));
}

/** Whether this use of `binding` must go through a scope object. */
function usesScope(analysis: Analysis, binding: Binding, owner: Unit | null, use: NodePath): boolean {
  const unit = unitAt(analysis, use);
  if (unit === owner) return false;
  const self = selfReferenceUnit(analysis, binding);
  if (self !== null && unit === self) return false;
  if (binding.path.isClass() && use.isDescendant(binding.path)) {
    // A class's own name is visible to its members (they move with it): only functions lifted
    // out of the class need it from a scope.
    for (let u = unit; u !== null && u !== owner && u.node !== binding.path.node; u = u.parent) if (u.lifted) return true;
    return false;
  }
  return true;
}

function declaredIdentifiers(binding: Binding): t.Node[] {
  const ids: t.Node[] = [binding.identifier];
  for (const violation of binding.constantViolations) {
    if (violation.isVariableDeclarator()) {
      const found = t.getBindingIdentifiers(violation.node.id, false) as Record<string, t.Identifier | t.Identifier[]>;
      const value = found[binding.identifier.name];
      if (value !== undefined) ids.push(...(Array.isArray(value) ? value : [value]));
    }
  }
  return ids;
}


// ---------------------------------------------------------------------------------------------
// `this`, `arguments`, `new.target` seen from lifted arrows

function findSpecials(analysis: Analysis): void {
  const visit = (path: NodePath, member: SpecialUse["member"], init: () => t.Expression) => {
    let top: Unit | null = null;
    let unit = unitAt(analysis, path);
    for (; unit !== null && unit.arrow; unit = unit.parent) if (unit.lifted) top = unit;
    if (top === null || unit === null) return; // not inside a lifted arrow, or module code
    if (member !== "$this" && (unit.kind === "field" || unit.kind === "staticBlock")) return;
    const site = siteScopeFor(analysis, top);
    addSpecial(site, member, init());
    analysis.specials.push({ path, site, member });
  };
  analysis.program.traverse({
    ThisExpression(path) {
      visit(path, "$this", () => t.thisExpression());
    },
    Identifier(path) {
      if (path.node.name !== "arguments" || !path.isReferencedIdentifier()) return;
      if (path.scope.getBinding("arguments") !== undefined) return;
      visit(path, "$arguments", () => t.identifier("arguments"));
    },
    MetaProperty(path) {
      if (path.node.meta.name !== "new") return;
      visit(path, "$newTarget", () => t.metaProperty(t.identifier("new"), t.identifier("target")));
    },
  });
}
