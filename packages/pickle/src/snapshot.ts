// The snapshot file format. Everything is checked before anything is decoded or shown:
//
//   "SPKL"  u16 format version  u8 flags (bit 0: signed)  u8 0
//   u32 header length, header (msgpack map)
//   u32 body length high, u32 low, body (a graph body, see tags.ts)
//   u32 CRC-32 of all bytes before it
//   [32 bytes HMAC-SHA256 of all bytes before it, when signed]
//
// All integers big-endian. A key (option or SPICKLE_KEY) signs on write; on read a key makes an
// unsigned or wrongly signed snapshot a SnapshotError before the header is even parsed.
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as pathModule from "node:path";
import { Packr } from "./msgpackr.js";
import { crc32, crc32Range } from "./crc32.js";
import { SnapshotError } from "./errors.js";

/** node:crypto, loaded when a key is used (a start that signs nothing does not pay for it). */
let cryptoModule: typeof import("node:crypto") | undefined;
function crypto(): typeof import("node:crypto") {
  return (cryptoModule ??= createRequire(import.meta.url)("node:crypto") as typeof import("node:crypto"));
}

export const FORMAT_VERSION = 1;
/** "SPKL" */
export const MAGIC = [0x53, 0x50, 0x4b, 0x4c];
export const FLAG_SIGNED = 1;
/** Bytes before the header: magic, version, flags, 0, header length. */
export const PREFIX = 12;
export const MAC_LENGTH = 32;

export const SPICKLE_VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string }).version;

export interface SnapshotKeyOptions {
  /** HMAC key. Default: the SPICKLE_KEY environment variable. null: no key even if it is set. */
  key?: string | Uint8Array | null;
}

export interface SnapshotParts {
  header: Record<string, unknown>;
  body: Uint8Array;
}

const headerPackr = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false, useToJSON: false } as ConstructorParameters<typeof Packr>[0]);

export function keyOf(options: SnapshotKeyOptions | undefined): Uint8Array | undefined {
  const k = options?.key === undefined ? process.env.SPICKLE_KEY : options.key;
  if (k === null || k === undefined || k.length === 0) return undefined;
  return typeof k === "string" ? Buffer.from(k, "utf8") : k;
}

export function hmac(key: Uint8Array, data: Uint8Array): Uint8Array {
  return crypto().createHmac("sha256", key).update(data).digest();
}

/** Builds snapshot bytes. The header gets `spickle`, `node` and `created` unless given. */
export function encodeSnapshot(parts: { header?: Record<string, unknown>; body: Uint8Array }, options?: SnapshotKeyOptions): Uint8Array {
  const header = { spickle: SPICKLE_VERSION, node: process.version, created: new Date().toISOString(), ...parts.header };
  const h = headerPackr.pack(header);
  const key = keyOf(options);
  const b = parts.body;
  const total = PREFIX + h.length + 8 + b.length + 4 + (key ? MAC_LENGTH : 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint16(4, FORMAT_VERSION);
  out[6] = key ? FLAG_SIGNED : 0;
  view.setUint32(8, h.length);
  out.set(h, PREFIX);
  let p = PREFIX + h.length;
  view.setUint32(p, Math.floor(b.length / 2 ** 32));
  view.setUint32(p + 4, b.length >>> 0);
  out.set(b, p + 8);
  p += 8 + b.length;
  view.setUint32(p, crc32(out.subarray(0, p)));
  p += 4;
  if (key) out.set(hmac(key, out.subarray(0, p)), p);
  return out;
}

export interface Layout {
  headerStart: number;
  headerEnd: number;
  bodyStart: number;
  bodyEnd: number;
}

function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/** Checks magic, version, lengths, checksum and (with a key) the signature. */
function verify(bytes: Uint8Array, options: SnapshotKeyOptions | undefined): Layout {
  return verifyWith(bytes, keyOf(options));
}

/** verify with the key given (undefined: none). */
export function verifyWith(bytes: Uint8Array, key: Uint8Array | undefined): Layout {
  if (!(bytes instanceof Uint8Array)) throw new SnapshotError("snapshot must be a Uint8Array");
  if (bytes.length === 0) throw new SnapshotError("empty snapshot (0 bytes)");
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw new SnapshotError(i < bytes.length ? "not a spickle snapshot (bad magic)" : `truncated snapshot (${bytes.length} bytes)`);
  }
  if (bytes.length < PREFIX) throw new SnapshotError(`truncated snapshot (${bytes.length} bytes, prefix incomplete)`);
  const version = (bytes[4]! << 8) | bytes[5]!;
  if (version !== FORMAT_VERSION) throw new SnapshotError(`snapshot format version ${version} but this reader supports ${FORMAT_VERSION}`);
  const flags = bytes[6]!;
  if ((flags & ~FLAG_SIGNED) !== 0 || bytes[7] !== 0) throw new SnapshotError("checksum mismatch (unknown flags: snapshot is corrupted)");
  const signed = (flags & FLAG_SIGNED) !== 0;
  const headerEnd = PREFIX + u32(bytes, 8);
  if (headerEnd + 8 > bytes.length) throw new SnapshotError(`truncated snapshot (${bytes.length} bytes, header claims ${headerEnd - PREFIX})`);
  const bodyLength = u32(bytes, headerEnd) * 2 ** 32 + u32(bytes, headerEnd + 4);
  const bodyEnd = headerEnd + 8 + bodyLength;
  const expected = bodyEnd + 4 + (signed ? MAC_LENGTH : 0);
  if (bytes.length < expected) throw new SnapshotError(`truncated snapshot (${bytes.length} of ${expected} bytes)`);
  if (bytes.length > expected) throw new SnapshotError(`trailing data after snapshot (${bytes.length} bytes, expected ${expected})`);
  if (u32(bytes, bodyEnd) !== crc32Range(bytes, 0, bodyEnd)) throw new SnapshotError("checksum mismatch (snapshot is corrupted)");
  if (key !== undefined) {
    if (!signed) throw new SnapshotError("snapshot is unsigned but a key is set (SPICKLE_KEY or the key option)");
    const mac = hmac(key, bytes.subarray(0, bodyEnd + 4));
    if (!crypto().timingSafeEqual(mac, bytes.subarray(bodyEnd + 4))) throw new SnapshotError("signature mismatch (wrong key: SPICKLE_KEY or the key option; or a tampered snapshot)");
  }
  return { headerStart: PREFIX, headerEnd, bodyStart: headerEnd + 8, bodyEnd };
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
export function decodeSnapshot(bytes: Uint8Array, options?: SnapshotKeyOptions): SnapshotParts {
  const l = verify(bytes, options);
  return { header: parseHeader(bytes, l), body: bytes.subarray(l.bodyStart, l.bodyEnd) };
}

/** Writes a file atomically: a temp file in the same folder, fsync, rename over `path`, fsync
 * the folder. Until the rename the previous file is intact; after it, the new one is complete. */
export function writeSnapshotFile(path: string, bytes: Uint8Array): void {
  const dir = pathModule.dirname(pathModule.resolve(path));
  const tmp = pathModule.join(dir, `.${pathModule.basename(path)}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
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
    fs.renameSync(tmp, path);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  syncDirectory(dir);
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
