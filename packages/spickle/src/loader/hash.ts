// Content hashes for the compile cache: keys and integrity checks of files this process or an
// earlier one wrote, never a defence against someone who can write the cache folder (they could
// write any code there). Two independent 32-bit multiply-xor hashes (FNV-1a and a Murmur-style
// mix) with avalanche finalizers give 64 bits: accidental collisions are out of reach, and a warm
// start does not load node:crypto (a share of a small script's start: scripts/bench/results.md,
// "Figures behind the code").

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, "0");

/** A 64-bit hash of `text`, as 16 hex digits. */
export function contentHash(text: string): string {
  let a = 0x811c9dc5 ^ text.length;
  let b = 0x9e3779b9 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
  a ^= a >>> 16;
  b = Math.imul(b ^ (b >>> 16), 0x7feb352d);
  b = Math.imul(b ^ (b >>> 15), 0x846ca68b);
  b ^= b >>> 16;
  return hex8(a) + hex8(b);
}
