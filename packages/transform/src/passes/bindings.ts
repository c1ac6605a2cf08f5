// What Babel's scope analysis does not say directly about a binding, shared by the passes that
// move bindings (generator locals, closure scopes).

import type { NodePath } from "@babel/core";

type Binding = NonNullable<ReturnType<NodePath["scope"]["getBinding"]>>;

/** Identifier paths through which `violation` assigns `binding` (declarations excluded). */
export function assignedIdentifiers(violation: NodePath, binding: Binding): NodePath[] {
  if (violation.isVariableDeclarator() || violation.isFunctionDeclaration() || violation.isClassDeclaration()) return [];
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
      if (id.node.name !== name) return;
      if (id.parentPath.isMemberExpression({ property: id.node }) && !id.parentPath.node.computed) return;
      if (id.parentPath.isObjectProperty() && id.key === "key" && !id.parentPath.node.computed) return;
      if (id.scope.getBinding(name) === binding) found.push(id);
    },
  });
  return found;
}
