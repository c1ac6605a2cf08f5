// Module records. Every compiled module registers itself at its top (before any of its own code
// runs, so circular imports work): its info (id, source hash, restore form and source map,
// binding kinds, imports, exports, the module-level references of each function site), an
// accessor table over its live top-level bindings, and its site registry. Records are per module
// *instance*: an instance loaded as ESM and instances rebuilt from a snapshot's restore form
// (`restoreModule`) coexist, even under one id.
//
// A restored instance runs its restore form (definitions only) with `vm.runInThisContext`; its
// top-level variables start uninitialized (reading one throws a ReferenceError) until the restore
// path writes them; its imports read through the exporter's record (compiled modules linked by
// the snapshot, or a loaded instance of the same id) or synchronous `require` (packages, `node:`
// builtins), on every read, so they stay live.
//
// A package or builtin is imported as Node imports it from ESM: the default import of a CommonJS
// module is its `module.exports` (never Babel's `.default` interop), and its namespace has
// `default` plus the names Node's namespace had in the process that loaded the module natively
// (recorded in `foreignExports` when the record is written). A JSON module's namespace travels
// by value (`carried`): it is data, and the resuming process may not have the file.

import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as path from "node:path";
import { types } from "node:util";
import * as vm from "node:vm";
import { registerSitesOf, type SiteRegistry } from "./closures.js";
import { registerRestoredScript } from "./stack-traces.js";

/** Packages this process provides to restored modules by specifier (`spickle`, `@spickle/runtime`):
 * the instances already loaded here, whatever folder a snapshot's modules came from. */
const providedModules = new Map<string, Record<string, unknown>>();

export function provideModule(specifier: string, namespace: object): void {
  providedModules.set(specifier, namespace as Record<string, unknown>);
}

/** This package's own namespace, which its entry provides as it loads (restored code calls it). */
function ownRuntime(): object {
  const runtime = providedModules.get("@spickle/runtime");
  if (runtime === undefined) throw new Error("spickle: @spickle/runtime was loaded without its entry module");
  return runtime;
}

export type BindingKind = "let" | "const" | "var";

/** What the compiler records about a module (plain data, written into snapshots). */
export interface ModuleInfo {
  id: string;
  /** sha256 (hex) of the module's source. */
  hash: string;
  /** The restore form `(function (__spickle) { … })`; null only in a record made by hand, which
   * cannot be restored. */
  code: string | null;
  map: unknown;
  /** Top-level variables (let/const/var, and `_default` for `export default <expr>`). */
  vars: Record<string, BindingKind>;
  /** Top-level function declarations (definitions: they exist in every instance). */
  functions: string[];
  /** local name → [specifier, imported name] ("*": the namespace). */
  imports: Record<string, [string, string]>;
  /** exported name → local name, or [specifier, imported name] for a re-export. */
  exports: Record<string, string | [string, string]>;
  /** `export * from` specifiers. */
  stars: string[];
  /** site id → the module-level bindings its function references (transitively through the
   * module's own functions). */
  refs: Record<string, string[]>;
  /** `import.meta.url` of the original module (added at registration). */
  url?: string;
  /** Site id → its identity: source hash `h`, kind `k`, line `l`, captured-variable paths `s`,
   * class fields `f` (written by the compiler; absent in modules compiled before it did). */
  sites?: Record<string, SiteIdentity>;
  /** Specifier → the export names Node's namespace of that module had, for the packages and
   * builtins imported as a namespace or re-exported with `export *` (added when written). */
  foreignExports?: Record<string, string[]>;
}

/** A function site's identity, as the compiler records it (see @spickle/transform). */
export interface SiteIdentity {
  h: string;
  k: string;
  l: number;
  s?: string[];
  f?: string[];
}

interface Accessors {
  get(name: string): unknown;
  set(name: string, value: unknown): void;
  has(name: string): boolean;
  /** Whether `set` can write binding `name`. */
  canSet(name: string): boolean;
}

/** A dependency as a snapshot links it: a record, or the id of a module used by reference. */
export type ModuleLink = ModuleRecord | string;

export class ModuleRecord {
  /** Specifier → the record it resolved to (set when restored; filled lazily for ESM). */
  readonly links = new Map<string, ModuleLink>();
  private requireFn: NodeRequire | undefined;
  /** The ESM module's `import.meta.resolve`, where the host provides it. */
  resolveUrl: ((specifier: string) => string) | undefined;
  private namespaceCache = new Map<string, object>();
  /** Specifier → the namespace a JSON import had, carried by a snapshot (restored instances). */
  readonly carried = new Map<string, Record<string, unknown>>();
  private infoWritten: ModuleInfo | undefined;

