// Checkpoint options of `spickle run` and `spickle resume`:
// - `--keep <n>`: before a checkpoint replaces the file, the previous ones move to `<file>.1` …
//   `<file>.<n-1>` (the oldest is dropped). No file is ever missing or partial: each move is a
//   hard link to a temp name renamed over the next slot, then the new checkpoint is written
//   atomically over the file.
// - `--checkpoint-every <duration>`: after each interval the scheduler pauses at its next switch
//   point and the whole program is written to the checkpoint file, then it continues.

import { existsSync, linkSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { writeSnapshotFile } from "@spickle/pickle";
import type Picomatch from "picomatch";
import type { Scheduler } from "@spickle/runtime";
import { checkpointBytes, type CheckpointOptions } from "../checkpoint.js";
import { ProgramError } from "./errors.js";
import type { CheckpointCliOptions } from "./checkpoint-options.js";
import { terminalProgress } from "./progress.js";

/** What a run or resume checkpoints with: the options, and the periodic and signal checkpointers. */
export interface CheckpointPolicy {
  options: CheckpointOptions;
  periodic: PeriodicCheckpoints | null;
  signals: SignalCheckpoint | null;
}

/** The checkpoint policy of a run or resume (its usage was checked by checkCheckpointUsage). */
export function checkpointPolicy(cli: CheckpointCliOptions, checkpointFile: string | undefined, entry: string | undefined): CheckpointPolicy {
  const options: CheckpointOptions = {
    checkpointFile,
    header: entry === undefined ? undefined : { entry },
    progress: (work) => terminalProgress(process.stderr, work),
  };
  if (cli.keep !== undefined && cli.keep > 1) options.writeFile = rotatingWriter(cli.keep);
  if (cli.serializableModules !== undefined) options.serializableModules = serializableModulesMatching(cli.serializableModules);
  const periodic = cli.checkpointEvery === undefined || checkpointFile === undefined ? null : new PeriodicCheckpoints(cli.checkpointEvery, checkpointFile, options);
  const signals = checkpointFile === undefined ? null : new SignalCheckpoint(checkpointFile, options);
  options.onStart = (scheduler) => {
    periodic?.start(scheduler);
    signals?.start(scheduler);
  };
  return { options, periodic, signals };
}

/** Waits for the program (or a failed periodic checkpoint); its failure is a ProgramError. */
export async function awaitProgram(running: Promise<unknown>, { periodic, signals }: CheckpointPolicy): Promise<void> {
  try {
    await (periodic === null ? running : Promise.race([running, periodic.failure]));
  } catch (error) {
    throw new ProgramError(error);
  } finally {
    periodic?.stop();
    signals?.stop();
  }
}

/** Splits `a,{b,c}/**` at the commas outside braces: `a`, `{b,c}/**`. */
export function splitPatterns(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const c of list) {
    if (c === "," && depth === 0) {
      out.push(current);
      current = "";
      continue;
    }
    if (c === "{") depth++;
    else if (c === "}" && depth > 0) depth--;
    current += c;
  }
  out.push(current);
  return out.map((p) => p.trim()).filter(Boolean);
}

/**
 * `--serializable-modules a b,c`: the module ids (paths from the project root) matching any
 * pattern go by value, except those matching a `!pattern`; only `!` patterns: everything else.
 * Globs as picomatch reads them: `**`, `*`, `?`, `[ab]`, `{a,b}`, extglobs; dot files match.
 */
export function serializableModulesMatching(patterns: string[]): (id: string) => boolean {
  // Loaded here: only runs that name modules pay for it at start-up.
  const picomatch = createRequire(import.meta.url)("picomatch") as typeof Picomatch;
  const all = patterns.flatMap(splitPatterns);
  const negated = (p: string) => p.startsWith("!") && !p.startsWith("!("); // `!(a|b)` is an extglob
  const include = all.filter((p) => !negated(p));
  const exclude = all.filter(negated).map((p) => p.slice(1));
  const options = { dot: true };
  const included = include.length === 0 ? () => true : picomatch(include, options);
  const excluded = exclude.length === 0 ? () => false : picomatch(exclude, options);
  return (id) => included(id) && !excluded(id);
}

