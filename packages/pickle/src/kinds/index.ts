// Dispatch between objects and kinds: encode side by internal-slot brand checks (util.types,
// which see through subclassing and Symbol.toStringTag), decode side by record tag.
import * as util from "node:util";
import type { Decoder } from "../decoder.js";
import type { EncodeContext, ObjectHandler } from "../handlers.js";
import * as T from "../tags.js";
import { ARRAYBUFFER_KIND, BUFFER_SPAN_KIND, DATAVIEW_KIND, describeArrayBuffer, describeDataView, describeSharedBuffer, describeTypedArray, SHARED_BUFFER_KIND, TYPED_ARRAY_KIND } from "./binary.js";
import { describeMap, describeSet, MAP_KIND, SET_KIND } from "./collections.js";
import type { Description } from "./description.js";
import { describeError, ERROR_KIND } from "./error-objects.js";
import { describeHost, NATIVE_ITERATOR } from "./host.js";
import { describePlatform } from "./platform.js";
import { NUMBERS_KIND } from "./numbers.js";
import { describeObject, OBJECT_KIND, SLOW_ARRAY_KIND, typeNameOf } from "./objects.js";
import { BOXED_KIND, DATE_KIND, describeBoxed, describeDate, describeRegExp, REGEXP_KIND } from "./wrappers.js";

export { describeFunction, describeHandler, describeReduced, describeSlowArray, typeNameOf } from "./objects.js";
import { describeFunction, describeHandler, describeReduced, describeSlowArray } from "./objects.js";
import { exportPathOf } from "../export-references.js";
import { defaultReducers, type ReducerRegistry } from "../reducers.js";

export interface KindDecoder {
  create(rec: unknown[], dec: Decoder): unknown;
  fill?(obj: unknown, rec: unknown[], pos: number, dec: Decoder): void;
}

const t = util.types;

/** What writes an object that is neither ordinary nor a dense array: its by-reference path (the
 * table's, or an export of a loaded `node:` builtin), or the description its handler, reducer or
 * kind makes — in that order of precedence. */
export function describeValue(
  v: object, proto: object | null, ctx: EncodeContext, handlers: readonly ObjectHandler[], reducers: ReducerRegistry | undefined, carryRestorers: boolean,
): string | Description {
  const path = ctx.table.pathOf(v);
  if (path !== undefined) return path;
  for (const h of handlers) {
    if (h.claims(v)) return describeHandler(h, v, ctx);
  }
  // Unknown identity: an export of a loaded builtin or package is written by reference.
  const exported = exportPathOf(v, ctx);
  if (exported !== undefined) return exported;
  if (typeof v === "function") return describeFunction(v, ctx);
  const reducer = reducers?.get(proto) ?? defaultReducers.get(proto);
  if (reducer !== undefined) return describeReduced(v, reducer, ctx, carryRestorers);
  if (Array.isArray(v)) return describeSlowArray(v, proto);
  return describeBuiltin(v, proto, ctx, handlers);
}

/** Describes an object of a built-in kind, or fails with the reason it cannot be written. */
export function describeBuiltin(v: object, proto: object | null, ctx: EncodeContext, handlers: readonly ObjectHandler[]): Description {
  if (t.isMap(v)) return describeMap(v as Map<unknown, unknown>, proto);
  if (t.isSet(v)) return describeSet(v as Set<unknown>, proto);
  if (t.isDate(v)) return describeDate(v as Date, proto);
  if (t.isRegExp(v)) return describeRegExp(v as RegExp, proto);
  // (Node ≥ 22 makes a DOMException a native error; its state is in slots an Error lacks.)
  if (t.isNativeError(v) && !(v instanceof DOMException)) return describeError(v as Error, proto);
  if (t.isArrayBuffer(v)) return describeArrayBuffer(v as ArrayBuffer, proto);
  if (t.isSharedArrayBuffer(v)) return describeSharedBuffer(v as SharedArrayBuffer, proto);
  if (t.isTypedArray(v)) return describeTypedArray(v as ArrayBufferView, proto);
  if (t.isDataView(v)) return describeDataView(v as DataView, proto);
  if (t.isBoxedPrimitive(v)) return describeBoxed(v, proto);
  const name = typeNameOf(v);
  if (t.isPromise(v)) ctx.fail(name, "promise state is not observable (await it before the checkpoint and keep its result)");
  if (t.isWeakMap(v) || t.isWeakSet(v)) ctx.fail(name, "weak collections cannot be enumerated (use a Map or Set, or rebuild it after resume)");
  if (v instanceof WeakRef) ctx.fail(name, "a weak reference's target cannot be held by a snapshot (keep the target itself, or drop the reference)");
  if (v instanceof FinalizationRegistry) {
    ctx.fail(name, "finalization callbacks are tied to this process's garbage collector (register the objects again after resume)");
  }
  if (t.isGeneratorObject(v)) ctx.fail(name, "a native generator's state is not observable (compile its module with spickle)");
  if (t.isMapIterator(v) || t.isSetIterator(v)) ctx.fail(name, NATIVE_ITERATOR);
  if (t.isModuleNamespaceObject(v)) ctx.fail("module namespace", "it is the namespace of a module that is neither compiled by spickle nor a builtin or package the program loaded");
  if (t.isExternal(v)) ctx.fail("host object", "host objects have no JavaScript-visible state");
  const platform = describePlatform(v, proto, ctx, name);
  if (platform !== undefined) return platform;
  const host = describeHost(v, proto, ctx);
  if (host !== undefined) return host;
  return describeObject(v, proto, ctx, handlers);
}

/** Decoders by record tag, for the tags the decoder does not handle inline. */
export const KINDS: (KindDecoder | undefined)[] = new Array(T.TAG_COUNT);
KINDS[T.T_OBJECT] = OBJECT_KIND as KindDecoder;
KINDS[T.T_ARRAY_SLOW] = SLOW_ARRAY_KIND as KindDecoder;
KINDS[T.T_MAP] = MAP_KIND as KindDecoder;
KINDS[T.T_SET] = SET_KIND as KindDecoder;
KINDS[T.T_DATE] = DATE_KIND as KindDecoder;
KINDS[T.T_REGEXP] = REGEXP_KIND as KindDecoder;
KINDS[T.T_ARRAYBUFFER] = ARRAYBUFFER_KIND;
KINDS[T.T_BUFFER_SPAN] = BUFFER_SPAN_KIND;
KINDS[T.T_SHARED_BUFFER] = SHARED_BUFFER_KIND;
KINDS[T.T_TYPED_ARRAY] = TYPED_ARRAY_KIND;
KINDS[T.T_DATAVIEW] = DATAVIEW_KIND;
KINDS[T.T_BOXED] = BOXED_KIND as KindDecoder;
KINDS[T.T_ERROR] = ERROR_KIND as KindDecoder;
KINDS[T.T_NUMBERS] = NUMBERS_KIND as KindDecoder;

export { OBJECT_KIND };
