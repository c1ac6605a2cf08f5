// Regenerator compiles the body vehicles into state machines. Its runtime helper is redirected:
// `regenerator` to a placeholder the lift pass removes, `regeneratorValues` (the `yield*` operand)
// to our serializable-iterator conversion. Anything else would embed closures: refuse it.

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
        throw new Error(`spickle: internal error: regenerator asked for helper ${name}`);
      });
    },
  };
}
