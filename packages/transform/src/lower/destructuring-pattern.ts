// The core of the destructuring rewrite: a pattern and a source value become sequential
// statements, evaluated in the spec's order.
//
//   object pattern:  _ref = rt.requireObjectCoercible(value);
//                    _key = rt.toPropertyKey(k);                (computed keys, converted once)
//                    TARGET = (_v = _ref[_key]) === void 0 ? DEFAULT : _v;
//                    REST = rt.objectRest(_ref, ["a", _key]);
//   array pattern:   _iterator = rt.iter(value);
//                    try { TARGET = rt.stepValue(_iterator); ... REST = rt.restOf(_iterator); }
//                    (closed as in iterator-close.ts, also when a default throws or a generator
//                    return()/throw() arrives at a yield inside it; closed normally if not
//                    exhausted)
//
// A member-expression target (assignment patterns) has its object and key evaluated before the
// value is read, as the spec does. How an identifier target is bound depends on the mode.

import * as t from "@babel/types";
import { assign, isConstant, memberByName, voidZero } from "./build.js";
import type { Lowering } from "./context.js";
import { closingTry } from "./iterator-close.js";

export type BindingMode =
  /** Targets are assigned: `var` bindings, and the targets of assignment patterns. */
  | { kind: "assign" }
  /** Each binding becomes its own `let`/`const` declaration, in order (no array pattern: the
   * try statement of one would scope the declarations inside it). */
  | { kind: "declare"; declaration: "let" | "const" }
  /** Each binding is assigned to its temporary; the caller declares the bindings afterwards. */
  | { kind: "collect"; temps: Map<string, t.Identifier> };

type Target = t.LVal | t.PatternLike | t.OptionalMemberExpression;

export class PatternLowering {
  readonly statements: t.Statement[] = [];
  /** Temporaries holding user values, to clear once the pattern is done. */
  readonly cleared: t.Identifier[] = [];

  constructor(
    private readonly l: Lowering,
    private readonly mode: BindingMode,
  ) {}

  /** Binds `target` (an identifier, member expression or pattern) to `value`. */
  bind(target: Target, value: t.Expression): void {
    if (t.isObjectPattern(target)) {
      const source = this.temp("ref");
      this.emit(assign(source, this.l.call("requireObjectCoercible", [value])));
      this.objectPattern(target, source);
    } else if (t.isArrayPattern(target)) {
      this.arrayPattern(target, value);
    } else if (t.isIdentifier(target)) {
      this.bindIdentifier(target, value);
    } else if (t.isMemberExpression(target)) {
      this.emit(assign(target, value));
    } else {
      throw new Error(`unexpected destructuring target ${target.type}`);
    }
  }

  /** Destructures `source` (a temporary) with an object pattern. */
  objectPattern(pattern: t.ObjectPattern, source: t.Identifier): void {
    const seen: t.Expression[] = [];
    for (const property of pattern.properties) {
      if (t.isRestElement(property)) {
        const target = this.prepare(property.argument);
        this.bind(target, this.l.call("objectRest", [t.cloneNode(source), t.arrayExpression(seen.map((k) => t.cloneNode(k)))]));
        continue;
      }
      const key = this.propertyKey(property);
      seen.push(key);
      const value = t.isStringLiteral(key) ? memberByName(source, key.value) : t.memberExpression(t.cloneNode(source), t.cloneNode(key), true);
      this.element(property.value as Target, value);
    }
  }

  private arrayPattern(pattern: t.ArrayPattern, value: t.Expression): void {
    const record = this.l.temp("iterator");
    this.emit(assign(record, this.l.call("iter", [value])));
    const inner = new PatternLowering(this.l, this.mode);
    const step = (): t.Expression => this.l.call("stepValue", [t.cloneNode(record)]);
    for (const element of pattern.elements) {
      if (element === null) {
        inner.emit(step());
      } else if (t.isRestElement(element)) {
        inner.bind(inner.prepare(element.argument), this.l.call("restOf", [t.cloneNode(record)]));
      } else {
        inner.element(element, step());
      }
    }
    this.cleared.push(...inner.cleared);
    this.statements.push(closingTry(this.l, record, inner.statements));
  }

