// What no reference may name, whoever wrote the snapshot: the ways from a value to new code.
// The function constructors (reachable from any function through [[Prototype]].constructor),
// eval, and the exports of the builtin modules that compile or load code or start processes
// (vm, module, child_process, worker_threads, …), plus process's own loaders (binding, dlopen…).
// Decoding calls none of the values it resolves; this list keeps them out of the decoded graph,
// where a getter, `then` or `Symbol.toPrimitive` hook would hand them to the program.
//
// Untrusted snapshots (allowCode: false) may in addition not name `process` or its members.
import { createRequire } from "node:module";

/** Builtin modules no reference may name (with or without `node:`; their subpaths too). */
const DENIED_MODULES = ["vm", "module", "child_process", "worker_threads", "cluster", "inspector", "repl", "wasi"];
// Loaders of native code and modules, and the raw exit/kill primitives under process.exit/kill.
const PROCESS_DENIED = ["binding", "_linkedBinding", "dlopen", "getBuiltinModule", "reallyExit", "_kill", "execve"];

/** Whether a module specifier names a denied builtin module. */
export function isDeniedModule(specifier: string): boolean {
  const bare = specifier.startsWith("node:") ? specifier.slice(5) : specifier;
  const slash = bare.indexOf("/");
  return DENIED_MODULES.includes(slash < 0 ? bare : bare.slice(0, slash));
}

const denied = new Map<unknown, string>();
let seenModules = -1;
let req: NodeJS.Require | undefined;

function deny(value: unknown, what: string): void {
  if (((typeof value === "object" && value !== null) || typeof value === "function") && !denied.has(value)) denied.set(value, what);
}

let filled = false;

/** Adds values that compile or load code to the refused ones (a package's own loaders, such as
 * @spickle/runtime's restoreModule): no reference may name them, trusted or not. */
export function refuseReference(value: unknown, what: string): void {
  deny(value, what);
}

function fill(): void {
  filled = true;
  const fnProto = (f: unknown) => Object.getPrototypeOf(f) as { constructor: unknown };
  deny(Function, "the Function constructor");
  deny(fnProto(async function () {}).constructor, "the AsyncFunction constructor");
  deny(fnProto(function* () {}).constructor, "the GeneratorFunction constructor");
  deny(fnProto(async function* () {}).constructor, "the AsyncGeneratorFunction constructor");
  deny(globalThis.eval, "eval");
  const g = globalThis as { require?: unknown };
  deny(g.require, "require");
  const p = process as unknown as Record<string, unknown>;
  for (const name of PROCESS_DENIED) deny(p[name], `process.${name}`);
}

/** Adds the exports of the denied modules this process has loaded: an object of a module that
 * was never loaded cannot be reached, and the resolver loads none of them. */
function addLoadedModules(): void {
  const list = (process as { moduleLoadList?: string[] }).moduleLoadList;
  if (list !== undefined && list.length === seenModules) return;
  seenModules = list?.length ?? 0;
  req ??= createRequire(import.meta.url);
  for (const name of DENIED_MODULES) {
    if (list !== undefined && !list.includes(`NativeModule ${name}`)) continue;
    if (list === undefined && (name === "inspector" || name === "repl" || name === "cluster" || name === "wasi")) continue;
    let exports: unknown;
    try {
      exports = req(`node:${name}`);
    } catch {
      continue;
    }
    // worker_threads also exports MessageChannel, MessagePort…: globals that run no code.
    const only = name === "worker_threads" ? "Worker" : undefined;
    if (only === undefined) deny(exports, `node:${name}`);
    for (const [key, value] of ownValues(exports)) {
      if (only !== undefined && key !== only) continue;
      deny(value, `node:${name}#${key}`);
      if (typeof value !== "function") continue;
      for (const [k, v] of ownValues(value)) deny(v, `node:${name}#${key}.${k}`);
      for (const [k, v] of ownValues((value as { prototype?: unknown }).prototype)) deny(v, `node:${name}#${key}.prototype.${k}`);
    }
    // `module` exports the Module class itself: its prototype holds require and _compile.
    for (const [k, v] of ownValues((exports as { prototype?: unknown }).prototype)) deny(v, `node:${name}#prototype.${k}`);
  }
}

function ownValues(holder: unknown): Array<[string, unknown]> {
  if ((typeof holder !== "object" || holder === null) && typeof holder !== "function") return [];
  const out: Array<[string, unknown]> = [];
  for (const key of Object.getOwnPropertyNames(holder)) {
    const d = Object.getOwnPropertyDescriptor(holder, key);
    if (d !== undefined && "value" in d) out.push([key, d.value]);
  }
  return out;
}

/** What `value` is when no reference may name it, else undefined. */
export function deniedValue(value: object): string | undefined {
  if (!filled) fill();
  addLoadedModules();
  return denied.get(value);
}

let processMembers: Set<unknown> | undefined;

/** Whether an untrusted snapshot may not name `value`: process and its own members (exit, kill,
 * env, stdout…), which act on this process. */
export function isProcessMember(value: unknown): boolean {
  if (value === process) return true;
  if (processMembers === undefined) {
    processMembers = new Set();
    for (const [, v] of ownValues(process)) if ((typeof v === "object" && v !== null) || typeof v === "function") processMembers.add(v);
    processMembers.add(process.stdout).add(process.stderr);
  }
  return processMembers.has(value);
}
