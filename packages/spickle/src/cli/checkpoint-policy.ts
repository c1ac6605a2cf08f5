// Checkpoint options of `spickle run` and `spickle resume`:
// - `--keep <n>`: the previous checkpoints move to `<file>.1` … `<file>.<n-1>` (the oldest is
//   dropped) once the new one is complete on disk, just before it replaces the file. No file is
//   ever missing or partial: each move is a hard link to a temp name renamed over the next slot,
//   and the new checkpoint is renamed over the file.
// - `--checkpoint-every <duration>`, SIGINT and SIGTERM: see ./checkpoint-triggers.ts.
// - The lease (./lease.ts) on the checkpoint file (and on the file a resume starts from).
// - A program that finishes marks its checkpoint file finished (`resume` then refuses it).

import { existsSync, linkSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { writeSnapshotFile } from "@spickle/pickle";
import type Picomatch from "picomatch";
import { coarseClockTicking, type Tasklet } from "@spickle/runtime";
import { markCheckpointFinished, type CheckpointOptions } from "../checkpoint.js";
import { clip, ProgramError } from "./errors.js";
import type { CheckpointCliOptions } from "./checkpoint-options.js";
import { PeriodicCheckpoints, SignalCheckpoint, CheckpointGate, formatMs } from "./checkpoint-triggers.js";
import { takeLease, type Lease } from "./lease.js";
import { terminalProgress } from "./progress.js";
import { summarizeTasklets } from "../tasklet-stacks.js";

export const DEFAULT_SIGNAL_GRACE = 10_000;
export const DEFAULT_MAX_SLICE = 1000;

/** What a run or resume checkpoints with: the options, the periodic and signal checkpointers,
 * the leases it holds. */
export interface CheckpointPolicy {
  options: CheckpointOptions;
  periodic: PeriodicCheckpoints | null;
  signals: SignalCheckpoint | null;
  leases: Lease[];
  /** Files to mark finished when the program finishes: the checkpoint file once written (or when
   * it is the file resumed from), and the file resumed from. */
  finishing: Set<string>;
}

export interface PolicyContext {
  /** The checkpoint file a resume started from (absolute). */
  resumedFrom?: string;
  /** Leases already taken (resume takes them before reading the file); else this takes one on
   * the checkpoint file. */
  leases?: Lease[];
}

/** The checkpoint policy of a run or resume (its usage was checked by checkCheckpointUsage). */
export function checkpointPolicy(cli: CheckpointCliOptions, checkpointFile: string | undefined, entry: string | undefined, context: PolicyContext = {}): CheckpointPolicy {
  const leases = context.leases ?? (checkpointFile === undefined ? [] : [takeLease(checkpointFile)]);
  // The coarse clock lets signals in during long steps and measures them; a run with nothing to
  // checkpoint and no --max-slice does not start its thread.
  const watched = checkpointFile !== undefined || cli.maxSlice !== undefined;
  if (watched) void coarseClockTicking(); // its thread starts while the program loads
  const finishing = new Set<string>();
  // The file resumed from, when this process holds it (not a read-only copy).
  const resumedFrom = context.resumedFrom;
  if (resumedFrom !== undefined && leases.some((lease) => lease.checkpoint === resumedFrom)) finishing.add(resumedFrom);
  const options: CheckpointOptions = {
    checkpointFile,
    header: entry === undefined ? undefined : { entry },
    progress: (work) => terminalProgress(process.stderr, work),
    scheduler: watched ? { coarseClock: true, maxSlice: cli.maxSlice ?? DEFAULT_MAX_SLICE, onLongSlice: reportLongSlice } : undefined,
    onWritten: (path) => {
      if (path === checkpointFile) finishing.add(path);
    },
  };
  if (cli.keep !== undefined && cli.keep > 1) options.writeFile = rotatingWriter(cli.keep);
  if (cli.serializableModules !== undefined) options.serializableModules = serializableModulesMatching(cli.serializableModules);
  const gate = new CheckpointGate();
  const periodic = cli.checkpointEvery === undefined || checkpointFile === undefined ? null : new PeriodicCheckpoints(cli.checkpointEvery, checkpointFile, options, gate);
  const signals = checkpointFile === undefined ? null : new SignalCheckpoint(checkpointFile, options, gate, cli.signalGrace ?? DEFAULT_SIGNAL_GRACE);
  options.onStart = (scheduler) => {
    periodic?.start(scheduler);
    signals?.start(scheduler);
  };
  return { options, periodic, signals, leases, finishing };
}

/** Waits for the program; its failure is a ProgramError. A program that finished marks its
 * checkpoint files finished. The leases are released either way. */
export async function awaitProgram(running: Promise<unknown>, policy: CheckpointPolicy): Promise<void> {
  const { periodic, signals } = policy;
  try {
    try {
      await running;
    } catch (error) {
      throw new ProgramError(error);
    } finally {
      periodic?.stop();
      signals?.stop();
    }
    for (const file of policy.finishing) {
      const problem = markCheckpointFinished(file, policy.options.key);
      if (problem !== null) process.stderr.write(`spickle: the program finished, but ${clip(file)} could not be marked finished: ${clip(problem, 400)}\n`);
    }
  } finally {
    for (const lease of policy.leases) lease.release();
  }
}

/** `--max-slice`: one line naming the tasklet, and where it stopped after the long step. */
function reportLongSlice(tasklet: Tasklet, ms: number): void {
  const frame = tasklet.gen === null ? undefined : summarizeTasklets(tasklet.scheduler, [tasklet]).list[0]?.frames[0];
  const where = frame === undefined ? "" : ` in ${frame.fn}${frame.file !== undefined ? ` (${clip(frame.file)}:${frame.line})` : ""}`;
  process.stderr.write(`spickle: tasklet ${tasklet.name} ran ${formatMs(ms)} without a switch point${where}; signals and checkpoints wait for its next one\n`);
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

/** A `writeFile` that keeps the last `keep` checkpoints, rotating them once the new one is
 * complete (a failed write rotates nothing). */
export function rotatingWriter(keep: number): (path: string, bytes: Uint8Array) => void {
  return (path, bytes) => {
    writeSnapshotFile(path, bytes, { beforeReplace: () => rotate(path, keep) });
  };
}

/** Shifts `path` → `path.1` → … → `path.<keep-1>` (the oldest is replaced). */
function rotate(path: string, keep: number): void {
  if (keep <= 1 || !existsSync(path)) return;
  // Oldest first, each by a hard link to a temp name renamed over the next slot, so every slot
  // that exists stays complete and present at every moment.
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
