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
import { createHmac, timingSafeEqual } from "node:crypto";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as pathModule from "node:path";
import { Packr } from "msgpackr";
import { crc32 } from "./crc32.js";
import { SnapshotError } from "./errors.js";

export const FORMAT_VERSION = 1;
const MAGIC = [0x53, 0x50, 0x4b, 0x4c]; // "SPKL"
const FLAG_SIGNED = 1;
const PREFIX = 12;
const MAC_LENGTH = 32;

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

function keyOf(options: SnapshotKeyOptions | undefined): Uint8Array | undefined {
  const k = options?.key === undefined ? process.env.SPICKLE_KEY : options.key;
  if (k === null || k === undefined || k.length === 0) return undefined;
  return typeof k === "string" ? Buffer.from(k, "utf8") : k;
}

function hmac(key: Uint8Array, data: Uint8Array): Uint8Array {
  return createHmac("sha256", key).update(data).digest();
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

interface Layout {
  headerStart: number;
  headerEnd: number;
  bodyStart: number;
  bodyEnd: number;
}

/** Checks magic, version, lengths, checksum and (with a key) the signature. */
function verify(bytes: Uint8Array, options: SnapshotKeyOptions | undefined): Layout {
  if (!(bytes instanceof Uint8Array)) throw new SnapshotError("snapshot must be a Uint8Array");
  if (bytes.length === 0) throw new SnapshotError("empty snapshot (0 bytes)");
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw new SnapshotError(i < bytes.length ? "not a spickle snapshot (bad magic)" : `truncated snapshot (${bytes.length} bytes)`);
  }
  if (bytes.length < PREFIX) throw new SnapshotError(`truncated snapshot (${bytes.length} bytes, prefix incomplete)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4);
  if (version !== FORMAT_VERSION) throw new SnapshotError(`snapshot format version ${version} but this reader supports ${FORMAT_VERSION}`);
  const flags = bytes[6]!;
  if ((flags & ~FLAG_SIGNED) !== 0 || bytes[7] !== 0) throw new SnapshotError("checksum mismatch (unknown flags: snapshot is corrupted)");
  const signed = (flags & FLAG_SIGNED) !== 0;
  const headerEnd = PREFIX + view.getUint32(8);
  if (headerEnd + 8 > bytes.length) throw new SnapshotError(`truncated snapshot (${bytes.length} bytes, header claims ${headerEnd - PREFIX})`);
  const bodyLength = view.getUint32(headerEnd) * 2 ** 32 + view.getUint32(headerEnd + 4);
  const bodyEnd = headerEnd + 8 + bodyLength;
  const expected = bodyEnd + 4 + (signed ? MAC_LENGTH : 0);
  if (bytes.length < expected) throw new SnapshotError(`truncated snapshot (${bytes.length} of ${expected} bytes)`);
  if (bytes.length > expected) throw new SnapshotError(`trailing data after snapshot (${bytes.length} bytes, expected ${expected})`);
  if (view.getUint32(bodyEnd) !== crc32(bytes.subarray(0, bodyEnd))) throw new SnapshotError("checksum mismatch (snapshot is corrupted)");
  const key = keyOf(options);
  if (key !== undefined) {
    if (!signed) throw new SnapshotError("snapshot is unsigned but a key is set");
    const mac = hmac(key, bytes.subarray(0, bodyEnd + 4));
    if (!timingSafeEqual(mac, bytes.subarray(bodyEnd + 4))) throw new SnapshotError("signature mismatch (wrong key or tampered snapshot)");
  }
  return { headerStart: PREFIX, headerEnd, bodyStart: headerEnd + 8, bodyEnd };
}

function parseHeader(bytes: Uint8Array, l: Layout): Record<string, unknown> {
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
