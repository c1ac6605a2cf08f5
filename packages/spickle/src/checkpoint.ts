// Checkpointing (sPickle's example 1, typed): a program runs as tasklets under a scheduler; at a
// switch point, `yield* cp.forkAndCheckpoint()` pauses the whole scheduler, pickles it — every
// tasklet's frames, channels, timers, and what they reach — and returns twice: now, with the
// snapshot, and in any process that resumes that snapshot, with that process's arguments.
//
// The fork is a host call (runtime seam): the calling tasklet is recorded as the scheduler's
// host caller, so the snapshot holds it suspended inside the fork, and it runs first on both sides.

import { readFileSync } from "node:fs";
import { hostCall, registerDataClass, Scheduler, type HostCallOp, type Tasklet } from "@spickle/runtime";
import { defaultReferenceTable, dumps, loads, writeSnapshotFile, type Progress, type SerializableModules } from "@spickle/pickle";
import { summarizeTasklets, taskletCollector } from "./stacks.js";

export type ForkResult = { resumed: false; snapshot: Uint8Array } | { resumed: true; args: string[] };
export type CheckpointResult = { resumed: false; path: string } | { resumed: true; args: string[] };

interface CheckpointRequest {
  kind: "fork" | "file";
  path?: string;
  /** Whether the caller named the path (else the host's checkpoint file, when set, is used). */
  explicit?: boolean;
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
    // Without a path, the host's checkpoint file wins (a resumed program writes where the resume
    // asked), then the one this program started with.
    const target = path ?? this.checkpointFile;
    if (target === null) {
      throw new Error("spickle: checkpoint() needs a path: call cp.checkpoint(path), or give a checkpoint file (spickle run -c/--checkpoint-file <path>, or the checkpointFile option)");
    }
    return hostCall<CheckpointResult>({ kind: "file", path: target, explicit: path !== undefined } satisfies CheckpointRequest);
  }
}
registerDataClass(CheckpointSupport, "spickle.CheckpointSupport", { shared: true });
defaultReferenceTable.addModule("spickle", { CheckpointSupport });

export interface CheckpointOptions {
  /** Default path for `cp.checkpoint()`. */
  checkpointFile?: string;
  /** HMAC key for signing snapshots (default: SPICKLE_KEY). */
  key?: string;
  /** Extra snapshot header fields (the CLI records `entry`, the script's absolute path). */
  header?: Record<string, unknown>;
  /** Which compiled modules a checkpoint carries by value (default: all). */
  serializableModules?: SerializableModules;
  /** Writes a checkpoint file (default: writeSnapshotFile; the CLI's `--keep` rotates first). */
  writeFile?: (path: string, bytes: Uint8Array) => void;
  /** Called with the scheduler once it runs (the CLI's `--checkpoint-every` pauses it). */
  onStart?: (scheduler: Scheduler) => void;
  /** Called as each checkpoint (or the resume) starts; what it returns hears the pickler's
   * progress, then `done` (the CLI draws a progress line on a terminal). */
  progress?: (work: "checkpoint" | "resume") => ProgressReport | null;
}

export interface ProgressReport {
  update(progress: Progress): void;
  done(): void;
}

/** A checkpointable program: a generator function run as the main tasklet with `(cp, ...args)`.
 * (`spickle run` passes the command line's arguments, so its `args` are strings; a resumed
 * program gets the resume's arguments from `cp.checkpoint()`.) */
export type CheckpointableMain<A extends unknown[], R> = (cp: CheckpointSupport, ...args: A) => Iterator<unknown, R, unknown>;

/** Runs `main(cp, ...args)` as the main tasklet of a new scheduler; settles with what it returns. */
export function runCheckpointable<A extends unknown[], R>(
  main: CheckpointableMain<A, R>,
  options: CheckpointOptions = {},
  ...args: A
): Promise<R> {
  const scheduler = new Scheduler({ host: checkpointHost(options) });
  const done = scheduler.run(main as (...all: unknown[]) => Iterator<unknown, R, unknown>, new CheckpointSupport(options.checkpointFile ?? null), ...args);
  options.onStart?.(scheduler);
  return done;
}

/** Continues a checkpointed program (from its bytes or its file) in this process. */
export function resumeCheckpoint(snapshot: Uint8Array | string, ...args: string[]): Promise<unknown> {
  return resumeCheckpointWith({}, snapshot, ...args);
}

/** resumeCheckpoint with options (a key, or a new default checkpoint file). */
export function resumeCheckpointWith(options: CheckpointOptions, snapshot: Uint8Array | string, ...args: string[]): Promise<unknown> {
  const bytes = typeof snapshot === "string" ? readFileSync(snapshot) : snapshot;
  // Fresh module instances: the program continues with the snapshot's module state, never this
  // process's own copy (docs/design.md §6).
  const progress = options.progress?.("resume");
  let scheduler: unknown;
  try {
    scheduler = loads(bytes, { key: options.key, modules: "fresh", onProgress: progress?.update });
  } finally {
    progress?.done();
  }
  if (!(scheduler instanceof Scheduler)) throw new Error("spickle: this snapshot does not hold a checkpointed program");
  const done = scheduler.resume({ host: checkpointHost(options), hostResult: { value: { resumed: true, args } } });
  options.onStart?.(scheduler);
  return done;
}

/** The snapshot of a paused scheduler, with the checkpoint header (`caller`: the tasklet that
 * asked for it, if one did). */
export function checkpointBytes(scheduler: Scheduler, options: CheckpointOptions, caller?: Tasklet): Uint8Array {
  const met = taskletCollector();
  const header: Record<string, unknown> = { ...options.header, kind: "checkpoint", tasklets: scheduler.live, ...(caller ? { caller: caller.name } : {}) };
  // The stacks of the tasklets the encode met: dumps reads the header after the body is written.
  Object.defineProperty(header, "stacks", { enumerable: true, get: () => summarizeTasklets(scheduler, met.tasklets) });
  const progress = options.progress?.("checkpoint");
  try {
    return dumps(scheduler, {
      key: options.key,
      serializableModules: options.serializableModules,
      handlers: [met.handler],
      header,
      onProgress: progress?.update,
    });
  } finally {
    progress?.done();
  }
}

function checkpointHost(options: CheckpointOptions) {
  return (request: unknown, caller: Tasklet, scheduler: Scheduler): ForkResult | CheckpointResult => {
    const { kind, explicit } = request as CheckpointRequest;
    const path = explicit === false && options.checkpointFile !== undefined ? options.checkpointFile : (request as CheckpointRequest).path;
    const snapshot = checkpointBytes(scheduler, options, caller);
    if (kind === "fork") return { resumed: false, snapshot };
    (options.writeFile ?? writeSnapshotFile)(path!, snapshot);
    return { resumed: false, path: path! };
  };
}
