// Built-in policies for host objects: objects whose real state lives outside the JavaScript heap
// (an open file, a socket, a timer in the event loop). fs streams and FileHandles are reduced to
// (built-in restorer name, state) and re-open by path, flags and position on load (host-restore.ts);
// the rest is refused with the path to the value and what to do instead.
//
// Decisions are cached per prototype, so an ordinary class instance costs one WeakMap lookup.
// Node modules are required only when an object's class chain carries one of their class names:
// an object of a module the program never loaded cannot exist.
import * as fs from "node:fs";
import { createRequire } from "node:module";
import type { EncodeContext } from "../handlers.js";
import { isAppendFlags, RestoredFileHandle, type FileHandleState, type ReadStreamState, type WriteStreamState } from "../host-restore.js";
import * as T from "../tags.js";
import { description, type Description } from "./description.js";
import { nameOf, typeNameOf } from "./objects.js";

interface Policy {
  /** Set for refused kinds: why, and what to do instead. */
  refuse?: string;
  /** Name of its restore function among the built-in restorers (reducers.ts). */
  restorer?: string;
  reduce?: (obj: never, ctx: EncodeContext, name: string) => unknown;
}

const getPrototypeOf = Object.getPrototypeOf;
const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;

const policies = new WeakMap<object, Policy | null>();

/** The description of a host object this module has a policy for, else undefined. Refused
 * kinds fail here, with the current path. */
export function describeHost(v: object, proto: object | null, ctx: EncodeContext): Description | undefined {
  if (proto === null) return undefined;
  let p = policies.get(proto);
  if (p === undefined) policies.set(proto, (p = policyFor(proto)));
  if (p === null) return undefined;
  const name = typeNameOf(v);
  if (p.refuse !== undefined) ctx.fail(name, p.refuse);
  const state = p.reduce!(v as never, ctx, name);
  return description(T.T_REDUCE, name, [p.restorer, state], [], false);
}

const READ_STREAM: Policy = { restorer: "spickle.fs.ReadStream", reduce: readStreamState };
const WRITE_STREAM: Policy = { restorer: "spickle.fs.WriteStream", reduce: writeStreamState };
const FILE_HANDLE: Policy = { restorer: "spickle.fs.FileHandle", reduce: fileHandleState };
const RESTORED_FILE_HANDLE: Policy = { restorer: "spickle.fs.FileHandle", reduce: (h: RestoredFileHandle) => h.state };

export const NATIVE_ITERATOR = "a native iterator's position is not observable (keep the collection and an index instead, " +
  "or iterate in a generator of code compiled by spickle)";
const ITERATOR_PROTOS = new Set<object>([
  getPrototypeOf([][Symbol.iterator]()) as object,
  getPrototypeOf(""[Symbol.iterator]()) as object,
  getPrototypeOf("".matchAll(/(?:)/g)) as object,
]);

// Class names that make an object worth a closer look (subclasses carry them along the chain).
const HOST_NAMES = new Set(["ReadStream", "WriteStream", "FileHandle", "Socket", "Server", "ChildProcess", "Worker",
  "MessagePort", "Timeout", "Immediate"]);

function policyFor(proto: object): Policy | null {
  if (proto === fs.ReadStream.prototype) return READ_STREAM;
  if (proto === fs.WriteStream.prototype) return WRITE_STREAM;
  if (proto === RestoredFileHandle.prototype) return RESTORED_FILE_HANDLE;
  if (ITERATOR_PROTOS.has(proto)) return { refuse: NATIVE_ITERATOR };
  if (!constructorNames(proto).some((n) => HOST_NAMES.has(n))) return null;
  if (isFileHandlePrototype(proto)) return FILE_HANDLE;
  for (const [cls, reason] of refusedClasses()) {
    if (cls.prototype === proto || Object.prototype.isPrototypeOf.call(cls.prototype, proto)) return { refuse: reason };
  }
  return null;
}

/** Constructor names along a prototype chain, read without calling getters. */
function constructorNames(proto: object): string[] {
  const names: string[] = [];
  let p: object | null = proto;
  for (let i = 0; i < 32 && p !== null; i++) {
    const n = nameOf(getOwnPropertyDescriptor(p, "constructor")?.value);
    if (n !== undefined) names.push(n);
    p = getPrototypeOf(p) as object | null;
  }
  return names;
}

/** fs.promises' FileHandle class is not exported: it is recognized by its name and API. */
function isFileHandlePrototype(proto: object): boolean {
  return nameOf(getOwnPropertyDescriptor(proto, "constructor")?.value) === "FileHandle" &&
    typeof getOwnPropertyDescriptor(proto, "fd")?.get === "function" &&
    typeof getOwnPropertyDescriptor(proto, "readableWebStream")?.value === "function";
}

type Class = { prototype: object };
let refused: Array<[Class, string]> | undefined;

