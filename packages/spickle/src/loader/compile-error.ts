// A compile error as the user should see it, as Node and tsc report invalid code: one message,
// `SyntaxError: reason (file:line:column)`, then the code frame, and no loader-thread stack. The error crosses from the hooks thread to the main
// thread by structured clone, which keeps only standard error classes, so it is a SyntaxError
// marked by `code === "ERR_SPICKLE_COMPILE"`; its details are non-enumerable own properties (so
// Node's uncaught-error printer shows the message alone).

export const COMPILE_ERROR_CODE = "ERR_SPICKLE_COMPILE";

export interface CompileErrorDetails {
  filename: string;
  /** 1-based line, or undefined when the compiler gave no position. */
  line?: number;
  /** 1-based column. */
  column?: number;
  reason: string;
  codeFrame?: string;
}

interface TransformError {
  message?: unknown;
  reason?: unknown;
  filename?: unknown;
  line?: unknown;
  column?: unknown;
  codeFrame?: unknown;
  loc?: { line?: unknown; column?: unknown };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Whether `error` describes a problem of the source (rather than a bug of the compiler):
 * the transform's CompileError (`codeFrame`, `line`, `column`) or a raw Babel error (`loc`). */
export function isSourceError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as TransformError;
  return typeof e.codeFrame === "string" || (typeof e.loc === "object" && e.loc !== null);
}

/**
 * Reads what the compiler put on its error. The transform's CompileError has `reason`, 1-based
 * `line`/`column` and `codeFrame`; a raw Babel error has `loc` with a 0-based column and repeats
 * the file name and its own code frame in its message.
 */
export function compileErrorDetails(error: unknown, filename: string): CompileErrorDetails {
  const e = (typeof error === "object" && error !== null ? error : {}) as TransformError;
  let line: number | undefined;
  let column: number | undefined;
  if (typeof e.line === "number") {
    line = e.line;
    column = typeof e.column === "number" ? e.column : undefined;
  } else if (typeof e.loc?.line === "number") {
    line = e.loc.line;
    column = typeof e.loc.column === "number" ? e.loc.column + 1 : undefined;
  }
  const file = typeof e.filename === "string" ? e.filename : filename;
  const message = typeof e.message === "string" ? e.message : String(error);
  let reason: string;
  if (typeof e.reason === "string") {
    reason = e.reason;
  } else {
    reason = message.split("\n")[0]!.trim();
    for (const name of new Set([file, filename])) {
      reason = reason.replace(new RegExp(`^${escapeRegExp(name)}(:\\d+){0,2}:\\s*`), "");
    }
    reason = reason.replace(/\s*\(\d+:\d+\)$/, "");
  }
  let codeFrame = typeof e.codeFrame === "string" && e.codeFrame !== "" ? e.codeFrame.trimEnd() : undefined;
  if (codeFrame === undefined) {
    const rest = message.split("\n").slice(1).join("\n").replace(/^\n+/, "").trimEnd();
    if (/^\s*>?\s*\d+ \|/m.test(rest)) codeFrame = rest;
  }
  return { filename: file, line, column, reason: reason === "" ? "compile error" : reason, codeFrame };
}

/** The message of a compile error: `reason (file:line:column)` and the code frame. */
export function formatCompileError(details: CompileErrorDetails): string {
  const where =
    details.line === undefined
      ? details.filename
      : `${details.filename}:${details.line}${details.column === undefined ? "" : `:${details.column}`}`;
  return details.codeFrame === undefined
    ? `${details.reason} (${where})`
    : `${details.reason} (${where})\n\n${details.codeFrame}\n`;
}

/** The error the loader throws for a module that does not compile. */
export function makeCompileError(details: CompileErrorDetails): SyntaxError {
  const message = formatCompileError(details);
  const error = new SyntaxError(message);
  const where = details.line === undefined ? details.filename : `${details.filename}:${details.line}:${details.column ?? 1}`;
  error.stack = `SyntaxError: ${message}\n    at ${where}`;
  const hidden = (key: string, value: unknown) =>
    Object.defineProperty(error, key, { value, enumerable: false, writable: true, configurable: true });
  hidden("code", COMPILE_ERROR_CODE);
  hidden("filename", details.filename);
  hidden("line", details.line);
  hidden("column", details.column);
  hidden("codeFrame", details.codeFrame);
  // Babel's form of the position: 1-based line, 0-based column.
  hidden("loc", details.line === undefined ? undefined : { line: details.line, column: (details.column ?? 1) - 1 });
  return error;
}

/** Whether `error` is a compile error reported by the loader (for the CLI to print it plainly). */
export function isCompileError(error: unknown): error is SyntaxError & { code: string; filename: string } {
  return (
    typeof error === "object" && error !== null && (error as { code?: unknown }).code === COMPILE_ERROR_CODE
  );
}
