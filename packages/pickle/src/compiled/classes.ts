// Classes made by compiled code, and what hangs off them, as snapshot data:
//   - a class is (module, class id, heritage, computed keys, scope) — re-made by its factory with RESTORE on, so
//     no static initializer or static block runs — then its static state (own properties and
//     `#private` statics) is written into it;
//   - its prototype is (class), its methods and accessors are (class, placement, key): code is
//     never copied, so `super` and `instanceof` keep working;
//   - an instance that carries private names is re-made by `construct` (no constructor or field
//     initializer runs) and its own properties and private fields are written into it. Instances
//     without private names are ordinary objects with the class's prototype (kinds/objects.ts).
// A class declared at a module's top level whose module is used live is that module's own class.

import {
  classOf, compiledChain, construct, declareClass, declaredClass, liveRegistry, methodAt, methodOf, ModuleRecord, moduleOf,
  recreateClass, INTERNAL_KEYS, type MethodData, type Scope,
} from "@spickle/runtime";
import { types } from "node:util";
import { SnapshotError } from "../errors.js";
import type { EncodeContext, ObjectHandler } from "../handlers.js";
import { applyPropList, describeProps } from "../kinds/props.js";
import { applyItems, bindingItems, byValue, genuineSites, importedState, loadWritesInto, upgradeOf } from "./modules.js";
import { checkClassFits } from "./upgrade.js";

const getPrototypeOf = Object.getPrototypeOf;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;

/** Classes this process re-made from a snapshot: those get the snapshot's static state (and the
 * classes of a module an "adopt" load writes). */
const remade = new WeakSet<Function>();

function skipInternal(key: string | symbol): boolean {
  return INTERNAL_KEYS.has(key);
}

function propList(obj: object, skip: (key: string | symbol) => boolean): unknown[] {
  const list: unknown[] = [];
  describeProps(obj, list, skip);
  return list;
}

/** The compiled class whose prototype `proto` is. */
function classOfPrototype(proto: unknown): Function | undefined {
  if (typeof proto !== "object" || proto === null) return undefined;
  const c = getOwnPropertyDescriptor(proto, "constructor")?.value as unknown;
  return typeof c === "function" && c.prototype === proto && classOf(c) !== undefined ? c : undefined;
}

export const classHandler: ObjectHandler<Function> = {
  kind: "spickle.class",
  // The scope and heritage need only exist: a static field may hold the class's own instances.
  early: true,
  claims: (value) => classOf(value) !== undefined,
  describe: (cls, ctx) => {
    const { id, scope, registry, site, privates, keys } = classOf(cls)!;
    const proto = getPrototypeOf(cls) as unknown;
    const heritage = proto === Function.prototype ? null : proto;
    const declared = declaredClass(site) === cls;
    const state = [propList(cls, skipInternal), privates?.static === undefined ? null : privates.static.get(cls)];
    const record = moduleOf(registry);
    // The scope goes last: it may hold the class itself (a back edge creates the class early once
    // every create value before it exists).
    const made = [heritage, declared, keys ?? null, scope];
    if (record === undefined || !byValue(record, ctx)) {
      const imported = record === undefined ? null : importedState(record, ctx);
      return { create: [registry.moduleId, id, ...made], fill: [...state, imported], fillNames: ["static", "private static", "module state"] };
    }
    return {
      create: [record, id, ...made],
      fill: [...state, bindingItems(record, id, ctx)],
      fillNames: ["static", "private static", "module state"],
    };
  },
  create: ([module, id, heritage, declared, keys, scope], ctx) => {
    const upgrade = module instanceof ModuleRecord ? upgradeOf(ctx)?.of(module) : undefined;
    // A class of a changed module is its new definition when the instances' fields fit it.
    if (upgrade !== undefined && upgrade.liveSites?.factories.has(id as string) === true) {
      checkClassFits(upgrade, id as string, scope as Scope | null);
      module = upgrade.live;
    } else if (upgrade !== undefined) upgrade.keptRemoved.add(id as string);
    const registry = module instanceof ModuleRecord ? genuineSites(module) : liveRegistry(module as string);
    if (registry === undefined && module instanceof ModuleRecord) throw new SnapshotError("the snapshot needs a class of a module record that has no functions (or is not a module record)");
    const where = module instanceof ModuleRecord ? module.id : String(module);
    const factory = registry?.factories.get(id as string);
    if (factory === undefined) throw new SnapshotError(`the snapshot needs class ${String(id)}, but module ${where} is not loaded or has no such class`);
    if (declared === true) {
      const live = declaredClass(factory);
      if (live !== undefined) return live;
    }
    const cls = recreateClass(factory, scope as Scope | null, heritage, (keys ?? undefined) as PropertyKey[] | undefined);
    if (declared === true) declareClass(cls);
    remade.add(cls);
    return cls;
  },
  fill: (cls, [statics, privates, items], ctx) => {
    if (items !== undefined && items !== null) applyItems(items as unknown[][], ctx);
    // A live module's class keeps its own static state, unless this load writes that module's.
    if (!remade.has(cls) && !loadWritesInto(moduleOf(classOf(cls)!.registry), ctx)) return;
    applyPropList(cls, statics as unknown[]);
    if (privates !== null) classOf(cls)!.privates!.static!.set(cls, privates as unknown[]);
  },
};

