// The outer frame every snapshot and message has, written and read here only:
//
//   "SPKL"  u16 format version  u8 flags (bit 0: signed)  u8 0
//   u32 header length, header (msgpack map)
//   u32 body length high, u32 low, body (a graph body, see tags.ts)
//   u32 CRC-32 of all bytes before it
//   [32 bytes HMAC-SHA256 of all bytes before it, when signed]
//
// All integers big-endian. With a key, an unsigned or wrongly signed frame is a SnapshotError
// before the header is even parsed.
import { createRequire } from "node:module";
import { crc32Range } from "./crc32.js";
import { SnapshotError } from "./errors.js";

/** node:crypto, loaded when a key is used (a start that signs nothing does not pay for it). */
let cryptoModule: typeof import("node:crypto") | undefined;
function crypto(): typeof import("node:crypto") {
  return (cryptoModule ??= createRequire(import.meta.url)("node:crypto") as typeof import("node:crypto"));
}

export const FORMAT_VERSION = 1;
/** The oldest format version this reader reads: it reads every version from this one to
 * FORMAT_VERSION (test/fixtures keeps a snapshot of each, read in format-compatibility.test.ts). */
export const OLDEST_FORMAT_VERSION = 1;
/** "SPKL" */
export const MAGIC = [0x53, 0x50, 0x4b, 0x4c];
export const FLAG_SIGNED = 1;
/** Bytes before the header: magic, version, flags, 0, header length. */
export const PREFIX = 12;
/** The body length field between header and body. */
export const BODY_LENGTH_SIZE = 8;
export const CRC_SIZE = 4;
export const MAC_LENGTH = 32;

export function hmac(key: Uint8Array, data: Uint8Array): Uint8Array {
  return crypto().createHmac("sha256", key).update(data).digest();
}

function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

function setU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = (value >>> 16) & 0xff;
  bytes[at + 2] = (value >>> 8) & 0xff;
  bytes[at + 3] = value & 0xff;
}

/** Bytes a frame takes with a header and body of these lengths. */
export function frameSize(headerLength: number, bodyLength: number, signed: boolean): number {
  return PREFIX + headerLength + BODY_LENGTH_SIZE + bodyLength + CRC_SIZE + (signed ? MAC_LENGTH : 0);
}

/**
 * Completes a frame around a header and body already in place — the header at `at + PREFIX`,
 * the body right after the header and its 8-byte length field — by writing the prefix, the body
 * length, the CRC-32 and (with a key) the HMAC. `buf` must have room up to the frame's end,
 * which is returned.
 */
export function sealFrame(buf: Uint8Array, at: number, headerLength: number, bodyLength: number, key: Uint8Array | undefined): number {
  buf[at] = MAGIC[0]!;
  buf[at + 1] = MAGIC[1]!;
  buf[at + 2] = MAGIC[2]!;
  buf[at + 3] = MAGIC[3]!;
  buf[at + 4] = FORMAT_VERSION >>> 8;
  buf[at + 5] = FORMAT_VERSION & 0xff;
  buf[at + 6] = key ? FLAG_SIGNED : 0;
  buf[at + 7] = 0;
  setU32(buf, at + 8, headerLength);
  const lengthAt = at + PREFIX + headerLength;
  setU32(buf, lengthAt, Math.floor(bodyLength / 2 ** 32));
  setU32(buf, lengthAt + 4, bodyLength >>> 0);
  const bodyEnd = lengthAt + BODY_LENGTH_SIZE + bodyLength;
  setU32(buf, bodyEnd, crc32Range(buf, at, bodyEnd));
  let end = bodyEnd + CRC_SIZE;
  if (key) {
    buf.set(hmac(key, buf.subarray(at, end)), end);
    end += MAC_LENGTH;
  }
  return end;
}

/** A frame with this header and body, in a fresh array. */
export function writeFrame(header: Uint8Array, body: Uint8Array, key: Uint8Array | undefined): Uint8Array {
  const out = new Uint8Array(frameSize(header.length, body.length, key !== undefined));
  out.set(header, PREFIX);
  out.set(body, PREFIX + header.length + BODY_LENGTH_SIZE);
  sealFrame(out, 0, header.length, body.length, key);
  return out;
}

export interface FramePrefix {
  version: number;
  signed: boolean;
  headerLength: number;
}

