// Frame locals: every binding of a generator body moves into the frame's locals object `L`, so a
// suspended generator's variables are plain data. Regenerator would hoist them into closure
// variables instead (and merges shadowed `let`s into one `var`), so this pass runs first and leaves
// no declaration behind.
//
// - Bindings get unique member names (`x`, `x$1` for a shadowing `x`).
// - Bindings that nested closures capture live in scope objects shared with those closures, never
//   in `L` itself (the frame's private state): function-level ones in `L.$scope`, block-level ones
//   in an environment `L.$eN` made on each entry to the block (so per-iteration `let` semantics
//   hold). Closures capture the scope objects current at their creation through a wrapper
//   `((e) => closure)(L.$eN)`.
// - A block's bindings are cleared when the block exits, so a frame keeps only live state.
// - Bindings used only between two step exits (liveness.ts) stay plain locals of the step function
//   and never enter the frame.

import { types as t, type NodePath } from "@babel/core";
import { assignedIdentifiers } from "./bindings.js";
import { assertNotCaptured, stepLocalBindings } from "./liveness.js";

type Scope = NodePath["scope"];
type Binding = NonNullable<ReturnType<Scope["getBinding"]>>;

/** A value the function puts into its frame when called, and whether it goes into `L` or into
 * the function-level scope object `L[plan.scope]`. */
export interface Initial {
  member: string;
  inScope: boolean;
}

export interface LocalsPlan {
  /** Parameters (each initialized from the parameter of the same name). */
  params: Initial[];
  /** Member of `L` holding the function-level scope object, if closures capture anything. */
  scope: string | null;
  /** Parameter defaults that must run with the frame's locals in place (they create closures
   * over parameters): the function evaluates them itself, in order, after making the locals. */
  defaults: { slot: t.Expression; value: t.Expression }[];
  /** The function itself (a named function expression that refers to itself). */
  self: Initial | null;
  /** The function's `arguments`, if the body reads it (member `arguments`). */
  args: Initial | null;
  /** Names of the plain locals of the step function (bindings that never enter the frame). */
  stepLocals: string[];
}

interface Local {
  binding: Binding;
  member: string;
  /** Environment member, for captured block-scoped bindings inside loops. */
  env: string | null;
  /** The step function's plain local holding a step-local binding (then nothing is in `L`). */
  plain: t.Identifier | null;
}

export interface LocalsOptions {
  /** Parameter defaults create closures over parameters: evaluate them against the locals. */
  framedDefaults: boolean;
  /** Wraps an anonymous function or class so it keeps the name its declaration gave it. */
  named(value: t.Expression, name: string): t.Expression;
}

