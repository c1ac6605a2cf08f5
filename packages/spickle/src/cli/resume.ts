// `spickle resume <checkpoint> [args...]`: continues a checkpointed program in this process. Later
// checkpoints go to `--checkpoint-file`, else to the file it resumed from. The leases on both
// files are taken before the file is read (./lease.ts); a checkpoint marked finished is refused
// unless `--force`.
//
// A snapshot whose modules all travel by value carries all of its program's code: it resumes
// with no loader hooks and needs neither the sources nor the original folder (restored modules
// run from their restore forms with `vm`, and get this process's spickle). A snapshot that names
// some modules by reference (`--serializable-modules`) needs them loaded: the program's entry
// (recorded in the header by `spickle run`) is imported first, as `spickle run` imports it.

import { statSync } from "node:fs";
import { resolve } from "node:path";
import { decodeSnapshot, SnapshotError, type VerifiedSnapshot } from "@spickle/pickle";
import { resumeCheckpointWith } from "../index.js";
import { awaitProgram, checkpointPolicy } from "./checkpoint-policy.js";
import { checkCheckpointUsage, type CheckpointCliOptions } from "./checkpoint-options.js";
import { UsageError } from "./errors.js";
import { takeLease } from "./lease.js";
import { fileProblem, readSnapshotFile } from "./snapshot-file.js";

/** Whether every module in the header's module table (`[id, hash, byValue]` rows) travels by
 * value (a header without the table is taken as needing its program). */
function carriesAllItsCode(header: Record<string, unknown>): boolean {
  const modules = header.modules;
  return Array.isArray(modules) && modules.every((row) => Array.isArray(row) && row[2] === true);
}

function isRegularFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false; // a name too long, a loop of links: readSnapshotFile says which
  }
}

/** Why the program in `label` could not start again, as one line naming it. */
function resumeFailure(label: string, error: unknown): UsageError {
  const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
  if (error instanceof SnapshotError) return fileProblem(label, message);
  return fileProblem(label, `cannot resume: ${message.replace(/^spickle: /, "")}`);
}

export async function resumeSnapshot(file: string, args: string[], options: CheckpointCliOptions): Promise<void> {
  if (options.store !== undefined) {
    if (options.upgrade === true) throw new UsageError("spickle: --upgrade resumes from a checkpoint file (it loads the program's current sources from its folder), not with --store");
    return resumeFromStore(file, args, options);
  }
  const source = resolve(file);
  const checkpointFile = resolve(options.checkpointFile ?? source);
  checkCheckpointUsage(options, checkpointFile);
  // A missing file (or a folder) is reported as such, not as a lease that cannot be taken.
  if (!isRegularFile(source)) readSnapshotFile(file);
  const leases = [takeLease(checkpointFile)];
  if (source !== checkpointFile) {
    const lease = takeLease(source, { optional: true });
    if (lease !== null) leases.push(lease);
  }
  const snapshot = readSnapshotFile(file);
  const { header } = snapshot;
  if (header.kind !== "checkpoint") {
    throw fileProblem(file, `not a checkpoint (a ${typeof header.kind === "string" ? `"${header.kind}"` : "plain"} snapshot): nothing to resume`);
  }
  if (header.finished !== undefined && options.force !== true) {
    throw fileProblem(file, `its program finished${typeof header.finished === "string" ? ` (${header.finished.slice(0, 40)})` : ""}; nothing to resume (--force runs its end again)`);
  }
  const entry = typeof header.entry === "string" ? header.entry : undefined;
  const script = typeof header.script === "string" ? header.script : entry;
  const policy = checkpointPolicy(options, checkpointFile, entry, { resumedFrom: source, leases });
  if (script !== entry) policy.options.header = { ...policy.options.header, script };
  // The program sees the argv of `node <script> [args...]`: its script as recorded, this resume's arguments.
  process.argv = [process.argv[0]!, script ?? snapshot.path, ...args];
  if (options.upgrade === true) {
    await loadCurrentSources(file, header, entry);
  } else if (!carriesAllItsCode(header) && entry !== undefined) {
    if (!(statSync(entry, { throwIfNoEntry: false })?.isFile() ?? false)) {
      throw fileProblem(file, `its program ${entry} is missing (this snapshot names some of its modules by reference and needs its source to resume)`);
    }
    const { changedLoadedModule, changedSource, moduleRows } = await import("./module-sources.js");
    const rows = moduleRows(header);
    const changed = changedSource(rows);
    if (changed !== undefined) throw fileProblem(file, `cannot resume: ${changed}`);
    const { importEntry } = await import("./run.js");
    await importEntry(entry);
    const changedLoaded = changedLoadedModule(rows);
    if (changedLoaded !== undefined) throw fileProblem(file, `cannot resume: ${changedLoaded}`);
  }
  // The modules the entry loaded are the program's: those the snapshot carries by value take
  // its state, so the by-reference modules that import them see it too.
  policy.options.modules = "adopt";
  if (options.upgrade === true) {
    const { UpgradeLog } = await import("@spickle/pickle");
    const { finishUpgrade } = await import("../upgrade.js");
    const log = new UpgradeLog();
    policy.options.modules = "upgrade";
    policy.options.upgrade = log;
    policy.options.afterLoad = () => {
      for (const line of finishUpgrade(log, typeof header.created === "string" ? header.created : undefined)) process.stderr.write(`spickle: ${line}\n`);
    };
  }
  let running: Promise<unknown>;
  try {
    running = resumeCheckpointWith(policy.options, snapshot, ...args);
  } catch (error) {
    throw resumeFailure(file, error);
  }
  await awaitProgram(running, policy);
}