  /** One property value or array element: target (with its default), bound to `value`. */
  private element(node: Target, value: t.Expression): void {
    let target = node;
    let fallback: t.Expression | null = null;
    if (t.isAssignmentPattern(node)) {
      target = node.left;
      fallback = node.right;
    }
    target = this.prepare(target);
    if (fallback !== null) {
      const temp = this.temp("value");
      value = t.conditionalExpression(
        t.binaryExpression("===", assign(temp, value), voidZero()),
        fallback,
        t.cloneNode(temp),
      );
    }
    this.bind(target, value);
  }

  /** The property key as a string literal, or a temporary holding the converted computed key. */
  private propertyKey(property: t.ObjectProperty): t.Expression {
    const key = property.key;
    if (!property.computed || isConstant(key)) {
      if (t.isIdentifier(key)) return t.stringLiteral(key.name);
      if (t.isStringLiteral(key)) return t.stringLiteral(key.value);
      if (t.isNumericLiteral(key)) return t.stringLiteral(String(key.value));
      if (t.isBigIntLiteral(key)) return t.stringLiteral(String(BigInt(key.value)));
    }
    const temp = this.l.temp("key");
    this.emit(assign(temp, this.l.call("toPropertyKey", [key as t.Expression])));
    return temp;
  }

  /** A member-expression target with its object and key evaluated now, into temporaries. */
  private prepare(target: Target): Target {
    if (!t.isMemberExpression(target)) return target;
    let object = target.object;
    if (!t.isSuper(object) && !t.isThisExpression(object) && !this.l.isTemp(object)) {
      const temp = this.temp("object");
      this.emit(assign(temp, object));
      object = t.cloneNode(temp);
    }
    let property = target.property;
    if (target.computed && !isConstant(property) && !this.l.isTemp(property)) {
      const temp = this.l.temp("key");
      this.emit(assign(temp, property as t.Expression));
      property = t.cloneNode(temp);
    }
    return t.memberExpression(object, property, target.computed);
  }

  private bindIdentifier(id: t.Identifier, value: t.Expression): void {
    const mode = this.mode;
    if (mode.kind === "assign") {
      this.emit(assign(id, value));
    } else if (mode.kind === "declare") {
      this.statements.push(t.variableDeclaration(mode.declaration, [t.variableDeclarator(t.identifier(id.name), value)]));
    } else {
      const temp = mode.temps.get(id.name);
      if (temp === undefined) throw new Error(`no temporary for ${id.name}`);
      this.emit(assign(temp, value));
    }
  }

  private temp(hint: string): t.Identifier {
    const temp = this.l.temp(hint);
    this.cleared.push(temp);
    return temp;
  }

  private emit(expression: t.Expression): void {
    this.statements.push(t.expressionStatement(expression));
  }
}

/** `a = b = void 0`, clearing the temporaries (nothing if there are none). */
export function clearing(temps: t.Identifier[]): t.Statement[] {
  if (temps.length === 0) return [];
  const value = temps.reduceRight<t.Expression>((rest, temp) => t.assignmentExpression("=", t.cloneNode(temp), rest), voidZero());
  return [t.expressionStatement(value)];
}

/** Whether an array pattern appears in the structure of `pattern` (not in its default values). */
export function hasArrayPattern(pattern: Target): boolean {
  if (t.isArrayPattern(pattern)) return true;
  if (t.isAssignmentPattern(pattern)) return hasArrayPattern(pattern.left);
  if (t.isRestElement(pattern)) return hasArrayPattern(pattern.argument);
  if (t.isObjectPattern(pattern)) {
    return pattern.properties.some((p) => (t.isRestElement(p) ? hasArrayPattern(p.argument) : hasArrayPattern(p.value as Target)));
  }
  return false;
}
