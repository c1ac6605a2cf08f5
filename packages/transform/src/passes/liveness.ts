// Liveness of a generator body's bindings across its *step exits*: the points where the state
// machine's step function returns to the driver and is later called again (so its plain JS locals
// are gone). Those are the suspensions (`yield`, `await`) and whatever regenerator turns into a
// jump through the driver: a `break` or `continue` it explodes, and an exception or jump inside a
// `try` it explodes (the catch or finally runs in a later step). A loop that regenerator never sees
// (see verbatim.ts) runs natively inside one step: nothing in it is a step exit.
//
// A binding whose every use lies between two step exits is *step-local*: it stays a plain local of
// the step function and never enters the frame. The test is per block: the binding's uses lie in
// the top-level statements first..last of the block that declares it, and no statement of that
// range exits the step, except that the last one may suspend once its uses of the binding are done
// (`yield sum;`, `const got = yield sum;`). Blocks run their statements in order, each entry afresh,
// so every use happens in the step that ran the binding's declaration.

import { types as t, type NodePath } from "@babel/core";
import { containsLeap, containsSuspension } from "../lower/contains-yield.js";

type Scope = NodePath["scope"];
type Binding = NonNullable<ReturnType<Scope["getBinding"]>>;

/** The bindings of `candidates` (bindings of `fn`'s own scopes, none captured by a closure, none
 * a parameter) that can stay plain locals of the step function. */
export function stepLocalBindings(fn: NodePath<t.Function>, candidates: Iterable<Binding>): Set<Binding> {
  const body = fn.get("body") as NodePath<t.BlockStatement>;
  const exits = new Map<t.Node, boolean>();
  const exitsStep = (path: NodePath): boolean => {
    let known = exits.get(path.node);
    if (known === undefined) exits.set(path.node, (known = containsStepExit(path)));
    return known;
  };
  const local = new Set<Binding>();
  for (const binding of candidates) {
    if (!binding.referencePaths.concat(binding.constantViolations).every((use) => use.isDescendant(body))) continue;
    if (isStepLocal(binding, fn, exitsStep)) local.add(binding);
  }
  return local;
}

function isStepLocal(binding: Binding, fn: NodePath<t.Function>, exitsStep: (path: NodePath) => boolean): boolean {
  const owner = binding.scope === fn.scope ? fn.get("body") : binding.scope.path;
  // Inside a verbatim loop everything runs within one step.
  if (owner.findParent((p) => p === fn || isVerbatimLoop(p)) !== fn) return true;
  const statements = blockStatements(owner);
  // A loop head or switch: the whole statement must run within one step.
  if (statements === null) return !exitsStep(owner);
  const uses: NodePath[] = [binding.path, ...binding.referencePaths, ...binding.constantViolations];
  let first = Infinity;
  let last = -1;
  for (const use of uses) {
    const index = statements.findIndex((statement) => use === statement || use.isDescendant(statement));
    if (index < 0) return false; // a use outside the block's statements (a catch head): keep it framed
    // A function declaration is hoisted to the top of its block.
    const at = use === binding.path && use.isFunctionDeclaration() ? 0 : index;
    first = Math.min(first, at);
    last = Math.max(last, index);
  }
  if (last < 0) return false;
  for (let k = first; k < last; k++) if (exitsStep(statements[k]!)) return false;
  const final = statements[last]!;
  if (!exitsStep(final)) return true;
  return usesEndBeforeSuspension(final, uses, exitsStep);
}

/** The statements a binding's block runs in order, or null for a scope whose bindings live in a
 * loop head, a switch or a catch head. */
function blockStatements(owner: NodePath): NodePath<t.Statement>[] | null {
  if (owner.isBlockStatement()) return owner.get("body");
  if (owner.isCatchClause()) return (owner.get("body") as NodePath<t.BlockStatement>).get("body");
  return null;
}

/** `yield E;`, `x = yield E;` or `const x = yield E;` where E holds every use of the binding in
 * the statement and E itself runs within the step. */
