// The snapshot: a frame (frame.ts: magic, version, flags, header, body, CRC-32, optional HMAC)
// whose header is a msgpack map. Everything is checked before anything is decoded or shown. A key
// (option or SPICKLE_KEY) signs on write; on read a key makes an unsigned or wrongly signed
// snapshot a SnapshotError before the header is even parsed.
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as pathModule from "node:path";
import { Packr } from "./msgpackr.js";
import { SnapshotError } from "./errors.js";
import { readFrame, writeFrame, type FrameLayout } from "./frame.js";
import { readFrameFile } from "./frame-file.js";
import { bodyMoved, reuseBody } from "./writer.js";

export const SPICKLE_VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string }).version;

export interface SnapshotKeyOptions {
  /** HMAC key. Default: the SPICKLE_KEY environment variable. null: no key even if it is set. */
  key?: string | Uint8Array | null;
}

export interface SnapshotParts {
  header: Record<string, unknown>;
  body: Uint8Array;
}

/** A snapshot read and verified: its parts, and whether it was signed. */
export interface VerifiedSnapshot extends SnapshotParts {
  signed: boolean;
}

const headerPackr = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false, useToJSON: false } as ConstructorParameters<typeof Packr>[0]);

export function keyOf(options: SnapshotKeyOptions | undefined): Uint8Array | undefined {
  const k = options?.key === undefined ? process.env.SPICKLE_KEY : options.key;
  if (k === null || k === undefined || k.length === 0) return undefined;
  return typeof k === "string" ? Buffer.from(k, "utf8") : k;
}

/** Builds snapshot bytes. The header gets `spickle`, `node` and `created` unless given. A body
 * from encodeBody is taken over: once copied into the snapshot it is emptied (its memory serves
 * the next encode). */
export function encodeSnapshot(parts: { header?: Record<string, unknown>; body: Uint8Array }, options?: SnapshotKeyOptions): Uint8Array {
  if (bodyMoved(parts.body)) throw new TypeError("spickle: this body went into a snapshot already (encodeSnapshot takes over a body from encodeBody); encode the graph again");
  const header = { spickle: SPICKLE_VERSION, node: process.version, created: new Date().toISOString(), ...parts.header };
  const bytes = writeFrame(headerPackr.pack(header), parts.body, keyOf(options));
  reuseBody(parts.body);
  return bytes;
}

export type Layout = FrameLayout;

function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/** Checks magic, version, lengths, checksum and (with a key) the signature. */
function verify(bytes: Uint8Array, options: SnapshotKeyOptions | undefined): Layout {
  return readFrame(bytes, keyOf(options));
}

export function parseHeader(bytes: Uint8Array, l: Layout): Record<string, unknown> {
  const small = smallHeader(bytes, l.headerStart, l.headerEnd);
  if (small !== undefined) return small;
  let header: unknown;
  try {
    header = headerPackr.unpack(bytes.subarray(l.headerStart, l.headerEnd));
  } catch (err) {
    throw new SnapshotError(`malformed snapshot header: ${(err as Error).message.split("\n")[0]}`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header) || header instanceof Map) {
    throw new SnapshotError("malformed snapshot header: not a map");
  }
  return header as Record<string, unknown>;
}

/**
 * A header that is a small map of short ASCII strings to short ASCII strings and unsigned
 * integers (what a connection's messages carry: `{ t: "call", id: 7 }`), read without msgpackr
 * (whose per-call setup costs more than the rest of a small message's envelope). Anything else:
 * undefined, and msgpackr reads it.
 */
/** Short header words seen so far, by their bytes (see shortAscii). */
const headerWords = new Map<number, string>();

function smallHeader(b: Uint8Array, p: number, end: number): Record<string, unknown> | undefined {
  if (p >= end) return undefined;
  const first = b[p++]!;
  if ((first & 0xf0) !== 0x80) return undefined;
  const header: Record<string, unknown> = {};
  for (let n = first & 0x0f; n > 0; n--) {
    const key = shortAscii(b, p, end);
    if (key === undefined || key === "__proto__") return undefined;
    p += 1 + key.length;
    if (p >= end) return undefined;
    const c = b[p]!;
    let value: string | number;
    if (c < 0x80) {
      value = c;
      p += 1;
    } else if ((c & 0xe0) === 0xa0) {
      const s = shortAscii(b, p, end);
      if (s === undefined) return undefined;
      value = s;
      p += 1 + s.length;
    } else if (c === 0xcc && p + 2 <= end) {
      value = b[p + 1]!;
      p += 2;
    } else if (c === 0xcd && p + 3 <= end) {
      value = (b[p + 1]! << 8) | b[p + 2]!;
      p += 3;
    } else if (c === 0xce && p + 5 <= end) {
      value = u32(b, p + 1);
      p += 5;
    } else return undefined;
    header[key] = value;
  }
  return p === end ? header : undefined;
}

