// Checkpointing (sPickle's example 1, typed): a program runs as tasklets under a scheduler; at a
// switch point, `yield* cp.forkAndCheckpoint()` pauses the whole scheduler, pickles it — every
// tasklet's frames, channels, timers, and what they reach — and returns twice: now, with the
// snapshot, and in any process that resumes that snapshot, with that process's arguments.
//
// The fork is a host call (runtime seam): the calling tasklet is recorded as the scheduler's
// host caller, so the snapshot holds it suspended inside the fork, and it runs first on both sides.

import { hostCall, registerDataClass, Scheduler, type HostCallOp, type SchedulerOptions, type Tasklet } from "@spickle/runtime";
import {
  decodeGraph, decodeSnapshot, defaultReferenceTable, encodeSnapshot, keyOf, preparePackages, readSnapshotFile, SnapshotError, writeSnapshotFile,
  type ModuleMode, type Progress, type SerializableModules, type SnapshotParts, type UpgradeLog, type VerifiedSnapshot,
} from "@spickle/pickle";
import { drainedCheckpointBytes, writeCheckpoint, DEFAULT_IO_TIMEOUT } from "./checkpoint-write.js";

export { checkpointBytes, drainedCheckpointBytes, writeCheckpoint, CheckpointError, CheckpointWriteError } from "./checkpoint-write.js";

export type ForkResult = { resumed: false; snapshot: Uint8Array } | { resumed: true; args: string[] };
export type CheckpointResult = { resumed: false; path: string } | { resumed: true; args: string[] };

interface CheckpointRequest {
  kind: "fork" | "file";
  path?: string;
  /** Whether the caller named the path (else the host's checkpoint file, when set, is used). */
  explicit?: boolean;
  /** The program's `cp`, whose sequence number the checkpoint advances. */
  support?: CheckpointSupport;
}

/** What a checkpointable program gets as `cp`: plain data, so it is part of every snapshot. */
export class CheckpointSupport {
  /** Where `checkpoint()` writes when given no path. */
  checkpointFile: string | null;
  /** How many checkpoints the program has asked for (`checkpoint()`, `forkAndCheckpoint()`); the
   * snapshot of the n-th holds n. After `yield* cp.checkpoint()` it names that checkpoint on both
   * sides — now and after any resume of it — so a side effect keyed by it runs once per checkpoint
   * however often the rest is run again (see the README's "At least once"). */
  sequence = 0;

  constructor(checkpointFile: string | null = null) {
    this.checkpointFile = checkpointFile;
  }

