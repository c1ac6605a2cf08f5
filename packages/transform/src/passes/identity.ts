// Function identity: every compiled function site (closures' ids, see closures/analyze.ts) gets a
// hash of its normalized source — printed from its syntax tree without comments or layout, so
// reformatting and comment edits change nothing — and, for a generator's state machine, of its
// frame layout (resume points and locals, i.e. the compiled body). A lifted function also lists
// the captured-variable paths its code reads through its scope parameter, and a class the fields
// it declares: a resume that upgrades code (spickle resume --upgrade) checks that a closure's
// captured variables and an instance's fields still fit the new definition.
//
// The table goes into the module's info (`sites`) and is returned by compile, so `spickle diff`
// compares a checkpoint with the sources on disk without running either.

import { createHash } from "node:crypto";
import { types as t, type NodePath, type PluginObj } from "@babel/core";
import generateModule from "@babel/generator";
import type { Unit } from "./closures/units.js";

type Generate = typeof import("@babel/generator").default;
const generate: Generate = (generateModule as unknown as { default?: Generate }).default ?? (generateModule as unknown as Generate);

/** What a module records about one function site. */
export interface SiteIdentity {
  /** Hash of the normalized source (and, for a generator's state machine, its frame layout). */
  h: string;
  /** Unit kind: declaration, function, arrow, method, class, classMember, field, body, … */
  k: string;
  /** 1-based line of the site in the original source (0: made by the compiler). */
  l: number;
  /** Captured-variable paths the function reads through its scope (lifted functions). */
  s?: string[];
  /** Instance fields a class declares (and its constructor assigns to `this`). */
  f?: string[];
}

export type SiteTable = Record<string, SiteIdentity>;

interface SourceFacts {
  hash: string;
  line: number;
  fields?: string[];
}

/** Collected while one module compiles: the parse's facts, then the closures pass's units. */
export interface IdentityState {
  facts: WeakMap<t.Node, SourceFacts>;
  table: SiteTable;
}

const hash = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 16);

function normalized(node: t.Node): string {
  return generate(node, { minified: true, comments: false }).code;
}

/** Facts of every function and class node of the freshly parsed `ast` (the passes keep these
 * node objects, so the closures pass finds them by node). */
export function recordSourceFacts(ast: t.Node): IdentityState {
  const facts = new WeakMap<t.Node, SourceFacts>();
  t.traverseFast(ast, (node) => {
    if (!t.isFunction(node) && !t.isClass(node) && !isFieldWithValue(node)) return;
    const entry: SourceFacts = { hash: hash(normalized(node)), line: node.loc?.start.line ?? 0 };
    if (t.isClass(node)) entry.fields = declaredFields(node);
    facts.set(node, entry);
  });
  return { facts, table: {} };
}

function isFieldWithValue(node: t.Node): boolean {
  return (t.isClassProperty(node) || t.isClassPrivateProperty(node)) && node.value != null;
}

/** Instance fields: declared (not static), and `this.x = …` in the constructor. */
function declaredFields(node: t.Class): string[] {
  const fields = new Set<string>();
  for (const member of node.body.body) {
    if ((t.isClassProperty(member) || t.isClassPrivateProperty(member) || t.isClassAccessorProperty(member)) && !member.static) {
      if (t.isPrivateName(member.key)) fields.add(`#${member.key.id.name}`);
      else if (t.isIdentifier(member.key) && !(member as { computed?: boolean }).computed) fields.add(member.key.name);
      else if (t.isStringLiteral(member.key)) fields.add(member.key.value);
    }
    if (t.isClassMethod(member) && member.kind === "constructor") {
      for (const param of member.params) {
        // TypeScript parameter properties: `constructor(private x: number)`
        if (t.isTSParameterProperty(param) && t.isIdentifier(param.parameter)) fields.add(param.parameter.name);
      }
      t.traverseFast(member.body, (inner) => {
        if (t.isAssignmentExpression(inner) && t.isMemberExpression(inner.left) && t.isThisExpression(inner.left.object) && !inner.left.computed) {
          const key = inner.left.property;
          if (t.isIdentifier(key)) fields.add(key.name);
          else if (t.isPrivateName(key)) fields.add(`#${key.id.name}`);
        }
      });
    }
  }
  return [...fields].sort();
}

/** Records the closures pass's units (ids assigned, before the rewrite): each unit's hash is its
 * source's; a generator's state machine (no source of its own) hashes its owner's source with
 * its compiled body, which fixes its resume points and locals. */