function refusedClasses(): Array<[Class, string]> {
  if (refused !== undefined) return refused;
  const require = createRequire(import.meta.url);
  const net = require("node:net") as typeof import("node:net");
  const dgram = require("node:dgram") as typeof import("node:dgram");
  const childProcess = require("node:child_process") as typeof import("node:child_process");
  const workers = require("node:worker_threads") as typeof import("node:worker_threads");
  const timeout = setTimeout(() => {}, 0);
  clearTimeout(timeout);
  const immediate = setImmediate(() => {});
  clearImmediate(immediate);
  const subclass = (base: string) => `the built-in policy covers ${base} itself, not its subclasses (register a reducer for this class)`;
  const connection = "an open connection belongs to this process; close it before the checkpoint and keep its address, " +
    "to connect again after resume";
  const timer = "a timer is scheduled in this process's event loop; clear it before the checkpoint and keep when it is " +
    "due, to set it again after resume";
  return (refused = [
    [fs.ReadStream, subclass("fs.ReadStream")],
    [fs.WriteStream, subclass("fs.WriteStream")],
    [net.Socket, connection],
    [dgram.Socket, "a UDP socket belongs to this process; close it before the checkpoint and keep its address, to bind again after resume"],
    [net.Server, "a listening server belongs to this process; close it before the checkpoint and keep its port, to listen again after resume"],
    [childProcess.ChildProcess, "a child process belongs to this process; wait for it (or kill it) before the checkpoint and keep " +
      "what is needed to start it again"],
    [workers.Worker, "a worker thread runs in this process; terminate it before the checkpoint and keep what is needed to " +
      "start it again (its state travels as messages, not as the Worker object)"],
    [workers.MessagePort, "a message port is connected to another thread of this process; close it before the checkpoint"],
    [timeout.constructor as Class, timer],
    [immediate.constructor as Class, timer],
  ]);
}

function streamPath(path: unknown, name: string, ctx: EncodeContext): string {
  if (typeof path === "string") return path;
  if (Buffer.isBuffer(path)) return path.toString();
  ctx.fail(name, "it was opened from a file descriptor, so there is no path to open again (open it by path)");
}

/** Own fields of Node's file streams that the typings leave out (set by their constructors). */
type FileStreamFields = { flags?: unknown; mode?: unknown; start?: unknown; end?: unknown };

function fields(s: fs.ReadStream | fs.WriteStream): FileStreamFields {
  return s as unknown as FileStreamFields;
}

function readStreamState(s: fs.ReadStream, ctx: EncodeContext, name: string): ReadStreamState {
  if (s.destroyed) ctx.fail(name, "the stream is closed (drop the reference to it before the checkpoint)");
  const path = streamPath(s.path, name, ctx);
  const encoding = s.readableEncoding as BufferEncoding | null;
  // Bytes read from the file but not yet by the program are read again after resume. With an
  // encoding the buffer holds characters, whose byte count is not kept: nothing may wait there.
  if (encoding !== null && (s.readableLength > 0 || decoderHoldsBytes(s))) {
    ctx.fail(name, `${s.readableLength} decoded characters are buffered and not read yet; read them before the checkpoint, ` +
      "or read bytes (no setEncoding)");
  }
  const buffered = encoding === null ? s.readableLength : 0;
  const f = fields(s);
  const start = typeof f.start === "number" ? f.start : 0;
  const end = typeof f.end === "number" && Number.isFinite(f.end) ? f.end : null;
  const position = start + s.bytesRead - buffered;
  if (end !== null && position > end) ctx.fail(name, "the stream has been read to its end (drop the reference to it before the checkpoint)");
  return { path, flags: f.flags as string | number, mode: f.mode as number, position, end, highWaterMark: s.readableHighWaterMark, encoding };
}

/** Whether the stream's text decoder holds the first bytes of a character (Node's readable
 * state; absent or unknown means it holds none). */
function decoderHoldsBytes(s: fs.ReadStream): boolean {
  const decoder = (s as unknown as { _readableState?: { decoder?: { lastNeed?: unknown } } })._readableState?.decoder;
  return typeof decoder?.lastNeed === "number" && decoder.lastNeed > 0;
}

function writeStreamState(s: fs.WriteStream, ctx: EncodeContext, name: string): WriteStreamState {
  if (s.destroyed || s.writableEnded) ctx.fail(name, "the stream is ended or closed (drop the reference to it before the checkpoint)");
  const path = streamPath(s.path, name, ctx);
  const f = fields(s);
  const flags = f.flags as string | number;
  // Queued bytes are not observable through the stream's public API: they must have reached the file.
  if (s.writableLength > 0) {
    ctx.fail(name, `${s.writableLength} bytes are still queued for writing; checkpoint after they are written ` +
      "(the write callback, or the 'drain' event)");
  }
  const start = typeof f.start === "number" ? f.start : 0;
  const position = isAppendFlags(flags) ? null : start + s.bytesWritten;
  return { path, flags, mode: f.mode as number, position, highWaterMark: s.writableHighWaterMark };
}

const C = fs.constants;
/** The open flags a re-opened handle keeps: access mode, append, sync. */
const KEPT_FLAGS = 3 /* O_ACCMODE */ | C.O_APPEND | C.O_SYNC | C.O_DSYNC;

function fileHandleState(h: { fd: number }, ctx: EncodeContext, name: string): FileHandleState {
  const fd = h.fd;
  if (fd < 0) return { path: "", flags: 0, position: 0, closed: true };
  // A FileHandle keeps neither its path nor its flags: Linux tells them, for any open descriptor.
  if (process.platform !== "linux") {
    ctx.fail(name, "its path and position can only be read from /proc on Linux; keep the path in the program's state " +
      "and open the file again after resume");
  }
  let path: string;
  let info: string;
  try {
    path = fs.readlinkSync(`/proc/self/fd/${fd}`);
    info = fs.readFileSync(`/proc/self/fdinfo/${fd}`, "utf8");
  } catch (err) {
    ctx.fail(name, `cannot read its path from /proc: ${(err as Error).message}`);
  }
  if (!path.startsWith("/") || path.endsWith(" (deleted)")) {
    ctx.fail(name, `it is not open on a file that can be opened again by path (${path})`);
  }
  const pos = /^pos:\s*(\d+)$/m.exec(info)?.[1];
  const flags = /^flags:\s*([0-7]+)$/m.exec(info)?.[1];
  if (pos === undefined || flags === undefined) ctx.fail(name, "/proc did not tell its position and flags");
  return { path, flags: parseInt(flags, 8) & KEPT_FLAGS, position: Number(pos), closed: false };
}
