// Checkpoints from outside the program: `--checkpoint-every` and SIGINT / SIGTERM.
//
// A checkpoint from outside pauses the scheduler at its next switch point (the scheduler's coarse
// clock gives the event loop a turn even while a tasklet computes, so a signal handler or a
// timer runs soon), waits for io and for write streams' queued bytes, pickles and writes the
// file atomically. One that fails never ends the run and never touches the previous checkpoint:
// - periodic: one line says why, the program goes on, the next interval tries again;
// - signal: one line says why, the program runs on to its next switch point and it is tried
//   again, until `--signal-grace` runs out; then the process exits 75 with the previous
//   checkpoint intact. A written checkpoint exits 75 too (stopped, not finished). A second
//   signal exits at once.

import { existsSync } from "node:fs";
import type { Scheduler } from "@spickle/runtime";
import type { CheckpointOptions } from "../checkpoint.js";
import { CheckpointWriteError, DEFAULT_IO_TIMEOUT, writeCheckpoint } from "../checkpoint-write.js";
import { clip, EXIT_CHECKPOINTED, MAX_ECHO } from "./errors.js";

/** `failed.intact`: the reason already says the previous checkpoint is intact (a failed write). */
type Outcome = { kind: "written" } | { kind: "failed"; reason: string; intact?: boolean } | { kind: "ended" };

/** One checkpoint from outside at a time (a periodic one and a signal's never interleave). */
export class CheckpointGate {
  private last: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.last.then(work, work);
    this.last = next.catch(() => {});
    return next;
  }
}

/** A failure as one line: its message without the repeated `spickle: ` prefixes, cut. */
export function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split("\n")[0]!.replace(/^(?:spickle: )+/, "").replace(/^cannot checkpoint: /, "");
  return clip(line, 2 * MAX_ECHO);
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

function ended(scheduler: Scheduler): boolean {
  return scheduler.state === "done" || scheduler.state === "failed";
}

/** Pauses, drains and writes; leaves the scheduler paused unless the pause itself failed. */
async function attempt(scheduler: Scheduler, file: string, options: CheckpointOptions, timeoutMs: number): Promise<Outcome> {
  try {
    await scheduler.pause({ ioTimeout: timeoutMs });
  } catch (error) {
    return ended(scheduler) ? { kind: "ended" } : { kind: "failed", reason: reasonOf(error) };
  }
  try {
    await writeCheckpoint(scheduler, file, { ...options, ioTimeout: timeoutMs });
  } catch (error) {
    return { kind: "failed", reason: reasonOf(error), intact: error instanceof CheckpointWriteError };
  }
  return { kind: "written" };
}

function previousCheckpoint(file: string): string {
  return existsSync(file) ? `the previous checkpoint ${clip(file)} is intact` : `no checkpoint was written to ${clip(file)}`;
}

/** `--checkpoint-every`: after each interval the whole program is written to the file. */
export class PeriodicCheckpoints {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private scheduler: Scheduler | null = null;
  /** The reason of the last failure, said once until another reason or a success. */
  private said: string | null = null;

  constructor(
    private readonly everyMs: number,
    private readonly file: string,
    private readonly options: CheckpointOptions,
    private readonly gate: CheckpointGate,
  ) {}

  /** For CheckpointOptions.onStart. */
  readonly start = (scheduler: Scheduler): void => {
    this.scheduler = scheduler;
    this.schedule();
  };

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.gate.run(() => this.tick()), this.everyMs);
    this.timer.unref(); // never keeps a finished program alive
  }

  private async tick(): Promise<void> {
    this.timer = null;
    const scheduler = this.scheduler!;
    if (this.stopped || ended(scheduler)) return;
    const outcome = await attempt(scheduler, this.file, this.options, this.options.ioTimeout ?? DEFAULT_IO_TIMEOUT);
    if (outcome.kind === "ended" || this.stopped) return;
    if (outcome.kind === "failed") {
      if (outcome.reason !== this.said) {
        const previous = outcome.intact === true ? "" : `; ${previousCheckpoint(this.file)}`;
        process.stderr.write(`spickle: periodic checkpoint failed: ${outcome.reason}${previous}; the program goes on\n`);
      }
      this.said = outcome.reason;
    } else this.said = null;
    if (scheduler.state === "paused") scheduler.resume().catch(() => {}); // the run's own promise reports how it ends
    this.schedule();
  }
}

/**
 * SIGINT / SIGTERM during a run with a checkpoint file: the program is checkpointed at its next
 * switch point and the process exits 75 saying where (how a program survives its machine being
 * taken away). See the top of this file for failures.
 */
export class SignalCheckpoint {
  private scheduler: Scheduler | null = null;
  private caught: NodeJS.Signals | null = null;
  private readonly signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];

  constructor(
    private readonly file: string,
    private readonly options: CheckpointOptions,
    private readonly gate: CheckpointGate,
    private readonly graceMs: number,
  ) {}

  /** For CheckpointOptions.onStart. */
  readonly start = (scheduler: Scheduler): void => {
    this.scheduler = scheduler;
    for (const signal of this.signals) process.on(signal, this.onSignal);
  };

  stop(): void {
    for (const signal of this.signals) process.off(signal, this.onSignal);
  }

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    if (this.caught !== null) {
      process.stderr.write(`spickle: ${signal} again: exiting without a checkpoint\n`);
      process.exit(signal === "SIGINT" ? 130 : 143);
    }
    this.caught = signal;
    void this.checkpointAndExit(signal);
  };

  private async checkpointAndExit(signal: NodeJS.Signals): Promise<void> {
    const scheduler = this.scheduler!;
    const deadline = performance.now() + this.graceMs;
    let said: string | null = null;
    for (;;) {
      const left = Math.max(1, deadline - performance.now());
      const outcome = await this.gate.run(() => attempt(scheduler, this.file, this.options, left));
      if (outcome.kind === "ended") return; // the program is ending anyway: its end decides
      if (outcome.kind === "written") {
        process.stderr.write(`spickle: ${signal}: checkpoint written to ${this.file}\n  continue with: spickle resume ${this.file}\n`);
        process.exit(EXIT_CHECKPOINTED);
      }
      if (outcome.reason !== said) {
        process.stderr.write(`spickle: ${signal}: cannot checkpoint yet: ${outcome.reason}; trying again at the next switch point for up to ${formatMs(this.graceMs)}\n`);
        said = outcome.reason;
      }
      if (performance.now() >= deadline) {
        process.stderr.write(`spickle: ${signal}: no checkpoint within ${formatMs(this.graceMs)} (--signal-grace); ${previousCheckpoint(this.file)}\n`);
        process.exit(EXIT_CHECKPOINTED);
      }
      if (scheduler.state === "paused") scheduler.resume().catch(() => {});
      // The program runs on to its next switch point (a short wait: one with nothing to run
      // is not tried again at once).
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (ended(scheduler)) return;
    }
  }
}
