// A long computation that survives Ctrl-C: it counts the primes below a limit, one block of
// numbers at a time (a segmented sieve), and prints a line per block. It never checkpoints by
// itself — run it with a checkpoint file, and Ctrl-C (SIGINT) or a SIGTERM writes a checkpoint
// at the next switch point and exits 75 (stopped, not finished); `spickle resume` continues from
// that block.
//
//   spickle run -c primes.ckpt examples/primes/primes.ts 20000000     # then Ctrl-C
//   spickle resume primes.ckpt
//
// `--delay=<ms>` (default 250) waits between blocks, as a slow step of real work would.

import { sleep, type CheckpointSupport } from "spickle";

const BLOCKS = 20;

/** The primes up to `n` (a plain sieve; small: up to the square root of the limit). */
function primesUpTo(n: number): number[] {
  const composite = new Uint8Array(n + 1);
  const primes: number[] = [];
  for (let i = 2; i <= n; i++) {
    if (composite[i]) continue;
    primes.push(i);
    for (let j = i * i; j <= n; j += i) composite[j] = 1;
  }
  return primes;
}

/** How many numbers in [from, to) are prime, crossing out multiples of `primes`. */
function countBlock(from: number, to: number, primes: number[]): number {
  const composite = new Uint8Array(to - from);
  for (const p of primes) {
    if (p * p >= to) break;
    for (let j = Math.max(p * p, Math.ceil(from / p) * p); j < to; j += p) composite[j - from] = 1;
  }
  let count = 0;
  for (let n = Math.max(2, from); n < to; n++) if (!composite[n - from]) count++;
  return count;
}

export default function* countPrimes(_cp: CheckpointSupport, limitArg = "20000000", ...options: string[]) {
  const limit = Number(limitArg);
  const delay = Number(options.find((o) => o.startsWith("--delay="))?.split("=")[1] ?? 250);
  const primes = primesUpTo(Math.ceil(Math.sqrt(limit)));
  const size = Math.ceil(limit / BLOCKS);
  let count = 0;
  for (let from = 0; from < limit; from += size) {
    const to = Math.min(limit, from + size);
    count += countBlock(from, to, primes);
    console.log(`primes below ${to.toLocaleString("en-US")}: ${count.toLocaleString("en-US")}`);
    yield* sleep(delay); // a switch point: a Ctrl-C checkpoints the program here
  }
  console.log(`done: ${count.toLocaleString("en-US")} primes below ${limit.toLocaleString("en-US")}`);
  return count;
}
