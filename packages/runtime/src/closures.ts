// Closures as data. Compiled code creates every nested function through a module-level factory
// `function _f$factory($c) { return closure(fn, _f$factory, $c) }`, where `$c` is the scope object
// holding the variables the function captured (chained to outer scopes through `$parent`). So any
// function value reads as (function id, scope) and can be re-created from that pair by calling
// the factory again, without running the code that once created it. Tags are symbol-keyed own
// properties: a WeakMap registration costs many times the closure's creation (scripts/bench/results.md,
// "Figures behind the code").
//
// Bound functions made by compiled `.bind` calls read as (target, this, args).

/** Own property of a compiled function: its site (the factory that made it, or the function
 * itself for a module-level declaration). */
export const SITE = Symbol("spickle.site");
/** Own property of a compiled function: the scope object it captured (null: nothing). */
export const SCOPE = Symbol("spickle.scope");
/** Own property of a site: its id and registry, set by `registerSites`. */
export const SITE_INFO = Symbol("spickle.siteInfo");
/** Own property of a bound function made by `bind`: its target, `this` and arguments. */
export const BOUND = Symbol("spickle.bound");

/** A scope object: captured variables as own properties, the enclosing scope under `$parent`. */
export type Scope = { $parent?: Scope | null; [name: string]: unknown };
/** The text of a module's outermost functions and classes, and each site's [start, end) in it. */
export interface SourceTable {
  text: string;
  ranges: Record<string, readonly [number, number]>;
}
/** Makes a function of a site from a scope object. */
export type Factory = (scope: Scope | null) => Function;

interface SiteInfo {
  id: string;
  registry: SiteRegistry;
  /** For a factory made inside a class body (its functions use the class's private names): the class. */
  home?: Function;
}

/** The sites of one module instance: id → factory (or, for a module-level function declaration,
 * the function itself). Two instances of one module have two registries. */
export class SiteRegistry {
  readonly factories = new Map<string, Factory>();
  readonly declarations = new Map<string, Function>();
  constructor(
    readonly moduleId: string,
    /** The source text of the module's functions and classes as written (see source-text.ts). */
    readonly sources: SourceTable | null = null,
  ) {}

  /** Every site id, in registration order. */
  ids(): string[] {
    return [...this.factories.keys(), ...this.declarations.keys()];
  }
}

// Tagging a function adds two properties, so tagged functions get hidden classes of their own: one
// transition chain per kind of function (arrow, method, function …), shared by every site. When no
// tagged function of a kind is alive, a full collection frees that chain, every inline cache that
// saw it is cleared, and code that creates closures per call keeps deoptimizing (a map() over a
// capturing arrow slows down several times after forced collections; scripts/bench/results.md,
// "Figures behind the code"). One tagged function of each kind, kept here, keeps the chains alive.
// (Exported, so that the module keeps it: an unexported constant no function reads dies with the
// module's evaluation.)
function keepAliveSite(): void {}
export const taggedFunctionKinds: readonly Function[] = [
  () => {}, async () => {}, function () {}, async function () {}, function* () {}, async function* () {},
  { m() {} }.m, { *m() {} }.m, { async m() {} }.m,
];
for (const fn of taggedFunctionKinds) closure(fn, keepAliveSite, {});

/** Tags `fn` as made by `site` with `scope`; returns `fn`. */
export function closure<F extends Function>(fn: F, site: Function, scope: Scope | null): F {
  (fn as unknown as Record<symbol, unknown>)[SITE] = site;
  (fn as unknown as Record<symbol, unknown>)[SCOPE] = scope;
  return fn;
}

/** The registry of the module instance most recently loaded under each id: where a snapshot's
 * functions are re-created when their module is used by reference ("live"). */
const liveRegistries = new Map<string, SiteRegistry>();

export function liveRegistry(moduleId: string): SiteRegistry | undefined {
  return liveRegistries.get(moduleId);
}

/** Registers a module instance's sites (called at the top of every compiled module): factories
 * by id, and the module-level function declarations by id (tagged here, with scope null). */
export function registerSites(
  moduleId: string,
  factories: Record<string, Factory>,
  declarations: Record<string, Function> = {},
  sources: SourceTable | null = null,
): SiteRegistry {
  const registry = registerSitesOf(moduleId, factories, declarations, sources);
  liveRegistries.set(moduleId, registry);
  return registry;
}

/** As `registerSites`, for a module instance rebuilt from a snapshot: its registry does not
 * become the live one of its id. */
export function registerSitesOf(
  moduleId: string,
  factories: Record<string, Factory>,
  declarations: Record<string, Function> = {},
  sources: SourceTable | null = null,
): SiteRegistry {
  const registry = new SiteRegistry(moduleId, sources);
  for (const id of Object.keys(factories)) {
    const factory = factories[id]!;
    registry.factories.set(id, factory);
    define(factory, SITE_INFO, { id, registry } satisfies SiteInfo);
  }
  for (const id of Object.keys(declarations)) {
    const fn = declarations[id]!;
    registry.declarations.set(id, fn);
    define(fn, SITE_INFO, { id, registry } satisfies SiteInfo);
    closure(fn, fn, null);
  }
  return registry;
}

