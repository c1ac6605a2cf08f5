// `spickle resume <checkpoint> [args...]`: continues a checkpointed program in this process. Later
// checkpoints go to `--checkpoint-file`, else to the file it resumed from.
//
// For now a snapshot does not carry its program's code, so the program's entry module (recorded
// in the header by `spickle run`) is imported first, through the loader, from where it was.

import { statSync } from "node:fs";
import { SnapshotError } from "@spickle/pickle";
import { resumeCheckpointWith } from "../checkpoint.js";
import { registerLoader } from "../loader/register-loader.js";
import { awaitProgram, checkpointOptions, importEntry, type CheckpointCliOptions } from "./run.js";
import { fileProblem, readSnapshotFile } from "./snapshot-file.js";
import { resolve } from "node:path";

export async function resumeSnapshot(file: string, args: string[], options: CheckpointCliOptions): Promise<void> {
  const snapshot = readSnapshotFile(file);
  const { header } = snapshot;
  if (header.kind !== "checkpoint") {
    throw fileProblem(file, `not a checkpoint (a ${typeof header.kind === "string" ? `"${header.kind}"` : "plain"} snapshot): nothing to resume`);
  }
  const entry = typeof header.entry === "string" ? header.entry : undefined;
  const policy = checkpointOptions(options, resolve(options.checkpointFile ?? snapshot.path), entry);
  if (entry !== undefined) {
    if (!(statSync(entry, { throwIfNoEntry: false })?.isFile() ?? false)) {
      throw fileProblem(file, `its program ${entry} is missing (this snapshot needs its source to resume)`);
    }
    await importEntry(entry);
  } else {
    registerLoader({ fallbackRoot: process.cwd() });
  }
  let running: Promise<unknown>;
  try {
    running = resumeCheckpointWith(policy.options, snapshot.bytes, ...args);
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    if (error instanceof SnapshotError) throw fileProblem(file, message);
    throw fileProblem(file, `cannot resume: ${message.replace(/^spickle: /, "")}`);
  }
  await awaitProgram(running, policy);
}
