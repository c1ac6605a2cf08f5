// Objects that are not ordinary plain objects: another prototype (class instances,
// Object.create(x), null prototype) or non-ordinary properties (symbol keys, accessors,
// read-only, non-enumerable, frozen/sealed/non-extensible); arrays with holes, extra properties
// or another prototype; reduced objects; handler-made objects; functions.
//
// The prototype is a create value (usually by reference: a class prototype in the table), so the
// object can be made with Object.create before its properties — which may be cyclic — are set.
import { EventEmitter } from "node:events";
import { SYNC } from "@spickle/runtime";
import type { Decoder } from "../decoder.js";
import { SerializeError } from "../errors.js";
import type { EncodeContext, ObjectHandler } from "../handlers.js";
import { isCompiledFunction, type NamedReducer } from "../reducers.js";
import { ReferenceTable } from "../reference-table.js";
import * as T from "../tags.js";
import { description, type Description } from "./description.js";
import { applyProps, describeProps, ordinaryProps } from "./props.js";
import { packageInstance } from "./packages.js";
import { Carried, CARRIED_REDUCER } from "../registrations.js";

const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;

export function describeObject(obj: object, proto: object | null, ctx: EncodeContext, handlers: readonly ObjectHandler[]): Description {
  if (proto !== null && proto !== Object.prototype) {
    const reducer = checkClass(proto, ctx, handlers, obj);
    if (reducer !== undefined) return describeReduced(obj, reducer, ctx, false);
  }
  // Runtime objects may keep live state in transient caches; SYNC brings the plain fields up
  // to date before they are read (see @spickle/runtime data.ts).
  const sync = (obj as { [SYNC]?: unknown })[SYNC];
  if (typeof sync === "function") sync.call(obj);
  const d = description(T.T_OBJECT, typeNameOf(obj), [proto === Object.prototype ? T.DEFAULT_PROTO : proto]);
  const values: unknown[] = [];
  const keys = ordinaryProps(obj, values, 0);
  if (keys !== null) {
    if (keys.length > 0) [d.fill, d.fillKeys] = [values, keys];
  } else {
    d.propsAt = 0;
    describeProps(obj, d.fill);
  }
  return d;
}

/** Prototypes of Node classes written in JavaScript whose instances keep all their state in own
 * properties (listeners and all), so they are written like any object. */
const ordinaryHostPrototypes = new Set<object>([EventEmitter.prototype]);

/** An instance of a class that cannot be written fails here, with the class name, rather than
 * deep inside its prototype's methods. */
function checkClass(proto: object, ctx: EncodeContext, handlers: readonly ObjectHandler[], obj: object): NamedReducer | undefined {
  if (proto === Carried.prototype) return CARRIED_REDUCER;
  const path = ctx.table.pathOf(proto);
  if (path !== undefined && !ordinaryHostPrototypes.has(proto)) {
    // Instances of builtin and Node classes (Socket, URL, EventTarget…) keep their real state in
    // native slots or private fields: copying their own properties would silently lose it.
    if (ReferenceTable.isIntrinsic(path)) {
      const name = typeNameOf(Object.create(proto) as object);
      ctx.fail(name, `instances of the builtin class ${name} keep native or private state that is not observable (register a reducer)`);
    }
    return undefined;
  }
  const c = getOwnPropertyDescriptor(proto, "constructor")?.value as unknown;
  if (typeof c !== "function" || ctx.table.pathOf(c) !== undefined) return undefined;
  if (handlers.some((h) => h.claims(proto) || h.claims(c))) {
    // A class of compiled code: what it extends must be writable too (a subclass of URL is not).
    const base = Object.getPrototypeOf(proto) as object | null;
    if (base !== null && base !== Object.prototype) checkClass(base, ctx, handlers, obj);
    return undefined;
  }
  // A class exported by a package the program loaded (or one with a built-in reducer).
  const how = packageInstance(obj, proto, ctx, handlers);
  if (how !== undefined) return how === "value" ? undefined : how;
  ctx.fail(nameOf(c) ?? "object", "its class is not exported by any module the program loaded, and no handler or reducer claims it " +
    "(register a reducer for it with registerReducer)");
}

