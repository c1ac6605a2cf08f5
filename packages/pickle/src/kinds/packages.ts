// Instances of classes exported by npm packages: the class goes by reference (package-index.ts),
// the instance's own state by value, restored without running the constructor like the user's
// classes. What copying own state would silently lose is refused here, naming the package: state
// in native `#private` fields, or in closures of package code. Two common layouts have built-in
// reducers instead: a schema made from a definition by its constructor (zod's `_zod.constr` and
// `_zod.def`), and immutable's persistent collections (rebuilt from their entries).
import type { EncodeContext, ObjectHandler } from "../handlers.js";
import { packagePathOf } from "../package-index.js";
import type { NamedReducer } from "../reducers.js";
import { defaultReferenceTable } from "../reference-table.js";
import { isCompiledFunction } from "../reducers.js";
import { exportPathOf } from "../export-references.js";
import { isImmutableCollection, NATIVE, restoreDefinedBy, restoreImmutable } from "../package-restore.js";

// A private name declared or used in a class body (`#queue = …`, `#queue;`, `this.#queue`).
const PRIVATE_NAME = /(?:^|[\s;{}.])#[A-Za-z_$][\w$]*\s*(?:[=;(),.[\]}]|$)/m;

/** How an instance of a package class is written: undefined when its class is not a package's,
 * "value" for its own state by value, or the reducer that writes it. Fails for what cannot be. */
export function packageInstance(obj: object, proto: object, ctx: EncodeContext, handlers: readonly ObjectHandler[]): NamedReducer | "value" | undefined {
  const c = Object.getOwnPropertyDescriptor(proto, "constructor")?.value as unknown;
  const path = packagePathOf(proto) ?? (typeof c === "function" ? packagePathOf(c) : undefined);
  const definition = definedBy(obj);
  if (definition !== undefined) return DEFINITION_REDUCER;
  if (isImmutableCollection(proto)) return IMMUTABLE_REDUCER;
  if (path === undefined) return undefined;
  const specifier = path.slice(0, path.indexOf("#", 1));
  const name = typeof c === "function" ? (c.name || "(anonymous)") : "object";
  for (let p: object | null = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    const ctor = Object.getOwnPropertyDescriptor(p, "constructor")?.value as unknown;
    if (typeof ctor !== "function") continue;
    const source = Function.prototype.toString.call(ctor);
    if (NATIVE.test(source)) break;
    if (source.startsWith("class") && PRIVATE_NAME.test(source)) {
      ctx.fail(name, `instances of ${name} (package ${specifier}) keep state in native #private fields, which cannot be read: register a reducer for it (registerReducer)`);
    }
  }
  for (const key of Reflect.ownKeys(obj)) {
    const d = Reflect.getOwnPropertyDescriptor(obj, key);
    const fn = d !== undefined && "value" in d ? (d.value as unknown) : undefined;
    if (typeof fn !== "function" || isCompiledFunction(fn) || handlers.some((h) => h.claims(fn)) || ctx.table.pathOf(fn) !== undefined) continue;
    if (exportPathOf(fn) !== undefined) continue;
    ctx.fail(name, `instances of ${name} (package ${specifier}) keep state in closures of package code (property ${String(key)}): register a reducer for it (registerReducer)`);
  }
  return "value";
}

export interface Definition {
  constr: new (def: unknown) => unknown;
  def: unknown;
}

/** An object made by `new constr(def)` that keeps both (zod 4's `_zod`), else undefined. */
function definedBy(obj: object): Definition | undefined {
  const d = Object.getOwnPropertyDescriptor(obj, "_zod");
  const inner = d !== undefined && "value" in d ? (d.value as unknown) : undefined;
  if (typeof inner !== "object" || inner === null) return undefined;
  const constr = Object.getOwnPropertyDescriptor(inner, "constr")?.value as unknown;
  const def = Object.getOwnPropertyDescriptor(inner, "def")?.value as unknown;
  if (typeof constr !== "function" || typeof def !== "object" || def === null || !(obj instanceof constr)) return undefined;
  return { constr: constr as Definition["constr"], def };
}

const DEFINITION_REDUCER: NamedReducer = {
  name: "spickle.definedBy",
  reduce: (obj) => {
    const { constr, def } = definedBy(obj as object)!;
    // A copy: lazy members of the definition (zod's `shape`) are getters, read here. Functions
    // the constructor added to it (closures of package code, e.g. a check's `when`) are left for
    // it to add again; the program's own functions stay.
    const copy: Record<string, unknown> = { ...(def as object) };
    for (const [key, value] of Object.entries(copy)) if (typeof value === "function" && !writable(value)) delete copy[key];
    return [constr, copy];
  },
  restore: restoreDefinedBy as (state: unknown) => unknown,
};

const KEYED = "@@__IMMUTABLE_KEYED__@@";

const IMMUTABLE_REDUCER: NamedReducer = {
  name: "spickle.immutable",
  reduce: (obj) => {
    const c = obj as { toArray(): unknown[]; entrySeq(): { toArray(): unknown[] } } & Record<string, unknown>;
    const proto = Object.getPrototypeOf(obj) as Record<string, unknown>;
    return [proto, proto[KEYED] === true ? c.entrySeq().toArray() : c.toArray()];
  },
  restore: restoreImmutable as (state: unknown) => unknown,
};

/** Whether a function can be written: compiled code, or by reference. */
function writable(fn: object): boolean {
  return isCompiledFunction(fn) || defaultReferenceTable.pathOf(fn) !== undefined || exportPathOf(fn) !== undefined;
}
