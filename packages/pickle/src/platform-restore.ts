// Restore side of the built-in policies for platform data classes (kinds/platform.ts writes the
// state): URL, URLSearchParams, TextEncoder/TextDecoder, AbortController/AbortSignal, Headers,
// DOMException, Event, the Intl formatters, fs.Stats and fs.Dirent. Each is made again with its
// public constructor from plain state, which is checked first: a malformed state is a
// SnapshotError, never a call with values the snapshot chose beyond a constructor's arguments.
import * as fs from "node:fs";
import { SnapshotError } from "./errors.js";

/** A URLSearchParams: its own entries, or the URL it belongs to (whose `searchParams` it is). */
export type SearchParamsState = { url: URL } | { entries: string };
/** An AbortSignal: its controller's, or a standalone one (aborted or never aborting). */
export type SignalState = { controller: AbortController } | { aborted: boolean; reason: unknown };
export interface ControllerState {
  aborted: boolean;
  reason: unknown;
}
export interface IntlState {
  type: IntlType;
  options: Record<string, unknown>;
}
export type IntlType = "NumberFormat" | "DateTimeFormat" | "Collator" | "PluralRules" | "RelativeTimeFormat" | "ListFormat" | "Segmenter";
export const INTL_TYPES: readonly IntlType[] = ["NumberFormat", "DateTimeFormat", "Collator", "PluralRules", "RelativeTimeFormat", "ListFormat", "Segmenter"];

/** fs.Dirent kinds, by the predicate that tells them. */
export const DIRENT_TYPES = {
  file: "UV_DIRENT_FILE", directory: "UV_DIRENT_DIR", symbolicLink: "UV_DIRENT_LINK", fifo: "UV_DIRENT_FIFO",
  socket: "UV_DIRENT_SOCKET", characterDevice: "UV_DIRENT_CHAR", blockDevice: "UV_DIRENT_BLOCK",
} as const;
export type DirentType = keyof typeof DIRENT_TYPES | "unknown";

/** Objects this module made, by the object they belong to: a URL's searchParams → the URL,
 * a controller's signal → the controller. kinds/platform.ts adds the ones it writes. */
export const owners = new WeakMap<object, object>();

function record(state: unknown, what: string): Record<string, unknown> {
  if (typeof state !== "object" || state === null) throw new SnapshotError(`malformed ${what} state`);
  return state as Record<string, unknown>;
}

function str(v: unknown, what: string): string {
  if (typeof v !== "string") throw new SnapshotError(`malformed ${what} state`);
  return v;
}

function attempt<T>(what: string, make: () => T): T {
  try {
    return make();
  } catch (err) {
    throw new SnapshotError(`cannot restore a ${what}: ${(err as Error).message}`, { cause: err });
  }
}

export function restoreURL(state: unknown): URL {
  const href = str(record(state, "URL").href, "URL");
  const url = attempt("URL", () => new URL(href));
  owners.set(url.searchParams, url);
  return url;
}

export function restoreSearchParams(state: unknown): URLSearchParams {
  const s = record(state, "URLSearchParams");
  if ("url" in s) {
    if (!(s.url instanceof URL)) throw new SnapshotError("malformed URLSearchParams state");
    return s.url.searchParams;
  }
  return new URLSearchParams(str(s.entries, "URLSearchParams"));
}

export function restoreTextEncoder(): InstanceType<typeof TextEncoder> {
  return new TextEncoder();
}

export function restoreTextDecoder(state: unknown): InstanceType<typeof TextDecoder> {
  const s = record(state, "TextDecoder");
  const encoding = str(s.encoding, "TextDecoder");
  return attempt("TextDecoder", () => new TextDecoder(encoding, { fatal: s.fatal === true, ignoreBOM: s.ignoreBOM === true }));
}

export function restoreAbortController(state: unknown): AbortController {
  const s = record(state, "AbortController");
  const c = new AbortController();
  if (s.aborted === true) c.abort(s.reason);
  owners.set(c.signal, c);
  return c;
}

export function restoreAbortSignal(state: unknown): AbortSignal {
  const s = record(state, "AbortSignal");
  if ("controller" in s) {
    if (!(s.controller instanceof AbortController)) throw new SnapshotError("malformed AbortSignal state");
    return s.controller.signal;
  }
  // A standalone signal that was not aborted never will be: nothing outside it could abort it.
  return s.aborted === true ? AbortSignal.abort(s.reason) : new AbortController().signal;
}

export function restoreHeaders(state: unknown): Headers {
  const entries = record(state, "Headers").entries;
  if (!Array.isArray(entries)) throw new SnapshotError("malformed Headers state");
  const h = new Headers();
  for (const e of entries) {
    if (!Array.isArray(e) || typeof e[0] !== "string" || typeof e[1] !== "string") throw new SnapshotError("malformed Headers state");
    attempt("Headers", () => h.append(e[0] as string, e[1] as string));
  }
  return h;
}

export function restoreDOMException(state: unknown): DOMException {
  const s = record(state, "DOMException");
  const e = new DOMException(str(s.message, "DOMException"), str(s.name, "DOMException"));
  if (typeof s.stack === "string") Object.defineProperty(e, "stack", { value: s.stack, writable: true, enumerable: false, configurable: true });
  return e;
}

export function restoreEvent(state: unknown): Event {
  const s = record(state, "Event");
  return new Event(str(s.type, "Event"), { bubbles: s.bubbles === true, cancelable: s.cancelable === true, composed: s.composed === true });
}

export function restoreIntl(state: unknown): object {
  const s = record(state, "Intl");
  const type = s.type as IntlType;
  if (!INTL_TYPES.includes(type)) throw new SnapshotError("malformed Intl state");
  const options = record(s.options, "Intl");
  const Ctor = Intl[type] as unknown as new (locale: unknown, options: unknown) => object;
  return attempt(`Intl.${type}`, () => new Ctor(options.locale, options));
}

/** fs.Stats keep everything in own data properties: the prototype gives back the methods. */
export function restoreStats(state: unknown): fs.Stats {
  const s = record(state, "fs.Stats");
  const stats = Object.create(fs.Stats.prototype) as fs.Stats;
  for (const [k, v] of Object.entries(s)) {
    if (typeof v !== "number" && typeof v !== "bigint" && !(v instanceof Date)) throw new SnapshotError("malformed fs.Stats state");
    Object.defineProperty(stats, k, { value: v, writable: true, enumerable: true, configurable: true });
  }
  return stats;
}

export function restoreDirent(state: unknown): fs.Dirent {
  const s = record(state, "fs.Dirent");
  const name = str(s.name, "fs.Dirent");
  const parentPath = str(s.parentPath, "fs.Dirent");
  const type = s.type as DirentType;
  const constant = type === "unknown" ? "UV_DIRENT_UNKNOWN" : DIRENT_TYPES[type];
  const code = (fs.constants as Record<string, number | undefined>)[constant ?? ""];
  if (code === undefined) throw new SnapshotError("malformed fs.Dirent state");
  const DirentClass = fs.Dirent as unknown as new (name: string, type: number, path: string) => fs.Dirent;
  return new DirentClass(name, code, parentPath);
}
