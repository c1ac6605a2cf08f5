// The `spickle` command line: run, resume, inspect, worker (defined with commander in
// ./program.ts). Exit codes: 0 success (the program finished); 1 the program failed (its error,
// source-mapped, on stderr); 2 bad usage or a bad snapshot (one line on stderr, no stack); 75
// stopped by a signal, checkpointed, not finished.
//
// Start-up time is part of the product (a resume should start about as fast as `node`): a
// command line that is only `run <script> [args...]` or `resume <checkpoint> [args...]` — no
// options, which commander would parse to exactly these operands (test/startup-cli.test.ts
// checks it) — runs without loading commander, whose `child_process` alone costs a start more
// than spickle's own command-line code.

import { EXIT_OK, EXIT_PROGRAM_FAILED, EXIT_USAGE, formatProgramError, MAX_ECHO, clip, ProgramError, UsageError } from "./errors.js";

/** A command line with no options: the command, its first operand and the rest. */
export interface PositionalCommand {
  command: "run" | "resume";
  operand: string;
  args: string[];
}

/** `run <script> [args...]` or `resume <checkpoint> [args...]` with no option before the operand
 * (everything after it is the program's, as commander passes it through); else undefined. */
export function positionalCommand(argv: string[]): PositionalCommand | undefined {
  const [command, operand, ...args] = argv;
  if ((command !== "run" && command !== "resume") || operand === undefined || operand.startsWith("-")) return undefined;
  return { command, operand, args };
}

async function runPositional({ command, operand, args }: PositionalCommand): Promise<void> {
  if (command === "run") {
    const { runScript } = await import("./run.js");
    await runScript(operand, args, {});
  } else {
    const { resumeSnapshot } = await import("./resume.js");
    await resumeSnapshot(operand, args, {});
  }
}

/** Runs the command line; resolves with the exit code (the process exits on its own). */
export async function main(argv: string[]): Promise<number> {
  try {
    const positional = positionalCommand(argv);
    if (positional === undefined) return await (await import("./program.js")).parseCommandLine(argv);
    await runPositional(positional);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) {
      // Every part echoed is cut where it is put in; this bounds what was missed.
      const line = error.message.split("\n")[0]!;
      process.stderr.write(`${clip(line, 4 * MAX_ECHO)}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof ProgramError) {
      process.stderr.write(`${formatProgramError(error.error)}\n`);
      return EXIT_PROGRAM_FAILED;
    }
    process.stderr.write(`spickle: internal error: ${formatProgramError(error)}\n`);
    return EXIT_PROGRAM_FAILED;
  }
}