function usesEndBeforeSuspension(statement: NodePath, uses: NodePath[], exitsStep: (path: NodePath) => boolean): boolean {
  let expression: NodePath | null = null;
  if (statement.isExpressionStatement()) expression = statement.get("expression");
  else if (statement.isVariableDeclaration() && statement.node.declarations.length === 1) expression = statement.get("declarations.0.init") as NodePath;
  if (expression === null) return false;
  if (expression.isAssignmentExpression({ operator: "=" }) && expression.get("left").isIdentifier()) expression = expression.get("right");
  if (!expression.isYieldExpression() || expression.node.delegate) return false;
  const argument = expression.get("argument");
  if (!argument.node || exitsStep(argument as NodePath)) return false;
  const inStatement = uses.filter((use) => use === statement || use.isDescendant(statement));
  return inStatement.every((use) => use === argument || use.isDescendant(argument as NodePath));
}

// ---------------------------------------------------------------------------------------------
// Step exits

/** Whether running `path` may leave the step function and continue in a later call. */
export function containsStepExit(path: NodePath): boolean {
  if (isVerbatimLoop(path)) return false;
  if (containsSuspension(path.node, true)) return true;
  let found = false;
  const visit = (p: NodePath) => {
    if (found) return;
    if (p.isBreakStatement() || p.isContinueStatement()) {
      found = true;
    } else if (p.isTryStatement() && containsLeap(p.node, true)) {
      found = true;
    }
  };
  visit(path);
  if (found || path.isFunction()) return found;
  path.traverse({
    Function(p) {
      p.skip();
    },
    "ClassProperty|ClassPrivateProperty|ClassAccessorProperty|StaticBlock"(p: NodePath) {
      p.skip();
    },
    enter(p) {
      if (isVerbatimLoop(p)) {
        p.skip();
        return;
      }
      visit(p);
      if (found) p.stop();
    },
  });
  return found;
}

/** A loop (or a labeled loop) that runs natively inside one step: no suspension, no `return`, and
 * every `break`/`continue` in it lands inside it. Regenerator never sees such a loop (verbatim.ts
 * hides it), so its jumps stay plain JS jumps. */
export function isVerbatimLoop(path: NodePath): boolean {
  let known = verbatim.get(path.node);
  if (known === undefined) verbatim.set(path.node, (known = checkVerbatimLoop(path)));
  return known;
}
const verbatim = new WeakMap<t.Node, boolean>();

function checkVerbatimLoop(path: NodePath): boolean {
  let loop: NodePath = path;
  while (loop.isLabeledStatement()) loop = loop.get("body");
  if (!loop.isLoop()) return false;
  if (loop.isForOfStatement() && loop.node.await) return false;
  if (containsSuspension(path.node, true)) return false;
  let contained = true;
  path.traverse({
    Function(p) {
      // Regenerator must still compile the generators (body vehicles) nested in the loop.
      if (p.node.generator || p.node.async) {
        contained = false;
        p.stop();
      }
    },
    ReturnStatement(p) {
      if (p.getFunctionParent() !== path.getFunctionParent()) return;
      contained = false;
      p.stop();
    },
    "BreakStatement|ContinueStatement"(p: NodePath) {
      if (p.getFunctionParent() !== path.getFunctionParent()) return;
      const target = jumpTarget(p as NodePath<t.BreakStatement | t.ContinueStatement>);
      if (target === null || !(target === path || target.isDescendant(path))) {
        contained = false;
        p.stop();
      }
    },
  });
  return contained;
}

/** The statement a `break`/`continue` leaves or continues. */
export function jumpTarget(path: NodePath<t.BreakStatement | t.ContinueStatement>): NodePath | null {
  const label = path.node.label?.name;
  if (label !== undefined) {
    return path.findParent((p) => p.isLabeledStatement() && p.node.label.name === label);
  }
  return path.findParent((p) => p.isLoop() || (path.isBreakStatement() && p.isSwitchStatement()));
}

/** Invariant check: a step-local binding is never used by a closure (closures outlive the step). */
export function assertNotCaptured(binding: Binding, captured: boolean): void {
  if (captured) {
    throw binding.path.buildCodeFrameError(`spickle: internal error: captured binding ${binding.identifier.name} classified step-local`);
  }
}
