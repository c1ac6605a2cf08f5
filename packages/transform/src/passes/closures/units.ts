// Units: the pieces of code that have their own `this`/variables — functions (every kind), classes,
// class field initializers and static blocks. A function literal or class is *lifted* (created
// through a module-level factory) unless it is a class member (it moves with its class), a
// module-level function declaration (tagged in place), or uses `super` from an arrow or an
// object-literal method (its home object would be lost).

import { types as t, type NodePath } from "@babel/core";
import type { ScopeObject } from "./scopes.js";

export type UnitKind =
  | "declaration" // module-level function declaration: not lifted, tagged with scope null
  | "function" // function declaration (nested) or expression
  | "arrow"
  | "method" // object-literal method
  | "getter"
  | "setter"
  | "class" // class declaration or expression: its whole body moves into its factory
  | "classMember" // class method, constructor or accessor (moves with its class)
  | "field" // class field initializer
  | "staticBlock"
  | "wrapper"; // `((e) => closure)(L.$eN)` made by the locals pass

export interface Unit {
  path: NodePath;
  node: t.Node;
  kind: UnitKind;
  parent: Unit | null;
  lifted: boolean;
  /** Non-arrow functions have their own `this`, `arguments`, `new.target`. */
  arrow: boolean;
  /** Locals parameter name when this is a generator body state machine. */
  localsName: string | null;
  /** The wrapper's lifted body, when the wrapper call is replaced by the body's site. */
  inlineWrapper: Unit | null;
  /** Set on a lifted function inside an inlined wrapper. */
  wrapper: Unit | null;
  /** The class whose private names the lifted function uses: its factory is made inside that
   * class's body (per class made), not at module level. */
  home: Unit | null;
  /** Own scope object, made at entry, when it declares captured variables. */
  fnScope: ScopeObject | null;
  /** Scope object made at the site of a lifted unit (captured `this`, wrapper parameters). */
  siteScope: ScopeObject | null;
  id: string;
  /** The `name` a native function at this position has (undefined: it has its own id/key). */
  nativeName: string | undefined;
  depth: number;
}

export function isUnitNode(path: NodePath): boolean {
  if (path.isFunction() || path.isClass()) return true;
  if (path.isStaticBlock()) return true;
  if ((path.isClassProperty() || path.isClassPrivateProperty() || path.isClassAccessorProperty()) && path.node.value != null) {
    return true;
  }
  return false;
}

/** Whether `child` of `parent` is a computed key (evaluated outside the member). */
export function isComputedKeyOf(parent: t.Node, child: t.Node): boolean {
  return "key" in parent && (parent as { key: t.Node }).key === child && (parent as { computed?: boolean }).computed === true;
}

/** Whether `child` is `parent`'s heritage (`extends` expression: evaluated where the class is made). */
export function isHeritageOf(parent: t.Node, child: t.Node): boolean {
  return t.isClass(parent) && parent.superClass === child;
}

export interface BodyInfo {
  /** body function name → locals parameter name */
  bodies: Map<string, string>;
  runtimeName: string;
}

/** `(params) => expr` called at once with members of the generator's locals object. */
export function wrapperCall(path: NodePath<t.ArrowFunctionExpression>, localsNameOf: (fn: NodePath) => string | null): boolean {
  const node = path.node;
  if (node.async || t.isBlockStatement(node.body)) return false;
  const call = path.parentPath;
  if (!call.isCallExpression() || call.node.callee !== node) return false;
  if (!node.params.every((p) => t.isIdentifier(p)) || call.node.arguments.length !== node.params.length) return false;
  const fn = call.getFunctionParent();
  const L = fn === null ? null : localsNameOf(fn);
  if (L === null) return false;
  return call.node.arguments.every((arg) => t.isMemberExpression(arg) && t.isIdentifier(arg.object, { name: L }));
}

/** Private names (`#x`) used in the function that a class outside it declares: moving the
 * function out of that class body would make them a syntax error. */
export function usesOuterPrivateNames(path: NodePath<t.Function | t.Class>): boolean {
  const declared = new Set<string>();
  const used: string[] = [];
  path.traverse({
    ClassPrivateProperty(inner) {
      declared.add(inner.node.key.id.name);
    },
    ClassPrivateMethod(inner) {
      declared.add(inner.node.key.id.name);
    },
    PrivateName(inner) {
      used.push(inner.node.id.name);
    },
  });
  return used.some((name) => !declared.has(name));
}

/** `super` used directly in this function or in arrows inside it. */
export function usesSuper(path: NodePath<t.Function>): boolean {
  let found = false;
  path.traverse({
    Function(inner) {
      if (!inner.isArrowFunctionExpression()) inner.skip();
    },
    Class(inner) {
      inner.skip();
    },
    Super(inner) {
      found = true;
      inner.stop();
    },
  });
  return found;
}

// ---------------------------------------------------------------------------------------------
// Names

