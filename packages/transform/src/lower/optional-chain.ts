// Optional chains (`a?.b`, `a?.[k]`, `a?.(x)`, `a.b?.(x)`, `a?.b.c?.d(x)`, `delete a?.b`), which
// regenerator does not know. The whole chain becomes one conditional whose test evaluates the
// chain up to each `?.` into a temporary and checks it, left to right:
//
//   a?.b.c?.(x)  →  (_v = a) === null || _v === void 0 ||
//                   (_f = (_o = _v.b).c) === null || _f === void 0
//                     ? void 0 : rt.callMethod(_f, _o, x)
//
// An optional call on a member keeps `this` (`_o`); a `delete` of the chain yields `true` when it
// short-circuits; a parenthesized chain called as `(a?.b)(x)` also keeps `this`.

import type { NodePath } from "@babel/core";
import * as t from "@babel/types";
import { assign, voidZero } from "./build.js";
import type { Lowering } from "./context.js";

type Link =
  | { kind: "member"; property: t.Expression | t.PrivateName; computed: boolean; optional: boolean }
  | { kind: "call"; args: (t.Expression | t.SpreadElement | t.ArgumentPlaceholder)[]; optional: boolean };

type Chain = t.OptionalMemberExpression | t.OptionalCallExpression;

export function lowerOptionalChain(path: NodePath<Chain>, l: Lowering): void {
  if (!isChainTop(path)) return;
  const { base, links } = flatten(path.node);
  const parent = path.parentPath;
  const deletes = parent.isUnaryExpression({ operator: "delete" });
  const calledWithThis = parent.isCallExpression() && parent.node.callee === path.node && links[links.length - 1]!.kind === "member";
  // `(a?.b)(yield)`: regenerator would move the callee into a temporary and lose `this`.
  if (!l.leaps(path.node) && !(calledWithThis && l.leaps(parent.node))) return;

  const checks: t.Expression[] = [];
  let current: t.Expression = base;
  let thisValue: t.Expression | null = null; // set when `current` is a function to call with `this`
  for (let i = 0; i < links.length; i++) {
    const link = links[i]!;
    const isLast = i === links.length - 1;
    if (link.optional) {
      if (link.kind === "call" && t.isMemberExpression(current)) {
        const { object, value } = splitMember(current, l);
        const fn = l.temp("function");
        checks.push(nullishTest(fn, value));
        current = fn;
        thisValue = object;
      } else {
        const temp = l.temp("value");
        checks.push(nullishTest(temp, current));
        current = temp;
      }
    }
    if (link.kind === "member") {
      if (isLast && calledWithThis) {
        // `(a?.b)(x)`: the caller needs the object too.
        const objectTemp = l.temp("object");
        current = t.memberExpression(assign(objectTemp, current), link.property, link.computed);
        thisValue = objectTemp;
      } else {
        current = t.memberExpression(current, link.property, link.computed);
      }
    } else {
      current =
        thisValue === null
          ? t.callExpression(current, link.args)
          : l.call("callMethod", [t.cloneNode(current), t.cloneNode(thisValue), ...(link.args as (t.Expression | t.SpreadElement)[])]);
      thisValue = null;
    }
  }

  const test = checks.reduce((all, check) => t.logicalExpression("||", all, check));
  if (deletes) {
    parent.replaceWith(t.conditionalExpression(test, t.booleanLiteral(true), t.unaryExpression("delete", current)));
  } else if (calledWithThis && thisValue !== null) {
    const call = parent.node as t.CallExpression;
    parent.replaceWith(
      l.call("callMethod", [
        t.conditionalExpression(test, voidZero(), current),
        t.cloneNode(thisValue),
        ...(call.arguments as (t.Expression | t.SpreadElement)[]),
      ]),
    );
  } else {
    path.replaceWith(t.conditionalExpression(test, voidZero(), current));
  }
}

/** The outermost node of a chain (its parent does not continue it). */
function isChainTop(path: NodePath<Chain>): boolean {
  const parent = path.parent;
  if (t.isOptionalMemberExpression(parent) && parent.object === path.node) return false;
  if (t.isOptionalCallExpression(parent) && parent.callee === path.node) return false;
  return true;
}

function flatten(node: Chain): { base: t.Expression; links: Link[] } {
  const links: Link[] = [];
  let current: t.Expression = node;
  for (;;) {
    if (t.isOptionalMemberExpression(current)) {
      links.unshift({ kind: "member", property: current.property, computed: current.computed, optional: current.optional });
      current = current.object;
    } else if (t.isOptionalCallExpression(current)) {
      links.unshift({ kind: "call", args: current.arguments, optional: current.optional });
      current = current.callee;
    } else {
      return { base: current, links };
    }
  }
}

/** `(temp = value) === null || temp === void 0` */
function nullishTest(temp: t.Identifier, value: t.Expression): t.Expression {
  return t.logicalExpression(
    "||",
    t.binaryExpression("===", assign(temp, value), t.nullLiteral()),
    t.binaryExpression("===", t.cloneNode(temp), voidZero()),
  );
}

/** For `o.m?.()`: the object in a temporary (unless it is `this`/`super`) and the method read. */
function splitMember(member: t.MemberExpression, l: Lowering): { object: t.Expression; value: t.Expression } {
  if (t.isSuper(member.object)) return { object: t.thisExpression(), value: member };
  if (t.isThisExpression(member.object) || l.isTemp(member.object)) return { object: member.object, value: member };
  const object = l.temp("object");
  return { object, value: t.memberExpression(assign(object, member.object), member.property, member.computed) };
}
