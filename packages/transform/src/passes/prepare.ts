// Before regenerator: every generator function, innermost first, is lowered (constructs
// regenerator cannot take), given home-object access for `super`, has its bindings moved into
// frame locals, and is split into a plain function plus a body vehicle.

import { types as t, type NodePath, type PluginObj } from "@babel/core";
import { lowerGeneratorBody } from "../lower/index.js";
import { asyncToGenerator, isCompilableAsync, rewritePromiseCombinator } from "./async.js";
import { moveLocals, needsFramedDefaults } from "./locals.js";
import { isMethod, rewriteSuper, wrapObjectHolder } from "./methods.js";
import { RuntimeRef } from "./runtime-ref.js";
import { splitGenerator, type BodyRegistry, type StepLocalsRegistry } from "./split.js";
import { hideVerbatimLoops, type VerbatimLoops } from "./verbatim.js";

export interface PrepareState {
  bodies: BodyRegistry;
  stepLocals: StepLocalsRegistry;
  /** Loops regenerator must not see, restored by the lift pass. */
  verbatim: VerbatimLoops;
  runtime: RuntimeRef | null;
  runtimeSpecifier: string;
}

export function prepareGenerators(state: PrepareState): PluginObj {
  return {
    name: "spickle-prepare",
    visitor: {
      Program: {
        enter(program) {
          state.runtime = new RuntimeRef(program);
        },
        exit(program) {
          state.runtime!.finish(program, state.runtimeSpecifier);
        },
      },
      CallExpression(call) {
        rewritePromiseCombinator(call, state.runtime!);
      },
      ObjectExpression: {
        exit(literal) {
          wrapObjectHolder(literal);
        },
      },
      ClassProperty: {
        exit(field) {
          if (field.node.value != null) rewriteSuper(field, state.runtime!, { inArrowsOnly: true });
        },
      },
      Function: {
        exit(fn) {
          // `super` in arrows of plain methods goes through the home object, so those arrows can
          // be lifted out of their method (closures pass).
          if (isCompilableAsync(fn)) {
            prepareGenerator(asyncToGenerator(fn), state, true);
            return;
          }
          if (isMethod(fn) && !fn.node.generator) rewriteSuper(fn, state.runtime!, { inArrowsOnly: true });
          if (!fn.node.generator || fn.node.async) return;
          const id = (fn.node as { id?: t.Identifier | null }).id;
          if (id != null && state.bodies.has(id.name)) return; // a body vehicle made by the split
          prepareGenerator(fn, state);
        },
      },
    },
  };
}

function prepareGenerator(fn: NodePath<t.Function>, state: PrepareState, isAsync = false): void {
  const runtime = state.runtime!;
  lowerGeneratorBody(fn, { rt: (name) => runtime.get(name) });
  if (isMethod(fn)) rewriteSuper(fn, runtime);
  const locals = fn.scope.generateUidIdentifier("l");
  const plan = moveLocals(fn, locals, {
    framedDefaults: needsFramedDefaults(fn),
    named: (value, name) => runtime.call("named", [value, t.stringLiteral(name)]),
  });
  hideVerbatimLoops(fn, locals.name, state.verbatim);
  const body = splitGenerator(fn, locals, plan, runtime, state.bodies, isAsync);
  state.stepLocals.set(body, plan.stepLocals);
}
