// Rewriting, after analysis: every access to a captured variable goes through its scope object;
// declarations become assignments to members; scope objects are made on entry (per iteration in
// loops); lifted functions move into module-level factories and their sites call the factory.
// All expressions are computed first (they depend on positions in the original tree), then the
// tree is edited node by node. AST edits live in ./ast.ts, sites and factories in ./factories.ts,
// declarations in ./declarations.ts, classes in ./classes.ts.

import { types as t, type NodePath } from "@babel/core";
import type { Analysis, Captured } from "./analyze.js";
import { addClassLocalSite, classFactory, finishClass, placeClassSite } from "./classes.js";
import { memberOf, parentOf, scopeAccess, siteScopeOf, type ScopeObject } from "./scopes.js";
import { keyName, type Unit } from "./units.js";
import { sourceTable } from "./source-table.js";
import { constDeclaration, replaceIn, replaceReference, sequence, tagKey, type Edit } from "./ast.js";
import { collectDeclarations, convertDeclaration, convertDeclarators, declarationsByNode, patternWithTargets, type Declaration, type Target } from "./declarations.js";
import { collectSites, factory, factoryHint, hoistDeclaration, type Site } from "./factories.js";

export function rewrite(analysis: Analysis): void {
  const rt = analysis.runtimeName;
  const runtime = (name: string) => t.memberExpression(t.identifier(rt), t.identifier(name));

  // 1. Expressions, computed on the unchanged tree.
  const edits: Edit[] = [];
  const seen = new Set<t.Node>();
  for (const { path, captured } of analysis.references) {
    if (seen.has(path.node)) continue; // `x++` is both a reference and an assignment
    seen.add(path.node);
    const object = access(analysis, path, captured.scope);
    edits.push({ parent: path.parent, old: path.node, replacement: captured.member === "" ? object : memberOf(object, captured.member) });
  }
  for (const { path, site, member } of analysis.specials) {
    edits.push({ parent: path.parent, old: path.node, replacement: memberOf(access(analysis, path, site), member) });
  }
  const creations = new Map<ScopeObject, () => t.ObjectExpression>();
  const parentExpression = (scope: ScopeObject): t.Expression | null => {
    const parent = parentOf(analysis, scope);
    if (parent === null) return null;
    if (scope.kind === "function" && scope.owner!.lifted) return t.cloneNode(analysis.closureParam);
    return access(analysis, scope.kind === "site" || scope.kind === "function" ? scope.owner!.path : scope.path, parent);
  };
  const allScopes: ScopeObject[] = [...analysis.blockScopes.values()];
  for (const unit of analysis.unitList) {
    if (unit.fnScope !== null) allScopes.push(unit.fnScope);
    if (unit.siteScope !== null) allScopes.push(unit.siteScope);
  }
  const localsParents: { call: t.CallExpression; parent: t.Expression }[] = [];
  for (const scope of allScopes) {
    if (scope.locals === true) {
      // The frame's locals are made by the generator function: it links them to the outer scope.
      const parent = parentOf(analysis, scope);
      const body = (scope.node as t.FunctionDeclaration).id!.name;
      const call = analysis.genCalls.get(body);
      if (parent !== null && call !== undefined) localsParents.push({ call: call.node, parent: access(analysis, call, parent) });
      continue;
    }
    const parent = parentExpression(scope);
    creations.set(scope, () => literal(scope, parent));
  }
  const siteArgs = new Map<Unit, t.Expression>();
  for (const unit of analysis.unitList) {
    if (!unit.lifted) continue;
    const scope = siteScopeOf(analysis, unit);
    if (unit.siteScope !== null) siteArgs.set(unit, creations.get(unit.siteScope)!());
    else siteArgs.set(unit, scope === null ? t.nullLiteral() : access(analysis, unit.path, scope));
  }
  const sites = collectSites(analysis);
  const declarations = collectDeclarations(analysis);

  // 2. Leaf edits.
  for (const edit of edits) replaceReference(edit);

  // 3. Lifted functions into factories, innermost first.
  const factories: { id: string; name: t.Identifier; node: t.FunctionDeclaration }[] = [];
  const hoisted = new Map<t.Node, t.Statement[]>(); // block node → hoisted function creations
  const accessorGroups = new Map<t.ObjectExpression, Map<string, { get?: t.Expression; set?: t.Expression }>>();
  const literalParents = new Map<t.ObjectExpression, t.Node>();
  const lifted = analysis.unitList.filter((u) => u.lifted).sort((a, b) => b.depth - a.depth);
  const inlined: { unit: Unit; assign: t.AssignmentExpression; siteArg: t.Expression }[] = [];
  const inlinedDeclarations: { unit: Unit; declarator: t.VariableDeclarator; siteArg: t.Expression }[] = [];
  // One temporary per function that makes inline copies (declared at its top).
  const temps = new Map<Unit, t.Identifier>();
  const tempFor = (unit: Unit | null): t.Identifier | null => {
    if (unit === null || !(t.isFunction(unit.node) || t.isStaticBlock(unit.node))) return null;
    let id = temps.get(unit);
    if (id === undefined) temps.set(unit, (id = analysis.program.scope.generateUidIdentifier("f")));
    return id;
  };
  const classes: Unit[] = [];
  for (const unit of lifted) {
    const name = analysis.program.scope.generateUidIdentifier(`${factoryHint(unit)}$factory`);
    const siteArg = siteArgs.get(unit)!;
    const site = sites.get(unit)!;
    if (unit.kind === "class") {
      const { factory: node, siteArgs: args } = classFactory(analysis, unit, name, creations);
      factories.push({ id: unit.id, name, node });
      placeClassSite(analysis, unit, site, t.callExpression(t.cloneNode(name), [siteArg, ...args]));
      classes.push(unit);
      continue;
    }
    const made = factory(analysis, unit, name, runtime);
    if (unit.home !== null) addClassLocalSite(unit.home, unit.id, made);
    else factories.push({ id: unit.id, name, node: made });
    const declared = namedInlineSite(analysis, unit, site, siteArg);
    if (declared !== null) {
      // `const f = <copy>; f[SITE] = factory; f[SCOPE] = scope;`: made where it stands, as the
      // program wrote it (so V8 sees the literal at its use, and keeps its code with the
      // function that runs it), the tags stored right after.
      const { declarator, list, statement } = declared;
      const id = declarator.id as t.Identifier;
      const tag = (key: "SITE" | "SCOPE", value: t.Expression) =>
        t.expressionStatement(t.assignmentExpression("=", t.memberExpression(t.cloneNode(id), tagKey(analysis, key), true), value));
      list.splice(list.indexOf(statement) + 1, 0, tag("SITE", t.cloneNode(name)), tag("SCOPE", t.cloneNode(siteArg)));
      inlinedDeclarations.push({ unit, declarator, siteArg });
      continue;
    }
    let call: t.Expression;
    const holder = canInline(analysis, unit, siteArg) ? tempFor(unit.parent) : null;
    if (holder !== null) {
      // `(_t = <copy>, _t[SITE] = factory, _t[SCOPE] = scope, _t)`: the tags are stored where the
      // function is made, so V8 sees the function literal flow into its use. The copy is made
      // once everything inside the function is rewritten.
      const assign = t.assignmentExpression("=", t.cloneNode(holder), t.nullLiteral());
      const tag = (key: "SITE" | "SCOPE", value: t.Expression) =>
        t.assignmentExpression("=", t.memberExpression(t.cloneNode(holder), tagKey(analysis, key), true), value);
      call = t.sequenceExpression([assign, tag("SITE", t.cloneNode(name)), tag("SCOPE", t.cloneNode(siteArg)), t.cloneNode(holder)]);
      inlined.push({ unit, assign, siteArg });
    } else {
      call = t.callExpression(t.cloneNode(name), [siteArg]);
    }
    if (unit.kind === "function" && t.isFunctionDeclaration(unit.node)) {
      hoistDeclaration(analysis, unit, site, call, hoisted);
    } else if (unit.kind === "method") {
      const method = unit.node as t.ObjectMethod;
      replaceIn(site.parent, unit.node, t.objectProperty(method.key, call));
    } else if (unit.kind === "getter" || unit.kind === "setter") {
      const object = site.parent as t.ObjectExpression;
      literalParents.set(object, site.objectParent!);
      const key = keyName((unit.node as t.ObjectMethod).key, false)!;
      let group = accessorGroups.get(object);
      if (group === undefined) accessorGroups.set(object, (group = new Map()));
      let pair = group.get(key);
      if (pair === undefined) {
        group.set(key, (pair = {}));
        replaceIn(object, unit.node, t.objectProperty(t.stringLiteral(key), t.unaryExpression("void", t.numericLiteral(0))));
      } else {
        object.properties.splice(object.properties.indexOf(unit.node as t.ObjectMethod), 1);
      }
      pair[unit.kind === "getter" ? "get" : "set"] = call;
    } else {
      replaceIn(site.parent, site.node, call);
    }
  }
  for (const [object, group] of accessorGroups) {
    const parent = literalParents.get(object)!;
    let wrapped: t.Expression = object;
    for (const [key, pair] of group) {
      const undef = () => t.unaryExpression("void", t.numericLiteral(0));
      wrapped = t.callExpression(runtime("defineAccessor"), [wrapped, t.stringLiteral(key), pair.get ?? undef(), pair.set ?? undef()]);
    }
    replaceIn(parent, object, wrapped);
  }

  // 4. Declarations, loop heads, scope creation.
  const preludes = new Map<t.Node, t.Statement[]>();
  const prelude = (container: t.Node): t.Statement[] => {
    let list = preludes.get(container);
    if (list === undefined) preludes.set(container, (list = []));
    return list;
  };
  const target = (captured: Captured): t.MemberExpression => memberOf(t.cloneNode(captured.scope.name!), captured.member);
  for (const { path, captured } of analysis.classNames) {
    if (analysis.units.get(path.node)?.lifted === true) continue; // assigned in its factory
    replaceIn(path.parent, path.node, t.assignmentExpression("=", target(captured), path.node));
  }
  for (const declaration of declarations) convertDeclaration(analysis, declaration, target);
  for (const { clause, captured, name } of analysis.catchInits) {
    prelude(clause.body).push(t.expressionStatement(t.assignmentExpression("=", target(captured), t.identifier(name))));
  }
  for (const scope of analysis.blockScopes.values()) {
    createBlockScope(analysis, scope, creations.get(scope)!, prelude, declarationsByNode(declarations), target);
  }
  for (const { call, parent } of localsParents) addLocalsParent(analysis, call, parent);
  for (const unit of analysis.unitList) {
    if (unit.fnScope === null || unit.fnScope.locals === true || unit.kind === "class") continue;
    const statement = constDeclaration(unit.fnScope.name!, creations.get(unit.fnScope)!());
    const node = unit.node;
    if (t.isStaticBlock(node)) prelude(node).unshift(statement);
    else {
      const fn = node as t.Function;
      if (!t.isBlockStatement(fn.body)) fn.body = t.blockStatement([t.returnStatement(fn.body)]);
      prelude(fn.body).unshift(statement);
    }
  }
  for (const [container, statements] of hoisted) prelude(container).push(...statements);
  for (const [unit, id] of temps) {
    const node = unit.node;
    const declaration = t.variableDeclaration("let", [t.variableDeclarator(t.cloneNode(id))]);
    if (t.isStaticBlock(node)) prelude(node).unshift(declaration);
    else {
      const fn = node as t.Function;
      if (!t.isBlockStatement(fn.body)) fn.body = t.blockStatement([t.returnStatement(fn.body)]);
      prelude(fn.body).unshift(declaration);
    }
  }
  for (const [container, statements] of preludes) {
    const list = t.isSwitchStatement(container) ? null : (container as t.BlockStatement | t.StaticBlock | t.Program).body;
    if (list === null) continue;
    // Imports and directives stay first in a program.
    let at = 0;
    if (t.isProgram(container)) while (at < list.length && t.isImportDeclaration(list[at])) at++;
    list.splice(at, 0, ...statements);
  }

  // 5. Inline copies, innermost first (so that a copy holds the copies made inside it).
  // `(0, <copy>)`: an anonymous function assigned to the temporary would be named after it.
  for (const { unit, assign, siteArg } of inlined) assign.right = t.sequenceExpression([t.numericLiteral(0), inlineCopy(analysis, unit, siteArg)]);
  for (const { unit, declarator, siteArg } of inlinedDeclarations) declarator.init = inlineCopy(analysis, unit, siteArg);

  // 6. Classes: restore guards and their definition tag, now that their members are final.
  for (const unit of classes) finishClass(analysis, unit);

  // 7. Factories and the module's site registry.
  const program = analysis.program.node;
  const declared: t.ObjectProperty[] = [];
  const naming: t.Statement[] = [];
  for (const unit of analysis.unitList) {
    if (unit.kind !== "declaration") continue;
    const fn = unit.node as t.FunctionDeclaration;
    if (fn.id == null) {
      fn.id = analysis.program.scope.generateUidIdentifier("default");
      naming.push(t.expressionStatement(t.callExpression(runtime("named"), [t.cloneNode(fn.id), t.stringLiteral("default")])));
    }
    declared.push(t.objectProperty(t.stringLiteral(unit.id), t.cloneNode(fn.id)));
  }
  if (factories.length + declared.length > 0) {
    const sources = analysis.sources === null ? null : sourceTable(analysis.unitList, analysis.sources.text, analysis.sources.ranges);
    factories.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const register = t.expressionStatement(
      t.callExpression(runtime("registerSites"), [
        t.stringLiteral(analysis.moduleId),
        t.objectExpression(factories.map((f) => t.objectProperty(t.stringLiteral(f.id), t.cloneNode(f.name)))),
        t.objectExpression(declared),
        ...(sources === null ? [] : [sources]),
      ]),
    );
    let at = 0;
    while (at < program.body.length && t.isImportDeclaration(program.body[at])) at++;
    program.body.splice(at, 0, ...naming, register);
  }
  if (analysis.tagImports.size > 0) {
    const specifiers = [...analysis.tagImports].map(([key, id]) => t.importSpecifier(t.cloneNode(id), t.identifier(key)));
    program.body.unshift(t.importDeclaration(specifiers, t.stringLiteral(analysis.runtimeSpecifier)));
  }
  program.body.push(...factories.map((f) => f.node));
}