/** `--upgrade`: the program's modules are loaded from the current sources (its entry imported, as
 * `spickle run` does); a module used by reference must still be the one the checkpoint had
 * (the snapshot does not carry its old code for the frames suspended in it). */
async function loadCurrentSources(file: string, header: Record<string, unknown>, entry: string | undefined): Promise<void> {
  if (entry === undefined || !(statSync(entry, { throwIfNoEntry: false })?.isFile() ?? false)) {
    throw fileProblem(file, `cannot upgrade: its program${entry === undefined ? "" : ` ${entry}`} is missing (--upgrade loads the current sources)`);
  }
  const { changedSource, moduleRows } = await import("./module-sources.js");
  const changed = changedSource(moduleRows(header));
  if (changed !== undefined) throw fileProblem(file, `cannot upgrade: ${changed}`);
  const { importEntry } = await import("./run.js");
  await importEntry(entry);
}

/** `spickle resume --store <url> <job> [args...]`: continues the job from its newest checkpoint in
 * the store; later checkpoints go to the same store and job. */
async function resumeFromStore(job: string, args: string[], options: CheckpointCliOptions): Promise<void> {
  if (options.job !== undefined && options.job !== job) throw new UsageError("spickle: resume --store takes the job's name in place of a checkpoint file (no --job)");
  checkCheckpointUsage(options, undefined);
  const { latestFromStore, openStoreTarget } = await import("./store-target.js");
  const target = await openStoreTarget(options.store!, job);
  try {
    const bytes = await latestFromStore(target);
    let snapshot: VerifiedSnapshot;
    try {
      snapshot = decodeSnapshot(bytes);
    } catch (error) {
      throw fileProblem(target.label, (error as Error).message.split("\n")[0]!);
    }
    const { header } = snapshot;
    if (header.kind !== "checkpoint") throw fileProblem(target.label, "not a checkpoint: nothing to resume");
    if (!carriesAllItsCode(header)) {
      throw fileProblem(target.label, "this checkpoint names some of its modules by reference; resume it from a file where its program is (spickle resume <file>)");
    }
    const entry = typeof header.entry === "string" ? header.entry : undefined;
    const policy = checkpointPolicy(options, target.label, entry, { leases: [] });
    const { writeToStore } = await import("./store-target.js");
    await writeToStore(policy.options, target, options.keep);
    const script = typeof header.script === "string" ? header.script : entry;
    process.argv = [process.argv[0]!, script ?? job, ...args];
    let running: Promise<unknown>;
    try {
      running = resumeCheckpointWith(policy.options, snapshot, ...args);
    } catch (error) {
      throw resumeFailure(target.label, error);
    }
    await awaitProgram(running, policy);
  } finally {
    await target.close();
  }
}