export function describeSlowArray(a: unknown[], proto: object | null): Description {
  const d = description(T.T_ARRAY_SLOW, "Array", [proto === Array.prototype ? T.DEFAULT_PROTO : proto]);
  d.propsAt = 0;
  describeProps(a, d.fill);
  return d;
}

export function describeReduced(obj: object, reducer: NamedReducer, ctx: EncodeContext, carryRestore: boolean): Description {
  let state: unknown;
  try {
    state = reducer.reduce(obj);
  } catch (err) {
    if (err instanceof SerializeError) throw err;
    ctx.fail(typeNameOf(obj), `its reducer failed: ${(err as Error)?.message ?? String(err)}`);
  }
  const create = carryRestore && isCompiledFunction(reducer.restore) ? [reducer.name, state, reducer.restore] : [reducer.name, state];
  return description(T.T_REDUCE, typeNameOf(obj), create, [], false);
}

export function describeHandler(h: ObjectHandler, obj: object, ctx: EncodeContext): Description {
  let r;
  try {
    r = h.describe(obj, ctx);
  } catch (err) {
    if (err instanceof SerializeError) throw err;
    ctx.fail(h.kind, `handler failed: ${(err as Error)?.message ?? String(err)}`);
  }
  const d = description(T.T_HANDLER, h.kind, [h.kind, ...r.create], r.fill ?? [], h.early === true);
  if (r.fillNames !== undefined) d.fillNames = r.fillNames;
  return d;
}

export function describeFunction(f: object, ctx: EncodeContext): never {
  const name = `function ${nameOf(f) || "(anonymous)"}`;
  if (/\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(f))) {
    ctx.fail(name, "native function is not exported by any builtin or package the program loaded (keep a function of compiled code that calls it)");
  }
  ctx.fail(name, "it is neither compiled by spickle nor exported by a builtin or package the program loaded (a function of " +
    "package code that is not an export, or of a module loaded without spickle's loader)");
}

export function nameOf(f: unknown): string | undefined {
  if (typeof f !== "function") return undefined;
  const n = getOwnPropertyDescriptor(f, "name")?.value as unknown;
  return typeof n === "string" ? n : undefined;
}

/** The constructor name along the prototype chain, read without calling getters; for objects
 * that only inherit Object's constructor, their toStringTag when they have one ("Generator",
 * "Array Iterator"). */
export function typeNameOf(v: object): string {
  if (typeof v === "function") return `function ${nameOf(v) || "(anonymous)"}`;
  const tag = Object.prototype.toString.call(v).slice(8, -1);
  let p: object | null = v;
  for (let i = 0; i < 64 && p !== null; i++) {
    p = Object.getPrototypeOf(p) as object | null;
    if (p === null) break;
    const n = nameOf(getOwnPropertyDescriptor(p, "constructor")?.value);
    if (n) return n === "Object" && tag !== "Object" ? tag : n;
  }
  return tag;
}

export const OBJECT_KIND = {
  create: (rec: unknown[], dec: Decoder): object => Object.create(dec.proto(rec[0], Object.prototype)) as object,
  fill(obj: object, rec: unknown[], pos: number, dec: Decoder): void {
    applyProps(obj, rec, pos, dec);
    if (obj instanceof EventEmitter) dec.emitters.push(obj);
  },
};

export const SLOW_ARRAY_KIND = {
  create(rec: unknown[], dec: Decoder): unknown[] {
    const a: unknown[] = [];
    const proto = dec.proto(rec[0], Array.prototype);
    if (proto !== Array.prototype) Object.setPrototypeOf(a, proto);
    return a;
  },
  fill: (obj: object, rec: unknown[], pos: number, dec: Decoder) => applyProps(obj, rec, pos, dec),
};