/** Adds `$parent` to the locals object literal a `gen` call makes (inline or a `const`). */
function addLocalsParent(analysis: Analysis, call: t.CallExpression, parent: t.Expression): void {
  let locals: t.Node | undefined = call.arguments[3];
  if (t.isIdentifier(locals)) {
    const name = locals.name;
    locals = undefined;
    t.traverseFast(analysis.program.node, (node) => {
      if (t.isVariableDeclarator(node) && t.isIdentifier(node.id, { name }) && t.isObjectExpression(node.init)) locals = node.init;
    });
  }
  if (!t.isObjectExpression(locals)) throw new Error("spickle: internal error: locals literal not found");
  locals.properties.unshift(t.objectProperty(t.identifier("$parent"), parent));
}

/** A copy of an anonymous function or arrow for its own site, made there as a literal (so
 * that V8 sees it where it is used, e.g. inlines it into `Array.prototype.map`), reading its
 * scope through the site's own name for it. Null when the site cannot name its scope with a
 * binding that stays the same (a loop head's scope, a site object) or the function gets a name. */
/** `const f = () => …;` alone in its declaration, in a statement list: the declaration where an
 * inline copy of a function named by its declarator can stand. */
function namedInlineSite(
  analysis: Analysis, unit: Unit, site: Site, siteArg: t.Expression,
): { declarator: t.VariableDeclarator; list: t.Statement[]; statement: t.Statement } | null {
  if (unit.wrapper !== null || unit.siteScope !== null || unit.home !== null || site.node !== unit.node) return null;
  if (!(unit.kind === "arrow" || (unit.kind === "function" && t.isFunctionExpression(unit.node) && unit.node.id == null))) return null;
  const declarator = site.parent;
  if (!t.isVariableDeclarator(declarator) || declarator.init !== unit.node || !t.isIdentifier(declarator.id, { name: unit.nativeName })) return null;
  if (analysis.declared.has(declarator.id)) return null; // captured: it becomes a scope member
  const declaration = unit.path.parentPath?.parentPath;
  if (declaration == null || !declaration.isVariableDeclaration() || declaration.node.declarations.length !== 1) return null;
  let statement: NodePath = declaration;
  if (statement.parentPath?.isExportNamedDeclaration()) statement = statement.parentPath;
  const container = statement.parent;
  const list = t.isBlockStatement(container) || t.isProgram(container) || t.isStaticBlock(container) ? container.body : null;
  if (list === null || !list.includes(statement.node as t.Statement) || !isStableScope(analysis, siteArg)) return null;
  return { declarator, list, statement: statement.node as t.Statement };
}

