// The lease on a checkpoint path: one process at a time runs a program that writes (or resumes
// from) a checkpoint file. Two writers of one path would each replace the other's checkpoints,
// and two resumes of one checkpoint would both run its program to the end.
//
// The lease is a file `<checkpoint>.lock` next to it, created with O_EXCL, holding the holder's
// pid, host and process start time. A lease whose holder is a process of this host that no
// longer runs (killed, crashed) is stale and broken; a lease of another host is never broken
// (nothing here can tell whether that process runs).

import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { processAlive } from "@spickle/pickle";
import { clip, UsageError } from "./errors.js";

interface Holder {
  pid: number;
  host: string;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat), when known: a pid
   * reused by a later process is not the holder. */
  start?: number;
  since?: string;
}

export function leasePath(checkpoint: string): string {
  return `${checkpoint}.lock`;
}

/** Start time of process `pid` (field 22 of /proc/<pid>/stat), or undefined off Linux. */
function processStart(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count from its closing one.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const start = Number(fields[19]);
    return Number.isFinite(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

function readHolder(path: string): Holder | null {
  try {
    const holder = JSON.parse(readFileSync(path, "utf8")) as Holder;
    return typeof holder?.pid === "number" && typeof holder.host === "string" ? holder : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    // Half-written: being written now, or its writer was killed between create and write.
    return { pid: -1, host: hostname() };
  }
}

function holderRuns(holder: Holder): boolean {
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return true;
  if (!processAlive(holder.pid)) return false;
  const start = processStart(holder.pid);
  return holder.start === undefined || start === undefined || start === holder.start;
}

function describeHolder(holder: Holder): string {
  return `process ${holder.pid} on ${clip(holder.host)}${holder.since !== undefined ? ` since ${clip(holder.since)}` : ""}`;
}

/** A held lease; release() removes its file (when it is still this process's). */
export class Lease {
  private released = false;
  constructor(readonly checkpoint: string, private readonly file: string) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    const holder = readHolder(this.file);
    if (holder !== null && holder.pid === process.pid && holder.host === hostname()) rmSync(this.file, { force: true });
  }
}

/** Takes the lease on `checkpoint`, breaking a stale one; a UsageError names who holds it.
 * `optional`: a lease that cannot be created (a read-only folder) is null, not an error. */
export function takeLease(checkpoint: string, options: { optional: true }): Lease | null;
export function takeLease(checkpoint: string, options?: { optional?: false }): Lease;
export function takeLease(checkpoint: string, options: { optional?: boolean } = {}): Lease | null {
  const file = leasePath(checkpoint);
  const me: Holder = { pid: process.pid, host: hostname(), start: processStart(process.pid), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o644);
      try {
        writeSync(fd, `${JSON.stringify(me)}\n`);
      } finally {
        closeSync(fd);
      }
      const lease = new Lease(checkpoint, file);
      process.once("exit", () => lease.release());
      return lease;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") {
        if (options.optional === true && (code === "EACCES" || code === "EPERM" || code === "EROFS")) return null;
        throw new UsageError(`spickle: ${clip(checkpoint)}: cannot take its lease ${clip(file)} (${code ?? (error as Error).message})`);
      }
    }
    const holder = readHolder(file);
    if (holder === null) continue; // released meanwhile
    if (holder.pid === -1 && !halfWrittenLongAgo(file)) {
      pause(20);
      continue;
    }
    if (holder.pid !== -1 && holderRuns(holder)) throw heldBy(checkpoint, file, holder);
    breakStale(file, holder);
  }
  throw new UsageError(`spickle: ${clip(checkpoint)}: its lease ${clip(file)} keeps changing hands; is another spickle starting on it?`);
}

/** A lease file left empty or partial for a second: its writer is gone. */
function halfWrittenLongAgo(file: string): boolean {
  const modified = statSync(file, { throwIfNoEntry: false })?.mtimeMs;
  return modified === undefined || Date.now() - modified > 1000;
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function heldBy(checkpoint: string, file: string, holder: Holder): UsageError {
  return new UsageError(
    `spickle: ${clip(checkpoint)} is in use by ${describeHolder(holder)} (lease ${clip(file)}); ` +
      "wait for it to end, or remove the lease if that process is gone",
  );
}

/** Removes a stale lease. Moved aside first, then checked: if another process broke it and took
 * a fresh one meanwhile, what was moved is that live lease, and it is put back. */
function breakStale(file: string, stale: Holder): void {
  const aside = `${file}.${process.pid}.stale`;
  try {
    renameSync(file, aside);
  } catch {
    return; // someone else moved it
  }
  const moved = readHolder(aside);
  if (moved !== null && (moved.pid !== stale.pid || moved.since !== stale.since)) {
    try {
      linkSync(aside, file);
    } catch {
      // A third process took the path meanwhile: its lease stands.
    }
  }
  rmSync(aside, { force: true });
}
