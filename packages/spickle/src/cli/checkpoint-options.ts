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
}

/** `--checkpoint-every` and `--keep` need a checkpoint file: checked before anything runs. */
export function checkCheckpointUsage(cli: CheckpointCliOptions, checkpointFile: string | undefined): void {
  if (checkpointFile === undefined && (cli.checkpointEvery !== undefined || cli.keep !== undefined)) {
    throw new UsageError(`spickle: ${cli.checkpointEvery !== undefined ? "--checkpoint-every" : "--keep"} needs --checkpoint-file`);
  }
}