/** `_rt.name(arg, ...)` */
export function isRuntimeCall(node: t.Node | null | undefined, runtimeName: string, name: string): node is t.CallExpression {
  return (
    t.isCallExpression(node) &&
    t.isMemberExpression(node.callee) &&
    t.isIdentifier(node.callee.object, { name: runtimeName }) &&
    t.isIdentifier(node.callee.property, { name })
  );
}

export function keyName(key: t.Node, computed: boolean): string | undefined {
  if (computed) return undefined;
  if (t.isIdentifier(key)) return key.name;
  if (t.isStringLiteral(key)) return key.value;
  if (t.isNumericLiteral(key)) return String(key.value);
  if (t.isPrivateName(key)) return `#${key.id.name}`;
  return undefined;
}

/** The node that gives `node` its name: its parent, seen through compiler-made wrappers (and the
 * name a `named`/`mark` call on the way gives it). */
export function namingParent(path: NodePath, runtimeName: string): { parent: NodePath | null; child: t.Node; explicit?: string } {
  let child: NodePath = path;
  let parent = path.parentPath;
  let explicit: string | undefined;
  for (;;) {
    if (parent === null) return { parent, child: child.node, explicit };
    const node = parent.node;
    // `((e) => closure)(L.$e)`
    if (parent.isArrowFunctionExpression() && parent.node.body === child.node && parent.parentPath?.isCallExpression({ callee: node })) {
      child = parent.parentPath;
      parent = child.parentPath;
      continue;
    }
    if ((isRuntimeCall(node, runtimeName, "named") || isRuntimeCall(node, runtimeName, "mark")) && (node as t.CallExpression).arguments[0] === child.node) {
      const arg = (node as t.CallExpression).arguments[1];
      if (explicit === undefined && t.isStringLiteral(arg)) explicit = arg.value;
      child = parent;
      parent = parent.parentPath;
      continue;
    }
    return { parent, child: child.node, explicit };
  }
}

/** The `name` a native anonymous function gets from where it stands (ES NamedEvaluation). */
export function inferredName(path: NodePath, runtimeName: string): string | undefined {
  const { parent, child, explicit } = namingParent(path, runtimeName);
  if (explicit !== undefined) return explicit;
  if (parent === null) return undefined;
  const node = parent.node;
  if (t.isVariableDeclarator(node) && node.init === child && t.isIdentifier(node.id)) return node.id.name;
  if (t.isAssignmentExpression(node) && node.right === child && t.isIdentifier(node.left) && ["=", "||=", "&&=", "??="].includes(node.operator)) {
    return node.left.name;
  }
  if (t.isAssignmentPattern(node) && node.right === child && t.isIdentifier(node.left)) return node.left.name;
  if ((t.isObjectProperty(node) || t.isClassProperty(node) || t.isClassPrivateProperty(node)) && node.value === child) {
    // `["literal"]: () => …` is named by its literal key, like a plain key.
    const literalKey = t.isStringLiteral(node.key) || t.isNumericLiteral(node.key);
    return keyName(node.key, (node as { computed?: boolean }).computed === true && !literalKey);
  }
  if (t.isExportDefaultDeclaration(node)) return "default";
  return undefined;
}

/** A readable segment for ids: names where the code has one, `<arrow>` etc. otherwise. */
export function idSegment(path: NodePath, runtimeName: string): string {
  const node = path.node;
  if (t.isObjectMethod(node) || t.isClassMethod(node) || t.isClassPrivateMethod(node)) {
    const key = keyName(node.key, (node as { computed?: boolean }).computed === true) ?? "<computed>";
    if (node.kind === "get") return `<get>${key}`;
    if (node.kind === "set") return `<set>${key}`;
    return key;
  }
  if (t.isClassProperty(node) || t.isClassPrivateProperty(node) || t.isClassAccessorProperty(node)) {
    return keyName(node.key, (node as { computed?: boolean }).computed === true) ?? "<computed>";
  }
  if (t.isStaticBlock(node)) return "<static>";
  if (t.isClass(node)) {
    if (node.id != null) return node.id.name;
    const inferred = inferredName(path, runtimeName);
    return inferred !== undefined && inferred !== "" ? inferred : "<class>";
  }
  const explicit = namingParent(path, runtimeName).explicit;
  if (explicit !== undefined && explicit !== "") return explicit;
  if ((t.isFunctionDeclaration(node) || t.isFunctionExpression(node)) && node.id != null) return node.id.name;
  const inferred = inferredName(path, runtimeName);
  if (inferred !== undefined && inferred !== "") return inferred;
  if (t.isFunctionDeclaration(node)) return "default";
  if (t.isArrowFunctionExpression(node)) return "<arrow>";
  if (t.isClass(node)) return "<class>";
  return "<function>";
}

/** Escapes a segment so that `.` and `#` keep their meaning in ids. */
export function escapeSegment(segment: string): string {
  return /[.#"]/.test(segment) || segment === "" ? JSON.stringify(segment) : segment;
}
