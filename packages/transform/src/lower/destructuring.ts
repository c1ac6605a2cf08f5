// Destructuring whose pattern leaps (a yield in a default or computed key; regenerator crashes on
// destructuring declarations and cannot explode a pattern), in its four places:
//
//   declarations   var P = v      →  var a, b;  <pattern code assigning a, b>
//                  let/const P = v →  <pattern code> with each binding its own declaration, in
//                                     order; with an array pattern (whose try statement would
//                                     scope declarations inside it) the values are collected in
//                                     temporaries first:  <code assigning _a, _b>  const a = _a, b = _b;
//   assignments    P = v;         →  statements; elsewhere in an expression an object pattern
//                                     becomes a sequence whose value is `v`
//   loop heads     handled by the for-of / for-in rewrites, which turn the head into one of the above
//   catch params   catch (P) { B } → catch (_e) { let P = _e; { B } }
//
// See destructuring-pattern.ts for the pattern code itself.

import type { NodePath } from "@babel/core";
import * as t from "@babel/types";
import { asExpressions } from "./build.js";
import type { Lowering } from "./context.js";
import { clearing, hasArrayPattern, PatternLowering } from "./destructuring-pattern.js";

type Pattern = t.ObjectPattern | t.ArrayPattern;

function isPattern(node: t.Node | null | undefined): node is Pattern {
  return t.isObjectPattern(node) || t.isArrayPattern(node);
}

export function lowerDeclaration(path: NodePath<t.VariableDeclaration>, l: Lowering): void {
  const { node } = path;
  if (path.parentPath.isForXStatement() && path.key === "left") return; // the loop rewrite binds it
  if (!node.declarations.some((d) => isPattern(d.id) && l.leaps(d.id))) return;
  if (path.parentPath.isForStatement()) throw l.error(path, "destructuring declaration in a for(;;) head");
  if (node.kind !== "var" && node.kind !== "let" && node.kind !== "const") throw l.error(path, `destructuring ${node.kind} declaration`);
  const statements: t.Statement[] = [];
  for (const declarator of path.get("declarations")) {
    const { id, init } = declarator.node;
    if (isPattern(id) && l.leaps(id)) {
      if (!init) throw l.error(declarator, "destructuring declaration without initializer");
      statements.push(...lowerDeclarator(node.kind, declarator as NodePath<t.VariableDeclarator & { id: Pattern }>, init, l));
    } else {
      statements.push(t.variableDeclaration(node.kind, [declarator.node]));
    }
  }
  if (Array.isArray(path.container)) path.replaceWithMultiple(statements);
  else path.replaceWith(t.blockStatement(statements)); // `if (c) var [a = yield] = x;`
}

function lowerDeclarator(
  kind: "var" | "let" | "const",
  declarator: NodePath<t.VariableDeclarator & { id: Pattern }>,
  init: t.Expression,
  l: Lowering,
): t.Statement[] {
  const pattern = declarator.node.id;
  const names = Object.keys(t.getBindingIdentifiers(pattern, false));
  if (kind === "var") {
    const lowering = new PatternLowering(l, { kind: "assign" });
    lowering.bind(pattern, init);
    const declare = t.variableDeclaration("var", names.map((name) => t.variableDeclarator(t.identifier(name))));
    return [declare, ...lowering.statements, ...clearing(lowering.cleared)];
  }
  if (!hasArrayPattern(pattern)) {
    const lowering = new PatternLowering(l, { kind: "declare", declaration: kind });
    lowering.bind(pattern, init);
    return [...lowering.statements, ...clearing(lowering.cleared)];
  }
  const temps = new Map(names.map((name) => [name, l.temp(name)]));
  renameWithinPattern(declarator.get("id") as NodePath<Pattern>, temps, l);
  const lowering = new PatternLowering(l, { kind: "collect", temps });
  lowering.bind(declarator.node.id, init);
  const declare = t.variableDeclaration(kind, names.map((name) => t.variableDeclarator(t.identifier(name), t.cloneNode(temps.get(name)!))));
  return [...lowering.statements, declare, ...clearing([...lowering.cleared, ...temps.values()])];
}

/** In collect mode the bindings are declared after the pattern, so a default or computed key that
 * reads an earlier binding of the same pattern (`const [a, b = a] = ...`) reads its temporary. A
 * closure there would capture the binding itself, which does not exist yet: refused. */
function renameWithinPattern(pattern: NodePath<Pattern>, temps: Map<string, t.Identifier>, l: Lowering): void {
  const targets = new Set<t.Node>(Object.values(t.getBindingIdentifiers(pattern.node, false)));
  const mentions = (node: t.Node): boolean => {
    let found = false;
    t.traverseFast(node, (n) => {
      if (t.isIdentifier(n) && temps.has(n.name)) found = true;
    });
    return found;
  };
  pattern.traverse({
    "Function|Class"(path) {
      if (mentions(path.node)) throw l.refuse(path, "a closure in a destructuring pattern containing yield cannot use a binding of the same pattern");
      path.skip();
    },
    Identifier(path) {
      const { node } = path;
      if (!temps.has(node.name) || targets.has(node)) return;
      const assigned =
        (path.parentPath.isAssignmentExpression() && path.key === "left") || path.parentPath.isUpdateExpression();
      if (path.isReferencedIdentifier() || assigned) path.replaceWith(t.cloneNode(temps.get(node.name)!));
    },
  });
}

export function lowerPatternAssignment(path: NodePath<t.AssignmentExpression>, l: Lowering): void {
  const { node } = path;
  const pattern = node.left;
  if (node.operator !== "=" || !isPattern(pattern) || !l.leaps(pattern)) return;
  const parent = path.parentPath;
  if (parent.isExpressionStatement()) {
    const lowering = new PatternLowering(l, { kind: "assign" });
    lowering.bind(pattern, node.right);
    parent.replaceWithMultiple([...lowering.statements, ...clearing(lowering.cleared)]);
    return;
  }
  if (parent.isSequenceExpression() && parent.parentPath.isExpressionStatement()) {
    // `x = 1, [a = yield] = y;`: one statement per expression, then each is lowered on its own.
    parent.parentPath.replaceWithMultiple(parent.node.expressions.map((e) => t.expressionStatement(e)));
    return;
  }
  if (hasArrayPattern(pattern)) throw l.error(path, "array destructuring assignment used as a value (not a statement)");
  // An object pattern needs no try statement, so it can stay an expression.
  const lowering = new PatternLowering(l, { kind: "assign" });
  const source = l.temp("ref");
  const coerce = t.assignmentExpression("=", t.cloneNode(source), l.call("requireObjectCoercible", [node.right]));
  lowering.objectPattern(pattern as t.ObjectPattern, source);
  const expressions = asExpressions(lowering.statements);
  if (expressions === null) throw l.error(path, "destructuring assignment inside an expression");
  path.replaceWith(t.sequenceExpression([coerce, ...expressions, t.cloneNode(source)]));
}

export function lowerCatchPattern(path: NodePath<t.CatchClause>, l: Lowering): void {
  const { param } = path.node;
  if (!isPattern(param) || !l.leaps(param)) return;
  const error = l.uid("error");
  const body = t.blockStatement([
    t.variableDeclaration("let", [t.variableDeclarator(param, t.cloneNode(error))]),
    path.node.body,
  ]);
  // The clause itself is replaced (not its children, whose traversal is over) so that Babel
  // traverses the result again and lowers the new declaration.
  path.replaceWith(t.catchClause(error, body));
}