export function moveLocals(fn: NodePath<t.Function>, L: t.Identifier, options: LocalsOptions): LocalsPlan {
  const body = fn.get("body") as NodePath<t.BlockStatement>;
  normalizeCatchPatterns(body);
  fn.scope.crawl();

  const scopes = ownScopes(fn);
  const members = new Set<string>();
  const locals = new Map<Binding, Local>();
  const plan: LocalsPlan = { params: [], scope: null, defaults: [], self: null, args: null, stepLocals: [] };

  let self: Local | null = null;
  for (const scope of scopes) {
    for (const name of Object.keys(scope.bindings)) {
      const binding = scope.bindings[name]!;
      if (isCatchParam(binding)) continue;
      const isSelf = binding.kind === "local" && binding.path === fn;
      if (isSelf && binding.referencePaths.length === 0) continue;
      const member = unique(name, members, binding.kind === "param" || isSelf);
      const local: Local = { binding, member, env: null, plain: null };
      locals.set(binding, local);
      if (isSelf) self = local;
    }
  }

  // Captured bindings live in scope objects: the function's, or one per entry to their block.
  const envOf = new Map<Scope, string>();
  const functionScope = () => (plan.scope ??= unique("$scope", members, false));
  for (const local of locals.values()) {
    const { binding } = local;
    if (!isCaptured(binding, fn)) continue;
    if (binding.scope === fn.scope) {
      local.env = functionScope();
      continue;
    }
    let env = envOf.get(binding.scope);
    if (env === undefined) envOf.set(binding.scope, (env = unique("$e", members, false)));
    local.env = env;
  }
  const argumentsRefs = argumentsReferences(fn);
  const argumentsLocal: Local | null = argumentsRefs.length === 0 ? null : {
    binding: null as unknown as Binding,
    member: "arguments",
    env: argumentsRefs.some((ref) => closureBoundary(ref, fn) !== null) ? functionScope() : null,
    plain: null,
  };
  for (const local of locals.values()) {
    if (local.binding.kind === "param") plan.params.push({ member: local.member, inScope: local.env !== null });
  }
  if (self !== null) plan.self = { member: self.member, inScope: self.env !== null };
  if (argumentsLocal !== null) plan.args = { member: "arguments", inScope: argumentsLocal.env !== null };

  // Bindings that die before every step exit stay plain locals of the step function.
  const candidates = [...locals.values()].filter((l) => l.env === null && l !== self && l.binding.kind !== "param" && !isCaptured(l.binding, fn));
  const stepLocal = stepLocalBindings(fn, candidates.map((l) => l.binding));
  for (const local of candidates) {
    if (!stepLocal.has(local.binding)) continue;
    assertNotCaptured(local.binding, isCaptured(local.binding, fn));
    local.plain = fn.scope.generateUidIdentifier(local.binding.identifier.name);
    plan.stepLocals.push(local.plain.name);
  }

  // Closures that read environments get wrapper parameters, one per environment.
  const wrappers = new Map<t.Node, Map<string, t.Identifier>>();
  const envParam = (boundary: t.Node, env: string): t.Identifier => {
    let params = wrappers.get(boundary);
    if (params === undefined) wrappers.set(boundary, (params = new Map()));
    let id = params.get(env);
    if (id === undefined) params.set(env, (id = fn.scope.generateUidIdentifier("e")));
    return id;
  };
  const directAccess = (local: Local): t.Expression => {
    if (local.plain !== null) return t.cloneNode(local.plain);
    return local.env === null ? member(L, local.member) : member(member(L, local.env), local.member);
  };
  const access = (local: Local, at: NodePath): t.Expression => {
    const boundary = local.env === null ? null : closureBoundary(at, fn);
    if (boundary === null) return directAccess(local);
    return member(t.cloneNode(envParam(boundary.node, local.env!)), local.member);
  };

  // 1. References and assignments.
  for (const local of locals.values()) {
    for (const ref of local.binding.referencePaths) {
      if (isClassSelfReference(local.binding, ref)) continue;
      // Parameter defaults run in the function itself, before the frame exists (unless framed).
      if (ref.isDescendant(body) || options.framedDefaults) replaceIdentifier(ref, access(local, ref));
    }
    for (const violation of local.binding.constantViolations) {
      if (!violation.isDescendant(body)) continue;
      for (const id of assignedIdentifiers(violation, local.binding)) replaceIdentifier(id, access(local, id));
    }
  }
  if (argumentsLocal !== null) for (const ref of argumentsRefs) replaceIdentifier(ref, access(argumentsLocal, ref));
  rewriteNewTarget(fn);

  // 2. Declarations become assignments; function declarations are hoisted to their block's top.
  // Targets are resolved before anything is converted: removing a declaration drops its binding.
  const declared = declaredLocals(fn, locals);
  const target = (id: t.Identifier, at: NodePath): t.Expression => {
    const local = declared.get(id);
    if (local === undefined) throw at.buildCodeFrameError(`spickle: internal error: unresolved binding ${id.name}`);
    return access(local, at);
  };
  convertDeclarations(fn, target, options);

  // 3. Environment objects are created on entry to their scope.
  for (const [scope, env] of envOf) createEnvironment(scope.path, L, env);

  // 4. Closures capture the environments current at their creation.
  wrapClosures(fn, wrappers, L);

  // 5. Blocks clear their framed locals on exit.
  clearOnExit(fn, locals, L);
  // Step-local bindings are declared once for the body; regenerator hoists the declaration, and
  // the lift pass makes it a declaration of the step function.
  if (plan.stepLocals.length > 0) {
    body.node.body.unshift(t.variableDeclaration("var", plan.stepLocals.map((name) => t.variableDeclarator(t.identifier(name)))));
  }

  // 6. Framed parameter defaults move into the function, to run against the locals.
  if (options.framedDefaults) {
    const byName = new Map([...locals.values()].filter((l) => l.binding.kind === "param").map((l) => [l.binding.identifier.name, l]));
    plan.defaults = takeDefaults(fn).map(({ name, value }) => ({ slot: directAccess(byName.get(name)!), value }));
  }
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Scopes and bindings

function ownScopes(fn: NodePath<t.Function>): Scope[] {
  const scopes: Scope[] = [fn.scope];
  fn.get("body").traverse({
    Function(path) {
      path.skip();
    },
    Class(path) {
      path.skip();
    },
    Scopable(path) {
      if (path.scope.path === path && path.scope !== fn.scope) scopes.push(path.scope);
    },
  });
  return scopes;
}

function isCatchParam(binding: Binding): boolean {
  return binding.path.isCatchClause();
}

function unique(name: string, taken: Set<string>, exact: boolean): string {
  let candidate = name;
  for (let n = 1; taken.has(candidate) || (!exact && candidate === "arguments"); n++) {
    candidate = `${name}$${n}`;
  }
  taken.add(candidate);
  return candidate;
}

/** The outermost closure (function, class or object literal with methods) between `path` and
 * `fn`: code inside it runs later, so it must capture environments by value. */
function closureBoundary(path: NodePath, fn: NodePath): NodePath | null {
  let boundary: NodePath | null = null;
  for (let p: NodePath | null = path.parentPath; p !== null && p !== fn; p = p.parentPath) {
    if (p.isFunction() || p.isClass() || p.isClassProperty() || p.isClassPrivateProperty() || p.isStaticBlock()) {
      boundary = p;
    }
  }
  if (boundary === null) return null;
  // Methods cannot be wrapped on their own: wrap the literal or class that holds them.
  if (boundary.isObjectMethod()) return boundary.parentPath!;
  if (boundary.isClassMethod() || boundary.isClassPrivateMethod() || boundary.isClassProperty() ||
      boundary.isClassPrivateProperty() || boundary.isStaticBlock()) {
    return boundary.findParent((p) => p.isClass())!;
  }
  return boundary;
}

/** Inside its own body a class's name is the class's inner, immutable binding. */
function isClassSelfReference(binding: Binding, ref: NodePath): boolean {
  return binding.path.isClassDeclaration() && ref.isDescendant(binding.path);
}

function isCaptured(binding: Binding, fn: NodePath): boolean {
  const uses = [...binding.referencePaths.filter((ref) => !isClassSelfReference(binding, ref)), ...binding.constantViolations];
  return uses.some((use) => closureBoundary(use, fn) !== null);
}

// ---------------------------------------------------------------------------------------------
// Parameters

/** Whether some parameter default creates a function or class (which may capture parameters):
 * such defaults must see the same variables as the body, so they run against the locals. Only
 * plain identifier parameters are handled this way. */
export function needsFramedDefaults(fn: NodePath<t.Function>): boolean {
  let closure = false;
  for (const param of fn.get("params")) {
    if (param.isIdentifier() || (param.isRestElement() && t.isIdentifier(param.node.argument))) continue;
    if (!param.isAssignmentPattern() || !t.isIdentifier(param.node.left)) return false;
    param.get("right").traverse({
      "Function|Class"(path: NodePath) {
        closure = true;
        path.stop();
      },
    });
    if (param.get("right").isFunction() || param.get("right").isClass()) closure = true;
  }
  return closure;
}

/** Replaces each default by `void 0` (keeping the function's `length`) and returns them. */
function takeDefaults(fn: NodePath<t.Function>): { name: string; value: t.Expression }[] {
  const defaults: { name: string; value: t.Expression }[] = [];
  for (const param of fn.node.params) {
    if (!t.isAssignmentPattern(param)) continue;
    const name = (param.left as t.Identifier).name;
    defaults.push({ name, value: param.right });
    param.right = t.unaryExpression("void", t.numericLiteral(0));
  }
  return defaults;
}

// ---------------------------------------------------------------------------------------------
// Rewriting references

function member(object: t.Expression, name: string): t.MemberExpression {
  return t.isValidIdentifier(name, false)
    ? t.memberExpression(t.cloneNode(object), t.identifier(name))
    : t.memberExpression(t.cloneNode(object), t.stringLiteral(name), true);
}

function replaceIdentifier(path: NodePath, replacement: t.Expression): void {
  const parent = path.parent;
  // `f()` must not become a method call on the locals object: `(0, L.f)()`.
  if ((t.isCallExpression(parent) || t.isOptionalCallExpression(parent)) && parent.callee === path.node) {
    replacement = t.sequenceExpression([t.numericLiteral(0), replacement]);
  } else if (t.isTaggedTemplateExpression(parent) && parent.tag === path.node) {
    replacement = t.sequenceExpression([t.numericLiteral(0), replacement]);
  }
  if (t.isObjectProperty(parent) && parent.shorthand && parent.value === path.node) parent.shorthand = false;
  if (t.isExportSpecifier(parent)) throw path.buildCodeFrameError("spickle: unexpected export inside a generator");
  path.replaceWith(replacement);
}


/** References to the generator's own `arguments` (also inside its arrows). */
function argumentsReferences(fn: NodePath<t.Function>): NodePath[] {
  const refs: NodePath[] = [];
  fn.get("body").traverse({
    Function(path) {
      if (!path.isArrowFunctionExpression()) path.skip();
    },
    Identifier(path) {
      if (path.node.name !== "arguments" || !path.isReferencedIdentifier()) return;
      if (path.scope.getBinding("arguments") !== undefined) return;
      refs.push(path);
    },
  });
  return refs;
}

function rewriteNewTarget(fn: NodePath<t.Function>): void {
  fn.get("body").traverse({
    Function(path) {
      if (!path.isArrowFunctionExpression()) path.skip();
    },
    MetaProperty(path) {
      if (path.node.meta.name === "new") path.replaceWith(t.unaryExpression("void", t.numericLiteral(0)));
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Declarations

/** The local each declared identifier of `fn`'s own declarations names. */
function declaredLocals(fn: NodePath<t.Function>, locals: Map<Binding, Local>): Map<t.Node, Local> {
  const declared = new Map<t.Node, Local>();
  const record = (path: NodePath, scope: Scope) => {
    for (const [name, ids] of Object.entries(path.getBindingIdentifiers(true) as Record<string, t.Identifier[]>)) {
      const local = locals.get(scope.getBinding(name)!);
      if (local !== undefined) for (const id of ids) declared.set(id, local);
    }
  };
  fn.get("body").traverse({
    Function(path) {
      if (path.isFunctionDeclaration()) record(path, path.parentPath.scope);
      path.skip();
    },
    Class(path) {
      if (path.isClassDeclaration()) record(path, path.parentPath.scope);
      path.skip();
    },
    VariableDeclaration(path) {
      record(path, path.scope);
    },
  });
  return declared;
}

type Target = (id: t.Identifier, at: NodePath) => t.Expression;

function convertDeclarations(fn: NodePath<t.Function>, target: Target, options: LocalsOptions): void {
  const hoisted = new Map<t.Node, t.Statement[]>();
  fn.get("body").traverse({
    Function(path) {
      if (path.isFunctionDeclaration()) hoistFunction(path, target, hoisted);
      path.skip();
    },
    Class(path) {
      if (path.isClassDeclaration()) {
        const id = path.node.id!;
        const expression = asExpression(path.node);
        path.replaceWith(t.expressionStatement(t.assignmentExpression("=", target(id, path) as t.LVal, expression)));
      }
      path.skip();
    },
    VariableDeclaration: {
      exit(path) {
        convertVariableDeclaration(path, target, options);
      },
    },
  });
  for (const [block, statements] of hoisted) {
    const list = t.isSwitchCase(block) ? block.consequent : (block as t.BlockStatement | t.Program).body;
    list.unshift(...statements);
  }
}

function hoistFunction(path: NodePath<t.FunctionDeclaration>, target: Target, hoisted: Map<t.Node, t.Statement[]>): void {
  const node = path.node;
  const statement = t.expressionStatement(t.assignmentExpression("=", target(node.id!, path) as t.LVal, asExpression(node)));
  const block = path.parent;
  let list = hoisted.get(block);
  if (list === undefined) hoisted.set(block, (list = []));
  list.push(statement);
  path.remove();
}

function convertVariableDeclaration(path: NodePath<t.VariableDeclaration>, target: Target, options: LocalsOptions): void {
  const { kind, declarations } = path.node;
  const toTarget = (id: t.LVal): t.LVal => lvalWithTargets(id, (name) => target(name, path));
  if (path.parentPath.isForXStatement() && path.key === "left") {
    path.replaceWith(toTarget(declarations[0]!.id as t.LVal) as t.Node);
    return;
  }
  const assignments: t.Expression[] = [];
  for (const declarator of declarations) {
    if (declarator.init == null && kind === "var") continue;
    let init: t.Expression = declarator.init ?? t.unaryExpression("void", t.numericLiteral(0));
    // `const f = () => {}` names the function "f"; an assignment to `L.f` would not.
    if (t.isIdentifier(declarator.id) && isAnonymousFunctionOrClass(init)) init = options.named(init, declarator.id.name);
    assignments.push(t.assignmentExpression("=", toTarget(declarator.id as t.LVal) as t.LVal, init));
  }
  if (path.parentPath.isForStatement() && path.key === "init") {
    if (assignments.length === 0) path.remove();
    else path.replaceWith(sequence(assignments));
    return;
  }
  if (assignments.length === 0) {
    if (Array.isArray(path.container)) path.remove();
    else path.replaceWith(t.emptyStatement());
    return;
  }
  const statements = assignments.map((a) => t.expressionStatement(a));
  if (Array.isArray(path.container)) path.replaceWithMultiple(statements);
  else path.replaceWith(t.blockStatement(statements));
}

/** The same node as an expression: closure wrappers and later passes find it by identity. */
function asExpression(node: t.FunctionDeclaration): t.FunctionExpression;
function asExpression(node: t.ClassDeclaration): t.ClassExpression;
function asExpression(node: t.FunctionDeclaration | t.ClassDeclaration): t.Expression {
  const mutable = node as { type: string };
  mutable.type = t.isFunctionDeclaration(node) ? "FunctionExpression" : "ClassExpression";
  return node as unknown as t.Expression;
}

function isAnonymousFunctionOrClass(node: t.Expression): boolean {
  return t.isArrowFunctionExpression(node) || ((t.isFunctionExpression(node) || t.isClassExpression(node)) && node.id == null);
}

function sequence(expressions: t.Expression[]): t.Expression {
  return expressions.length === 1 ? expressions[0]! : t.sequenceExpression(expressions);
}

/** A copy of a declaration's binding pattern whose identifiers are replaced by targets. */
function lvalWithTargets(id: t.Node, target: (id: t.Identifier) => t.Expression): t.LVal {
  if (t.isIdentifier(id)) return target(id) as t.LVal;
  if (t.isObjectPattern(id)) {
    return t.objectPattern(
      id.properties.map((property) =>
        t.isRestElement(property)
          ? t.restElement(lvalWithTargets(property.argument, target) as t.Identifier)
          : t.objectProperty(property.key, lvalWithTargets(property.value, target) as t.Expression, property.computed, false),
      ),
    );
  }
  if (t.isArrayPattern(id)) {
    return t.arrayPattern(id.elements.map((element) => (element === null ? null : lvalWithTargets(element, target))) as t.PatternLike[]);
  }
  if (t.isAssignmentPattern(id)) {
    return t.assignmentPattern(lvalWithTargets(id.left, target) as t.AssignmentPattern["left"], id.right);
  }
  if (t.isRestElement(id)) return t.restElement(lvalWithTargets(id.argument, target) as t.Identifier);
  return id as t.LVal;
}

/** `catch (e) {…}` → `catch (_error) { let e = _error; … }` (also for patterns). */
function normalizeCatchPatterns(body: NodePath<t.BlockStatement>): void {
  body.traverse({
    Function(path) {
      path.skip();
    },
    CatchClause(path) {
      const param = path.node.param;
      // Regenerator keeps a catch parameter in one temporary per clause; as a `let` of the catch
      // body it is an ordinary block binding (fresh per entry, captured correctly).
      const id = path.scope.generateUidIdentifier("error");
      path.node.param = id;
      if (param == null) return;
      path.node.body.body.unshift(t.variableDeclaration("let", [t.variableDeclarator(param, t.cloneNode(id))]));
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Environments

function createEnvironment(owner: NodePath, L: t.Identifier, env: string): void {
  const fresh = () => t.assignmentExpression("=", member(L, env), t.objectExpression([]));
  if (owner.isBlockStatement()) {
    owner.node.body.unshift(t.expressionStatement(fresh()));
  } else if (owner.isForStatement()) {
    // A fresh copy per iteration, made before the update expression (the spec's
    // CreatePerIterationEnvironment); the first one before the init.
    const node = owner.node;
    node.init = node.init == null ? fresh() : t.sequenceExpression([fresh(), node.init as t.Expression]);
    const copy = t.assignmentExpression("=", member(L, env), t.objectExpression([t.spreadElement(member(L, env))]));
    node.update = node.update == null ? copy : t.sequenceExpression([copy, node.update]);
  } else if (owner.isForXStatement()) {
    // The head's binding is assigned inside the body, after a fresh environment is made.
    const node = owner.node;
    const value = member(L, `${env}$value`);
    const assign = t.expressionStatement(t.assignmentExpression("=", node.left as t.LVal, value));
    node.left = t.cloneNode(value);
    node.body = t.blockStatement([t.expressionStatement(fresh()), assign, node.body]);
  } else if (owner.isSwitchStatement()) {
    owner.insertBefore(t.expressionStatement(fresh()));
  } else if (owner.isCatchClause()) {
    owner.node.body.body.unshift(t.expressionStatement(fresh()));
  } else {
    throw owner.buildCodeFrameError("spickle: unsupported scope for captured loop bindings");
  }
}

function wrapClosures(fn: NodePath<t.Function>, wrappers: Map<t.Node, Map<string, t.Identifier>>, L: t.Identifier): void {
  if (wrappers.size === 0) return;
  const wrap = (path: NodePath) => {
    const params = wrappers.get(path.node);
    if (params === undefined) return false;
    const node = path.node as t.Expression;
    const ids = [...params.values()];
    const args = [...params.keys()].map((env) => member(L, env));
    path.replaceWith(t.callExpression(t.arrowFunctionExpression(ids, node), args));
    path.skip();
    return true;
  };
  // Parameters too: framed defaults may hold closures.
  fn.traverse({
    Function(path) {
      if (!wrap(path)) path.skip();
    },
    Class(path) {
      if (!wrap(path)) path.skip();
    },
    ObjectExpression(path) {
      wrap(path);
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Clearing on block exit

function clearOnExit(fn: NodePath<t.Function>, locals: Map<Binding, Local>, L: t.Identifier): void {
  const byBlock = new Map<t.BlockStatement, string[]>();
  for (const local of locals.values()) {
    const owner = local.binding.scope.path;
    if (local.binding.scope === fn.scope || !owner.isBlockStatement() || local.plain !== null) continue;
    // Closures may still read a captured binding after its block ends.
    if (local.env === null && isCaptured(local.binding, fn)) continue;
    const name = local.env ?? local.member;
    const names = byBlock.get(owner.node) ?? [];
    if (!names.includes(name)) names.push(name);
    byBlock.set(owner.node, names);
  }
  for (const [block, names] of byBlock) {
    const clear = () =>
      t.expressionStatement(
        sequence(names.map((name) => t.assignmentExpression("=", member(L, name), t.unaryExpression("void", t.numericLiteral(0))))),
      );
    const last = block.body[block.body.length - 1];
    if (last === undefined || !isAbrupt(last)) block.body.push(clear());
    insertBeforeExits(fn, block, clear);
  }
}

function isAbrupt(statement: t.Statement): boolean {
  return t.isReturnStatement(statement) || t.isThrowStatement(statement) || t.isBreakStatement(statement) || t.isContinueStatement(statement);
}

/** Puts `clear()` before each break/continue inside `block` that leaves it. */
function insertBeforeExits(fn: NodePath<t.Function>, block: t.BlockStatement, clear: () => t.Statement): void {
  fn.get("body").traverse({
    Function(path) {
      path.skip();
    },
    "BreakStatement|ContinueStatement"(path: NodePath) {
      const blockPath = path.findParent((p) => p.node === block);
      if (blockPath === null) return;
      const targetPath = jumpTarget(path as NodePath<t.BreakStatement | t.ContinueStatement>);
      if (targetPath === null || targetPath.isDescendant(blockPath)) return;
      path.insertBefore(clear());
    },
  });
}

function jumpTarget(path: NodePath<t.BreakStatement | t.ContinueStatement>): NodePath | null {
  const label = path.node.label?.name;
  if (label !== undefined) {
    return path.findParent((p) => p.isLabeledStatement() && p.node.label.name === label);
  }
  return path.findParent((p) => p.isLoop() || (path.isBreakStatement() && p.isSwitchStatement()));
}
