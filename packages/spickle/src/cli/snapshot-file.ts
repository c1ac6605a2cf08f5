// Reading a snapshot file for `resume` and `inspect`: everything (length, checksum, the signature
// when SPICKLE_KEY is set, the format version) is verified before anything is shown or decoded;
// any problem is a UsageError of one line naming the file. Only a regular file is read, and only
// the bytes its frame declares (readFrameFile).

import { resolve } from "node:path";
import { readFrameFile, readSnapshotFile as readVerifiedSnapshot, SnapshotError, type VerifiedSnapshot } from "@spickle/pickle";
import { clip, MAX_ECHO, UsageError } from "./errors.js";

export interface SnapshotFile extends VerifiedSnapshot {
  /** As the user wrote it (for messages). */
  file: string;
  /** Absolute path. */
  path: string;
}

function readProblem(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EISDIR":
      return "is a directory, not a snapshot";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    default:
      return `cannot read (${typeof code === "string" ? code : (error as Error)?.message ?? String(error)})`;
  }
}

/** The one-line message for a problem with `file` (a problem quoting what the file holds is cut
 * too, so a huge value in a snapshot cannot make a huge line). */
export function fileProblem(file: string, problem: string): UsageError {
  const line = problem.split("\n")[0]!;
  return new UsageError(`spickle: ${clip(file)}: ${clip(line, 2 * MAX_ECHO)}`);
}

/** A problem reading `file` as the one-line UsageError that names it. */
function readFailure(file: string, error: unknown): UsageError {
  if (error instanceof SnapshotError) return fileProblem(file, error.message.split("\n")[0]!);
  return fileProblem(file, readProblem(error));
}

/** The bytes of a snapshot file, read with bounded effort (not yet verified: see readFrameFile);
 * throws a one-line UsageError for any problem. */
export function readSnapshotBytes(file: string): Uint8Array {
  try {
    return readFrameFile(resolve(file));
  } catch (error) {
    throw readFailure(file, error);
  }
}

/** Reads and verifies a snapshot file (once: its parts go on to the decoder); throws a one-line
 * UsageError for any problem. */
export function readSnapshotFile(file: string): SnapshotFile {
  const path = resolve(file);
  try {
    return { file, path, ...readVerifiedSnapshot(path) };
  } catch (error) {
    throw readFailure(file, error);
  }
}
