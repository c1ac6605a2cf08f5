import { codeFrameColumns } from "@babel/code-frame";

/** A source the compiler cannot take: a SyntaxError, as Node and tsc report invalid code, whose
 * message names the reason and the position (`reason (file.ts:12:5)`) followed by the code frame.
 * `line` and `column` are 1-based; `loc` is Babel's form (1-based line, 0-based column). */
export class CompileError extends SyntaxError {
  readonly loc: { line: number; column: number };
  constructor(
    readonly reason: string,
    readonly filename: string,
    readonly line: number,
    readonly column: number,
    readonly codeFrame: string,
  ) {
    super(`${reason} (${filename}:${line}:${column})\n\n${codeFrame}`);
    this.loc = { line, column: column - 1 };
  }
}

interface BabelLikeError {
  message: string;
  loc?: { line: number; column: number };
  reasonCode?: string;
}

/** Turns a Babel parse or transform error into a CompileError pointing at the source. Anything
 * else is a bug of the compiler: it keeps its stack and names the file. */
export function toCompileError(error: unknown, source: string, filename: string): Error {
  if (error instanceof CompileError) return error;
  if (!(error instanceof SyntaxError)) {
    const message = error instanceof Error ? error.message : String(error);
    return new Error(`spickle: internal compiler error in ${filename}: ${message}`, { cause: error });
  }
  const babel = error as BabelLikeError;
  // Babel colors its code frames when the terminal (or a CI variable) says colors are supported.
  const message = stripAnsi(String(babel.message ?? error));
  const position = babel.loc ?? positionInMessage(message) ?? positionInCodeFrame(message);
  const line = position?.line ?? 1;
  const column = (position?.column ?? 0) + 1;
  const reason = cleanReason(message, filename);
  const frame = codeFrameColumns(source, { start: { line, column } }, { highlightCode: false });
  return new CompileError(reason, filename, line, column, frame);
}

function positionInMessage(message: string | undefined): { line: number; column: number } | undefined {
  const match = message?.match(/\((\d+):(\d+)\)/);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : undefined;
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}

/** `path.buildCodeFrameError` puts the position only in its code frame: `> 3 | …` and a caret. */
function positionInCodeFrame(message: string | undefined): { line: number; column: number } | undefined {
  const lines = message?.split("\n") ?? [];
  const marked = lines.findIndex((line) => /^> *\d+ \|/.test(line));
  if (marked < 0) return undefined;
  const line = Number(lines[marked]!.match(/^> *(\d+) \|/)![1]);
  const caret = lines[marked + 1] ?? "";
  const bar = caret.indexOf("|");
  const column = bar >= 0 && caret.includes("^") ? caret.indexOf("^") - bar - 2 : 0;
  return { line, column: Math.max(0, column) };
}

/** Babel's messages repeat the file name (made absolute) and append their own code frame: keep
 * the sentence. */
function cleanReason(message: string, filename: string): string {
  let firstLine = message.split("\n")[0]!;
  const named = firstLine.indexOf(`${filename}: `);
  if (named >= 0) firstLine = firstLine.slice(named + filename.length + 2);
  return firstLine
    .replace(/^unknown file: /, "")
    .replace(/^spickle: /, "")
    .replace(/\s*\(\d+:\d+\)\s*$/, "")
    .trim();
}
