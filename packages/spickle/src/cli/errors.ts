// How the CLI fails. Two kinds, two exit codes:
// - UsageError (exit 2): bad usage or a bad snapshot. One line naming the file and the problem,
//   never a stack trace.
// - ProgramError (exit 1): the user's program failed. Its error with its stack, mapped to the
//   original source by the loader's source maps, without spickle's own frames.
// And one stop that is not a failure: exit 75 (EX_TEMPFAIL), stopped by a signal after a
// checkpoint (or with the previous one intact): resume it to go on.

import { inspect } from "node:util";
import { fileURLToPath } from "node:url";
import { isCompileError } from "../loader/compile-error.js";
import { isSpickleOwnCode } from "../loader/project.js";

export const EXIT_OK = 0;
export const EXIT_PROGRAM_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_CHECKPOINTED = 75;

export { clip, MAX_ECHO } from "../clip.js";

/** Bad usage or a bad snapshot: `message` is the whole (single-line) report. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The program failed with `error`. */
export class ProgramError extends Error {
  readonly error: unknown;
  constructor(error: unknown) {
    super("the program failed");
    this.name = "ProgramError";
    this.error = error;
  }
}

/** The file a stack frame line points into, or undefined (`native`, `<anonymous>`, …). */
function frameFile(line: string): string | undefined {
  const m = /\(?((?:file:\/\/|node:|\/)[^()\s]*?):\d+:\d+\)?$/.exec(line.trim());
  if (!m) return undefined;
  const location = m[1]!;
  if (location.startsWith("file://")) {
    try {
      return fileURLToPath(location);
    } catch {
      return undefined;
    }
  }
  return location;
}

/** Whether a stack frame line belongs to spickle (CLI, runtime, pickler) or Node's internals. */
function isInternalFrame(line: string): boolean {
  if (!/^\s+at /.test(line)) return false;
  if (/\(node:|at node:/.test(line)) return true;
  const file = frameFile(line);
  return file !== undefined && !file.startsWith("node:") && isSpickleOwnCode(file);
}

/** `error.stack` without spickle's and Node's frames. */
export function userStack(error: Error): string {
  const stack = typeof error.stack === "string" && error.stack !== "" ? error.stack : `${error.name}: ${error.message}`;
  return stack
    .split("\n")
    .filter((line) => !isInternalFrame(line))
    .map((line) => line.replace(GENERATOR_BODY_FRAME, "at $1$2 ("))
    .join("\n");
}

/** A frame in a compiled generator's body function (`_name$body`, `_name$body2`): shown under the
 * generator's own name, as a native generator's frame is. */
const GENERATOR_BODY_FRAME = /at ((?:[\w$]+\.)?)_([\w$]+?)\$body\d* \(/;

/** A failed program's error as printed on stderr. */
export function formatProgramError(error: unknown): string {
  if (isCompileError(error)) return `SyntaxError: ${error.message.trimEnd()}`;
  if (!(error instanceof Error)) return `Uncaught ${inspect(error)}`;
  let text = userStack(error);
  let cause: unknown = (error as { cause?: unknown }).cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    text += `\nCaused by: ${cause instanceof Error ? userStack(cause) : inspect(cause)}`;
    cause = cause instanceof Error ? (cause as { cause?: unknown }).cause : undefined;
  }
  return text;
}
