// Built-in policies for platform data classes: URL, URLSearchParams, TextEncoder/TextDecoder,
// AbortController/AbortSignal, Headers, DOMException, Event, the Intl formatters, fs.Stats and
// fs.Dirent are reduced to (built-in restorer name, plain state) and made again with their public
// constructors (platform-restore.ts). Blob/File and EventTarget are refused with advice: a Blob's
// bytes are only readable asynchronously, and an EventTarget's listeners are not observable.
//
// Matched by exact prototype, decided once per prototype. A global is read (some are lazy getters
// that load a module) only when an object's constructor carries its name.
import * as fs from "node:fs";
import type { EncodeContext } from "../handlers.js";
import { DIRENT_TYPES, INTL_TYPES, owners, type DirentType } from "../platform-restore.js";
import * as T from "../tags.js";
import { description, type Description } from "./description.js";
import { nameOf } from "./objects.js";

interface Policy {
  refuse?: string;
  restorer?: string;
  reduce?: (obj: never, ctx: EncodeContext) => unknown;
}

/** URLSearchParams and AbortSignals written without their owner in the graph being written: if
 * the owner turns up later in the same graph, the graph is walked again, now knowing the link. */
const unlinked = new WeakSet<object>();

function linkOwner(owned: object, owner: object, ctx: EncodeContext): void {
  owners.set(owned, owner);
  if (unlinked.has(owned)) {
    unlinked.delete(owned);
    ctx.walkAgain?.();
  }
}

export const BLOB_ADVICE = "its bytes can only be read asynchronously; keep `new Uint8Array(await blob.arrayBuffer())` " +
  "(and its type and name) before the checkpoint, and make the Blob again after resume";
export const EVENT_TARGET_ADVICE = "its listeners are not observable; keep what the listeners need in the program's state " +
  "and add them again after resume (or use an EventEmitter, whose listeners are saved)";

const POLICIES: Record<string, () => [object, Policy][]> = {
  URL: () => [[URL.prototype, {
    restorer: "spickle.URL",
    reduce: (u: URL, ctx: EncodeContext) => {
      linkOwner(u.searchParams, u, ctx);
      return { href: u.href };
    },
  }]],
  URLSearchParams: () => [[URLSearchParams.prototype, {
    restorer: "spickle.URLSearchParams",
    reduce: (p: URLSearchParams) => {
      const url = owners.get(p);
      if (url !== undefined) return { url };
      unlinked.add(p);
      return { entries: p.toString() };
    },
  }]],
  TextEncoder: () => [[TextEncoder.prototype, { restorer: "spickle.TextEncoder", reduce: () => ({}) }]],
  TextDecoder: () => [[TextDecoder.prototype, {
    restorer: "spickle.TextDecoder",
    reduce: (d: InstanceType<typeof TextDecoder>) => ({ encoding: d.encoding, fatal: d.fatal, ignoreBOM: d.ignoreBOM }),
  }]],
  AbortController: () => [[AbortController.prototype, {
    restorer: "spickle.AbortController",
    reduce: (c: AbortController, ctx: EncodeContext) => {
      linkOwner(c.signal, c, ctx);
      return { aborted: c.signal.aborted, reason: c.signal.reason as unknown };
    },
  }]],
  AbortSignal: () => [[AbortSignal.prototype, {
    restorer: "spickle.AbortSignal",
    reduce: (s: AbortSignal) => {
      const controller = owners.get(s);
      if (controller !== undefined) return { controller };
      unlinked.add(s);
      return { aborted: s.aborted, reason: s.reason as unknown };
    },
  }]],
  Headers: () => [[Headers.prototype, { restorer: "spickle.Headers", reduce: (h: Headers) => ({ entries: [...h] }) }]],
  DOMException: () => [[DOMException.prototype, {
    restorer: "spickle.DOMException",
    reduce: (e: DOMException) => ({ name: e.name, message: e.message, stack: e.stack }),
  }]],
  Event: () => [[Event.prototype, {
    restorer: "spickle.Event",
    reduce: (e: Event) => ({ type: e.type, bubbles: e.bubbles, cancelable: e.cancelable, composed: e.composed }),
  }]],
  EventTarget: () => [[EventTarget.prototype, { refuse: EVENT_TARGET_ADVICE }]],
  Blob: () => [[Blob.prototype, { refuse: BLOB_ADVICE }]],
  File: () => [[(globalThis as { File?: { prototype: object } }).File?.prototype ?? Blob.prototype, { refuse: BLOB_ADVICE }]],
  Stats: () => [[fs.Stats.prototype, { restorer: "spickle.fs.Stats", reduce: (s: fs.Stats) => ({ ...s }) }]],
  Dirent: () => [[fs.Dirent.prototype, {
    restorer: "spickle.fs.Dirent",
    reduce: (d: fs.Dirent) => ({ name: d.name, parentPath: (d as { parentPath?: string }).parentPath ?? d.path, type: direntType(d) }),
  }]],
};
for (const type of INTL_TYPES) {
  POLICIES[type] = () => [[Intl[type].prototype as object, {
    restorer: "spickle.Intl",
    reduce: (f: { resolvedOptions(): object }) => ({ type, options: { ...f.resolvedOptions() } }),
  }]];
}

function direntType(d: fs.Dirent): DirentType {
  const tests: Record<keyof typeof DIRENT_TYPES, () => boolean> = {
    file: () => d.isFile(), directory: () => d.isDirectory(), symbolicLink: () => d.isSymbolicLink(), fifo: () => d.isFIFO(),
    socket: () => d.isSocket(), characterDevice: () => d.isCharacterDevice(), blockDevice: () => d.isBlockDevice(),
  };
  for (const [type, test] of Object.entries(tests)) if (test()) return type as DirentType;
  return "unknown";
}

const policies = new WeakMap<object, Policy | null>();

function policyFor(proto: object): Policy | null {
  const name = nameOf(Object.getOwnPropertyDescriptor(proto, "constructor")?.value);
  const make = name !== undefined && Object.hasOwn(POLICIES, name) ? POLICIES[name] : undefined;
  if (make === undefined) return null;
  for (const [p, policy] of make()) if (p === proto) return policy;
  return null;
}

/** The description of a platform data object, or undefined when it is none (refused ones fail
 * here, with the current path). */
export function describePlatform(v: object, proto: object | null, ctx: EncodeContext, name: string): Description | undefined {
  if (proto === null) return undefined;
  let p = policies.get(proto);
  if (p === undefined) policies.set(proto, (p = policyFor(proto)));
  if (p === null) return undefined;
  if (p.refuse !== undefined) ctx.fail(name, p.refuse);
  return description(T.T_REDUCE, name, [p.restorer, p.reduce!(v as never, ctx)], [], false);
}
