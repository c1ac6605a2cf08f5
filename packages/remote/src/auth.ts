// Keys, authentication and session MACs. With a key (the `key` option, else SPICKLE_KEY), the
// handshake is a challenge-response both ways over plain JSON (handshake.ts): each side sends a
// fresh 32-byte nonce and proves it holds the key by an HMAC over a role label and both nonces.
// Both nonces also derive the session's two MAC keys, one per direction; every later message
// is followed by HMAC-SHA256(direction key, sequence number ‖ message), the sequence counting
// that direction's messages from 0. So a message is accepted once, in its place, in its session:
// a replayed, reordered, dropped or cross-session message fails its MAC and closes the
// connection, before anything in it is decoded.

import { crypto, net } from "./builtins.js";

export type Key = string | Uint8Array;

export const NONCE_BYTES = 32;
export const MAC_BYTES = 32;

/** The key a connection uses: the option (null: none), else SPICKLE_KEY, else none. */
export function resolveKey(option: Key | null | undefined): Uint8Array | null {
  const k = option === undefined ? process.env.SPICKLE_KEY : option;
  if (k === null || k === undefined || k.length === 0) return null;
  return typeof k === "string" ? Buffer.from(k, "utf8") : k;
}

export function nonce(): Buffer {
  return crypto().randomBytes(NONCE_BYTES);
}

/** Who proves: the labels keep a proof of one side from being reflected as the other's. */
export type Role = "caller" | "worker";

function keyed(key: Uint8Array, label: string, workerNonce: Uint8Array, callerNonce: Uint8Array): Buffer {
  return crypto().createHmac("sha256", key).update(`spickle-remote 3 ${label}\0`).update(workerNonce).update(callerNonce).digest();
}

export function proof(key: Uint8Array, role: Role, workerNonce: Uint8Array, callerNonce: Uint8Array): Buffer {
  return keyed(key, `proof ${role}`, workerNonce, callerNonce);
}

export function verifyProof(key: Uint8Array, role: Role, workerNonce: Uint8Array, callerNonce: Uint8Array, given: Uint8Array | null): boolean {
  if (given === null) return false;
  const expected = proof(key, role, workerNonce, callerNonce);
  return given.length === expected.length && crypto().timingSafeEqual(given, expected);
}

/** One authenticated connection's MAC state, as one side sees it. */
export class Session {
  private readonly sendKey: Buffer;
  private readonly receiveKey: Buffer;
  private sent = 0;
  private received = 0;
  private readonly seq = Buffer.alloc(8);

  constructor(key: Uint8Array, role: Role, workerNonce: Uint8Array, callerNonce: Uint8Array) {
    const toWorker = keyed(key, "mac caller-to-worker", workerNonce, callerNonce);
    const toCaller = keyed(key, "mac worker-to-caller", workerNonce, callerNonce);
    this.sendKey = role === "caller" ? toWorker : toCaller;
    this.receiveKey = role === "caller" ? toCaller : toWorker;
  }

  private mac(key: Buffer, n: number, bytes: Uint8Array): Buffer {
    this.seq.writeUInt32BE(Math.floor(n / 2 ** 32), 0);
    this.seq.writeUInt32BE(n >>> 0, 4);
    return crypto().createHmac("sha256", key).update(this.seq).update(bytes).digest();
  }

  /** The MAC of the next message sent. */
  sign(message: Uint8Array): Buffer {
    return this.mac(this.sendKey, this.sent++, message);
  }

  /** The message in a received frame (message ‖ MAC), or null when its MAC is not that of the
   * next message of this session. */
  open(frameBytes: Buffer): Buffer | null {
    if (frameBytes.length <= MAC_BYTES) return null;
    const message = frameBytes.subarray(0, frameBytes.length - MAC_BYTES);
    const expected = this.mac(this.receiveKey, this.received, message);
    if (!crypto().timingSafeEqual(expected, frameBytes.subarray(frameBytes.length - MAC_BYTES))) return null;
    this.received++;
    return message;
  }
}

/** Whether `host` names this machine only (a listener there is unreachable from others). */
export function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  const version = net().isIP(host);
  if (version === 4) return host.startsWith("127.");
  if (version === 6) return host === "::1" || /^::ffff:127\./i.test(host);
  return false;
}
