// Loads a closure corpus file natively and compiled (three instances of the compiled module),
// extracts closures as data and re-creates them. See case.ts.

import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compile } from "@spickle/transform";
import { boundOf, classOf, closureOf, rebind, recreate, type Scope, type SiteRegistry } from "@spickle/runtime";
import type { ClosureCase } from "./case.js";

const here = dirname(fileURLToPath(import.meta.url));
export const corpusDir = join(here, "corpus");
const genDir = join(here, "..", ".gen", "closures");

export interface CorpusFile {
  cases: ClosureCase[];
  [name: string]: unknown;
}

export function corpusNames(): string[] {
  return readdirSync(corpusDir).filter((f) => f.endsWith(".ts")).map((f) => basename(f, ".ts")).sort();
}

export async function loadNative(name: string): Promise<CorpusFile> {
  return (await import(/* @vite-ignore */ pathToFileURL(join(corpusDir, `${name}.ts`)).href)) as CorpusFile;
}

export function moduleIdOf(name: string): string {
  return `test/closures/corpus/${name}.ts`;
}

export function compileCorpus(name: string): string {
  const filename = join(corpusDir, `${name}.ts`);
  return compile(readFileSync(filename, "utf8"), { filename, moduleId: moduleIdOf(name), sourceMaps: false }).code;
}

/** Imports compiled code as a module instance of its own (`instance` names the file). */
export async function importCompiled(name: string, code: string, instance: string): Promise<CorpusFile> {
  mkdirSync(genDir, { recursive: true });
  const file = join(genDir, `${name}.${instance}.mjs`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, code);
  renameSync(tmp, file);
  return (await import(/* @vite-ignore */ pathToFileURL(file).href)) as CorpusFile;
}

// ---------------------------------------------------------------------------------------------
// Closures as data

export type Data =
  | null | undefined | boolean | number | string | bigint
  | { $closure: number } | { $scope: number } | { $bound: number } | { $handle: number }
  | Data[] | { [key: string]: Data };

export interface Extracted {
  root: Data;
  closures: { id: string; module: string; scope: Data }[];
  scopes: Record<string, Data>[];
  bounds: { target: Data; thisArg: Data; args: Data[] }[];
}

/** What the extraction leaves outside the data: the objects behind handles. */
export interface Handles {
  objects: unknown[];
}

/** Reads `made` as data: its functions as (id, scope), scopes as records, any other object as a
 * handle. Throws on a function at the top that is not readable. */
export function extract(made: unknown): { data: Extracted; handles: Handles } {
  const data: Extracted = { root: null, closures: [], scopes: [], bounds: [] };
  const handles: Handles = { objects: [] };
  const memo = new Map<unknown, Data>();
  const handle = (value: unknown): Data => {
    let index = handles.objects.indexOf(value);
    if (index < 0) index = handles.objects.push(value) - 1;
    return { $handle: index };
  };
  const scope = (object: Scope): Data => {
    const known = memo.get(object);
    if (known !== undefined) return known;
    const ref = { $scope: data.scopes.length };
    memo.set(object, ref);
    const record: Record<string, Data> = {};
    data.scopes.push(record);
    for (const key of Reflect.ownKeys(object)) {
      if (typeof key === "symbol") throw new Error("symbol-keyed scope member");
      record[key] = key === "$parent" ? (object.$parent == null ? null : scope(object.$parent)) : value((object as Record<string, unknown>)[key]);
    }
    return ref;
  };
  const fn = (f: Function, strict: boolean): Data => {
    const known = memo.get(f);
    if (known !== undefined) return known;
    const closure = classOf(f) === undefined ? closureOf(f) : undefined; // classes are the pickler's
    if (closure !== undefined) {
      const ref = { $closure: data.closures.length };
      memo.set(f, ref);
      const entry = { id: closure.id, module: closure.registry.moduleId, scope: null as Data };
      data.closures.push(entry);
      entry.scope = closure.scope === null ? null : scope(closure.scope);
      return ref;
    }
    const bound = boundOf(f);
    if (bound !== undefined) {
      const ref = { $bound: data.bounds.length };
      memo.set(f, ref);
      const entry = { target: null as Data, thisArg: null as Data, args: [] as Data[] };
      data.bounds.push(entry);
      entry.target = value(bound.target, strict);
      entry.thisArg = value(bound.thisArg);
      entry.args = bound.args.map((a) => value(a));
      return ref;
    }
    if (strict) throw new Error(`function ${f.name || "(anonymous)"} is not readable as a closure`);
    return handle(f);
  };
  const value = (v: unknown, strict = false): Data => {
    if (typeof v === "function") return fn(v, strict);
    if (typeof v === "symbol") return handle(v);
    if (typeof v !== "object" || v === null) return v as Data;
    return handle(v);
  };
  if (Array.isArray(made)) data.root = made.map((v) => value(v, true));
  else if (typeof made === "object" && made !== null && Object.getPrototypeOf(made) === Object.prototype) {
    data.root = Object.fromEntries(Object.entries(made).map(([k, v]) => [k, value(v, true)]));
  } else data.root = value(made, true);
  return { data, handles };
}

/** Re-creates closures from data, through the registries of the given module instances. */
export function rebuild(data: Extracted, handles: Handles, registries: Map<string, SiteRegistry>): unknown {
  const scopes: Scope[] = data.scopes.map(() => ({}) as Scope);
  const closures: Function[] = [];
  const bounds: Function[] = [];
  const value = (v: Data): unknown => {
    if (typeof v !== "object" || v === null) return v;
    if (Array.isArray(v)) return v.map(value);
    if ("$closure" in v) return closures[v.$closure as number];
    if ("$scope" in v) return scopes[v.$scope as number];
    if ("$bound" in v) return bound(v.$bound as number);
    if ("$handle" in v) return handles.objects[v.$handle as number];
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(x)]));
  };
  const bound = (index: number): Function => {
    if (bounds[index] === undefined) {
      const entry = data.bounds[index]!;
      bounds[index] = rebind({ target: value(entry.target) as Function, thisArg: value(entry.thisArg), args: entry.args.map(value) });
    }
    return bounds[index]!;
  };
  data.closures.forEach((entry, index) => {
    const registry = registries.get(entry.module);
    if (registry === undefined) throw new Error(`no module instance for ${entry.module}`);
    closures[index] = recreate(entry.id, entry.scope === null ? null : (value(entry.scope) as Scope), registry);
  });
  data.scopes.forEach((record, index) => {
    for (const [key, v] of Object.entries(record)) (scopes[index] as Record<string, unknown>)[key] = value(v);
  });
  return value(data.root);
}

/** Observations as comparable data. */
export function normalize(value: unknown, seen = new Set<unknown>()): unknown {
  if (value instanceof Error) return { error: value.name, message: value.message };
  if (typeof value === "function") return `[function ${value.name}/${value.length}]`;
  if (typeof value === "symbol") return `[${String(value)}]`;
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value)) return "[cycle]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => normalize(v, seen));
  if (value instanceof Map) return { map: [...value].map(([k, v]) => [normalize(k, seen), normalize(v, seen)]) };
  if (value instanceof Set) return { set: [...value].map((v) => normalize(v, seen)) };
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v, seen)]));
}

export async function observe(run: () => unknown): Promise<unknown> {
  try {
    return normalize(await run());
  } catch (error) {
    return { threw: normalize(error) };
  }
}
