// How the CLI fails. Two kinds, two exit codes:
// - UsageError (exit 2): bad usage or a bad snapshot. One line naming the file and the problem,
//   never a stack trace.
// - ProgramError (exit 1): the user's program failed. Its error with its stack, mapped to the
//   original source by the loader's source maps, without spickle's own frames.

import { SourceMap } from "node:module";
import { inspect } from "node:util";
import { fileURLToPath } from "node:url";
import { liveModule } from "@spickle/runtime";
import { isCompileError } from "../loader/compile-error.js";
import { isSpickleOwnCode } from "../loader/project.js";

export const EXIT_OK = 0;
export const EXIT_PROGRAM_FAILED = 1;
export const EXIT_USAGE = 2;

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

const RESTORED_FRAME = /spickle-restore:(.+?)#([0-9a-f]+):(\d+):(\d+)/;

/**
 * A frame in code restored from a snapshot (`spickle-restore:<id>#<hash>:line:col`, which Node does
 * not source-map) mapped to the original source through the module's source map — found on the
 * instance this process loaded from the same source (`spickle resume` imports the entry).
 */
function mapRestoredFrame(line: string): string {
  const m = RESTORED_FRAME.exec(line);
  if (!m) return line;
  try {
    const [, id, hash, row, col] = m;
    const info = liveModule(id!)?.info as { hash?: string; map?: unknown; url?: string } | undefined;
    if (!info || typeof info.hash !== "string" || !info.hash.startsWith(hash!) || !info.map) return line;
    const entry = new SourceMap(info.map as ConstructorParameters<typeof SourceMap>[0]).findEntry(Number(row) - 1, Number(col) - 1) as {
      originalSource?: string;
      originalLine?: number;
      originalColumn?: number;
    };
    if (entry.originalLine === undefined || entry.originalSource === undefined) return line;
    let file = info.url ?? entry.originalSource;
    if (file.startsWith("file://")) file = fileURLToPath(file);
    return line.replace(RESTORED_FRAME, `${file}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`);
  } catch {
    return line;
  }
}

/** `error.stack` without spickle's and Node's frames. */
export function userStack(error: Error): string {
  const stack = typeof error.stack === "string" && error.stack !== "" ? error.stack : `${error.name}: ${error.message}`;
  return stack
    .split("\n")
    .filter((line) => !isInternalFrame(line))
    .map(mapRestoredFrame)
    .join("\n");
}

/** A failed program's error as printed on stderr. */
export function formatProgramError(error: unknown): string {
  if (isCompileError(error)) return error.message.trimEnd();
  if (!(error instanceof Error)) return `Uncaught ${inspect(error)}`;
  let text = userStack(error);
  let cause: unknown = (error as { cause?: unknown }).cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    text += `\nCaused by: ${cause instanceof Error ? userStack(cause) : inspect(cause)}`;
    cause = cause instanceof Error ? (cause as { cause?: unknown }).cause : undefined;
  }
  return text;
}
