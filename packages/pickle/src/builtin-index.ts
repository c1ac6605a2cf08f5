// Reverse index of the exports of the `node:` builtin modules this process has loaded: value →
// `node:<module>#<export>[.<member>]`, so that `const join = path.join`, `fs.readFileSync` in a
// Map, `path.posix.join` or an `import * as path` namespace kept in a local are written by
// reference. Built on the first value of unknown identity the encoder meets (never on the plain
// data path), cached, and extended when more builtins have been loaded since. No builtin is
// loaded to index it: `process.moduleLoadList` tells which ones are.
import { builtinModules, createRequire } from "node:module";
import { isDeniedModule } from "./reference-policy.js";
import { comparePaths } from "./reference-paths.js";

const PUBLIC = new Set(builtinModules.filter((m) => !m.startsWith("_") && !isDeniedModule(m)));
const IDENT = /^[A-Za-z_$][\w$]*$/;

const byValue = new Map<object, string>();
/** A builtin module's exports object → its specifier (an ES namespace's `default` is it). */
const byExports = new Map<object, string>();
const indexed = new Set<string>();
let seenLoads = -1;
let req: NodeJS.Require | undefined;

/** The builtins loaded so far, by the names moduleLoadList gives them (`NativeModule fs`). */
function loadedBuiltins(): string[] {
  const list = (process as { moduleLoadList?: string[] }).moduleLoadList;
  if (list === undefined || list.length === seenLoads) return [];
  seenLoads = list.length;
  const out: string[] = [];
  for (const entry of list) {
    if (!entry.startsWith("NativeModule ")) continue;
    const name = entry.slice(13);
    if (PUBLIC.has(name) && !indexed.has(name)) out.push(name);
  }
  return out;
}

function add(value: unknown, path: string): void {
  if ((typeof value !== "object" || value === null) && typeof value !== "function") return;
  const known = byValue.get(value);
  if (known === undefined || comparePaths(path, known) < 0) byValue.set(value, path);
}

function dataMembers(holder: object): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const key of Object.getOwnPropertyNames(holder)) {
    if (!IDENT.test(key)) continue;
    const d = Object.getOwnPropertyDescriptor(holder, key);
    if (d !== undefined && "value" in d) out.push([key, d.value]);
  }
  return out;
}

function index(name: string): void {
  indexed.add(name);
  let exports: unknown;
  try {
    req ??= createRequire(import.meta.url);
    exports = req(`node:${name}`); // already loaded: this only returns its exports
  } catch {
    return;
  }
  if ((typeof exports !== "object" || exports === null) && typeof exports !== "function") return;
  const root = `node:${name}#`;
  byExports.set(exports, `node:${name}`);
  add(exports, root);
  for (const [key, value] of dataMembers(exports)) {
    add(value, root + key);
    if (typeof value !== "object" || value === null || key === "prototype") continue;
    // One level down: `path.posix.join`, `fs.promises.readFile`.
    for (const [sub, member] of dataMembers(value)) if (typeof member === "function") add(member, `${root}${key}.${sub}`);
  }
}

/** The by-reference path of a function or object exported by a loaded `node:` builtin (or an ES
 * namespace of one), else undefined. */
export function builtinPathOf(value: object, namespace: boolean): string | undefined {
  for (const name of loadedBuiltins()) index(name);
  if (namespace) {
    let exports: unknown;
    try {
      exports = Object.getOwnPropertyDescriptor(value, "default")?.value; // throws for a binding not yet initialized
    } catch {
      return undefined;
    }
    const specifier = (typeof exports === "object" && exports !== null) || typeof exports === "function" ? byExports.get(exports) : undefined;
    return specifier === undefined ? undefined : `${specifier}#`;
  }
  return byValue.get(value);
}
