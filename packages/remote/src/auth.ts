// Keys and authentication. With a key (the `key` option, else SPICKLE_KEY), every message is a
// signed snapshot (HMAC-SHA256: the pickler refuses unsigned or tampered ones before decoding
// anything), and the handshake is a challenge-response both ways: each side sends a fresh random
// challenge and proves it holds the key by returning HMAC(key, role label + challenge). A
// recorded session cannot be replayed, and a side without the key gets nowhere.

import { crypto, net } from "./builtins.js";

export type Key = string | Uint8Array;

/** The key a connection uses: the option (null: none), else SPICKLE_KEY, else none. */
export function resolveKey(option: Key | null | undefined): Uint8Array | null {
  const k = option === undefined ? process.env.SPICKLE_KEY : option;
  if (k === null || k === undefined || k.length === 0) return null;
  return typeof k === "string" ? Buffer.from(k, "utf8") : k;
}

export function challenge(): Uint8Array {
  return crypto().randomBytes(32);
}

/** Who proves: the labels keep a proof of one side from being reflected as the other's. */
export type ProofRole = "caller" | "worker";

export function proof(key: Uint8Array, role: ProofRole, challengeBytes: Uint8Array): Uint8Array {
  return crypto().createHmac("sha256", key).update(`spickle-remote ${role}\0`).update(challengeBytes).digest();
}

export function verifyProof(key: Uint8Array, role: ProofRole, challengeBytes: Uint8Array, given: unknown): boolean {
  if (!(given instanceof Uint8Array)) return false;
  const expected = proof(key, role, challengeBytes);
  return given.length === expected.length && crypto().timingSafeEqual(given, expected);
}

/** Whether `host` names this machine only (a listener there is unreachable from others). */
export function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  const version = net().isIP(host);
  if (version === 4) return host.startsWith("127.");
  if (version === 6) return host === "::1" || /^::ffff:127\./i.test(host);
  return false;
}
