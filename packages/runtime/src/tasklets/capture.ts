// A runtime object graph (typically a paused scheduler) as structured-cloneable data, and back —
// what frames.ts does for one generator, for a whole scheduler with its tasklets, channels, locks,
// ops, compiled generators and frames. Not the snapshot format (that is @spickle/pickle's): a way
// to prove the scheduler is plain data, to inspect it, and to copy it in process.
//
// Copied: plain objects and arrays, runtime data objects (value and shared classes), compiled
// generators and their frames, and functions made by compiled code (as site id + scope, re-made
// by their factory, so closures and frames keep sharing scope objects). Everything else —
// other functions, symbols, class instances, errors, maps — goes through the caller's `external`
// mapping and comes back through `resolve`. The result is a flat table (`objects`) referencing
// its entries as `{ $ref: index }`, so cloning it never recurses deeply.

import { closureOf, recreate, type Scope, type SiteRegistry } from "../closures.js";
import { dataClass, dataClassName, sharedDataClassName, SYNC } from "../data.js";
import { Frame, frameOf, isCompiledGenerator, shell } from "../generator.js";

export type GraphValue = null | undefined | boolean | number | string | bigint | { $ref: number } | { $external: unknown };

export type GraphObject =
  | { kind: "object"; nullProto: boolean; fields: Record<string, GraphValue> }
  | { kind: "array"; items: GraphValue[] }
  | { kind: "data"; type: string; fields: Record<string, GraphValue> }
  | { kind: "generator"; proto: GraphValue; frame: GraphValue }
  | { kind: "frame"; fields: Record<string, GraphValue> }
  | { kind: "closure"; id: string; scope: GraphValue; registry: GraphValue };

export interface GraphData {
  root: GraphValue;
  objects: GraphObject[];
}

const ObjectPrototype = Object.prototype;
const ArrayPrototype = Array.prototype;

export function captureGraph(root: unknown, external: (value: object | symbol) => unknown): GraphData {
  // Objects get their index when first met and are described in index order (breadth first):
  // `seen[at]` is the object at `at`, so there is no work list of (object, index) pairs. For
  // 100,000 tasklets that is 1.2 million objects: every allocation per object shows up as GC.
  const objects: GraphObject[] = [];
  const seen: object[] = [];
  const index = new Map<object, number>();
  const refs: { $ref: number }[] = [];
  const ref = (value: unknown): GraphValue => {
    if (typeof value === "symbol") return { $external: external(value) };
    if ((typeof value !== "object" || value === null) && typeof value !== "function") return value as GraphValue;
    const object = value as object;
    const known = index.get(object);
    if (known !== undefined) return refs[known]!;
    if (!copied(object)) return { $external: external(object) };
    const at = seen.length;
    index.set(object, at);
    seen.push(object);
    const reference = { $ref: at };
    refs.push(reference); // one reference object per target, shared by every use
    return reference;
  };
  const record = (source: object): Record<string, GraphValue> => {
    const out: Record<string, GraphValue> = {};
    const keys = Object.keys(source);
    for (let i = 0; i < keys.length; i++) out[keys[i]!] = ref((source as Record<string, unknown>)[keys[i]!]);
    return out;
  };
  const rootValue = ref(root);
  for (let at = 0; at < seen.length; at++) objects.push(describe(seen[at]!));
  return { root: rootValue, objects };

  function describe(object: object): GraphObject {
    if (typeof object === "function") {
      const closure = closureOf(object)!;
      return { kind: "closure", id: closure.id, scope: ref(closure.scope), registry: { $external: external(closure.registry) } };
    }
    if (object instanceof Frame) return { kind: "frame", fields: record(object) };
    if (isCompiledGenerator(object)) return { kind: "generator", proto: ref(Object.getPrototypeOf(object)), frame: ref(frameOf(object)) };
    if (Array.isArray(object)) {
      const items: GraphValue[] = new Array((object as unknown[]).length);
      for (let i = 0; i < items.length; i++) items[i] = ref((object as unknown[])[i]);
      return { kind: "array", items };
    }
    const type = dataClassName(object) ?? sharedDataClassName(object);
    if (type === undefined) return { kind: "object", nullProto: Object.getPrototypeOf(object) === null, fields: record(object) };
    (object as { [SYNC]?: () => void })[SYNC]?.(); // fields up to date (see data.ts)
    return { kind: "data", type, fields: record(object) };
  }
}

/** Whether captureGraph copies `object` (rather than passing it to `external`). */
function copied(object: object): boolean {
  if (typeof object === "function") return closureOf(object)?.scope != null;
  if (object instanceof Frame || isCompiledGenerator(object)) return true;
  if (dataClassName(object) !== undefined || sharedDataClassName(object) !== undefined) return true;
  const proto = Object.getPrototypeOf(object);
  // Arrays are copied by index (holes read as undefined; extra properties are not copied).
  if (Array.isArray(object)) return proto === ArrayPrototype;
  return (proto === ObjectPrototype || proto === null) && isOrdinary(object);
}

/** Only enumerable data properties with string keys (no accessors, no symbols). */
function isOrdinary(object: object): boolean {
  if (Object.getOwnPropertySymbols(object).length > 0) return false;
  const names = Object.getOwnPropertyNames(object);
  for (let i = 0; i < names.length; i++) {
    const descriptor = Object.getOwnPropertyDescriptor(object, names[i]!)!;
    if (descriptor.enumerable !== true || !("value" in descriptor)) return false;
  }
  return true;
}

export function restoreGraph(data: GraphData, resolve: (handle: unknown) => unknown): unknown {
  const made: unknown[] = new Array(data.objects.length);
  // Pass 1: every object except closures (which need their scope object to exist).
  data.objects.forEach((entry, at) => {
    switch (entry.kind) {
      case "object":
        made[at] = entry.nullProto ? Object.create(null) : {};
        break;
      case "array":
        made[at] = [];
        break;
      case "data": {
        const cls = dataClass(entry.type);
        if (cls === undefined) throw new Error(`spickle: unknown runtime data class ${entry.type}`);
        made[at] = Object.create(cls.prototype);
        break;
      }
      case "frame":
        made[at] = new Frame(undefined as never, undefined as never, undefined, {}, null);
        break;
    }
  });
  const value = (v: GraphValue): unknown => {
    if (typeof v !== "object" || v === null) return v;
    if ("$ref" in v) return made[v.$ref];
    return resolve(v.$external);
  };
  // Pass 2: closures (over their scope objects, not filled yet) and generators (over their frames).
  data.objects.forEach((entry, at) => {
    if (entry.kind === "closure") {
      made[at] = recreate(entry.id, value(entry.scope) as Scope | null, value(entry.registry) as SiteRegistry);
    }
  });
  data.objects.forEach((entry, at) => {
    if (entry.kind === "generator") made[at] = shell(value(entry.proto) as object, value(entry.frame) as Frame);
  });
  // Pass 3: fields.
  data.objects.forEach((entry, at) => {
    const target = made[at] as Record<string, unknown>;
    switch (entry.kind) {
      case "object":
      case "data":
      case "frame":
        for (const key of Object.keys(entry.fields)) target[key] = value(entry.fields[key]!);
        break;
      case "array":
        entry.items.forEach((item, i) => ((target as unknown as unknown[])[i] = value(item)));
        break;
    }
  });
  return value(data.root);
}
