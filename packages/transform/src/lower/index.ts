// The lowering pass: runs on each generator body before regenerator and rewrites what regenerator
// cannot take (or would lower into closures and native iterators) into equivalent code whose live
// state across a `yield` is plain data. One file per construct; see each for its rewrite.
//
// The rewrites run on exit (innermost first), so a construct is rewritten after everything inside
// it; the code a rewrite produces is traversed again (Babel requeues replaced nodes), which lowers
// what it introduces (a for-of head pattern becomes a declaration, `a ??= b` becomes `a ?? ...`).
// For that requeueing to work, a rewrite replaces the node being exited or an ancestor, never a
// child (the traversal of the children is over), and temporaries are declared only at the end.

import type { NodePath, Visitor } from "@babel/core";
import * as t from "@babel/types";
import { Lowering, type LowerContext } from "./context.js";
import { lowerCatchPattern, lowerDeclaration, lowerPatternAssignment } from "./destructuring.js";
import { lowerDynamicImport, lowerImportExpression } from "./dynamic-import.js";
import { lowerForIn } from "./for-in.js";
import { lowerForOf } from "./for-of.js";
import { rewriteIterationCall } from "./iterator-calls.js";
import { lowerMemberAssignment } from "./member-assignment.js";
import { lowerMemberCall } from "./member-call.js";
import { lowerLogicalAssignment, lowerNullish } from "./nullish.js";
import { lowerObjectLiteral } from "./object-literal.js";
import { lowerOptionalChain } from "./optional-chain.js";
import { lowerPrivateIn } from "./private-in.js";
import { lowerSpreadArray, lowerSpreadCall } from "./spread.js";
import { lowerTaggedTemplate, lowerTemplateLiteral } from "./template.js";
import { checkClass, checkExplodable } from "./unsupported.js";

export type { LowerContext } from "./context.js";

const visitor: Visitor<Lowering> = {
  Function(path) {
    path.skip(); // lowered on its own, before this one (its computed key is handled by its parent)
  },
  "ClassProperty|ClassPrivateProperty|ClassAccessorProperty"(path) {
    // A field initializer runs in the constructor, not in this function (a yield cannot be in it).
    if (!(path.node as t.ClassProperty).computed) path.skip();
  },
  StaticBlock(path) {
    path.skip();
  },
  ForOfStatement: {
    exit(path, l) {
      if (!path.node.await) rewriteIterationCall(path.get("right"), l);
      lowerForOf(path, l);
    },
  },
  ForInStatement: { exit: (path, l) => lowerForIn(path, l) },
  YieldExpression: {
    exit(path, l) {
      if (path.node.delegate) rewriteIterationCall(path.get("argument"), l);
    },
  },
  LogicalExpression: { exit: (path, l) => lowerNullish(path, l) },
  BinaryExpression: { exit: (path, l) => lowerPrivateIn(path, l) },
  AssignmentExpression: {
    exit(path, l) {
      const node = path.node;
      // Each rewrite that applies replaces the node; the result is traversed again.
      lowerLogicalAssignment(path, l);
      if (path.node === node) lowerPatternAssignment(path, l);
      if (path.node === node && !path.removed) lowerMemberAssignment(path, l);
    },
  },
  OptionalMemberExpression: { exit: (path, l) => lowerOptionalChain(path, l) },
  OptionalCallExpression: { exit: (path, l) => lowerOptionalChain(path, l) },
  TemplateLiteral: { exit: (path, l) => lowerTemplateLiteral(path, l) },
  TaggedTemplateExpression: { exit: (path, l) => lowerTaggedTemplate(path, l) },
  CallExpression: {
    exit(path, l) {
      const node = path.node;
      lowerDynamicImport(path, l);
      if (path.node === node) lowerSpreadCall(path, l);
      if (path.node === node) lowerMemberCall(path, l);
    },
  },
  ImportExpression: { exit: (path, l) => lowerImportExpression(path, l) },
  NewExpression: { exit: (path, l) => lowerSpreadCall(path, l) },
  ArrayExpression: { exit: (path, l) => lowerSpreadArray(path, l) },
  ObjectExpression: { exit: (path, l) => lowerObjectLiteral(path, l) },
  VariableDeclaration: { exit: (path, l) => lowerDeclaration(path, l) },
  CatchClause: { exit: (path, l) => lowerCatchPattern(path, l) },
  Class: { exit: (path, l) => checkClass(path, l) },
};

/** Rewrites, inside `fn`'s own body (not nested functions), every construct that regenerator
 * cannot take when it contains a `yield` belonging to `fn` — or any other leap that makes
 * regenerator explode it (see contains-yield.ts) — and the iteration calls of for-of heads and
 * `yield*` operands. Called once per generator function, innermost first. */
export function lowerGeneratorBody(fn: NodePath<t.Function>, ctx: LowerContext): void {
  const l = new Lowering(fn, ctx);
  fn.get("body").traverse(visitor, l);
  l.declareTemps();
  checkExplodable(fn, l);
  fn.scope.crawl(); // the rewrites moved and created bindings
}
