// Checkpointing (sPickle's example 1, typed): a program runs as tasklets under a scheduler; at a
// switch point, `yield* cp.forkAndCheckpoint()` pauses the whole scheduler, pickles it — every
// tasklet's frames, channels, timers, and what they reach — and returns twice: now, with the
// snapshot, and in any process that resumes that snapshot, with that process's arguments.
//
// The fork is a host call (runtime seam): the calling tasklet is recorded as the scheduler's
// host caller, so the snapshot holds it suspended inside the fork, and it runs first on both sides.

import { readFileSync } from "node:fs";
import { hostCall, registerDataClass, Scheduler, type HostCallOp, type Tasklet } from "@spickle/runtime";
import { defaultReferenceTable, dumps, loads, writeSnapshotFile } from "@spickle/pickle";

export type ForkResult = { resumed: false; snapshot: Uint8Array } | { resumed: true; args: string[] };
export type CheckpointResult = { resumed: false; path: string } | { resumed: true; args: string[] };

interface CheckpointRequest {
  kind: "fork" | "file";
  path?: string;
}

/** What a checkpointable program gets as `cp`: plain data, so it is part of every snapshot. */
export class CheckpointSupport {
  /** Where `checkpoint()` writes when given no path. */
  checkpointFile: string | null;

  constructor(checkpointFile: string | null = null) {
    this.checkpointFile = checkpointFile;
  }

  /** `yield* cp.forkAndCheckpoint()`: `{ resumed: false, snapshot }` now; `{ resumed: true, args }`
   * in a process that resumes the snapshot. */
  forkAndCheckpoint(): HostCallOp<ForkResult> {
    return hostCall<ForkResult>({ kind: "fork" } satisfies CheckpointRequest);
  }

  /** Like forkAndCheckpoint, but writes the snapshot to `path` (or the checkpoint file) atomically
   * and returns the path — not the bytes, so they do not linger in a frame and grow the next one. */
  checkpoint(path?: string): HostCallOp<CheckpointResult> {
    const target = path ?? this.checkpointFile;
    if (target === null) throw new Error("spickle: checkpoint() needs a path (or a checkpoint file option)");
    return hostCall<CheckpointResult>({ kind: "file", path: target } satisfies CheckpointRequest);
  }
}
registerDataClass(CheckpointSupport, "spickle.CheckpointSupport", { shared: true });
defaultReferenceTable.addModule("spickle", { CheckpointSupport });

export interface CheckpointOptions {
  /** Default path for `cp.checkpoint()`. */
  checkpointFile?: string;
  /** HMAC key for signing snapshots (default: SPICKLE_KEY). */
  key?: string;
}

export type CheckpointableMain<A extends string[], R> = (cp: CheckpointSupport, ...args: A) => Iterator<unknown, R, unknown>;

/** Runs `main(cp, ...args)` as the main tasklet of a new scheduler; settles when it ends. */
export function runCheckpointable<A extends string[], R>(
  main: CheckpointableMain<A, R>,
  options: CheckpointOptions = {},
  ...args: A
): Promise<R> {
  const scheduler = new Scheduler({ host: checkpointHost(options) });
  return scheduler.run(main as (...all: unknown[]) => Iterator<unknown, R, unknown>, new CheckpointSupport(options.checkpointFile ?? null), ...args);
}

/** Continues a checkpointed program (from its bytes or its file) in this process. */
export function resumeCheckpoint(snapshot: Uint8Array | string, ...args: string[]): Promise<unknown> {
  return resumeCheckpointWith({}, snapshot, ...args);
}

/** resumeCheckpoint with options (a key, or a new default checkpoint file). */
export function resumeCheckpointWith(options: CheckpointOptions, snapshot: Uint8Array | string, ...args: string[]): Promise<unknown> {
  const bytes = typeof snapshot === "string" ? readFileSync(snapshot) : snapshot;
  const scheduler = loads(bytes, { key: options.key });
  if (!(scheduler instanceof Scheduler)) throw new Error("spickle: this snapshot does not hold a checkpointed program");
  return scheduler.resume({ host: checkpointHost(options), hostResult: { value: { resumed: true, args } } });
}

function checkpointHost(options: CheckpointOptions) {
  return (request: unknown, caller: Tasklet, scheduler: Scheduler): ForkResult | CheckpointResult => {
    const { kind, path } = request as CheckpointRequest;
    const snapshot = dumps(scheduler, {
      key: options.key,
      header: { kind: "checkpoint", tasklets: scheduler.live, caller: caller.name },
    });
    if (kind === "fork") return { resumed: false, snapshot };
    writeSnapshotFile(path!, snapshot);
    return { resumed: false, path: path! };
  };
}
