// Frame locals: every binding of a generator body moves into the frame's locals object `L`, so a
// suspended generator's variables are plain data. Regenerator would hoist them into closure
// variables instead (and merges shadowed `let`s into one `var`), so this pass runs first and leaves
// no declaration behind.
//
// - Bindings get unique member names (`x`, `x$1` for a shadowing `x`).
// - Block-scoped bindings inside loops that nested closures capture live in a per-entry environment
//   object `L.$eN` (per-iteration `let` semantics); closures capture that object through a wrapper
//   `((e) => closure)(L.$eN)`.
// - A block's bindings are cleared when the block exits, so a frame keeps only live state.

import { types as t, type NodePath } from "@babel/core";

type Scope = NodePath["scope"];
type Binding = NonNullable<ReturnType<Scope["getBinding"]>>;

export interface LocalsPlan {
  /** Member names initialized from the function's parameters of the same name. */
  params: string[];
  /** Member holding the function itself (a named function expression that refers to itself). */
  selfName: string | null;
  /** Whether the body reads `arguments` (member `arguments`). */
  usesArguments: boolean;
}

interface Local {
  binding: Binding;
  member: string;
  /** Environment member, for captured block-scoped bindings inside loops. */
  env: string | null;
}

export function moveLocals(fn: NodePath<t.Function>, L: t.Identifier): LocalsPlan {
  const body = fn.get("body") as NodePath<t.BlockStatement>;
  normalizeCatchPatterns(body);
  fn.scope.crawl();

  const scopes = ownScopes(fn);
  const members = new Set<string>();
  const locals = new Map<Binding, Local>();
  const plan: LocalsPlan = { params: [], selfName: null, usesArguments: false };

  for (const scope of scopes) {
    for (const name of Object.keys(scope.bindings)) {
      const binding = scope.bindings[name]!;
      if (isCatchParam(binding)) continue;
      const isSelf = binding.kind === "local" && binding.path === fn;
      if (isSelf && binding.referencePaths.length === 0) continue;
      const member = unique(name, members, binding.kind === "param" || isSelf);
      if (binding.kind === "param") plan.params.push(member);
      if (isSelf) plan.selfName = member;
      locals.set(binding, { binding, member, env: null });
    }
  }

  // Environments for captured block-scoped bindings in loops.
  const envOf = new Map<Scope, string>();
  for (const local of locals.values()) {
    const { binding } = local;
    if (binding.scope === fn.scope || binding.kind === "var" || binding.kind === "param") continue;
    if (!isInLoop(binding.scope.path, fn) || !isCaptured(binding, fn)) continue;
    let env = envOf.get(binding.scope);
    if (env === undefined) envOf.set(binding.scope, (env = unique("$e", members, false)));
    local.env = env;
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
  const access = (local: Local, at: NodePath): t.Expression => {
    if (local.env === null) return member(L, local.member);
    const boundary = closureBoundary(at, fn);
    const envObject = boundary === null ? member(L, local.env) : t.cloneNode(envParam(boundary.node, local.env));
    return member(envObject, local.member);
  };

  // 1. References and assignments.
  for (const local of locals.values()) {
    for (const ref of local.binding.referencePaths) {
      // Parameter defaults run in the function itself, before the frame exists.
      if (ref.isDescendant(body)) replaceIdentifier(ref, access(local, ref));
    }
    for (const violation of local.binding.constantViolations) {
      if (!violation.isDescendant(body)) continue;
      for (const id of assignedIdentifiers(violation, local.binding)) replaceIdentifier(id, access(local, id));
    }
  }
  plan.usesArguments = rewriteArguments(fn, L);
  rewriteNewTarget(fn);

  // 2. Declarations become assignments; function declarations are hoisted to their block's top.
  const byIdentifier = new Map<t.Node, Local>();
  for (const local of locals.values()) byIdentifier.set(local.binding.identifier, local);
  const target = (id: t.Identifier, at: NodePath): t.Expression => {
    const local = byIdentifier.get(id);
    if (local === undefined) throw at.buildCodeFrameError(`spickle: unresolved binding ${id.name}`);
    return access(local, at);
  };
  convertDeclarations(fn, target);

  // 3. Environment objects are created on entry to their scope.
  for (const [scope, env] of envOf) createEnvironment(scope.path, L, env);

  // 4. Closures capture the environments current at their creation.
  wrapClosures(fn, wrappers, L);

  // 5. Blocks clear their plain locals on exit.
  clearOnExit(fn, locals, L);
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

function isInLoop(path: NodePath, fn: NodePath): boolean {
  for (let p: NodePath | null = path; p !== null && p !== fn; p = p.parentPath) {
    if (p.isLoop()) return true;
  }
  return false;
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

function isCaptured(binding: Binding, fn: NodePath): boolean {
  const uses = [...binding.referencePaths, ...binding.constantViolations];
  return uses.some((use) => closureBoundary(use, fn) !== null);
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
  if (t.isObjectProperty(parent) && parent.shorthand && parent.value === path.node) parent.shorthand = false;
  if (t.isExportSpecifier(parent)) throw path.buildCodeFrameError("spickle: unexpected export inside a generator");
  path.replaceWith(replacement);
}

/** Identifier paths through which `violation` assigns `binding`. */
function assignedIdentifiers(violation: NodePath, binding: Binding): NodePath[] {
  if (violation.isVariableDeclarator() || violation.isFunctionDeclaration() || violation.isClassDeclaration()) {
    return []; // re-declarations are converted with the declarations
  }
  let lval: NodePath | null = null;
  if (violation.isAssignmentExpression()) lval = violation.get("left");
  else if (violation.isUpdateExpression()) lval = violation.get("argument");
  else if (violation.isForXStatement()) lval = violation.get("left");
  if (lval === null || lval.isVariableDeclaration()) return [];
  const name = binding.identifier.name;
  if (lval.isIdentifier()) return lval.node.name === name ? [lval] : [];
  const found: NodePath[] = [];
  lval.traverse({
    Identifier(id) {
      if (id.node.name !== name || !id.isBindingIdentifier()) return;
      if (id.parentPath.isMemberExpression() || (id.parentPath.isObjectProperty() && id.key === "key")) return;
      if (id.scope.getBinding(name) === binding) found.push(id);
    },
  });
  return found;
}

/** `arguments` of the generator (also inside its arrows) reads the frame's copy. */
function rewriteArguments(fn: NodePath<t.Function>, L: t.Identifier): boolean {
  let used = false;
  fn.get("body").traverse({
    Function(path) {
      if (!path.isArrowFunctionExpression()) path.skip();
    },
    Identifier(path) {
      if (path.node.name !== "arguments" || !path.isReferencedIdentifier()) return;
      if (path.scope.getBinding("arguments") !== undefined) return;
      used = true;
      path.replaceWith(member(L, "arguments"));
    },
  });
  return used;
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

type Target = (id: t.Identifier, at: NodePath) => t.Expression;

function convertDeclarations(fn: NodePath<t.Function>, target: Target): void {
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
        convertVariableDeclaration(path, target);
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

function convertVariableDeclaration(path: NodePath<t.VariableDeclaration>, target: Target): void {
  const { kind, declarations } = path.node;
  const toTarget = (id: t.LVal): t.LVal => lvalWithTargets(id, (name) => target(name, path));
  if (path.parentPath.isForXStatement() && path.key === "left") {
    path.replaceWith(toTarget(declarations[0]!.id as t.LVal) as t.Node);
    return;
  }
  const assignments: t.Expression[] = [];
  for (const declarator of declarations) {
    if (declarator.init == null && kind === "var") continue;
    const init = declarator.init ?? t.unaryExpression("void", t.numericLiteral(0));
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

/** `catch ({ a })` → `catch (e) { let { a } = e; … }`, so the pattern's bindings are ordinary. */
function normalizeCatchPatterns(body: NodePath<t.BlockStatement>): void {
  body.traverse({
    Function(path) {
      path.skip();
    },
    CatchClause(path) {
      const param = path.node.param;
      if (param == null || t.isIdentifier(param)) return;
      const id = path.scope.generateUidIdentifier("error");
      path.node.param = id;
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
  fn.get("body").traverse({
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
    if (local.binding.scope === fn.scope || !owner.isBlockStatement()) continue;
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
