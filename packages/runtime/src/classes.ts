// Classes as data. Compiled code creates every class through a module-level factory
// `_C$factory(scope, heritage, computedKeys)` whose class body starts with
// `static { defineClass(this, _C$factory, scope, details) }`, so a class reads as (class id, scope,
// heritage, keys) and is re-created by calling its factory again. Re-creation runs the class
// definition with RESTORE on: static field initializers and the program's static blocks do not run
// (the snapshot supplies the static state).
//
// Instances are re-created without running constructors or field initializers. Those that carry
// `#private` names (the only state a plain object cannot be given) are made by `construct`, which
// runs the construction path of the classes declaring them with RESTORE on: their constructors
// return at once (after a bare `super()` when derived) and their field initializers are skipped;
// the values are then written through accessors the compiler puts inside the class body
// (`PrivateAccess`). Methods and accessors are known as (class, placement, key) so that they travel
// by reference to their class, never copied: `super` keeps its home object.
//
// Unlike closures, classes and methods are registered in WeakMaps, not tagged with symbol-keyed
// properties: classes are made rarely, and programs reflect on them (`Object.getOwnPropertySymbols`,
// `Object.assign(Other, cls)`), so they must show nothing of the runtime.

import { registerClassSite, SITE, siteOf, type Factory, type Scope, type SiteRegistry } from "./closures.js";

/** While `on`, compiled constructors, field initializers and static blocks do nothing. */
export const RESTORE = { on: false };

/** Reads and writes one class's `#private` fields of an object (or of the class, for statics). */
export interface PrivateFields {
  names: string[];
  get(target: object): unknown[];
  set(target: object, values: unknown[]): void;
}

/** What the compiler generates inside a class body that declares private names. */
export interface PrivateAccess {
  /** Whether `target` carries this class's private names (was constructed by it); absent when
   * the class has static private names only. */
  has?(target: object): boolean;
  /** Instance fields (absent: the class has private methods or accessors only). */
  instance?: PrivateFields;
  static?: PrivateFields;
}

/** What the compiler tells the runtime about a class, from inside its body. */
export interface ClassDetails {
  /** The private-name accessors, when the class body declares any. */
  privates?: PrivateAccess;
  /** The values of its members' computed keys, evaluated at its site (passed again on re-making). */
  keys?: PropertyKey[];
  /** The constructor's `length`, when the restore path changed its parameter list. */
  length?: number;
  /** Factories of the functions that use the class's private names, by id. */
  sites?: Record<string, Factory>;
}

export interface ClassData {
  /** Its factory, and the factory's id and module instance. */
  site: Factory;
  id: string;
  registry: SiteRegistry;
  /** The scope object its factory was given. */
  scope: Scope | null;
  privates: PrivateAccess | undefined;
  keys: PropertyKey[] | undefined;
  sites: Record<string, Factory> | undefined;
}

/** Where a method sits: on the class (static) or its prototype, under which key, as what. */
export interface MethodData {
  home: Function;
  placement: "static" | "prototype";
  key: PropertyKey;
  kind: "value" | "get" | "set";
}

const classes = new WeakMap<Function, ClassData>();
const methods = new WeakMap<Function, MethodData>();
/** Own property of a site (factory): the module-level class it made, when declared at top level. */
const DECLARED = Symbol("spickle.declaredClass");

function define(target: object, key: symbol, value: unknown): void {
  Object.defineProperty(target, key, { value, configurable: true });
}

/** Registers a class made by its factory (called from the first static block of its body, before
 * any static initializer runs); returns it. */
export function defineClass<C extends Function>(cls: C, site: Function, scope: Scope | null, details: ClassDetails = {}): C {
  const info = siteOf(site);
  if (info === undefined) throw new Error(`spickle: class ${cls.name} was made before its module registered its sites`);
  const { privates, keys, sites } = details;
  classes.set(cls, { site: site as Factory, id: info.id, registry: info.registry, scope, privates, keys, sites });
  for (const id of Object.keys(sites ?? {})) registerClassSite(sites![id]!, id, info.registry, cls);
  if (details.length !== undefined) Object.defineProperty(cls, "length", { value: details.length, configurable: true });
  registerMethods(cls, cls, "static");
  registerMethods(cls, cls.prototype as object, "prototype");
  return cls;
}

function registerMethods(home: Function, owner: object, placement: MethodData["placement"]): void {
  for (const key of Reflect.ownKeys(owner)) {
    if (key === "constructor" || key === "prototype") continue;
    const descriptor = Object.getOwnPropertyDescriptor(owner, key)!;
    for (const kind of ["value", "get", "set"] as const) {
      const fn = descriptor[kind] as unknown;
      if (typeof fn === "function" && !methods.has(fn) && !classes.has(fn) && !Object.hasOwn(fn, SITE)) {
        methods.set(fn, { home, placement, key, kind });
      }
    }
  }
}