function canInline(analysis: Analysis, unit: Unit, siteArg: t.Expression): boolean {
  if (unit.wrapper !== null || unit.siteScope !== null) return false;
  if (!(unit.kind === "arrow" || (unit.kind === "function" && t.isFunctionExpression(unit.node)))) return false;
  if (unit.nativeName !== undefined && unit.nativeName !== "") return false;
  if (t.isFunctionExpression(unit.node) && unit.node.id != null) return false;
  return isStableScope(analysis, siteArg);
}

function inlineCopy(analysis: Analysis, unit: Unit, siteArg: t.Expression): t.Expression {
  const copy = t.cloneNode(unit.node as t.Expression, true);
  const param = analysis.closureParam.name;
  const visit = (node: t.Node, parent: t.Node | null): void => {
    for (const key of t.VISITOR_KEYS[node.type] ?? []) {
      const value = (node as unknown as Record<string, unknown>)[key];
      const children = Array.isArray(value) ? value : [value];
      children.forEach((child, index) => {
        if (child === null || typeof child !== "object" || typeof (child as t.Node).type !== "string") return;
        const childNode = child as t.Node;
        if (t.isIdentifier(childNode, { name: param }) && !(key === "property" && t.isMemberExpression(node) && !node.computed) &&
            !(key === "key" && (t.isObjectProperty(node) || t.isObjectMethod(node)) && !node.computed)) {
          const replacement = t.cloneNode(siteArg, true);
          if (Array.isArray(value)) value[index] = replacement;
          else (node as unknown as Record<string, unknown>)[key] = replacement;
          return;
        }
        visit(childNode, node);
      });
    }
    void parent;
  };
  visit(copy, null);
  return copy;
}

