// `useDefineForClassFields: false` (tsc's default before ES2022, and what many projects set):
// public instance fields with an initializer are assigned in the constructor (`this.x = …`, so a
// parent's setter runs), after `super(…)` and after parameter properties, as tsc emits them;
// fields without an initializer are type declarations only and vanish. Static fields, private
// (`#x`) fields, computed keys and decorated fields keep their definition.

import type { NodePath, PluginObj } from "@babel/core";
import * as t from "@babel/types";

export const assignedClassFieldsPlugin: PluginObj = {
  name: "spickle-assigned-class-fields",
  visitor: {
    Class(path) {
      const body = path.get("body");
      const assignments: t.Statement[] = [];
      for (const member of body.get("body")) {
        if (!member.isClassProperty()) continue;
        const node = member.node;
        if (node.static || node.computed || (node.decorators?.length ?? 0) > 0 || node.declare) continue;
        if (node.value == null) {
          member.remove();
          continue;
        }
        const key = t.isIdentifier(node.key) ? t.identifier(node.key.name) : t.cloneNode(node.key);
        const target = t.isIdentifier(key) ? t.memberExpression(t.thisExpression(), key) : t.memberExpression(t.thisExpression(), key as t.Expression, true);
        assignments.push(t.expressionStatement(t.assignmentExpression("=", target, node.value)));
        member.remove();
      }
      if (assignments.length === 0) return;
      const derived = path.node.superClass != null;
      let constructor = body.get("body").find((m): m is NodePath<t.ClassMethod> => m.isClassMethod({ kind: "constructor" }));
      if (constructor === undefined) {
        const args = t.identifier("args");
        const method = t.classMethod(
          "constructor",
          t.identifier("constructor"),
          derived ? [t.restElement(args)] : [],
          t.blockStatement(derived ? [t.expressionStatement(t.callExpression(t.super(), [t.spreadElement(t.identifier("args"))]))] : []),
        );
        body.unshiftContainer("body", method);
        constructor = body.get("body")[0] as NodePath<t.ClassMethod>;
      }
      const statements = constructor.get("body").get("body");
      const superCall = derived
        ? statements.find((s) => s.isExpressionStatement() && t.isCallExpression(s.node.expression) && t.isSuper(s.node.expression.callee))
        : undefined;
      if (superCall !== undefined) superCall.insertAfter(assignments);
      else constructor.get("body").unshiftContainer("body", assignments);
    },
  },
};