  constructor(
    readonly info: ModuleInfo,
    private readonly access: Accessors,
    /** The instance's site registry (set once, when the instance is made). */
    public sites: SiteRegistry | null,
    /** true: rebuilt from a restore form; false: loaded as ESM. */
    readonly restored: boolean,
    /** Loaded as ESM: specifier → Node's namespace object, for the imports a restored instance
     * needs facts about (packages imported as a namespace, JSON modules). */
    private readonly nativeNamespaces: Record<string, unknown> | null = null,
  ) {}

  /** The info a snapshot writes: with the export names of the packages this module imports as a
   * namespace, as Node gave them here (a restored instance keeps the names it was given). */
  writtenInfo(): ModuleInfo {
    if (this.infoWritten !== undefined) return this.infoWritten;
    const natives = this.nativeNamespaces;
    if (natives === null) return (this.infoWritten = this.info);
    const foreignExports: Record<string, string[]> = {};
    let complete = true;
    for (const specifier of Object.keys(natives)) {
      if (isPathLike(specifier)) continue;
      try {
        // A namespace's keys are its export names, sorted (reading them runs no user code).
        foreignExports[specifier] = Object.keys(Reflect.get(natives, specifier) as object);
      } catch {
        // an ES module still being evaluated (a cycle): its names are not readable yet
        complete = false;
      }
    }
    const written = Object.keys(foreignExports).length === 0 ? this.info : { ...this.info, foreignExports };
    if (complete) this.infoWritten = written;
    return written;
  }

  /** The namespace of a JSON module this module imports, as the snapshot carries it (a plain
   * object of its exports), or undefined when `specifier` is not one. */
  jsonNamespace(specifier: string): Record<string, unknown> | undefined {
    const carried = this.carried.get(specifier);
    if (carried !== undefined) return carried;
    if (this.nativeNamespaces === null || !isPathLike(specifier) || !Object.hasOwn(this.nativeNamespaces, specifier)) return undefined;
    const ns = Reflect.get(this.nativeNamespaces, specifier) as Record<string, unknown>;
    let plain = plainNamespaces.get(ns);
    if (plain === undefined) {
      plain = Object.create(null) as Record<string, unknown>;
      for (const key of Object.keys(ns)) plain[key] = ns[key];
      plainNamespaces.set(ns, plain);
    }
    return plain;
  }

  /** Whether the restore path can write every top-level binding of this instance (a restored
   * one; a loaded one whose compiled form has setters for all of them). */
  writable(): boolean {
    if (this.restored) return true;
    for (const name of Object.keys(this.info.vars)) if (!this.access.canSet(name)) return false;
    for (const name of this.info.functions) if (!this.access.canSet(name)) return false;
    return true;
  }

  get id(): string {
    return this.info.id;
  }

  get hash(): string {
    return this.info.hash;
  }

  /** The value of top-level binding `name` (throws a ReferenceError while it is uninitialized). */
  read(name: string): unknown {
    return this.access.get(name);
  }

  /** Whether top-level binding `name` holds a value (false: in its temporal dead zone). */
  initialized(name: string): boolean {
    try {
      this.access.get(name);
      return true;
    } catch (error) {
      if (error instanceof ReferenceError) return false;
      throw error;
    }
  }

  /** The restore path: sets binding `name` (also a `const`) of a restored instance, or of a
   * loaded instance that takes a snapshot's state (see `writable`). */
  write(name: string, value: unknown): void {
    if (!this.restored && !this.access.canSet(name)) throw new Error(`spickle: module ${this.id} is a loaded module: its binding ${name} is not written by restore`);
    this.access.set(name, value);
  }

  /** The compiled module `specifier` resolves to from here, if it is one (undefined: not a
   * compiled module, e.g. a package or a `node:` builtin). */
  resolve(specifier: string): ModuleLink | undefined {
    const linked = this.links.get(specifier);
    if (linked !== undefined) return linked;
    if (this.restored || this.info.url === undefined || !isPathLike(specifier)) return undefined;
    let url: string | undefined;
    try {
      // `import.meta.resolve` applies the loader's resolution (`./x.js` → x.ts, extensionless…)
      url = this.resolveUrl?.(specifier);
    } catch {
      url = undefined;
    }
    let found = url === undefined ? undefined : byUrl.get(url);
    if (found === undefined) {
      try {
        found = byUrl.get(new URL(specifier, this.info.url).href);
      } catch {
        return undefined;
      }
    }
    if (found !== undefined) this.links.set(specifier, found);
    return found;
  }