function define(target: object, key: symbol, value: unknown): void {
  Object.defineProperty(target, key, { value, configurable: true });
}

/** The id and module instance of a site (a factory or module-level declaration). */
export function siteOf(site: Function): { id: string; registry: SiteRegistry } | undefined {
  return (site as unknown as Record<symbol, SiteInfo | undefined>)[SITE_INFO];
}

/** Registers a factory made inside the class `home`'s body under `id`. */
export function registerClassSite(factory: Function, id: string, registry: SiteRegistry, home: Function): void {
  define(factory, SITE_INFO, { id, registry, home } satisfies SiteInfo);
}

export interface ClosureData {
  /** Stable id of the function literal: `moduleId#qualified.name`. */
  id: string;
  /** The class whose body made its factory (the function uses the class's private names). */
  home?: Function;
  /** The scope object the function captured (null: none). */
  scope: Scope | null;
  /** The registry of the module instance that made it. */
  registry: SiteRegistry;
}

/** (id, scope) of a function made by compiled code; undefined for any other value. */
export function closureOf(fn: unknown): ClosureData | undefined {
  if (typeof fn !== "function") return undefined;
  const site = (fn as unknown as Record<symbol, unknown>)[SITE] as Function | undefined;
  // Own only: a class made by other code that extends a compiled class inherits its tags.
  if (site === undefined || !Object.hasOwn(fn, SITE)) return undefined;
  const info = (site as unknown as Record<symbol, SiteInfo | undefined>)[SITE_INFO];
  if (info === undefined) return undefined; // made before its module registered (circular import)
  const scope = (fn as unknown as Record<symbol, Scope | null>)[SCOPE] ?? null;
  return info.home === undefined ? { id: info.id, scope, registry: info.registry } : { id: info.id, scope, registry: info.registry, home: info.home };
}

/** Re-creates the function `id` of `registry`'s module instance over `scope`. Closures re-created
 * over the same scope object share their captured variables. A module-level declaration is
 * returned itself (it exists once per module instance). */
export function recreate(id: string, scope: Scope | null, registry: SiteRegistry): Function {
  const factory = registry.factories.get(id);
  if (factory !== undefined) return factory(scope);
  const declared = registry.declarations.get(id);
  if (declared !== undefined) return declared;
  throw new Error(`spickle: no function ${id} in module ${registry.moduleId}`);
}

// ---------------------------------------------------------------------------------------------
// Object-literal accessors: the compiler replaces `get x() {…}` by a placeholder `x: void 0` (so
// the literal keeps its property order) and installs the re-creatable functions afterwards.

/** Defines accessor `key` on `object` (enumerable and configurable, as a literal's); returns
 * `object`. */
export function defineAccessor<T extends object>(object: T, key: PropertyKey, get: Function | undefined, set: Function | undefined): T {
  Object.defineProperty(object, key, {
    get: get as (() => unknown) | undefined,
    set: set as ((v: unknown) => void) | undefined,
    enumerable: true,
    configurable: true,
  });
  return object;
}

/** The getter or setter `key` of a throwaway object literal (inside a factory). */
export function accessorOf(object: object, key: PropertyKey, kind: "get" | "set"): Function {
  return Object.getOwnPropertyDescriptor(object, key)![kind]!;
}

// ---------------------------------------------------------------------------------------------
// Bound functions. Compiled code turns `f.bind(a, ...b)` into `bind(f, a, ...b)`: the native
// bound function, tagged with what it binds. Bound functions made by uncompiled code (libraries)
// are not readable.

const nativeBind = Function.prototype.bind;

export interface BoundData {
  target: Function;
  thisArg: unknown;
  args: unknown[];
}

/** `target.bind(thisArg, ...args)`, readable by `boundOf`. Anything that is not a function with
 * the native `bind` is called as written. */
export function bind(target: unknown, thisArg?: unknown, ...args: unknown[]): unknown {
  const method = (target as { bind?: unknown } | null | undefined)?.bind;
  if (typeof target !== "function" || method !== nativeBind) {
    return (method as Function).call(target, thisArg, ...args);
  }
  const bound = nativeBind.call(target, thisArg, ...args);
  define(bound, BOUND, { target, thisArg, args } satisfies BoundData);
  return bound;
}

/** (target, this, args) of a bound function made by compiled code; undefined otherwise. */
export function boundOf(fn: unknown): BoundData | undefined {
  if (typeof fn !== "function") return undefined;
  const data = (fn as unknown as Record<symbol, BoundData | undefined>)[BOUND];
  return data === undefined ? undefined : { target: data.target, thisArg: data.thisArg, args: [...data.args] };
}

/** Re-creates a bound function from `boundOf`'s data. */
export function rebind(data: BoundData): Function {
  return bind(data.target, data.thisArg, ...data.args) as Function;
}
