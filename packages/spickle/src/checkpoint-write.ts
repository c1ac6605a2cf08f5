// A checkpoint, in the order it happens (README "How it works"): the paused scheduler is captured
// (captureCheckpoint, checkpoint-capture.ts: the graph and the facts the header takes from it),
// its body encoded (@spickle/pickle encodeBody: body, modules met, tasklets met), the header built
// from those (checkpointHeader), the snapshot made (@spickle/pickle encodeSnapshot), and written
// atomically (writeCheckpoint, by writeSnapshotFile unless the options give a writer). Every checkpoint — the program's `cp.checkpoint()`, a periodic or signal one,
// a queue worker's — goes this one way.

import { existsSync } from "node:fs";
import type { Scheduler, Tasklet } from "@spickle/runtime";
import { encodeBody, encodeSnapshot, SerializeError, writeSnapshotFile, type EncodedBody } from "@spickle/pickle";
import type { CheckpointOptions } from "./checkpoint.js";
import { captureCheckpoint, checkpointHeader } from "./checkpoint-capture.js";
import { clip } from "./clip.js";

/** The snapshot of a paused scheduler (`caller`: the tasklet that asked for it, if one did). */
export function checkpointBytes(scheduler: Scheduler, options: CheckpointOptions, caller?: Tasklet): Uint8Array {
  const captured = captureCheckpoint(scheduler, caller);
  const progress = options.progress?.("checkpoint");
  let encoded: EncodedBody;
  try {
    encoded = encodeBody(captured.scheduler, {
      serializableModules: options.serializableModules,
      // A resumed program's top-level registerReducer calls do not run again.
      carryRestorers: true,
      onProgress: progress?.update,
    });
  } finally {
    progress?.done();
  }
  return encodeSnapshot({ header: checkpointHeader(captured, encoded, options), body: encoded.body }, options);
}

/** Why a checkpoint could not be made, in one line; the previous checkpoint file is untouched. */
export class CheckpointError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CheckpointError";
  }
}

/** A checkpoint made but not written; the message says whether an earlier one is in the file. */
export class CheckpointWriteError extends CheckpointError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CheckpointWriteError";
  }
}

export const DEFAULT_IO_TIMEOUT = 30_000;

/**
 * checkpointBytes of a paused scheduler, first letting write streams empty their queues: a
 * stream with queued bytes cannot be saved (those bytes are not in the file yet), and while the
 * scheduler is paused nothing adds to them. Waits at most `timeoutMs` in all.
 */
export async function drainedCheckpointBytes(scheduler: Scheduler, options: CheckpointOptions, caller: Tasklet | undefined, timeoutMs: number): Promise<Uint8Array> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return checkpointBytes(scheduler, options, caller);
    } catch (error) {
      const left = deadline - performance.now();
      if (!(error instanceof SerializeError) || error.settles === undefined) throw error;
      if (left <= 0) throw new CheckpointError(`${error.message.replace(/ \(the write callback.*$/, "")} after waiting ${Math.round(timeoutMs)} ms`, { cause: error });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([error.settles, new Promise((resolve) => (timer = setTimeout(resolve, left)))]);
      clearTimeout(timer);
    }
  }
}

/** Checkpoints a paused scheduler to `path`: its snapshot (drained, see drainedCheckpointBytes)
 * written atomically by `options.writeFile` (default writeSnapshotFile), then `onWritten`. A
 * failed write is a CheckpointWriteError naming the file and saying that the previous checkpoint
 * in it (if any) is intact. */
export async function writeCheckpoint(scheduler: Scheduler, path: string, options: CheckpointOptions, caller?: Tasklet): Promise<void> {
  const bytes = await drainedCheckpointBytes(scheduler, options, caller, options.ioTimeout ?? DEFAULT_IO_TIMEOUT);
  try {
    await (options.writeFile ?? writeSnapshotFile)(path, bytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what = (code !== undefined ? WRITE_PROBLEMS[code] : undefined) ?? (error as Error)?.message?.split("\n")[0] ?? String(error);
    const previous = existsSync(path) ? "the previous checkpoint in it is intact" : "there was no earlier checkpoint in it";
    throw new CheckpointWriteError(`cannot write checkpoint ${clip(path)}: ${clip(what)}${code !== undefined && !what.includes(code) ? ` (${code})` : ""}; ${previous}`, { cause: error });
  }
  options.onWritten?.(path);
}

const WRITE_PROBLEMS: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "read-only file system",
  ENOENT: "its folder does not exist",
  ENOTDIR: "a part of its path is not a folder",
  EISDIR: "it is a folder",
  EIO: "input/output error",
};
