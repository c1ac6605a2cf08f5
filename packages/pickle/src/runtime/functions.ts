// Functions made by compiled code as snapshot data: a closure is (module id, function id, scope) —
// the scope object is ordinary data, shared by every closure that captured it — and is re-created
// on load by its module's factory; a module-level function is the module's own. Bound functions
// made by compiled `.bind` calls are (target, this, arguments).
//
// A function's module goes by value (its record, written once, carries the module's code and the
// function's create values name it; the module-level bindings the function references are its fill
// values, see modules.ts) or by reference (its id: the loading process must have it loaded).

import { boundOf, closureOf, liveRegistry, ModuleRecord, moduleOf, rebind, recreate, type Scope } from "@spickle/runtime";
import { SnapshotError } from "../errors.js";
import type { ObjectHandler } from "../handlers.js";
import { applyItems, bindingItems, byValue } from "./modules.js";

export const closureHandler: ObjectHandler<Function> = {
  kind: "spickle.closure",
  // Create values need only exist: a scope usually holds the closures made over it.
  early: true,
  claims: (value) => closureOf(value) !== undefined,
  describe: (fn, ctx) => {
    const { id, scope, registry } = closureOf(fn)!;
    const record = moduleOf(registry);
    if (record === undefined || !byValue(record, ctx)) return { create: [registry.moduleId, id, scope] };
    return { create: [record, id, scope], fill: [bindingItems(record, id, ctx)], fillNames: ["module state"] };
  },
  create: ([module, id, scope]) => {
    if (module instanceof ModuleRecord) {
      if (module.sites === null) throw new SnapshotError(`the snapshot needs function ${String(id)}, but module ${module.id} has no functions`);
      return recreate(id as string, scope as Scope | null, module.sites);
    }
    const moduleId = module as string;
    const registry = liveRegistry(moduleId);
    if (registry === undefined) {
      throw new SnapshotError(`the snapshot needs function ${String(id)}, but module ${String(moduleId)} is not loaded`);
    }
    return recreate(id as string, scope as Scope | null, registry);
  },
  fill: (_fn, [items], ctx) => applyItems(items as unknown[][], ctx),
};

export const boundHandler: ObjectHandler<Function> = {
  kind: "spickle.bound",
  claims: (value) => boundOf(value) !== undefined,
  describe: (fn) => {
    const { target, thisArg, args } = boundOf(fn)!;
    return { create: [target, thisArg, args] };
  },
  create: ([target, thisArg, args]) => rebind({ target: target as Function, thisArg, args: args as unknown[] }),
};