export function recordUnits(state: IdentityState, units: readonly Unit[]): void {
  const byNode = new Map<t.Node, Unit>();
  for (const unit of units) byNode.set(unit.node, unit);
  for (const unit of units) {
    if (unit.kind === "wrapper" || unit.id === "") continue;
    const facts = state.facts.get(unit.node);
    if (unit.localsName !== null) {
      const owner = unit.id.endsWith("$body") ? state.table[unit.id.slice(0, -"$body".length)] : undefined;
      state.table[unit.id] = { h: hash(`${owner?.h ?? ""}\n${frameLayout(unit.node, unit.localsName)}`), k: "body", l: owner?.l ?? 0 };
      continue;
    }
    const entry: SiteIdentity = { h: facts?.hash ?? hash(normalized(unit.node)), k: unit.kind, l: facts?.line ?? 0 };
    if (facts?.fields !== undefined) entry.f = facts.fields;
    state.table[unit.id] = entry;
  }
}

/** A state machine's resume points (its `case` labels) and the locals it keeps (`L.name`): not
 * its text, whose compiler-made names shift when other functions of the file change. */
function frameLayout(body: t.Node, localsName: string): string {
  const points = new Set<number>();
  const locals = new Set<string>();
  t.traverseFast(body, (node) => {
    if (t.isSwitchCase(node) && t.isNumericLiteral(node.test)) points.add(node.test.value);
    if (t.isMemberExpression(node) && t.isIdentifier(node.object, { name: localsName }) && !node.computed && t.isIdentifier(node.property)) locals.add(node.property.name);
  });
  return `${[...points].sort((a, b) => a - b).join(",")};${[...locals].sort().join(",")}`;
}

/** After the module pass: each factory's scope paths, and the table as the module info's `sites`. */
export function identityPlugin(state: IdentityState, runtimeName: () => string): PluginObj {
  return {
    name: "spickle-identity",
    visitor: {
      Program: {
        exit(program) {
          const rt = runtimeName();
          const factories = registeredFactories(program.node, rt);
          for (const statement of program.get("body")) {
            const s = statement.node;
            if (!statement.isFunctionDeclaration() || !t.isFunctionDeclaration(s) || s.id == null) continue;
            const siteId = factories.get(s.id.name);
            const param = s.params[0];
            if (siteId === undefined || !t.isIdentifier(param) || state.table[siteId] === undefined) continue;
            const paths = scopePaths(statement, param.name);
            if (paths.length > 0) state.table[siteId]!.s = paths;
          }
          attachToInfo(program, rt, state.table);
        },
      },
    },
  };
}

function isRuntimeCall(node: t.Node | null | undefined, rt: string, name: string): node is t.CallExpression {
  return t.isCallExpression(node) && t.isMemberExpression(node.callee) && t.isIdentifier(node.callee.object, { name: rt }) && t.isIdentifier(node.callee.property, { name });
}

/** factory function name → site id, from the module's `registerSites(id, factories, …)`. */
function registeredFactories(program: t.Program, rt: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of program.body) {
    const call = t.isVariableDeclaration(s) ? s.declarations[0]?.init : t.isExpressionStatement(s) ? s.expression : null;
    if (!isRuntimeCall(call, rt, "registerSites")) continue;
    const factories = call.arguments[1];
    if (!t.isObjectExpression(factories)) continue;
    for (const p of factories.properties) {
      if (t.isObjectProperty(p) && t.isStringLiteral(p.key) && t.isIdentifier(p.value)) out.set(p.value.name, p.key.value);
    }
  }
  return out;
}

/** `$c.$parent.x.y` → "$parent.x.y": the `$parent` links and the two names after them (a
 * captured variable, or a site scope and its member). */
function scopePaths(fn: NodePath<t.FunctionDeclaration>, param: string): string[] {
  const paths = new Set<string>();
  fn.traverse({
    Identifier(path) {
      if (path.node.name !== param) return;
      const segments: string[] = [];
      let at: NodePath = path;
      let named = 0;
      while (at.parentPath?.isMemberExpression({ object: at.node }) === true && !at.parentPath.node.computed && named < 2) {
        const property = at.parentPath.node.property;
        if (!t.isIdentifier(property)) break;
        segments.push(property.name);
        if (property.name !== "$parent") named++;
        at = at.parentPath;
      }
      if (named > 0) paths.add(segments.join("."));
    },
  });
  return [...paths].sort();
}

/** Adds `sites: {…}` to the module info literal of `_rt.registerModule(INFO, …)`. */
function attachToInfo(program: NodePath<t.Program>, rt: string, table: SiteTable): void {
  for (const s of program.node.body) {
    if (!t.isExpressionStatement(s) || !isRuntimeCall(s.expression, rt, "registerModule")) continue;
    const info = s.expression.arguments[0];
    if (t.isObjectExpression(info)) info.properties.push(t.objectProperty(t.identifier("sites"), t.valueToNode(table)));
    return;
  }
}
