// Loops that run natively inside one step. Regenerator explodes every statement holding a `break`,
// `continue`, `return` or `throw` into state-machine cases, and compiles `break` and `continue` to
// jumps through the driver; a loop with no suspension, no `return` and only jumps that land inside
// it needs none of that. Before regenerator runs, each such loop (outermost ones only) is replaced
// by a placeholder statement; the lift pass puts it back, as a plain JS loop inside its case.
//
// Put back, the loop also reads and writes the frame's locals through plain locals of the step:
// each `L.x` it uses is loaded once before the loop and stored once after it (also when it
// throws), so the frame holds the same values at every step exit as before.

import { types as t, type NodePath } from "@babel/core";
import { isVerbatimLoop } from "./liveness.js";

const PLACEHOLDER = "__spickle_verbatim__";

interface HiddenLoop {
  loop: t.Statement;
  /** Name of the locals object of the body the loop belongs to. */
  locals: string;
}

/** The loops taken out of generator bodies until the lift pass puts them back. */
export class VerbatimLoops {
  readonly hidden: HiddenLoop[] = [];
}

/** Replaces each outermost verbatim loop of `fn`'s body by a placeholder. */
export function hideVerbatimLoops(fn: NodePath<t.Function>, locals: string, store: VerbatimLoops): void {
  fn.get("body").traverse({
    Function(path) {
      path.skip();
    },
    Statement(path) {
      if (path.parentPath.isLabeledStatement() || !isVerbatimLoop(path)) return;
      const index = store.hidden.push({ loop: path.node, locals }) - 1;
      path.replaceWith(t.expressionStatement(t.callExpression(t.identifier(PLACEHOLDER), [t.numericLiteral(index)])));
      path.skip();
    },
  });
}

/** Puts every hidden loop back in place (after regenerator), reading the frame's locals through
 * plain locals of the step. */
export function restoreVerbatimLoops(program: NodePath<t.Program>, store: VerbatimLoops): void {
  if (store.hidden.length === 0) return;
  const restored: NodePath<t.Statement>[] = [];
  program.traverse({
    ExpressionStatement(path) {
      const index = placeholderIndex(path.node);
      if (index === null) return;
      const hidden = store.hidden[index]!;
      const [loop] = path.replaceWith(hidden.loop);
      restored.push(loop);
      cacheFrameLocals(loop, hidden.locals);
      loop.skip();
    },
  });
  if (restored.length !== store.hidden.length) {
    throw program.buildCodeFrameError(`spickle: internal error: ${store.hidden.length - restored.length} verbatim loop(s) lost`);
  }
}

function placeholderIndex(statement: t.ExpressionStatement): number | null {
  const call = statement.expression;
  if (!t.isCallExpression(call) || !t.isIdentifier(call.callee, { name: PLACEHOLDER })) return null;
  const [index] = call.arguments;
  if (!t.isNumericLiteral(index)) throw new Error("spickle: internal error: malformed verbatim loop placeholder");
  return index.value;
}

/** `loop` → `{ let x = L.x; try { loop } finally { L.x = x; } }` for every member of `L` the loop
 * uses; left alone if something in it holds on to `L` itself. */
function cacheFrameLocals(loop: NodePath<t.Statement>, L: string): void {
  const uses = new Map<string, NodePath<t.MemberExpression>[]>();
  let escapes = false;
  let depth = 0;
  loop.traverse({
    Function: {
      enter() {
        depth++;
      },
      exit() {
        depth--;
      },
    },
    Identifier(path) {
      if (path.node.name !== L || !path.isReferencedIdentifier()) return;
      const parent = path.parentPath;
      const name = parent.isMemberExpression({ object: path.node }) ? memberName(parent.node) : null;
      if (depth > 0 || name === null || isDeleted(parent)) {
        escapes = true;
        path.stop();
        return;
      }
      const list = uses.get(name) ?? [];
      list.push(parent as NodePath<t.MemberExpression>);
      uses.set(name, list);
    },
  });
  if (escapes || uses.size === 0) return;
  const loads: t.VariableDeclarator[] = [];
  const stores: t.Statement[] = [];
  for (const [name, paths] of uses) {
    const local = loop.scope.generateUidIdentifier(name);
    for (const path of paths) path.replaceWith(t.cloneNode(local));
    const slot = () =>
      t.isValidIdentifier(name, false)
        ? t.memberExpression(t.identifier(L), t.identifier(name))
        : t.memberExpression(t.identifier(L), t.stringLiteral(name), true);
    loads.push(t.variableDeclarator(t.cloneNode(local), slot()));
    stores.push(t.expressionStatement(t.assignmentExpression("=", slot(), t.cloneNode(local))));
  }
  loop.replaceWith(
    t.blockStatement([
      t.variableDeclaration("let", loads),
      t.tryStatement(t.blockStatement([loop.node]), null, t.blockStatement(stores)),
    ]),
  );
}

function memberName(node: t.MemberExpression): string | null {
  if (!node.computed && t.isIdentifier(node.property)) return node.property.name;
  if (node.computed && t.isStringLiteral(node.property)) return node.property.value;
  return null;
}

function isDeleted(member: NodePath): boolean {
  return member.parentPath!.isUnaryExpression({ operator: "delete" });
}
