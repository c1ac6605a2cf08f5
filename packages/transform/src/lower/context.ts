// State shared by the lowering rewrites of one generator function.

import type { NodePath } from "@babel/core";
import * as t from "@babel/types";
import { containsLeap, containsSuspension } from "./contains-yield.js";
import { generateUid } from "./uids.js";

export interface LowerContext {
  /** A fresh expression naming the runtime export `name` (e.g. `_rt.iter`). */
  rt(name: string): t.Expression;
}

export class Lowering {
  /** Names of the temporaries this lowering created: they are read once and never reassigned
   * behind our back, so they need no further temporaries of their own. */
  private readonly temps = new Set<string>();
  /** Declared when the rewrites are done: inserting declarations into the body while it is being
   * traversed would disturb Babel's requeueing of the rewritten nodes. */
  private readonly pending: { scope: NodePath["scope"]; id: t.Identifier }[] = [];
  private readonly runtimeCalls = new WeakSet<t.Node>();
  private readonly awaits: boolean;

  constructor(
    readonly fn: NodePath<t.Function>,
    private readonly context: LowerContext,
  ) {
    this.awaits = fn.node.async === true;
  }

  /** A new function-level `var` (the locals pass later moves it into the frame). */
  temp(hint: string): t.Identifier {
    const id = t.identifier(generateUid(this.fn.scope, hint));
    this.pending.push({ scope: this.fn.scope, id });
    this.temps.add(id.name);
    return t.cloneNode(id);
  }

  /** A unique name for a binding that is not a function-level `var` (a catch parameter). */
  uid(hint: string): t.Identifier {
    return t.identifier(generateUid(this.fn.scope, hint));
  }

  /** Adds the `var` declarations of the temporaries created so far. */
  declareTemps(): void {
    for (const { scope, id } of this.pending.splice(0)) scope.push({ id });
  }

  isTemp(node: t.Node): boolean {
    return t.isIdentifier(node) && this.temps.has(node.name);
  }

  /** `rt.name(...args)` */
  call(name: string, args: (t.Expression | t.SpreadElement)[]): t.CallExpression {
    const call = t.callExpression(this.context.rt(name), args);
    this.runtimeCalls.add(call);
    return call;
  }

  /** Whether `node` is a call of the runtime made by this lowering (its callee cannot change). */
  isRuntimeCall(node: t.Node): boolean {
    return this.runtimeCalls.has(node);
  }

  /** Whether regenerator would explode `node` (see contains-yield.ts): what decides lowering. */
  leaps(node: t.Node | null | undefined): boolean {
    return containsLeap(node, this.awaits);
  }

  /** Whether `node` holds a suspension point of this function. */
  suspends(node: t.Node | null | undefined): boolean {
    return containsSuspension(node, this.awaits);
  }

  /** A module-level `var` (for per-call-site caches such as template objects). */
  moduleVar(hint: string): t.Identifier {
    const program = this.fn.scope.getProgramParent();
    const id = t.identifier(generateUid(program, hint));
    this.pending.push({ scope: program, id });
    return t.cloneNode(id);
  }

  /** "<construct> containing yield is not supported in a generator", pointing at `path`. */
  error(path: NodePath, construct: string): Error {
    return path.buildCodeFrameError(`${construct} containing yield is not supported in a generator`);
  }

  /** Any other refusal, pointing at `path`. */
  refuse(path: NodePath, message: string): Error {
    return path.buildCodeFrameError(message);
  }
}
