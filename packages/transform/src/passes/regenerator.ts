// Regenerator compiles the body vehicles into state machines. Its runtime helper is redirected:
// `regenerator` to a placeholder the lift pass removes, `regeneratorValues` (the `yield*` operand)
// to our serializable-iterator conversion. Regenerator also rewrites calls `regeneratorRuntime.x()`
// (of the old global runtime) to its helper: such calls name the user's own binding here, and stay
// as written. Anything else would embed closures: refuse it.

import { types as t, type PluginObj } from "@babel/core";
import regenerator from "@babel/plugin-transform-regenerator";
import { REGENERATOR_PLACEHOLDER } from "./lift.js";

export const regeneratorPlugin = [regenerator, { async: false, asyncGenerators: false }] as const;

export function redirectHelpers(runtimeName: () => string): PluginObj {
  return {
    name: "spickle-redirect-helpers",
    visitor: {},
    pre(file) {
      (file as unknown as { set(key: string, value: unknown): void }).set("helperGenerator", (name: string) => {
        if (name === "regenerator") return t.identifier(REGENERATOR_PLACEHOLDER);
        if (name === "regeneratorValues") return t.memberExpression(t.identifier(runtimeName()), t.identifier("values"));
        // Regenerator replaces the callee's object by the body of an arrow helper.
        if (name === "regeneratorRuntime") return t.arrowFunctionExpression([], t.identifier("regeneratorRuntime"));
        throw new Error(`spickle: internal error: regenerator asked for helper ${name}`);
      });
    },
  };
}