  /** Where exported name `name` lives: [record, local binding] (following re-exports), or
   * undefined when it is not a binding of a compiled module. */
  exportedBinding(name: string, seen = new Set<ModuleRecord>()): [ModuleRecord, string] | undefined {
    if (seen.has(this)) return undefined;
    seen.add(this);
    const e = own(this.info.exports, name);
    if (typeof e === "string") return [this, e];
    if (e !== undefined) {
      const dep = linkedRecord(this.resolve(e[0]));
      return e[1] === "*" || dep === undefined ? undefined : dep.exportedBinding(e[1], seen);
    }
    for (const spec of this.info.stars) {
      const dep = linkedRecord(this.resolve(spec));
      const found = dep?.exportedBinding(name, seen);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** Value of export `name` (live). */
  exported(name: string): unknown {
    const e = own(this.info.exports, name);
    if (typeof e === "string") return this.read(e);
    if (e !== undefined) {
      const ns = this.importNamespace(e[0]) as Record<string, unknown>;
      return e[1] === "*" ? ns : ns[e[1]];
    }
    for (const spec of this.info.stars) {
      const ns = this.importNamespace(spec) as Record<string, unknown>;
      if (name in ns) return ns[name];
    }
    return undefined;
  }

  /** Export names (for `import *` of a restored module). */
  exportNames(): string[] {
    const names = new Set(Object.keys(this.info.exports));
    for (const spec of this.info.stars) {
      for (const n of Object.keys(this.importNamespace(spec))) if (n !== "default") names.add(n);
    }
    return [...names].sort();
  }

  /** A live view of the module `specifier` names, as this module imports it. */
  importNamespace(specifier: string): object {
    let ns = this.namespaceCache.get(specifier);
    if (ns === undefined) this.namespaceCache.set(specifier, (ns = this.makeNamespace(specifier)));
    return ns;
  }

  private makeNamespace(specifier: string): object {
    const self = this;
    const names = (t: ImportTarget): string[] => (t.record !== undefined ? t.record.exportNames() : t.foreign!.names());
    const target = (): ImportTarget => {
      const link = this.resolve(specifier);
      if (link !== undefined) {
        const record = linkedRecord(link);
        if (record === undefined) throw new ReferenceError(`spickle: module ${this.id} imports ${specifier} (module ${String(link)}), which is not loaded`);
        return { record };
      }
      const carried = this.carried.get(specifier);
      if (carried !== undefined) return { foreign: esmNamespace(carried) };
      if (isPathLike(specifier) && this.restored) {
        throw new ReferenceError(`spickle: module ${this.id} was restored from a snapshot that did not carry its import ${JSON.stringify(specifier)}`);
      }
      return { foreign: nodeNamespace(this.requirePackage(specifier), own(this.info.foreignExports ?? {}, specifier)) };
    };
    return new Proxy(Object.create(null) as object, {
      get(_, key) {
        if (typeof key !== "string" || key === "then") return undefined;
        const t = target();
        return t.record !== undefined ? t.record.exported(key) : t.foreign!.get(key);
      },
      has(_, key) {
        return typeof key === "string" && names(target()).includes(key);
      },
      ownKeys() {
        return names(target());
      },
      getOwnPropertyDescriptor(_, key) {
        if (typeof key !== "string" || !names(target()).includes(key)) return undefined;
        return { value: (this as ProxyHandler<object>).get!(_, key, _), writable: true, enumerable: true, configurable: true };
      },
      set() {
        throw new TypeError(`Cannot assign to read only property of module ${specifier} (imported by ${self.id})`);
      },
    });
  }

  /** Packages are read from what this process provides (spickle's own), else resolved from the
   * original module's folder, else from the working directory (a resuming machine may not have
   * the original folder). */
  private requirePackage(specifier: string): Record<string, unknown> {
    const provided = providedModules.get(specifier);
    if (provided !== undefined) return provided;
    try {
      return this.require()(specifier) as Record<string, unknown>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw error;
      return createRequire(path.join(process.cwd(), "/"))(specifier) as Record<string, unknown>;
    }
  }

  private require(): NodeRequire {
    if (this.requireFn === undefined) {
      const url = this.info.url;
      const from = url !== undefined && url.startsWith("file:") ? fileURLToPath(url) : path.join(process.cwd(), this.info.id);
      this.requireFn = createRequire(from);
    }
    return this.requireFn;
  }

  /** `import()` from the original module's location. */
  dynamicImport(specifier: unknown): Promise<unknown> {
    const spec = String(specifier);
    if (isPathLike(spec) && this.info.url !== undefined) return import(new URL(spec, this.info.url).href);
    return import(pathToFileURL(this.require().resolve(spec)).href).catch(() => import(spec));
  }
}

/** A module that is not compiled, seen through its namespace. */
interface ForeignNamespace {
  get(name: string): unknown;
  names(): string[];
}

interface ImportTarget {
  record?: ModuleRecord;
  foreign?: ForeignNamespace;
}

/** Plain copies of JSON modules' namespaces (one per namespace, so a snapshot shares it). */
const plainNamespaces = new WeakMap<object, Record<string, unknown>>();

function esmNamespace(exports: Record<string, unknown>): ForeignNamespace {
  return { get: (name) => (Object.hasOwn(exports, name) ? exports[name] : undefined), names: () => Object.keys(exports).sort() };
}

/** What `require(specifier)` returned, as an ESM importer sees it under Node: an ES module's
 * namespace as it is; a CommonJS module's `module.exports` as `default`, and as named exports the
 * names Node found (`recorded`; without them: its own enumerable properties). */
function nodeNamespace(exports: unknown, recorded: string[] | undefined): ForeignNamespace {
  if (types.isModuleNamespaceObject(exports)) return esmNamespace(exports as Record<string, unknown>);
  const object = Object(exports) as Record<string, unknown>;
  let list: string[] | undefined;
  return {
    get(name) {
      // (Node 23 and later also name `module.exports` itself "module.exports".)
      if (name === "default" || (name === "module.exports" && recorded?.includes(name) === true)) return exports;
      if (recorded !== undefined && !recorded.includes(name)) return undefined;
      return Object.hasOwn(object, name) ? object[name] : undefined;
    },
    names() {
      return (list ??= recorded ?? [...new Set(["default", ...Object.keys(object)])].sort());
    },
  };
}

function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function isPathLike(specifier: string): boolean {
  return specifier.startsWith("./") || specifier.startsWith("../") || specifier.startsWith("/") || specifier.startsWith("file:");
}

function linkedRecord(link: ModuleLink | undefined): ModuleRecord | undefined {
  if (link === undefined) return undefined;
  return typeof link === "string" ? liveModule(link) : link;
}

/** Loaded (ESM) instances by URL, and by id (the most recent). */
const byUrl = new Map<string, ModuleRecord>();
const byId = new Map<string, ModuleRecord[]>();
const moduleOfSites = new WeakMap<SiteRegistry, ModuleRecord>();

/** The packages compiled modules import: for each module, its URL and `{ get "<specifier>"() }`
 * for each package (the getter throws while that package is still being evaluated). */
export interface PackageImports {
  from: string | undefined;
  namespaces: Record<string, unknown>;
}
const packageImports: PackageImports[] = [];

/** The packages imported by the compiled modules loaded so far, in load order. */
export function loadedPackageImports(): readonly PackageImports[] {
  return packageImports;
}

/** Called at the top of every compiled module. */
export function registerModule(
  info: ModuleInfo,
  accessors: Record<string, unknown>,
  sites: SiteRegistry | null,
  meta?: { url?: string },
  namespaces?: Record<string, unknown> | null,
  packages?: Record<string, unknown>,
): ModuleRecord {
  const full: ModuleInfo = meta?.url !== undefined ? { ...info, url: meta.url } : info;
  const canSet = (name: string) => Object.getOwnPropertyDescriptor(accessors, name)?.set !== undefined;
  const access: Accessors = {
    get: (name) => Reflect.get(accessors, name),
    // Only a resume that makes this instance the program's (pickle's "adopt" mode) writes it.
    set: (name, value) => {
      if (!canSet(name)) throw new Error(`spickle: binding ${name} of module ${full.id} cannot be written`);
      Reflect.set(accessors, name, value);
    },
    has: (name) => name in accessors,
    canSet,
  };
  const record = new ModuleRecord(full, access, sites, false, namespaces ?? null);
  const resolve = (meta as { resolve?: unknown } | undefined)?.resolve;
  if (typeof resolve === "function") record.resolveUrl = (specifier) => String(resolve.call(meta, specifier));
  if (full.url !== undefined) byUrl.set(full.url, record);
  if (packages !== undefined) packageImports.push({ from: full.url, namespaces: packages });
  const same = byId.get(full.id);
  if (same === undefined) byId.set(full.id, [record]);
  else same.push(record);
  if (sites !== null) moduleOfSites.set(sites, record);
  return record;
}

/** The most recently loaded (ESM) instance of module `id` (with `hash`: of that source). */
export function liveModule(id: string, hash?: string): ModuleRecord | undefined {
  const records = byId.get(id);
  if (records === undefined) return undefined;
  for (let i = records.length - 1; i >= 0; i--) if (hash === undefined || records[i]!.hash === hash) return records[i];
  return undefined;
}

/** The record of the module instance whose sites `sites` are. */
export function moduleOf(sites: SiteRegistry): ModuleRecord | undefined {
  return moduleOfSites.get(sites);
}

/** A new module instance rebuilt from its restore form: definitions made, every top-level
 * variable uninitialized until `write` sets it. Never becomes the live instance of its id. */
export function restoreModule(info: ModuleInfo, runtime: object = ownRuntime()): ModuleRecord {
  if (info.code === null) throw new Error(`spickle: module ${info.id} has no restore form`);
  const values = Object.create(null) as Record<string, unknown>;
  for (const [name, kind] of Object.entries(info.vars)) uninitialized(values, info.id, name, kind);
  let functions: Record<string, unknown> = {};
  // Bindings this side made writable data properties: written again (every remote call writes
  // the state it carries) by plain assignment.
  const writable = new Set<string>();
  const access: Accessors = {
    get: (name) => (Object.hasOwn(info.vars, name) ? values[name] : Reflect.get(functions, name)),
    set: (name, value) => {
      if (writable.has(name)) values[name] = value;
      else if (Object.hasOwn(info.vars, name)) {
        const constant = info.vars[name] === "const";
        Object.defineProperty(values, name, { value, writable: !constant, enumerable: true, configurable: true });
        if (!constant) writable.add(name);
      } else if (info.functions.includes(name)) {
        Reflect.set(functions, name, value);
      } else {
        throw new Error(`spickle: module ${info.id} has no top-level binding ${name}`);
      }
    },
    has: (name) => Object.hasOwn(info.vars, name) || info.functions.includes(name),
    canSet: (name) => Object.hasOwn(info.vars, name) || info.functions.includes(name),
  };
  const record = new ModuleRecord(info, access, null, true);
  const spickle = {
    bindings: values,
    runtime: { ...runtime, registerSites: registerSitesOf },
    imports: (specifier: string) => record.importNamespace(specifier),
    meta: metaOf(info),
    dynamicImport: (specifier: unknown) => record.dynamicImport(specifier),
  };
  const filename = `spickle-restore:${info.id}#${info.hash.slice(0, 12)}`;
  registerRestoredScript(filename, info.map, info.url, info.id);
  const form = vm.runInThisContext(info.code, { filename }) as (spickle: unknown) => { sites: SiteRegistry | null; functions: Record<string, unknown> };
  const made = form(spickle);
  functions = made.functions;
  record.sites = made.sites;
  if (made.sites !== null) moduleOfSites.set(made.sites, record);
  return record;
}

function uninitialized(values: Record<string, unknown>, id: string, name: string, kind: BindingKind): void {
  const message = `${name} is not initialized: module ${id} was restored from a snapshot that did not write it`;
  Object.defineProperty(values, name, {
    get() {
      throw new ReferenceError(message);
    },
    set(value: unknown) {
      if (kind === "const") throw new TypeError("Assignment to constant variable.");
      Object.defineProperty(values, name, { value, writable: true, enumerable: true, configurable: true });
    },
    enumerable: true,
    configurable: true,
  });
}

function metaOf(info: ModuleInfo): Record<string, unknown> {
  const url = info.url;
  const meta: Record<string, unknown> = { url };
  if (url !== undefined && url.startsWith("file:")) {
    const filename = fileURLToPath(url);
    meta.filename = filename;
    meta.dirname = path.dirname(filename);
  }
  meta.resolve = (specifier: string) => (url !== undefined ? new URL(specifier, url).href : specifier);
  return meta;
}
