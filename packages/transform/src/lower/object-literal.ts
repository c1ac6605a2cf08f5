// Object literals with spreads or computed keys whose properties leap. Regenerator leaves keys and
// spreads in the final literal, built after all the yields of the values (and a yield inside a
// computed key is not lowered at all). So every property up to the last leaping one has its
// computed key (converted with ToPropertyKey, once, as the literal does), its value and its spread
// (copied at its place: own enumerable properties, define semantics) evaluated into temporaries:
//
//   { a: x, [k]: yield, ...o, b: yield }
//     →  (_a = x, _k = rt.toPropertyKey(k), _b = yield, _s = rt.spreadObject(o), _c = yield,
//         { a: _a, [_k]: _b, ..._s, b: _c })
//
// Methods, accessors and function values stay in the literal (their creation is not observable,
// and staying keeps their home object and inferred name); only their computed keys move. A literal
// with methods is rewritten too, even without spreads or computed keys: the closure pass may wrap
// it in a function (to pass it per-iteration environments), where a yield could not stay.

import type { NodePath } from "@babel/core";
import * as t from "@babel/types";
import { assign, isConstant, isFunctionLiteral, sequence } from "./build.js";
import type { Lowering } from "./context.js";

type Property = t.ObjectExpression["properties"][number];

export function lowerObjectLiteral(path: NodePath<t.ObjectExpression>, l: Lowering): void {
  const { node } = path;
  if (!node.properties.some((p) => hasDynamicShape(p) || t.isObjectMethod(p)) || !l.leaps(node)) return;
  let last = node.properties.length - 1;
  while (last >= 0 && !propertyLeaps(node.properties[last]!, l)) last--;
  if (last < 0) return; // only method bodies leap: regenerator keeps methods as they are
  const before: t.Expression[] = [];
  const properties = node.properties.map((property, i) => (i > last ? property : evaluateProperty(property, before, l)));
  path.replaceWith(sequence([...before, t.objectExpression(properties)]));
}

function hasDynamicShape(property: Property): boolean {
  return t.isSpreadElement(property) || (property.computed && !isConstant(property.key));
}

/** What the enclosing function evaluates: keys, values and spread operands (not method bodies). */
function propertyLeaps(property: Property, l: Lowering): boolean {
  if (t.isSpreadElement(property)) return l.leaps(property.argument);
  if (property.computed && l.leaps(property.key)) return true;
  return t.isObjectProperty(property) && l.leaps(property.value);
}

function evaluateProperty(property: Property, before: t.Expression[], l: Lowering): Property {
  if (t.isSpreadElement(property)) {
    const temp = l.temp("spread");
    before.push(assign(temp, l.call("spreadObject", [property.argument])));
    return t.spreadElement(t.cloneNode(temp));
  }
  let key = property.key;
  if (property.computed && !isConstant(key) && !l.isTemp(key)) {
    const temp = l.temp("key");
    before.push(assign(temp, l.call("toPropertyKey", [key as t.Expression])));
    key = t.cloneNode(temp);
  }
  if (t.isObjectMethod(property)) {
    property.key = key as t.ObjectMethod["key"];
    return property;
  }
  let value = property.value as t.Expression;
  if (!isConstant(value) && !isFunctionLiteral(value) && !l.isTemp(value)) {
    const temp = l.temp("value");
    before.push(assign(temp, value));
    value = t.cloneNode(temp);
  }
  // `{ __proto__ }` defines a property; `{ __proto__: v }` would set the prototype instead.
  if (property.shorthand && t.isIdentifier(key, { name: "__proto__" })) return t.objectProperty(t.stringLiteral("__proto__"), value, true);
  return t.objectProperty(key, value, property.computed, false);
}
