// `using` / `await using`, in every function kind and at module top level: Babel's
// explicit-resource-management lowering turns each block that declares resources into
// try/catch/finally around a disposal scope, and its `usingCtx` helper is redirected to the
// runtime's, whose scope is plain data (so a generator suspended inside the block keeps it in its
// frame). Runs in the prepare pass, before generators are lowered: blocks are rewritten on entry,
// generators on exit.

import type { PluginItem, PluginObj } from "@babel/core";
import explicitResourceManagement from "@babel/plugin-transform-explicit-resource-management";
import type { RuntimeRef } from "./runtime-ref.js";

/** Whether `source` may declare resources (a cheap test: the pass is skipped otherwise). */
export function mayDeclareResources(source: string): boolean {
  return /\busing\b/.test(source);
}

export function resourcePlugins(runtime: () => RuntimeRef): PluginItem[] {
  return [explicitResourceManagement as unknown as PluginItem, redirectUsingHelper(runtime)];
}

function redirectUsingHelper(runtime: () => RuntimeRef): PluginObj {
  return {
    name: "spickle-using-helper",
    visitor: {},
    pre(file) {
      (file as unknown as { set(key: string, value: unknown): void }).set("helperGenerator", (name: string) => {
        if (name === "usingCtx") return runtime().get("usingCtx");
        return undefined; // other helpers (`setFunctionName`) are inlined as Babel writes them
      });
    },
  };
}