/** A fixstr of ASCII characters at b[p], or undefined. */
function shortAscii(b: Uint8Array, p: number, end: number): string | undefined {
  const c = b[p]!;
  if ((c & 0xe0) !== 0xa0) return undefined;
  const n = c & 0x1f;
  if (p + 1 + n > end) return undefined;
  // Up to six bytes make an exact number key: a connection's few header words ("t", "id",
  // "call", "result") are made once, not once per message.
  let key = n;
  for (let i = p + 1; i <= p + n; i++) {
    const ch = b[i]!;
    if (ch >= 0x80) return undefined;
    if (n <= 6) key = key * 128 + ch;
  }
  if (n <= 6) {
    const known = headerWords.get(key);
    if (known !== undefined) return known;
  }
  let s = "";
  for (let i = p + 1; i <= p + n; i++) s += String.fromCharCode(b[i]!);
  if (n <= 6 && headerWords.size < 256) headerWords.set(key, s);
  return s;
}

/** The header, after the whole snapshot verified. */
export function readSnapshotHeader(bytes: Uint8Array, options?: SnapshotKeyOptions): Record<string, unknown> {
  return parseHeader(bytes, verify(bytes, options));
}

/** Header and body bytes (a view into `bytes`), after the whole snapshot verified. */
export function decodeSnapshot(bytes: Uint8Array, options?: SnapshotKeyOptions): VerifiedSnapshot {
  return snapshotParts(bytes, verify(bytes, options));
}

/** The parts of a frame readFrame verified. */
export function snapshotParts(bytes: Uint8Array, l: Layout): VerifiedSnapshot {
  return { header: parseHeader(bytes, l), body: bytes.subarray(l.bodyStart, l.bodyEnd), signed: l.signed };
}

/** The snapshot file at `path`, read with bounded effort (readFrameFile) and verified once:
 * header and body. A bad file is a one-line SnapshotError; errors of the file system (ENOENT,
 * EACCES…) are thrown as they are. */
export function readSnapshotFile(path: string, options?: SnapshotKeyOptions): VerifiedSnapshot {
  return decodeSnapshot(readFrameFile(path), options);
}

export interface WriteSnapshotFileOptions {
  /** Runs once the new file is complete on disk, just before it replaces `path` (`--keep`
   * rotates the previous generations here, so a failed write rotates nothing). */
  beforeReplace?: () => void;
}

/** Writes a file atomically: a temp file in the same folder, fsync, rename over `path`, fsync
 * the folder. Until the rename the previous file is intact; after it, the new one is complete.
 * Temp files are named `.<name>.<pid>.<random>.tmp`; those of writers no longer running (killed
 * mid-write) are removed after each successful write. */
export function writeSnapshotFile(path: string, bytes: Uint8Array, options: WriteSnapshotFileOptions = {}): void {
  const dir = pathModule.dirname(pathModule.resolve(path));
  const name = pathModule.basename(path);
  const tmp = pathModule.join(dir, `.${name}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  const fd = fs.openSync(tmp, "wx", 0o644);
  try {
    let off = 0;
    while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
    fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  try {
    options.beforeReplace?.();
    fs.renameSync(tmp, path);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  syncDirectory(dir);
  removeStaleTemporaries(dir, name);
}

/** Removes `.<name>.<pid>.<tag>.tmp` files in `dir` whose writer process is gone. */
export function removeStaleTemporaries(dir: string, name: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return;
  }
  const prefix = `.${name}.`;
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !entry.endsWith(".tmp")) continue;
    const m = /^(\d+)\.[a-z0-9]+\.tmp$/.exec(entry.slice(prefix.length));
    if (m === null) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    try {
      fs.rmSync(pathModule.join(dir, entry), { force: true });
    } catch {
      // Not ours to remove after all (permissions): left for whoever owns it.
    }
  }
}

/** Whether a process with this id runs on this machine (EPERM: it runs, as another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // Some platforms (Windows, some network file systems) cannot fsync a directory.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