  /** `yield* cp.forkAndCheckpoint()`: `{ resumed: false, snapshot }` now; `{ resumed: true, args }`
   * in a process that resumes the snapshot. */
  forkAndCheckpoint(): HostCallOp<ForkResult> {
    return hostCall<ForkResult>({ kind: "fork", support: this } satisfies CheckpointRequest);
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
    return hostCall<CheckpointResult>({ kind: "file", path: target, explicit: path !== undefined, support: this } satisfies CheckpointRequest);
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
  /** How a resume makes module instances (default "fresh": never this process's own). */
  modules?: ModuleMode;
  /** With modules "upgrade": what the upgrade did (see @spickle/pickle's UpgradeLog). */
  upgrade?: UpgradeLog;
  /** Called after a resume decoded the program, before it continues (the CLI's upgrade hooks). */
  afterLoad?: () => void;
  /** Writes a checkpoint file (default: writeSnapshotFile; the CLI's `--keep` rotates too; a job
   * queue's worker sends it to its store). The program continues once it has returned. */
  writeFile?: (path: string, bytes: Uint8Array) => void | Promise<void>;
  /** How long a checkpoint waits for pending io and for write streams' queued bytes (ms,
   * default 30,000). */
  ioTimeout?: number;
  /** For the scheduler: the coarse clock and the long-step report (see SchedulerOptions). */
  scheduler?: Pick<SchedulerOptions, "coarseClock" | "maxSlice" | "onLongSlice">;
  /** Called after each checkpoint file is written (by the program or from outside). */
  onWritten?: (path: string) => void;
  /** Also checkpoint the whole program to `checkpointFile` after each interval (ms), as
   * `spickle run --checkpoint-every`; a failed one is reported on stderr and the program goes on. */
  checkpointEvery?: number;
  /** On SIGINT/SIGTERM, checkpoint to `checkpointFile` at the next switch point and exit the
   * process with 75, as `spickle run -c` does (`graceMs`: how long to keep trying, default 10 s). */
  checkpointOnSignals?: boolean | { graceMs?: number };
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
  const scheduler = new Scheduler({ ...options.scheduler, host: checkpointHost(options), ioTimeout: options.ioTimeout });
  const done = scheduler.run(main as (...all: unknown[]) => Iterator<unknown, R, unknown>, new CheckpointSupport(options.checkpointFile ?? null), ...args);
  options.onStart?.(scheduler);
  return withTriggers(scheduler, options, done);
}

/** The periodic and signal checkpoints asked for by `checkpointEvery` / `checkpointOnSignals`
 * (the CLI's own, loaded only when asked for), stopped when the program ends. */
function withTriggers<R>(scheduler: Scheduler, options: CheckpointOptions, done: Promise<R>): Promise<R> {
  const { checkpointEvery, checkpointOnSignals, checkpointFile } = options;
  if (checkpointEvery === undefined && !checkpointOnSignals) return done;
  if (checkpointFile === undefined) throw new Error("spickle: checkpointEvery and checkpointOnSignals need the checkpointFile option");
  const started = import("./cli/checkpoint-triggers.js").then(({ CheckpointGate, PeriodicCheckpoints, SignalCheckpoint }) => {
    const gate = new CheckpointGate();
    const graceMs = typeof checkpointOnSignals === "object" ? checkpointOnSignals.graceMs : undefined;
    const triggers = [
      checkpointEvery === undefined ? null : new PeriodicCheckpoints(checkpointEvery, checkpointFile, options, gate),
      checkpointOnSignals ? new SignalCheckpoint(checkpointFile, options, gate, graceMs ?? 10_000) : null,
    ].filter((t) => t !== null);
    for (const t of triggers) t.start(scheduler);
    return triggers;
  });
  const stop = () => started.then((triggers) => triggers.forEach((t) => t.stop()));
  return done.then(
    async (value) => {
      await stop();
      return value;
    },
    async (error: unknown) => {
      await stop();
      throw error;
    },
  );
}

/** Continues a checkpointed program (from its bytes or its file) in this process. */
export function resumeCheckpoint(snapshot: Uint8Array | string, ...args: string[]): Promise<unknown> {
  return resumeCheckpointWith({}, snapshot, ...args);
}

/** resumeCheckpoint with options (a key, or a new default checkpoint file). The snapshot: its
 * file, its bytes, or its parts as readSnapshotFile returns them (verified already). */
export function resumeCheckpointWith(options: CheckpointOptions, snapshot: Uint8Array | string | SnapshotParts, ...args: string[]): Promise<unknown> {
  const parts = typeof snapshot === "string" ? readSnapshotFile(snapshot, options) : snapshot instanceof Uint8Array ? decodeSnapshot(snapshot, options) : snapshot;
  // Packages the snapshot names by reference are imported first (from the program's folder, else here).
  if (parts.header.packages !== undefined) return preparePackages(parts.header).then(() => resumeParts(options, parts, args));
  return resumeParts(options, parts, args);
}

function resumeParts(options: CheckpointOptions, parts: SnapshotParts, args: string[]): Promise<unknown> {
  const scheduler = restoreScheduler(parts, options);
  options.afterLoad?.();
  const done = scheduler.resume({
    ...options.scheduler,
    host: checkpointHost(options),
    ioTimeout: options.ioTimeout,
    hostResult: { value: { resumed: true, args } },
  });
  options.onStart?.(scheduler);
  return withTriggers(scheduler, options, done);
}

/** The scheduler a verified checkpoint holds, decoded with fresh module instances unless the
 * options say otherwise: the program continues with the snapshot's module state, never this
 * process's own copy (docs/design.md §6). */
export function restoreScheduler(parts: SnapshotParts, options: CheckpointOptions = {}): Scheduler {
  const progress = options.progress?.("resume");
  let scheduler: unknown;
  try {
    scheduler = decodeGraph(parts.body, { modules: options.modules ?? "fresh", upgrade: options.upgrade, onProgress: progress?.update });
  } finally {
    progress?.done();
  }
  if (!(scheduler instanceof Scheduler)) throw new Error("spickle: this snapshot does not hold a checkpointed program");
  return scheduler;
}

/**
 * Marks the checkpoint file at `path` as the checkpoint of a program that finished (header
 * field `finished`, the time; the file is rewritten atomically): `spickle resume` refuses it
 * unless forced. Returns why it could not, or null. A signed file is re-signed, so this needs
 * the key it was signed with.
 */
export function markCheckpointFinished(path: string, key?: string): string | null {
  let parts: VerifiedSnapshot;
  try {
    parts = readSnapshotFile(path, { key });
  } catch (error) {
    if (error instanceof SnapshotError) return error.message.split("\n")[0]!;
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? null : `cannot read it (${(error as Error).message.split("\n")[0]})`;
  }
  try {
    const { header, body, signed } = parts;
    if (signed && keyOf({ key }) === undefined) return "it is signed and no key is set to sign it again";
    if (header.kind !== "checkpoint" || header.finished !== undefined) return null;
    writeSnapshotFile(path, encodeSnapshot({ header: { ...header, finished: new Date().toISOString() }, body }, { key }));
    return null;
  } catch (error) {
    return (error as Error)?.message?.split("\n")[0] ?? String(error);
  }
}

function checkpointHost(options: CheckpointOptions) {
  return async (request: unknown, caller: Tasklet, scheduler: Scheduler): Promise<ForkResult | CheckpointResult> => {
    const { kind, explicit, support } = request as CheckpointRequest;
    if (support !== undefined) support.sequence++;
    if (kind === "fork") return { resumed: false, snapshot: await drainedCheckpointBytes(scheduler, options, caller, options.ioTimeout ?? DEFAULT_IO_TIMEOUT) };
    const path = explicit === false && options.checkpointFile !== undefined ? options.checkpointFile : (request as CheckpointRequest).path!;
    await writeCheckpoint(scheduler, path, options, caller);
    return { resumed: false, path };
  };
}
