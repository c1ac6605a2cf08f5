// Functions made by compiled code as snapshot data: a closure is (module id, function id, scope) —
// the scope object is ordinary data, shared by every closure that captured it — and is re-created
// on load by its module's factory; a module-level function is the module's own. Bound functions
// made by compiled `.bind` calls are (target, this, arguments).
//
// The module must be loaded in the loading process (by reference). Carrying modules' code in the
// snapshot (by value) is the module-records work.

import { boundOf, closureOf, liveRegistry, rebind, recreate, type Scope } from "@spickle/runtime";
import { SnapshotError } from "../errors.js";
import type { ObjectHandler } from "../handlers.js";

export const closureHandler: ObjectHandler<Function> = {
  kind: "spickle.closure",
  // Create values need only exist: a scope usually holds the closures made over it.
  early: true,
  claims: (value) => closureOf(value) !== undefined,
  describe: (fn) => {
    const { id, scope, registry } = closureOf(fn)!;
    return { create: [registry.moduleId, id, scope] };
  },
  create: ([moduleId, id, scope]) => {
    const registry = liveRegistry(moduleId as string);
    if (registry === undefined) {
      throw new SnapshotError(`the snapshot needs function ${String(id)}, but module ${String(moduleId)} is not loaded`);
    }
    return recreate(id as string, scope as Scope | null, registry);
  },
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