/** `null`, `$c`, or a scope object's `const`, possibly followed by `.$parent` links. */
function isStableScope(analysis: Analysis, expression: t.Expression): boolean {
  let node: t.Expression = expression;
  while (t.isMemberExpression(node) && t.isIdentifier(node.property, { name: "$parent" }) && !node.computed) node = node.object as t.Expression;
  if (t.isNullLiteral(node)) return true;
  if (!t.isIdentifier(node)) return false;
  if (node.name === analysis.closureParam.name) return true;
  for (const scope of analysis.blockScopes.values()) {
    if (scope.name!.name === node.name) return !t.isForStatement(scope.node);
  }
  return analysis.unitList.some((u) => u.fnScope !== null && u.fnScope.name!.name === node.name && u.fnScope.locals !== true);
}

function access(analysis: Analysis, path: NodePath, scope: ScopeObject): t.Expression {
  try {
    return scopeAccess(analysis, path, scope);
  } catch (error) {
    if (isInParameters(path)) {
      throw path.buildCodeFrameError("spickle: a function in a parameter default that captures a parameter is not supported yet");
    }
    throw error;
  }
}

function isInParameters(path: NodePath): boolean {
  for (let p: NodePath | null = path; p !== null && p.parentPath !== null; p = p.parentPath) {
    if (p.parentPath.isFunction() && p.listKey === "params") return true;
  }
  return false;
}

