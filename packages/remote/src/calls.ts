// Runs a connection's calls on the worker, on whichever thread holds the connection (the main
// thread, or one of the pool's, see pool.ts). A call's function runs as it is: plain and async
// functions are called and awaited; compiled generator functions run as the main tasklet of their
// own scheduler (they may use channels, sleep, io…). An inline one (`remoteMethod(conn,
// function* …)`) is re-created here without the mark its expression gave it; the caller says it
// is a generator, and it is marked again.
// Calls overlap freely.

import { closureOf, isCompiledGeneratorFunction, mark, Scheduler } from "@spickle/runtime";
import type { CallRunner, Peer } from "./peer.js";

interface RunningCall {
  scheduler: Scheduler | null;
  cancelled: boolean;
}

/** Told when a call with a timeout starts and ends (a thread's pool stops a call that overruns). */
export interface CallWatch {
  started(id: number, timeout: number): void;
  ended(id: number): void;
}

export class Calls implements CallRunner {
  private readonly running = new Map<number, RunningCall>();

  constructor(
    private readonly peer: Peer,
    private readonly watch: CallWatch | null = null,
  ) {}

  run(id: number, fn: unknown, args: unknown[], timeout: number | undefined, generator: boolean): void {
    const call: RunningCall = { scheduler: null, cancelled: false };
    this.running.set(id, call);
    const watched = this.watch !== null && timeout !== undefined && timeout > 0;
    if (watched) this.watch!.started(id, timeout!);
    invoke(fn, args, call, generator).then(
      (value) => {
        this.running.delete(id);
        if (watched) this.watch!.ended(id);
        if (!call.cancelled) this.peer.reply(id, value);
      },
      (error: unknown) => {
        this.running.delete(id);
        if (watched) this.watch!.ended(id);
        if (!call.cancelled) this.peer.replyError(id, error);
      },
    );
  }

  cancel(id: number): void {
    const call = this.running.get(id);
    if (call === undefined) return;
    call.cancelled = true;
    // A tasklet stops at its next switch point; a plain async function runs on, unheard (in a
    // pool thread, the pool stops it once it overruns its timeout).
    call.scheduler?.main?.kill();
  }

  closed(): void {
    for (const id of [...this.running.keys()]) this.cancel(id);
  }
}

async function invoke(fn: unknown, args: unknown[], call: RunningCall, generator: boolean): Promise<unknown> {
  if (typeof fn !== "function") throw new TypeError(`spickle worker: the call carried ${fn === null ? "null" : typeof fn}, not a function`);
  if (generator && !isCompiledGeneratorFunction(fn) && closureOf(fn) !== undefined) mark(fn);
  if (isCompiledGeneratorFunction(fn)) {
    const scheduler = new Scheduler();
    call.scheduler = scheduler;
    return scheduler.run(fn as (...a: unknown[]) => Iterator<unknown, unknown, unknown>, ...args);
  }
  return (fn as (...a: unknown[]) => unknown)(...args);
}
