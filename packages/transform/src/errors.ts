import { codeFrameColumns } from "@babel/code-frame";

/** A source the compiler cannot take: names the file, the position and shows the code. */
export class CompileError extends Error {
  override name = "CompileError";
  constructor(
    readonly reason: string,
    readonly filename: string,
    readonly line: number,
    readonly column: number,
    readonly codeFrame: string,
  ) {
    super(`${filename}:${line}:${column}: ${reason}\n${codeFrame}`);
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
  const position = babel.loc ?? positionInMessage(babel.message);
  const line = position?.line ?? 1;
  const column = (position?.column ?? 0) + 1;
  const reason = cleanReason(String(babel.message ?? error), filename);
  const frame = codeFrameColumns(source, { start: { line, column } }, { highlightCode: false });
  return new CompileError(reason, filename, line, column, frame);
}

function positionInMessage(message: string | undefined): { line: number; column: number } | undefined {
  const match = message?.match(/\((\d+):(\d+)\)/);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : undefined;
}

/** Babel's messages repeat the file name and append their own code frame: keep the sentence. */
function cleanReason(message: string, filename: string): string {
  const firstLine = message.split("\n")[0]!;
  return firstLine
    .replace(`${filename}: `, "")
    .replace(/^unknown file: /, "")
    .replace(/\s*\(\d+:\d+\)\s*$/, "")
    .trim();
}
