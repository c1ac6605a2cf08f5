// The by-reference table ("permanents" in Eris): objects that are never copied into a snapshot
// but named by a stable path and looked up again when loading — intrinsics reachable from
// globalThis, and exports of modules the program registered with addModule().
//
// The globalThis walk is lazy (first pathOf call) and bounded: a Dijkstra search over own data
// properties (plus [[Prototype]] edges), ordered by the path order of comparePaths, so every
// object gets its shortest, then lexicographically smallest, path no matter in which order the
// properties are met. Accessors are never called except a short allowlist of side-effect-free
// lazy globals (`process`, `Buffer`, `process.stdout`…): other getters may load modules or print
// warnings. Builtin modules are never loaded in bulk; only registered ones are walked.
import { createRequire } from "node:module";
import * as util from "node:util";
import { cut, SnapshotError } from "./errors.js";
import { restoreFileHandle, restoreReadStream, restoreWriteStream } from "./host-restore.js";
import { deniedValue, isDeniedModule, isProcessMember } from "./reference-policy.js";
import { loadedPackage } from "./package-index.js";
import { appendSegment, comparePaths, parsePath, PROTO, WELL_KNOWN_NAME, type Segment } from "./reference-paths.js";

const GLOBAL_GETTERS = new Set(["process", "Buffer", "TextEncoder", "TextDecoder", "AbortController", "AbortSignal",
  "DOMException", "atob", "btoa", "performance", "crypto"]);
const PROCESS_GETTERS = new Set(["stdout", "stderr"]);
// Node's lazy web globals: getters until first read, data properties after. The walk never reads
// one that is still a getter (it loads a module), but a path written where it had become data
// must resolve where it has not.
const LAZY_GLOBALS = new Set(["Blob", "File", "FormData", "Headers", "Request", "Response", "fetch", "WebSocket", "EventSource",
  "BroadcastChannel", "MessageChannel", "MessagePort", "MessageEvent", "CompressionStream", "DecompressionStream",
  "ReadableStream", "ReadableStreamDefaultReader", "ReadableStreamBYOBReader", "ReadableStreamBYOBRequest",
  "ReadableByteStreamController", "ReadableStreamDefaultController", "TransformStream", "TransformStreamDefaultController",
  "WritableStream", "WritableStreamDefaultWriter", "WritableStreamDefaultController", "ByteLengthQueuingStrategy",
  "CountQueuingStrategy", "TextEncoderStream", "TextDecoderStream", "Performance", "PerformanceEntry", "PerformanceMark",
  "PerformanceMeasure", "PerformanceObserver", "PerformanceObserverEntryList", "PerformanceResourceTiming", "Crypto",
  "CryptoKey", "SubtleCrypto", "CustomEvent", "navigator", "Navigator"]);
// `node:` builtins and bare package specifiers; never relative or absolute paths or URLs.
const SPECIFIER = /^(node:[\w/]+|(@[\w-][\w.-]*\/)?[\w-][\w.-]*(\/[\w-][\w.-]*)*)$/;

export interface ReferenceTableOptions {
  /** Used to load modules named by paths that were not registered in this process (packages,
   * `node:` builtins). Default: require relative to this package. */
  require?: NodeJS.Require;
  /** Longest path, in segments (default 5). */
  maxDepth?: number;
  /** Most entries the globalThis walk adds (default 50,000). */
  maxEntries?: number;
}

type Entry = { path: string; value: object; depth: number };

/** Exports of this package that every table knows: the restore functions of the built-in host
 * policies (kinds/host.ts), so snapshots holding fs streams load without any registration. */
const OWN_SPECIFIER = "@spickle/pickle";
const OWN_EXPORTS: Record<string, object> = { restoreFileHandle, restoreReadStream, restoreWriteStream };

