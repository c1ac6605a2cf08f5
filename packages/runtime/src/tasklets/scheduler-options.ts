// What a Scheduler is given and reports: its options (hooks, the coarse clock, io timeouts), the
// options of a pause and a resume, its states, and the error of a run that can go no further.

import type { Tasklet } from "./tasklet.js";
import type { Scheduler } from "./scheduler.js";

export type HostHandler = (request: unknown, tasklet: Tasklet, scheduler: Scheduler) => unknown;
export type ErrorReporter = (tasklet: Tasklet, error: unknown) => void;
/** Told of a step that ran `ms` milliseconds (about: the coarse clock moves every 10 ms). */
export type LongSliceReporter = (tasklet: Tasklet, ms: number) => void;

export interface SchedulerOptions {
  /** Called when a tasklet other than main ends with an uncaught error (default: console.error). */
  onError?: ErrorReporter;
  /** Serves `hostCall(request)` while the scheduler is paused (the checkpoint code). */
  host?: HostHandler;
  /** How long a checkpoint waits for pending io before failing (ms, default 30,000). */
  ioTimeout?: number;
  /** Read the coarse clock after every step (see the top of this file). Once on, stays on. */
  coarseClock?: boolean;
  /** With the coarse clock: a step longer than this (ms, default 1,000) is reported, once per
   * tasklet, to `onLongSlice` (default: a console.warn naming the tasklet). */
  maxSlice?: number;
  onLongSlice?: LongSliceReporter;
}

export interface PauseOptions {
  /** Pause after this many more switches (0: now) instead of at the next switch point. */
  afterSwitches?: number;
  /** Overrides the scheduler's `ioTimeout` for this pause. */
  ioTimeout?: number;
}

export interface ResumeOptions extends SchedulerOptions {
  /** Outcome of the host call the scheduler was paused in, for its caller (which runs first):
   * `{ value }` is returned by its `hostCall`, `{ error }` thrown there. */
  hostResult?: { value: unknown } | { error: unknown };
}

export type SchedulerState = "new" | "running" | "paused" | "done" | "failed";

export class DeadlockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeadlockError";
  }
}