function literal(scope: ScopeObject, parent: t.Expression | null): t.ObjectExpression {
  const properties: t.ObjectProperty[] = [];
  if (parent !== null) properties.push(t.objectProperty(t.identifier("$parent"), parent));
  for (const member of scope.members.values()) {
    const key = t.isValidIdentifier(member.name, false) ? t.identifier(member.name) : t.stringLiteral(member.name);
    properties.push(t.objectProperty(key, member.init ?? t.unaryExpression("void", t.numericLiteral(0))));
  }
  return t.objectExpression(properties);
}

function createBlockScope(
  analysis: Analysis,
  scope: ScopeObject,
  creation: () => t.ObjectExpression,
  prelude: (container: t.Node) => t.Statement[],
  declarations: Map<t.Node, Declaration>,
  target: Target,
): void {
  const node = scope.node;
  const name = scope.name!;
  if (t.isBlockStatement(node) || t.isProgram(node)) {
    prelude(node).unshift(constDeclaration(name, creation()));
  } else if (t.isCatchClause(node)) {
    prelude(node.body).unshift(constDeclaration(name, creation()));
  } else if (t.isForStatement(node)) {
    // A fresh copy per iteration, made before the update (CreatePerIterationEnvironment).
    const init = node.init;
    const heads: t.Expression[] = [t.assignmentExpression("=", t.cloneNode(name), creation())];
    if (t.isVariableDeclaration(init)) heads.push(...convertDeclarators(analysis, init, target).expressions);
    else if (init != null) heads.push(init);
    node.init = sequence(heads);
    const copy = t.objectExpression([
      ...(parentOf(analysis, scope) === null ? [] : [t.objectProperty(t.identifier("$parent"), memberOf(t.cloneNode(name), "$parent"))]),
      ...[...scope.members.keys()].map((m) =>
        t.objectProperty(t.isValidIdentifier(m, false) ? t.identifier(m) : t.stringLiteral(m), memberOf(t.cloneNode(name), m)),
      ),
    ]);
    const renew = t.assignmentExpression("=", t.cloneNode(name), copy);
    node.update = node.update == null ? renew : t.sequenceExpression([renew, node.update]);
    wrapStatement(scope.path, [t.variableDeclaration("let", [t.variableDeclarator(t.cloneNode(name))])]);
  } else if (t.isForInStatement(node) || t.isForOfStatement(node)) {
    const left = node.left as t.VariableDeclaration;
    const value = analysis.program.scope.generateUidIdentifier("value");
    const pattern = left.declarations[0]!.id;
    node.left = t.variableDeclaration(left.kind, [t.variableDeclarator(value)]);
    const assign = t.expressionStatement(t.assignmentExpression("=", patternWithTargets(analysis, pattern, target) as t.LVal, t.cloneNode(value)));
    node.body = t.blockStatement([constDeclaration(name, creation()), assign, node.body]);
    void declarations;
  } else if (t.isSwitchStatement(node)) {
    wrapStatement(scope.path, [constDeclaration(name, creation())]);
  } else {
    throw scope.path.buildCodeFrameError(`spickle: internal error: scope object for ${node.type}`);
  }
}

/** Replaces the statement (with its labels) by `{ before…; statement }`. */
function wrapStatement(path: NodePath, before: t.Statement[]): void {
  let statement: NodePath = path;
  while (statement.parentPath?.isLabeledStatement()) statement = statement.parentPath;
  const block = t.blockStatement([...before, statement.node as t.Statement]);
  replaceIn(statement.parent!, statement.node, block);
}