export class ReferenceTable {
  private readonly byValue = new Map<object, string>();
  // The ordinary plain objects and arrays among the entries (a few hundred): the encoder's fast
  // path looks its objects up in this small set rather than in byValue.
  private readonly plainEntries = new Set<object>();
  private readonly modules = new Map<string, object>();
  /** Modules a trusted snapshot named that were not registered, loaded on demand. */
  private readonly loaded = new Map<string, object>();
  private readonly resolved = new Map<string, unknown>();
  private globalsWalked = false;
  private readonly maxDepth: number;
  private readonly maxEntries: number;
  private req: NodeJS.Require | undefined;

  constructor(private readonly options: ReferenceTableOptions = {}) {
    this.maxDepth = options.maxDepth ?? 5;
    this.maxEntries = options.maxEntries ?? 50_000;
    // Entered directly rather than walked: their prototypes are intrinsics, named under globalThis.
    this.modules.set(OWN_SPECIFIER, OWN_EXPORTS);
    for (const [name, value] of Object.entries(OWN_EXPORTS)) this.byValue.set(value, `${OWN_SPECIFIER}#${name}`);
  }

  /** Registers a module's namespace (or exports object) under its specifier, e.g.
   * `table.addModule("node:fs", fs)`. Its exports, their prototypes and static members become
   * by-reference entries such as `node:fs#readFileSync`. */
  addModule(specifier: string, namespace: object): this {
    if (specifier.length === 0 || specifier.includes("#")) throw new TypeError(`invalid module specifier: ${specifier}`);
    this.modules.set(specifier, namespace);
    this.resolved.clear();
    this.walk(`${specifier}#`, namespace, this.maxEntries);
    return this;
  }

  /** The path of `value` if it is by reference, else undefined. */
  pathOf(value: object): string | undefined {
    if (!this.globalsWalked) this.walkGlobals();
    return this.byValue.get(value);
  }

  /** pathOf for an ordinary plain object or array (prototype Object.prototype or Array.prototype):
   * the same answer, from a much smaller table. */
  pathOfPlain(value: object): string | undefined {
    if (!this.globalsWalked) this.walkGlobals();
    return this.plainEntries.has(value) ? this.byValue.get(value) : undefined;
  }

  /** The ordinary plain objects and arrays among the entries. */
  plainObjects(): ReadonlySet<object> {
    if (!this.globalsWalked) this.walkGlobals();
    return this.plainEntries;
  }

  /** Whether a path names a builtin (globalThis or `node:`), as opposed to a registered package. */
  static isIntrinsic(path: string): boolean {
    return path.startsWith("globalThis#") || path.startsWith("node:");
  }

  /** Number of entries (walks globalThis if not yet done). */
  get size(): number {
    if (!this.globalsWalked) this.walkGlobals();
    return this.byValue.size;
  }

  /** Looks a path up again. Throws SnapshotError when it does not resolve, or names what no
   * snapshot may name (reference-policy.ts). The path must be one the walk could have listed: at
   * most maxDepth segments of data properties, allowlisted getters and [[Prototype]] edges, no
   * proxy on the way (a registered module's namespace excepted), ending at an object or function.
   * So resolving never runs code named by the input (except loading a `node:` builtin or an
   * installed package, for a trusted snapshot). `untrusted` (allowCode: false): only globalThis
   * and registered modules, and nothing of `process`. */
  resolve(path: string, untrusted = false): unknown {
    if (untrusted) this.checkUntrustedRoot(path);
    let value = this.resolved.get(path);
    if (value === undefined) {
      value = this.lookup(path, untrusted);
      this.resolved.set(path, value);
    }
    if (untrusted && isProcessMember(value)) {
      throw new SnapshotError(`reference ${quote(path)} names process or one of its members, which an untrusted snapshot (allowCode: false) may not`);
    }
    return value;
  }

  private checkUntrustedRoot(path: string): void {
    const hash = path.indexOf("#", 1);
    const root = hash < 0 ? path : path.slice(0, hash);
    if (root !== "globalThis" && !this.modules.has(root)) {
      throw new SnapshotError(`reference ${quote(path)} names a module that is not registered (an untrusted snapshot, allowCode: false, loads no module)`);
    }
  }

