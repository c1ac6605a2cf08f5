// Reducers the program registered (registerReducer at a module's top level) travel with a
// checkpoint: a resumed program's modules are rebuilt without running their top-level code
// again, so without them the next checkpoint would fail. dumps with carryRestorers wraps its root
// in a Carried object whose built-in reducer writes the registrations made by compiled code; its
// restore registers them again (unless this process has its own) and gives back the root.
import { BUILTIN_RESTORERS, defaultReducers, isCompiledFunction, type NamedReducer } from "./reducers.js";

type Registration = [prototype: object, name: string, reduce: unknown, restore: unknown];

/** A snapshot's root with the registrations to re-establish. */
export class Carried {
  constructor(readonly root: unknown, readonly registrations: Registration[]) {}
}

/** `value`, wrapped when the program registered reducers of compiled code. */
export function withRegistrations(value: unknown): unknown {
  const registrations: Registration[] = [];
  for (const [proto, r] of defaultReducers.entries()) {
    if (isCompiledFunction(r.reduce) && isCompiledFunction(r.restore)) registrations.push([proto, r.name, r.reduce, r.restore]);
  }
  return registrations.length === 0 ? value : new Carried(value, registrations);
}

export const CARRIED_REDUCER: NamedReducer = {
  name: "spickle.registrations",
  reduce: (c) => [(c as Carried).root, (c as Carried).registrations],
  restore: restoreRegistrations as (state: unknown) => unknown,
};

/** Registers the snapshot's reducers that this process has no reducer of that name for (only
 * functions of compiled code: an untrusted load never decodes those) and returns the root. */
export function restoreRegistrations(state: [unknown, unknown]): unknown {
  const [root, registrations] = Array.isArray(state) ? state : [];
  if (!Array.isArray(registrations)) throw new TypeError("spickle.registrations: malformed state");
  for (const r of registrations as unknown[]) {
    if (!Array.isArray(r)) continue;
    const [proto, name, reduce, restore] = r as Registration;
    if (typeof proto !== "object" || proto === null || typeof name !== "string") continue;
    if (!isCompiledFunction(reduce) || !isCompiledFunction(restore) || defaultReducers.restorer(name) !== undefined) continue;
    if (defaultReducers.get(proto) !== undefined) continue;
    defaultReducers.register({ prototype: proto }, { name, reduce: reduce as (o: unknown) => unknown, restore: restore as (s: unknown) => unknown });
  }
  return root;
}

// Listed with the built-in restorers here (reducers.ts cannot import this module: it imports that one).
(BUILTIN_RESTORERS as Map<string, unknown>).set(CARRIED_REDUCER.name, restoreRegistrations);