/** Reads and checks the first PREFIX bytes (magic, version, flags); `bytes` may be just those. */
export function readFramePrefix(bytes: Uint8Array): FramePrefix {
  if (!(bytes instanceof Uint8Array)) throw new SnapshotError("snapshot must be a Uint8Array");
  if (bytes.length === 0) throw new SnapshotError("empty snapshot (0 bytes)");
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw new SnapshotError(i < bytes.length ? "not a spickle snapshot (bad magic)" : `truncated snapshot (${bytes.length} bytes)`);
  }
  if (bytes.length < PREFIX) throw new SnapshotError(`truncated snapshot (${bytes.length} bytes, prefix incomplete)`);
  const version = (bytes[4]! << 8) | bytes[5]!;
  if (version < OLDEST_FORMAT_VERSION || version > FORMAT_VERSION) {
    const range = OLDEST_FORMAT_VERSION === FORMAT_VERSION ? `${FORMAT_VERSION}` : `${OLDEST_FORMAT_VERSION} to ${FORMAT_VERSION}`;
    const why = version > FORMAT_VERSION ? "a newer spickle wrote it" : "an older spickle than this one reads wrote it";
    throw new SnapshotError(`snapshot format version ${version} but this reader supports ${range} (${why})`);
  }
  const flags = bytes[6]!;
  if ((flags & ~FLAG_SIGNED) !== 0 || bytes[7] !== 0) throw new SnapshotError("checksum mismatch (unknown flags: snapshot is corrupted)");
  return { version, signed: (flags & FLAG_SIGNED) !== 0, headerLength: u32(bytes, 8) };
}

/** The body length from its 8-byte field at `at`. */
export function readBodyLength(bytes: Uint8Array, at: number): number {
  return u32(bytes, at) * 2 ** 32 + u32(bytes, at + 4);
}

/** The size a frame declares, from its prefix and its body length field (undefined or short:
 * the bytes end before it), checked against the bytes there are (`available`) so that nothing
 * past them is ever read or allocated. */
export function declaredFrameSize(prefix: FramePrefix, bodyLengthField: Uint8Array | undefined, available: number): number {
  if (bodyLengthField === undefined || bodyLengthField.length < BODY_LENGTH_SIZE || PREFIX + prefix.headerLength + BODY_LENGTH_SIZE > available) {
    throw new SnapshotError(`truncated snapshot (${available} bytes, header claims ${prefix.headerLength})`);
  }
  return frameSize(prefix.headerLength, readBodyLength(bodyLengthField, 0), prefix.signed);
}

/** Throws unless there are exactly the `expected` bytes a frame declares. */
export function checkFrameSize(available: number, expected: number): void {
  if (available < expected) throw new SnapshotError(`truncated snapshot (${available} of ${expected} bytes)`);
  if (available > expected) throw new SnapshotError(`trailing data after snapshot (${available} bytes, expected ${expected})`);
}

export interface FrameLayout {
  version: number;
  signed: boolean;
  headerStart: number;
  headerEnd: number;
  bodyStart: number;
  bodyEnd: number;
}

/** Checks magic, version, lengths, checksum and (with a key) the signature of a whole frame. */
export function readFrame(bytes: Uint8Array, key: Uint8Array | undefined): FrameLayout {
  const prefix = readFramePrefix(bytes);
  const headerEnd = PREFIX + prefix.headerLength;
  const bodyStart = headerEnd + BODY_LENGTH_SIZE;
  const expected = declaredFrameSize(prefix, bytes.subarray(headerEnd, bodyStart), bytes.length);
  checkFrameSize(bytes.length, expected);
  const bodyEnd = expected - CRC_SIZE - (prefix.signed ? MAC_LENGTH : 0);
  if (u32(bytes, bodyEnd) !== crc32Range(bytes, 0, bodyEnd)) throw new SnapshotError("checksum mismatch (snapshot is corrupted)");
  if (key !== undefined) {
    if (!prefix.signed) throw new SnapshotError("snapshot is unsigned but a key is set (SPICKLE_KEY or the key option)");
    const mac = hmac(key, bytes.subarray(0, bodyEnd + CRC_SIZE));
    if (!crypto().timingSafeEqual(mac, bytes.subarray(bodyEnd + CRC_SIZE))) throw new SnapshotError("signature mismatch (wrong key: SPICKLE_KEY or the key option; or a tampered snapshot)");
  }
  return { version: prefix.version, signed: prefix.signed, headerStart: PREFIX, headerEnd, bodyStart, bodyEnd };
}