  private lookup(path: string, untrusted: boolean): object {
    const parsed = parsePath(path);
    if (parsed === undefined) throw new SnapshotError(`malformed reference path ${quote(path)}`);
    if (parsed.segments.length > this.maxDepth) throw new SnapshotError(`reference ${quote(path)} is longer than any the table lists (${this.maxDepth} steps)`);
    const isGlobal = parsed.root === "globalThis";
    if (!isGlobal && isDeniedModule(parsed.root)) throw new SnapshotError(`reference ${quote(path)} names module ${cut(parsed.root)}, which no snapshot may reference`);
    let holder: unknown = isGlobal ? globalThis : this.moduleFor(parsed.root, path, untrusted);
    let first = true;
    for (const seg of parsed.segments) {
      if (!(first && !isGlobal) && util.types.isProxy(holder)) throw new SnapshotError(`reference ${quote(path)} does not resolve (a proxy on the way)`);
      holder = step(holder, seg, first, path, first && !isGlobal);
      first = false;
    }
    if ((typeof holder !== "object" || holder === null) && typeof holder !== "function") {
      throw new SnapshotError(`reference ${quote(path)} does not name an object`);
    }
    const denied = deniedValue(holder);
    if (denied !== undefined) throw new SnapshotError(`reference ${quote(path)} names ${denied}, which no snapshot may reference`);
    return holder;
  }

  private moduleFor(specifier: string, path: string, untrusted: boolean): unknown {
    const registered = this.modules.get(specifier) ?? this.loaded.get(specifier);
    if (registered !== undefined) return registered;
    if (untrusted) throw new SnapshotError(`reference ${quote(path)} names a module that is not registered (an untrusted snapshot, allowCode: false, loads no module)`);
    if (!SPECIFIER.test(specifier)) throw new SnapshotError(`reference ${quote(path)} names a module that is not registered`);
    // A package the program loaded here: its own instance (preparePackages provides the others).
    const program = this.options.require === undefined ? loadedPackage(specifier) : undefined;
    if (program !== undefined) {
      this.loaded.set(specifier, program.exports);
      return program.exports;
    }
    let exports: unknown;
    try {
      this.req ??= this.options.require ?? createRequire(import.meta.url);
      exports = this.req(specifier) as unknown;
    } catch (err) {
      throw new SnapshotError(`cannot load module ${cut(specifier)} for reference ${quote(path)}: ${cut((err as Error).message.split("\n")[0]!)}`);
    }
    if ((typeof exports === "object" && exports !== null) || typeof exports === "function") this.loaded.set(specifier, exports);
    return exports;
  }

  /** Names `exports` as what `specifier` loads for the paths a snapshot names (a package loaded
   * before the decode; preparePackages does it), without walking it. */
  provide(specifier: string, exports: object): this {
    if (specifier.length === 0 || specifier.includes("#")) throw new TypeError(`invalid module specifier: ${specifier}`);
    this.loaded.set(specifier, exports);
    this.resolved.clear();
    return this;
  }

  private walkGlobals(): void {
    this.globalsWalked = true;
    this.walk("globalThis#", globalThis, this.maxEntries);
  }

