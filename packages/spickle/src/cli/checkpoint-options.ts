// The checkpoint options `run` and `resume` share (parsed by ./program.ts), and the check of their
// combination. No commander here: a command line without options never loads it (./main.ts).

import { UsageError } from "./errors.js";

/** The checkpoint options `run` and `resume` share, as commander parsed them. */
export interface CheckpointCliOptions {
  checkpointFile?: string;
  /** Milliseconds. */
  checkpointEvery?: number;
  keep?: number;
  serializableModules?: string[];
  /** Milliseconds a signal's checkpoint is retried for (`--signal-grace`). */
  signalGrace?: number;
  /** Milliseconds a step may run before it is reported (`--max-slice`). */
  maxSlice?: number;
  /** `resume --force`: resume a checkpoint of a program that finished. */
  force?: boolean;
  /** `--store <url>`: checkpoints go to a checkpoint store (./store-target.ts), not a file. */
  store?: string;
  /** `--job <name>`: the job's name in the store. */
  job?: string;
  /** `resume --upgrade`: continue on the current sources (./upgrade.ts). */
  upgrade?: boolean;
}

/** `--checkpoint-every` and `--keep` need a checkpoint file: checked before anything runs. */
export function checkCheckpointUsage(cli: CheckpointCliOptions, checkpointFile: string | undefined): void {
  if (cli.store !== undefined && cli.checkpointFile !== undefined) throw new UsageError("spickle: --store and --checkpoint-file: give one of them");
  if (cli.job !== undefined && cli.store === undefined) throw new UsageError("spickle: --job names a job in a store: it needs --store");
  if (cli.store !== undefined) return;
  if (checkpointFile === undefined && (cli.checkpointEvery !== undefined || cli.keep !== undefined)) {
    throw new UsageError(`spickle: ${cli.checkpointEvery !== undefined ? "--checkpoint-every" : "--keep"} needs --checkpoint-file`);
  }
}