/** Records a class made at a module's top level as its module instance's own (see `declaredClass`). */
export function declareClass<C extends Function>(cls: C): C {
  const data = classes.get(cls);
  if (data !== undefined) define(data.site, DECLARED, cls);
  return cls;
}

/** The top-level class `site` made in its module instance, if it ran. */
export function declaredClass(site: Factory): Function | undefined {
  return (site as unknown as Record<symbol, Function | undefined>)[DECLARED];
}

/** What the runtime knows of a class made by compiled code; undefined for anything else. */
export function classOf(value: unknown): ClassData | undefined {
  return typeof value === "function" ? classes.get(value) : undefined;
}

/** (class, placement, key) of a method or accessor function of a compiled class. */
export function methodOf(fn: unknown): MethodData | undefined {
  return typeof fn === "function" ? methods.get(fn) : undefined;
}

/** The method `data` names, looked up on (a re-created) `home`. */
export function methodAt(home: Function, placement: MethodData["placement"], key: PropertyKey, kind: MethodData["kind"]): Function {
  const owner = placement === "static" ? home : (home.prototype as object);
  const fn = Object.getOwnPropertyDescriptor(owner, key)?.[kind] as unknown;
  if (typeof fn !== "function") throw new TypeError(`spickle: class ${home.name} has no ${placement} method ${String(key)}`);
  return fn;
}

/** Calls `factory(scope, heritage, keys)` with RESTORE on: the class body is defined, its static
 * initializers and static blocks do not run. */
export function recreateClass(factory: Factory, scope: Scope | null, heritage: unknown, keys: PropertyKey[] | undefined): Function {
  const was = RESTORE.on;
  RESTORE.on = true;
  try {
    return (factory as (scope: Scope | null, heritage: unknown, keys: PropertyKey[] | undefined) => Function)(scope, heritage, keys);
  } finally {
    RESTORE.on = was;
  }
}

/** The compiled classes along `cls`'s chain, most derived first. */
export function compiledChain(cls: Function): Function[] {
  const chain: Function[] = [];
  for (let c: unknown = cls; typeof c === "function" && classOf(c) !== undefined; c = Object.getPrototypeOf(c)) chain.push(c);
  return chain;
}

/** Stands in for a base class whose constructor must not run while an instance is restored. */
function UncompiledBase(): void {}

/** Whether a class's construction path installs private names (and then has a restore path). */
function branded(cls: Function): boolean {
  return classes.get(cls)?.privates?.has !== undefined;
}

/**
 * A new instance of the compiled class `cls` made without running any constructor or field
 * initializer: only the private names of the compiled classes in its chain are installed (their
 * values undefined). Only those classes (which have a restore path) are run: while the instance is
 * made, each one's `super()` is pointed past the classes without private names, to a builtin base
 * (Error, Map, Array… constructed with no arguments, so the instance has its internal slots) or to
 * a stand-in for any other base. Own properties left by the restore path are removed, so the caller
 * defines them in their order.
 */
export function construct(cls: Function): object {
  const chain = compiledChain(cls);
  const top = chain[chain.length - 1]!;
  const base = Object.getPrototypeOf(top) as Function;
  const root: Function = base === Function.prototype ? UncompiledBase : isBuiltinConstructor(base) ? base : UncompiledBase;
  const runs = chain.filter(branded);
  if (runs.length === 0) return Object.create(cls.prototype as object) as object;
  const rewired: [Function, object][] = [];
  runs.forEach((c, i) => {
    const original = Object.getPrototypeOf(c) as object;
    if (original === Function.prototype) return; // a base class: its constructor calls no super()
    const next = runs[i + 1] ?? root;
    if (original !== next) {
      rewired.push([c, original]);
      Object.setPrototypeOf(c, next);
    }
  });
  const was = RESTORE.on;
  RESTORE.on = true;
  try {
    const instance = Reflect.construct(runs[0]!, [], cls) as object;
    for (const key of Reflect.ownKeys(instance)) {
      if (Object.getOwnPropertyDescriptor(instance, key)!.configurable) delete (instance as Record<PropertyKey, unknown>)[key];
    }
    return instance;
  } finally {
    for (const [c, original] of rewired) Object.setPrototypeOf(c, original);
    RESTORE.on = was;
  }
}

const builtinConstructors = new Set<unknown>(
  [
    Object, Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError, AggregateError,
    Map, Set, WeakMap, WeakSet, Array, Promise, Date, RegExp, ArrayBuffer, SharedArrayBuffer, DataView,
    Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
    Float32Array, Float64Array, BigInt64Array, BigUint64Array, Boolean, Number, String, Function,
  ],
);

function isBuiltinConstructor(fn: Function): boolean {
  return builtinConstructors.has(fn);
}