export const prototypeHandler: ObjectHandler<object> = {
  kind: "spickle.prototype",
  early: true,
  claims: (value) => typeof value === "object" && classOfPrototype(value) !== undefined,
  describe: (proto) => ({ create: [classOfPrototype(proto)] }),
  create: ([cls]) => compiledClass(cls).prototype as object,
};

/** A class of compiled code (reading its `prototype` runs nothing), or a SnapshotError. */
function compiledClass(cls: unknown): Function {
  if (classOf(cls) === undefined) throw new SnapshotError("the snapshot names a class that is not a class of compiled code");
  return cls as Function;
}

export const methodHandler: ObjectHandler<Function> = {
  kind: "spickle.method",
  early: true,
  claims: (value) => methodOf(value) !== undefined,
  describe: (fn) => {
    const { home, placement, key, kind } = methodOf(fn)!;
    return { create: [home, placement, key, kind] };
  },
  create: ([home, placement, key, kind]) =>
    methodAt(compiledClass(home), placement as MethodData["placement"], key as PropertyKey, kind as MethodData["kind"]),
};

/** Private fields of every class along the chain that `obj` was constructed by: [class, values]… */
function privateState(obj: object, cls: Function): unknown[] | null {
  let branded = false;
  const state: unknown[] = [];
  for (const c of compiledChain(cls)) {
    const privates = classOf(c)!.privates;
    if (privates?.has === undefined || !privates.has(obj)) continue;
    branded = true;
    if (privates.instance !== undefined) state.push(c, privates.instance.get(obj));
  }
  return branded ? state : null;
}

/** Objects with internal slots whose contents a property list does not carry. */
function slotKind(obj: object): string | undefined {
  if (types.isMap(obj)) return "Map";
  if (types.isSet(obj)) return "Set";
  if (types.isDate(obj)) return "Date";
  if (types.isRegExp(obj)) return "RegExp";
  if (types.isPromise(obj)) return "Promise";
  if (types.isAnyArrayBuffer(obj) || ArrayBuffer.isView(obj)) return "binary data";
  if (types.isBoxedPrimitive(obj)) return "boxed primitive";
  return undefined;
}

export const instanceHandler: ObjectHandler<object> = {
  kind: "spickle.instance",
  early: true,
  claims: (value) => {
    if (typeof value !== "object") return false;
    const cls = classOfPrototype(getPrototypeOf(value));
    return cls !== undefined && privateState(value, cls) !== null;
  },
  describe: (obj, ctx: EncodeContext) => {
    const cls = classOfPrototype(getPrototypeOf(obj))!;
    const slots = slotKind(obj);
    if (slots !== undefined) {
      ctx.fail(cls.name, `instances of a ${slots} subclass with #private members cannot be restored (their ${slots} contents and private names cannot be installed together)`);
    }
    return { create: [cls], fill: [propList(obj, skipInternal), privateState(obj, cls)], fillNames: ["properties", "private fields"] };
  },
  create: ([cls]) => construct(compiledClass(cls)),
  fill: (obj, [props, privates]) => {
    applyPropList(obj, props as unknown[]);
    const state = privates as unknown[];
    for (let i = 0; i < state.length; i += 2) classOf(state[i])!.privates!.instance!.set(obj, state[i + 1] as unknown[]);
  },
};
