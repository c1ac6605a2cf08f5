// The handshake's messages: JSON objects in frames of at most PRE_AUTH_FRAME_BYTES, read with
// JSON.parse and checked field by field, so nothing a peer sends before it has proved the key is
// decoded by the pickler (which could build functions). The worker speaks first.
//
//   worker → caller  { spickle: "remote", protocol, worker, nonce }     nonce: null without a key
//   caller → worker  { protocol, nonce, proof }                         proof of the caller
//   worker → caller  { proof }                                          proof of the worker
//   either way       { fatal: text }                                    refused, and why
//
// Nonces and proofs are base64 (32 bytes each); proofs are HMACs over both nonces (auth.ts).

import { NONCE_BYTES } from "./auth.js";

export const PROTOCOL_VERSION = 3;

export interface WorkerHello {
  protocol: unknown;
  worker: string | null;
  nonce: Buffer | null;
}

export interface CallerHello {
  protocol: unknown;
  nonce: Buffer | null;
  proof: Buffer | null;
}

/** A handshake message, or the reason it is not one. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; fatal?: string; error: string };

export function encodeJson(value: object): Buffer {
  return Buffer.from(JSON.stringify(value), "utf8");
}

function parseObject(bytes: Uint8Array): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
  } catch {
    return null;
  }
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function bytesField(value: unknown): Buffer | null | undefined {
  if (value === null) return null;
  if (typeof value !== "string" || value.length > 64) return undefined;
  const bytes = Buffer.from(value, "base64");
  return bytes.length === NONCE_BYTES ? bytes : undefined;
}

export function base64(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : Buffer.from(bytes).toString("base64");
}

function parse<T>(bytes: Uint8Array, what: string, read: (o: Record<string, unknown>) => T | undefined): Parsed<T> {
  const o = parseObject(bytes);
  if (o === null) return { ok: false, error: "not a handshake message" };
  if (typeof o.fatal === "string") return { ok: false, fatal: o.fatal.slice(0, 1000), error: o.fatal };
  const value = read(o);
  return value === undefined ? { ok: false, error: `malformed ${what}` } : { ok: true, value };
}

export function parseWorkerHello(bytes: Uint8Array): Parsed<WorkerHello> {
  return parse(bytes, "hello", (o) => {
    if (o.spickle !== "remote") return undefined;
    const nonce = bytesField(o.nonce);
    if (nonce === undefined) return undefined;
    return { protocol: o.protocol, worker: typeof o.worker === "string" ? o.worker.slice(0, 200) : null, nonce };
  });
}

export function parseCallerHello(bytes: Uint8Array): Parsed<CallerHello> {
  return parse(bytes, "hello", (o) => {
    const nonce = bytesField(o.nonce);
    const proof = bytesField(o.proof);
    if (nonce === undefined || proof === undefined) return undefined;
    return { protocol: o.protocol, nonce, proof };
  });
}

export function parseReady(bytes: Uint8Array): Parsed<{ proof: Buffer | null }> {
  return parse(bytes, "ready message", (o) => {
    const proof = bytesField(o.proof);
    return proof === undefined ? undefined : { proof };
  });
}