  /** Dijkstra over the object graph under `root`, keeping the smallest path per object. */
  private walk(rootPath: string, root: object, budget: number): void {
    const heap = new PathHeap();
    heap.push({ path: rootPath, value: root, depth: 0 });
    const settled = new Set<object>();
    let added = 0;
    while (heap.size > 0 && added < budget) {
      const e = heap.pop();
      if (settled.has(e.value)) continue;
      settled.add(e.value);
      const known = this.byValue.get(e.value);
      if (known === undefined || comparePaths(e.path, known) < 0) {
        this.byValue.set(e.value, e.path);
        added++;
        const proto = Reflect.getPrototypeOf(e.value);
        if (proto === Object.prototype || proto === Array.prototype) this.plainEntries.add(e.value);
      }
      // A registered module's namespace may be a test runner's or bundler's proxy: it was handed
      // over by the program, so its exports are read; any other proxy is not entered.
      const moduleRoot = e.depth === 0 && rootPath !== "globalThis#";
      if (e.depth >= this.maxDepth || (!moduleRoot && util.types.isProxy(e.value))) continue;
      for (const [seg, child] of children(e.value, rootPath === "globalThis#", moduleRoot)) {
        if (!settled.has(child)) heap.push({ path: appendSegment(e.path, seg), value: child, depth: e.depth + 1 });
      }
    }
  }
}

/** Own data properties (string keys and well-known symbol keys) holding objects, allowlisted
 * getters, and the [[Prototype]] edge. */
function children(holder: object, atGlobal: boolean, moduleRoot: boolean): Array<[Segment, object]> {
  const out: Array<[Segment, object]> = [];
  const keys = Reflect.ownKeys(holder);
  for (const key of keys) {
    if (typeof key === "symbol" && !WELL_KNOWN_NAME.has(key)) continue;
    const d = Reflect.getOwnPropertyDescriptor(holder, key);
    if (d === undefined) continue;
    let v: unknown;
    if ("value" in d) v = d.value;
    // A registered module's exports may be getters (live bindings of a bundler's namespace).
    else if (typeof key === "string" && (moduleRoot || allowedGetter(holder, key, atGlobal))) v = (holder as Record<string, unknown>)[key];
    else continue;
    if ((typeof v === "object" && v !== null) || typeof v === "function") out.push([key, v as object]);
  }
  const proto = Reflect.getPrototypeOf(holder);
  if (proto !== null) out.push([PROTO, proto]);
  return out;
}

function allowedGetter(holder: object, key: string, atGlobal: boolean): boolean {
  if (holder === globalThis) return atGlobal && GLOBAL_GETTERS.has(key);
  return holder === process && PROCESS_GETTERS.has(key);
}

/** A path echoed in an error: quoted, cut to 200 characters. */
function quote(path: string): string {
  return cut(JSON.stringify(path));
}

function step(holder: unknown, seg: Segment, first: boolean, path: string, moduleRoot: boolean): unknown {
  if ((typeof holder !== "object" || holder === null) && typeof holder !== "function") {
    throw new SnapshotError(`reference ${quote(path)} does not resolve (not an object on the way)`);
  }
  const h = holder as object;
  if (seg === PROTO) return Reflect.getPrototypeOf(h);
  let d = Reflect.getOwnPropertyDescriptor(h, seg);
  // A CommonJS exports object stands in for an ES namespace's `default`.
  if (d === undefined && first && seg === "default") return h;
  if (d === undefined) throw new SnapshotError(`reference ${quote(path)} does not resolve (no property ${cut(String(seg), 60)})`);
  if ("value" in d) return d.value;
  if (typeof seg === "string" && (moduleRoot || allowedGetter(h, seg, true) || (h === globalThis && first && LAZY_GLOBALS.has(seg)))) {
    return (h as Record<string, unknown>)[seg];
  }
  throw new SnapshotError(`reference ${quote(path)} does not resolve (${cut(String(seg), 60)} is an accessor)`);
}

/** Binary min-heap of walk entries by comparePaths. */
class PathHeap {
  private readonly items: Entry[] = [];
  get size(): number {
    return this.items.length;
  }
  push(e: Entry): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (comparePaths(a[p]!.path, e.path) <= 0) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = e;
  }
  pop(): Entry {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && comparePaths(a[r]!.path, a[l]!.path) < 0 ? r : l;
        if (comparePaths(last.path, a[c]!.path) <= 0) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

/** The table used when options do not name one. */
export const defaultReferenceTable = new ReferenceTable();
