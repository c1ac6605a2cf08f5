// Functions made by compiled code as snapshot data: a closure is (module id, function id, scope) —
// the scope object is ordinary data, shared by every closure that captured it — and is re-created
// on load by its module's factory; a module-level function is the module's own. Bound functions
// made by compiled `.bind` calls are (target, this, arguments).
//
// A function's module goes by value (its record, written once, carries the module's code and the
// function's create values name it; the module-level bindings the function references are its fill
// values, see modules.ts) or by reference (its id: the loading process must have it loaded).
// A function's own properties that are state (`fn.cache = …`, methods added to `F.prototype`) are
// written with it and set on the re-made function. A function whose class body uses private names
// is made by a factory inside that class: it is (class, function id, scope).

import { INTERNAL_KEYS, type SiteRegistry, boundOf, classOf, closureOf, liveRegistry, ModuleRecord, moduleOf, rebind, recreate, type Scope } from "@spickle/runtime";
import { types } from "node:util";
import { cut, SnapshotError } from "../errors.js";
import type { ObjectHandler } from "../handlers.js";
import { HandlerList } from "../kinds/description.js";
import { applyPropList, describeProps } from "../kinds/props.js";
import { applyItems, bindingItems, byValue, genuineSites, importedState, loadWritesInto, upgradeOf } from "./modules.js";
import { upgradedFunction } from "./upgrade.js";

export const closureHandler: ObjectHandler<Function> = {
  kind: "spickle.closure",
  // Create values need only exist: a scope usually holds the closures made over it.
  early: true,
  claims: (value) => closureOf(value) !== undefined,
  describe: (fn, ctx) => {
    const { id, scope, registry, home } = closureOf(fn)!;
    const state = ownState(fn);
    const props = state === null ? null : new HandlerList(state);
    // Made inside a class body: the class (by value, with its module state) re-makes its factory.
    if (home !== undefined) return { create: [null, id, home, scope], fill: [null, props], fillNames: ["", "properties"] };
    const record = moduleOf(registry);
    if (record === undefined || !byValue(record, ctx)) {
      const state = record === undefined ? null : importedState(record, ctx);
      return { create: [registry.moduleId, id, null, scope], fill: [state, props], fillNames: ["module state", "properties"] };
    }
    return { create: [record, id, null, scope], fill: [bindingItems(record, id, ctx), props], fillNames: ["module state", "properties"] };
  },
  create: ([module, id, home, scope], ctx) => {
    const upgrade = module instanceof ModuleRecord ? upgradeOf(ctx)?.of(module) : undefined;
    if (upgrade !== undefined && (home === undefined || home === null)) return upgradedFunction(upgrade, id as string, scope as Scope | null);
    return make(module, id as string, home, scope as Scope | null);
  },
  fill: (fn, [items, props], ctx) => {
    if (items !== null) applyItems(items as unknown[][], ctx);
    // Only a re-made function gets the snapshot's own properties: a live module's function
    // declaration keeps its own, unless this load writes that module's state.
    if (props !== null && (!isLiveDeclaration(fn) || loadWritesInto(moduleOf(closureOf(fn)!.registry), ctx))) applyPropList(fn, props as unknown[]);
  },
};

function make(module: unknown, id: string, home: unknown, scope: Scope | null): Function {
  if (home !== undefined && home !== null) {
    const sites = classOf(home)?.sites;
    const factory = sites !== undefined && Object.hasOwn(sites, id) ? sites[id] : undefined;
    if (factory === undefined) throw new SnapshotError(`the snapshot needs function ${id} of a class that has no such function`);
    return factory(scope);
  }
  let registry: SiteRegistry | undefined;
  if (module instanceof ModuleRecord) {
    const sites = genuineSites(module);
    if (sites === undefined) throw new SnapshotError(`the snapshot needs function ${cut(String(id))} of a module record that has no functions (or is not a module record)`);
    registry = sites;
  } else {
    registry = liveRegistry(module as string);
    if (registry === undefined) throw new SnapshotError(`the snapshot needs function ${id}, but module ${String(module)} is not loaded`);
  }
  return recreate(id, scope, registry);
}

/** Whether `fn` is a function declaration of a module loaded by this process (not restored). */
function isLiveDeclaration(fn: Function): boolean {
  const c = closureOf(fn);
  if (c === undefined || c.home !== undefined || moduleOf(c.registry)?.restored === true) return false;
  return c.registry.declarations.get(c.id) === fn;
}

/** A function's own properties when they are state (anything but its name, length, the runtime's
 * tags and an untouched `prototype`), as a property list; null otherwise. */
function ownState(fn: Function): unknown[] | null {
  const keys = Reflect.ownKeys(fn);
  let state = false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (typeof key === "symbol" ? INTERNAL_KEYS.has(key) : key === "length" || key === "name" || (key === "prototype" && pristinePrototype(fn))) continue;
    state = true;
    break;
  }
  if (!state) return null;
  const list: unknown[] = [];
  describeProps(fn, list, (key) => key === "length" || key === "name" || INTERNAL_KEYS.has(key));
  return list;
}

/** Whether fn's own `prototype` (a data property that cannot be made an accessor: reading it
 * runs no code) is an object with nothing but its `constructor`, or not an object at all. */
function pristinePrototype(fn: Function): boolean {
  const proto = (fn as { prototype?: unknown }).prototype;
  if (typeof proto !== "object" || proto === null) return true;
  const keys = Reflect.ownKeys(proto);
  return keys.length === 0 || (keys.length === 1 && keys[0] === "constructor");
}

export const boundHandler: ObjectHandler<Function> = {
  kind: "spickle.bound",
  claims: (value) => boundOf(value) !== undefined,
  describe: (fn) => {
    const { target, thisArg, args } = boundOf(fn)!;
    return { create: [target, thisArg, args] };
  },
  create: ([target, thisArg, args]) => {
    if (typeof target !== "function" || !Array.isArray(args)) throw new SnapshotError("a bound function's target is not a function");
    checkNativeBind(target);
    return rebind({ target, thisArg, args });
  },
};

const nativeBind = Function.prototype.bind;

/** Binding `target` must run nothing but the native bind: which reads `bind`, `length` and `name`
 * along its prototype chain (a decoded object there could carry getters, a proxy traps). */
function checkNativeBind(target: Function): void {
  const found = new Set<string>();
  for (let o: object | null = target; o !== null && found.size < 3; o = Reflect.getPrototypeOf(o)) {
    if (types.isProxy(o)) throw new SnapshotError("a bound function's target has a proxy on its prototype chain");
    for (const key of ["bind", "length", "name"]) {
      if (found.has(key)) continue;
      const d = Reflect.getOwnPropertyDescriptor(o, key);
      if (d === undefined) continue;
      found.add(key);
      if (!("value" in d) || (key === "bind" && d.value !== nativeBind)) throw new SnapshotError(`a bound function's target has its own ${key}: it is not bound by the native bind`);
    }
  }
  if (!found.has("bind")) throw new SnapshotError("a bound function's target has no bind");
}
