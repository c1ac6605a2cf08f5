// Runs a connection's calls on the worker, on whichever thread holds the connection (the main
// thread, or one of the pool's, see pool.ts). A call's function runs as it is: plain and async
// functions are called and awaited; generator functions — compiled ones, and those a caller wrote
// inline — run as the main tasklet of their own scheduler (they may use channels, sleep, io…).
// Calls overlap freely.

import { isCompiledGeneratorFunction, Scheduler } from "@spickle/runtime";
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

  run(id: number, fn: unknown, args: unknown[], timeout: number | undefined): void {
    const call: RunningCall = { scheduler: null, cancelled: false };
    this.running.set(id, call);
    const watched = this.watch !== null && timeout !== undefined && timeout > 0;
    if (watched) this.watch!.started(id, timeout!);
    invoke(fn, args, call).then(
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

async function invoke(fn: unknown, args: unknown[], call: RunningCall): Promise<unknown> {
  if (typeof fn !== "function") throw new TypeError(`spickle worker: the call carried ${fn === null ? "null" : typeof fn}, not a function`);
  if (isCompiledGeneratorFunction(fn) || isGeneratorFunction(fn)) {
    const scheduler = new Scheduler();
    call.scheduler = scheduler;
    return scheduler.run(fn as (...a: unknown[]) => Iterator<unknown, unknown, unknown>, ...args);
  }
  return (fn as (...a: unknown[]) => unknown)(...args);
}

const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor as Function;

function isGeneratorFunction(fn: Function): boolean {
  return fn instanceof GeneratorFunction;
}
