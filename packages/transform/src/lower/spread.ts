// Spread in call/new arguments and array literals whose elements leap. Regenerator evaluates a
// spread's operand early but iterates it only when the call is finally made (after the yields of
// later arguments), and crashes on spread arguments. So everything up to the last leaping element
// is evaluated into temporaries in order, each spread iterated into an array at its place:
//
//   f(...a, yield x)      →  (_f = f, _s = rt.spreadArray(a), _a = yield x, rt.spreadCall(_f, void 0, [..._s, _a]))
//   o.m(x, ...a, yield)   →  (_o = o, _f = _o.m, _a = x, _s = rt.spreadArray(a), _b = yield, rt.spreadCall(_f, _o, [_a, ..._s, _b]))
//   new C(...a, yield)    →  (_c = C, _s = rt.spreadArray(a), _a = yield, rt.spreadNew(_c, [..._s, _a]))
//   [x, ...a, yield]      →  (_a = x, _s = rt.spreadArray(a), _b = yield, [_a, ..._s, _b])
//
// The callee is read before the arguments, as the spec does. Elements after the last leaping one
// are left in place: nothing suspends after them.

import type { NodePath } from "@babel/core";
import * as t from "@babel/types";
import { assign, isConstant, isFunctionLiteral, sequence, voidZero } from "./build.js";
import type { Lowering } from "./context.js";

type Element = t.Expression | t.SpreadElement | t.ArgumentPlaceholder | null;

export function lowerSpreadCall(path: NodePath<t.CallExpression | t.NewExpression>, l: Lowering): void {
  const { node } = path;
  if (!needsLowering(node.arguments, l)) return;
  const callee = node.callee;
  if (t.isSuper(callee)) throw l.error(path, "super(...) with spread");
  if (t.isImport(callee) || t.isV8IntrinsicIdentifier(callee)) return;
  const before: t.Expression[] = [];
  let fn: t.Expression;
  let thisValue: t.Expression = voidZero();
  if (t.isNewExpression(node)) {
    fn = evaluated(callee, "constructor", before, l);
  } else if (t.isMemberExpression(callee)) {
    let object: t.Expression;
    if (t.isSuper(callee.object)) {
      object = t.thisExpression();
    } else {
      object = evaluated(callee.object, "object", before, l);
    }
    const method = t.memberExpression(t.isSuper(callee.object) ? callee.object : t.cloneNode(object), callee.property, callee.computed);
    fn = l.temp("function");
    before.push(assign(fn as t.Identifier, method));
    thisValue = object;
  } else {
    fn = evaluated(callee, "function", before, l);
  }
  const args = t.arrayExpression(evaluateInOrder(node.arguments, before, l));
  const call = t.isNewExpression(node) ? l.call("spreadNew", [fn, args]) : l.call("spreadCall", [fn, thisValue, args]);
  path.replaceWith(sequence([...before, call]));
}

export function lowerSpreadArray(path: NodePath<t.ArrayExpression>, l: Lowering): void {
  const { node } = path;
  if (!needsLowering(node.elements, l)) return;
  const before: t.Expression[] = [];
  const array = t.arrayExpression(evaluateInOrder(node.elements, before, l));
  path.replaceWith(sequence([...before, array]));
}

function needsLowering(elements: Element[], l: Lowering): boolean {
  return elements.some((e) => t.isSpreadElement(e)) && elements.some((e) => e !== null && l.leaps(e));
}

/** `value` itself if it is a constant, this, or a temporary; otherwise a new temporary assigned
 * in `before`. */
function evaluated(value: t.Expression, hint: string, before: t.Expression[], l: Lowering): t.Expression {
  if (isConstant(value) || t.isThisExpression(value) || l.isTemp(value)) return value;
  const temp = l.temp(hint);
  before.push(assign(temp, value));
  return t.cloneNode(temp);
}

/** The elements up to the last leaping one, evaluated (spreads iterated) into temporaries in
 * `before`; the rest unchanged. Holes stay holes. */
function evaluateInOrder(elements: Element[], before: t.Expression[], l: Lowering): (t.Expression | t.SpreadElement | null)[] {
  let last = elements.length - 1;
  while (last >= 0 && !l.leaps(elements[last])) last--;
  return elements.map((element, i) => {
    if (element === null || t.isArgumentPlaceholder(element)) return null;
    if (i > last) return element;
    if (t.isSpreadElement(element)) {
      const temp = l.temp("spread");
      before.push(assign(temp, l.call("spreadArray", [element.argument])));
      return t.spreadElement(t.cloneNode(temp));
    }
    if (isFunctionLiteral(element)) return element;
    return evaluated(element, "arg", before, l);
  });
}