/** The path of the k-th previous checkpoint (k ≥ 1). */
export function rotatedPath(path: string, k: number): string {
  return `${path}.${k}`;
}

/** A `writeFile` that keeps the last `keep` checkpoints. */
export function rotatingWriter(keep: number): (path: string, bytes: Uint8Array) => void {
  return (path, bytes) => {
    if (keep > 1 && existsSync(path)) {
      // Oldest first, each by a hard link to a temp name renamed over the next slot, so every
      // slot that exists stays complete and present at every moment (the oldest is replaced).
      const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.rotate.tmp`);
      const shift = (from: string, to: string) => {
        rmSync(tmp, { force: true });
        linkSync(from, tmp);
        renameSync(tmp, to);
      };
      for (let k = keep - 2; k >= 1; k--) {
        if (existsSync(rotatedPath(path, k))) shift(rotatedPath(path, k), rotatedPath(path, k + 1));
      }
      shift(path, rotatedPath(path, 1));
    }
    writeSnapshotFile(path, bytes);
  };
}

/**
 * Periodic checkpoints of a running scheduler. `failure` rejects when one cannot be written
 * (for example a value that cannot be serialized): the run fails with that error.
 */
export class PeriodicCheckpoints {
  readonly failure: Promise<never>;
  private fail!: (error: unknown) => void;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly everyMs: number,
    private readonly file: string,
    private readonly options: CheckpointOptions,
  ) {
    this.failure = new Promise<never>((_, reject) => {
      this.fail = reject;
    });
    this.failure.catch(() => {});
  }

  /** For CheckpointOptions.onStart. */
  readonly start = (scheduler: Scheduler): void => {
    this.schedule(scheduler);
  };

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(scheduler: Scheduler): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(scheduler), this.everyMs);
    this.timer.unref(); // never keeps a finished program alive
  }

  private async tick(scheduler: Scheduler): Promise<void> {
    this.timer = null;
    if (this.stopped || scheduler.state !== "running") return;
    try {
      await scheduler.pause();
    } catch {
      // Ended meanwhile, or io did not settle in time (the program goes on): try next time.
      if (scheduler.state === "running") this.schedule(scheduler);
      return;
    }
    if (this.stopped) return;
    try {
      (this.options.writeFile ?? writeSnapshotFile)(this.file, checkpointBytes(scheduler, this.options));
    } catch (error) {
      this.stop();
      this.fail(error);
      return;
    }
    scheduler.resume().catch(() => {}); // the run's own promise reports how the program ends
    this.schedule(scheduler);
  }
}

/**
 * SIGINT / SIGTERM during a run with a checkpoint file: the program pauses at its next switch
 * point, is written to the file, and the process exits 0 saying where (how a program survives
 * its machine being taken away). A second signal exits at once.
 */
export class SignalCheckpoint {
  private scheduler: Scheduler | null = null;
  private caught: NodeJS.Signals | null = null;
  private readonly signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];

  constructor(
    private readonly file: string,
    private readonly options: CheckpointOptions,
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
    try {
      await scheduler.pause();
    } catch (error) {
      if (scheduler.state === "done" || scheduler.state === "failed") return; // it is ending anyway
      process.stderr.write(`spickle: ${signal}: cannot checkpoint: ${(error as Error)?.message ?? error}\n`);
      process.exit(1);
    }
    try {
      (this.options.writeFile ?? writeSnapshotFile)(this.file, checkpointBytes(scheduler, this.options));
    } catch (error) {
      process.stderr.write(`spickle: ${signal}: cannot checkpoint: ${(error as Error)?.message?.split("\n")[0] ?? error}\n`);
      process.exit(1);
    }
    process.stderr.write(`spickle: ${signal}: checkpoint written to ${this.file}\n  continue with: spickle resume ${this.file}\n`);
    process.exit(0);
  }
}
