// A coarse clock the scheduler can read at every switch for the cost of one memory load: a tiny
// worker thread writes the milliseconds since it started into shared memory every TICK_MS.
// Reading performance.now() at every switch would cost a large share of a switch; this does not.
//
// Why a thread: a signal handler (and a `--checkpoint-every` timer) runs only when the event loop
// runs, and a CPU-bound tasklet keeps the loop from running. With the clock, the scheduler sees
// time pass even when every step is long, and returns to the event loop after a bounded time.

import { createRequire } from "node:module";

/** How often the clock moves (ms). */
export const TICK_MS = 10;

/** A clock that never moves: what a scheduler reads while no coarse clock was asked for. */
export const STILL_CLOCK: Int32Array = new Int32Array(1);

let running: Int32Array | null = null;
let ready: Promise<void> | null = null;

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const cell = new Int32Array(workerData);
const start = performance.now();
setInterval(() => Atomics.store(cell, 0, Math.floor(performance.now() - start) | 0), ${TICK_MS});
parentPort.postMessage("ticking");
`;

/** The process's coarse clock (started on first use; the thread never keeps the process alive).
 * Values are milliseconds modulo 2^32 as an int32: compare differences with `(a - b) | 0`. */
export function coarseClock(): Int32Array {
  if (running !== null) return running;
  const shared = new SharedArrayBuffer(4);
  const { Worker } = createRequire(import.meta.url)("node:worker_threads") as typeof import("node:worker_threads");
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: shared, stdout: false, stderr: false, env: {}, execArgv: [] });
  worker.unref();
  ready = new Promise<void>((resolve) => {
    worker.once("message", () => resolve());
    // A clock that stops (its thread could not start) only means slices are bounded by switch
    // counts again.
    worker.once("error", () => resolve());
    worker.once("exit", () => resolve());
  });
  running = new Int32Array(shared);
  return running;
}

/** Starts the coarse clock; settles once it ticks. A thread takes a while to start on a busy
 * machine: a program that needs the clock from its first step starts it first. */
export function coarseClockTicking(): Promise<void> {
  coarseClock();
  return ready!;
}
