// Declarations of captured variables become assignments to members of their scope object
// (destructuring patterns included), with the uncaptured names of the same declaration kept.

import { types as t, type NodePath } from "@babel/core";
import type { Analysis, Captured } from "./analyze.js";
import { replaceStatement, sequence } from "./ast.js";

export interface Declaration {
  node: t.VariableDeclaration | t.ClassDeclaration;
  parent: t.Node;
  /** The statement holding the declaration in its list (labels included), for loop heads. */
  path: NodePath;
}

export function collectDeclarations(analysis: Analysis): Declaration[] {
  const found: Declaration[] = [];
  analysis.program.traverse({
    VariableDeclaration(path) {
      const ids = Object.values(t.getBindingIdentifiers(path.node, false) as Record<string, t.Identifier | t.Identifier[]>).flat();
      if (ids.some((id) => analysis.declared.has(id))) found.push({ node: path.node, parent: path.parent, path });
    },
    ClassDeclaration(path) {
      if (analysis.units.get(path.node)?.lifted === true) return; // its site assigns it
      if (path.node.id != null && analysis.declared.has(path.node.id)) found.push({ node: path.node, parent: path.parent, path });
    },
  });
  return found;
}

export function declarationsByNode(declarations: Declaration[]): Map<t.Node, Declaration> {
  return new Map(declarations.map((d) => [d.node, d]));
}

export type Target = (captured: Captured) => t.MemberExpression;

export function convertDeclaration(analysis: Analysis, declaration: Declaration, target: Target): void {
  const { node, parent } = declaration;
  if (t.isClassDeclaration(node)) {
    const captured = analysis.declared.get(node.id!)!;
    const expression = t.classExpression(node.id, node.superClass, node.body, node.decorators ?? []);
    replaceStatement(parent, node, [t.expressionStatement(t.assignmentExpression("=", target(captured), expression))]);
    return;
  }
  // Loop heads whose bindings moved into a per-iteration scope object are converted there.
  if (t.isForStatement(parent) && parent.init === node && analysis.blockScopes.has(parent)) return;
  if (t.isForXStatement(parent) && parent.left === node && analysis.blockScopes.has(parent)) return;
  const { statements, hoistedVars, expressions } = convertDeclarators(analysis, node, target);
  if (t.isForStatement(parent) && parent.init === node) {
    // `var` in a for head: non-captured names are declared by a `var` before the loop.
    parent.init = expressions.length === 0 ? null : sequence(expressions);
    if (hoistedVars.length > 0) declareVarsBefore(declaration, hoistedVars);
    return;
  }
  if (t.isForXStatement(parent) && parent.left === node) {
    parent.left = patternWithTargets(analysis, node.declarations[0]!.id, target) as t.LVal;
    if (hoistedVars.length > 0) declareVarsBefore(declaration, hoistedVars);
    return;
  }
  replaceStatement(parent, node, statements);
}

export function declareVarsBefore(declaration: Declaration, names: string[]): void {
  const statement = declaration.path.parentPath!.getStatementParent()!;
  statement.insertBefore(t.variableDeclaration("var", names.map((n) => t.variableDeclarator(t.identifier(n)))));
}

export interface Converted {
  statements: t.Statement[];
  /** `var` names that stay ordinary (declared separately). */
  hoistedVars: string[];
  /** The same, as expressions (for loop heads). */
  expressions: t.Expression[];
}

export function convertDeclarators(analysis: Analysis, node: t.VariableDeclaration, target: Target): Converted {
  const out: Converted = { statements: [], hoistedVars: [], expressions: [] };
  for (const declarator of node.declarations) {
    const ids = Object.values(t.getBindingIdentifiers(declarator.id, false) as Record<string, t.Identifier | t.Identifier[]>).flat();
    const captured = ids.filter((id) => analysis.declared.has(id));
    if (captured.length === 0) {
      out.statements.push(t.variableDeclaration(node.kind, [declarator]));
      if (node.kind === "var") out.hoistedVars.push(...ids.map((id) => id.name));
      if (declarator.init != null) out.expressions.push(t.assignmentExpression("=", declarator.id as t.LVal, declarator.init));
      continue;
    }
    const plain = ids.filter((id) => !analysis.declared.has(id)).map((id) => id.name);
    if (plain.length > 0) {
      const kind = node.kind === "var" ? "var" : "let";
      out.statements.push(t.variableDeclaration(kind, plain.map((n) => t.variableDeclarator(t.identifier(n)))));
      if (kind === "var") out.hoistedVars.push(...plain);
      else out.hoistedVars.push(...plain); // loop heads: only `var` reaches here
    }
    if (declarator.init == null && node.kind === "var") continue;
    const init = declarator.init ?? t.unaryExpression("void", t.numericLiteral(0));
    const assignment = t.assignmentExpression("=", patternWithTargets(analysis, declarator.id, target) as t.LVal, init);
    out.statements.push(t.expressionStatement(assignment));
    out.expressions.push(assignment);
  }
  return out;
}

/** A copy of a binding pattern whose captured identifiers are replaced by their members. */
export function patternWithTargets(analysis: Analysis, id: t.Node, target: Target): t.Node {
  const map = (node: t.Node): t.Node => {
    if (t.isIdentifier(node)) {
      const captured = analysis.declared.get(node);
      return captured === undefined ? node : target(captured);
    }
    if (t.isObjectPattern(node)) {
      return t.objectPattern(
        node.properties.map((property) =>
          t.isRestElement(property)
            ? t.restElement(map(property.argument) as t.Identifier)
            : t.objectProperty(property.key, map(property.value) as t.Expression, property.computed, false),
        ),
      );
    }
    if (t.isArrayPattern(node)) return t.arrayPattern(node.elements.map((e) => (e === null ? null : (map(e) as t.PatternLike))));
    if (t.isAssignmentPattern(node)) return t.assignmentPattern(map(node.left) as t.AssignmentPattern["left"], node.right);
    if (t.isRestElement(node)) return t.restElement(map(node.argument) as t.Identifier);
    return node;
  };
  return map(id);
}
