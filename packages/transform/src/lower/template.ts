// Template literals, which regenerator does not know.
//
//   `a${x}b${y}`  →  "a" + rt.templateString(x) + "b" + rt.templateString(y)
//
// Each substitution is converted with ToString (a symbol throws, `toString` is preferred over
// `valueOf`) right after it is evaluated, left to right, as the template does; the `+` then only
// joins strings.
//
//   tag`a${x}`    →  tag(_templateObject || (_templateObject = rt.templateObject(["a", ""], ["a", ""])), x)
//
// The strings array must be the same frozen object at every evaluation of the call site, so it is
// cached in a module-level variable. A member tag keeps its `this` as a member call.

import type { NodePath } from "@babel/core";
import * as t from "@babel/types";
import { assign, voidZero } from "./build.js";
import type { Lowering } from "./context.js";

export function lowerTemplateLiteral(path: NodePath<t.TemplateLiteral>, l: Lowering): void {
  const { node } = path;
  if (path.parentPath.isTaggedTemplateExpression() || !l.leaps(node)) return;
  const parts: t.Expression[] = [];
  node.quasis.forEach((quasi, i) => {
    const text = quasi.value.cooked ?? quasi.value.raw;
    if (text !== "") parts.push(t.stringLiteral(text));
    const expression = node.expressions[i];
    if (expression) parts.push(l.call("templateString", [expression as t.Expression]));
  });
  path.replaceWith(parts.reduce((sum, part) => t.binaryExpression("+", sum, part)));
}

export function lowerTaggedTemplate(path: NodePath<t.TaggedTemplateExpression>, l: Lowering): void {
  const { node } = path;
  if (!l.leaps(node)) return;
  const cache = l.moduleVar("templateObject");
  const cooked = node.quasi.quasis.map((q) => (q.value.cooked === null || q.value.cooked === undefined ? voidZero() : t.stringLiteral(q.value.cooked)));
  const raw = node.quasi.quasis.map((q) => t.stringLiteral(q.value.raw));
  const strings = t.logicalExpression(
    "||",
    t.cloneNode(cache),
    assign(cache, l.call("templateObject", [t.arrayExpression(cooked), t.arrayExpression(raw)])),
  );
  path.replaceWith(t.callExpression(node.tag, [strings, ...(node.quasi.expressions as t.Expression[])]));
}
