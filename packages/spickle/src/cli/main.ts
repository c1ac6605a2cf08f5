// The `spickle` command line (commander): run, resume, inspect, worker.
// Exit codes: 0 success; 1 the program failed (its error, source-mapped, on stderr); 2 bad usage
// or a bad snapshot (one line on stderr, no stack).

import { createRequire } from "node:module";
import { Command, CommanderError, Option } from "commander";
import { FORMAT_VERSION } from "@spickle/pickle";
import { EXIT_OK, EXIT_PROGRAM_FAILED, EXIT_USAGE, formatProgramError, ProgramError, UsageError } from "./errors.js";
import { inspectSnapshot } from "./inspect.js";
import { resumeSnapshot } from "./resume.js";
import { runScript, type CheckpointCliOptions } from "./run.js";
import { parseDuration, parseKeep } from "./checkpoint-policy.js";
import { addWorkerCommand } from "./worker.js";

const VERSION = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

// The checkpoint options `run` and `resume` share.
function checkpointEvery(): Option {
  return new Option("--checkpoint-every <duration>", "also checkpoint the whole program after each interval (30s, 5m, 1h)").argParser(parseDuration);
}

function keep(): Option {
  return new Option("--keep <n>", "keep the last n checkpoints: <file>, <file>.1, … <file>.<n-1>").argParser(parseKeep);
}

function serializableModules(): Option {
  return new Option(
    "--serializable-modules <globs>",
    "only modules whose ids (paths from the project root) match these comma-separated globs go into checkpoints by value, the rest by reference (repeatable)",
  ).argParser(collect);
}

function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
}

function buildProgram(): Command {
  const program = new Command("spickle")
    .description("Run TypeScript programs that can be checkpointed, and resume them later, anywhere.")
    .version(`spickle ${VERSION} (snapshot format ${FORMAT_VERSION}, node ${process.version})`, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .helpCommand("help [command]", "show help for a command")
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`spickle: ${text.replace(/^error: /, "")}`) })
    .showSuggestionAfterError(true)
    .addHelpText(
      "after",
      examples([
        "$ spickle run --checkpoint-file job.ckpt job.ts 1000   # run; cp.checkpoint() writes job.ckpt",
        "$ spickle resume job.ckpt                              # later: continue from the last checkpoint",
        "$ spickle inspect job.ckpt                             # what is in it",
      ]),
    );

  program
    .command("run")
    .summary("run a script (its default export as a checkpointable program)")
    .description(
      "Compile and run a script. A default-exported generator function runs as the main tasklet with (cp, ...args) " +
        "and can checkpoint (yield* cp.checkpoint()); a default-exported function is called with the args and awaited. " +
        "Options go before the script: everything after it is the script's. On SIGINT or SIGTERM a run with a checkpoint " +
        "file checkpoints at the next switch point and exits 0.",
    )
    .argument("<script>", "the TypeScript or JavaScript file to run")
    .argument("[args...]", "arguments for the script (everything after the script is passed on)")
    .option("-c, --checkpoint-file <path>", "where cp.checkpoint() writes when given no path")
    .addOption(checkpointEvery())
    .addOption(keep())
    .addOption(serializableModules())
    .passThroughOptions()
    .exitOverride()
    .addHelpText(
      "after",
      examples([
        "$ spickle run --checkpoint-file job.ckpt job.ts --steps 100",
        "$ spickle run -c job.ckpt --checkpoint-every 30s --keep 3 job.ts",
        "$ spickle run server.ts            # a script with no default export just runs",
      ]),
    )
    .action(async (script: string, args: string[], options: CheckpointCliOptions) => {
      await runScript(script, args, options);
    });

  program
    .command("resume")
    .summary("continue a program from a checkpoint file")
    .description(
      "Continue a checkpointed program from a snapshot file. Later checkpoints replace that file (atomically) " +
        "unless --checkpoint-file says otherwise; the args are what cp.checkpoint() returns on this side.",
    )
    .argument("<checkpoint>", "the snapshot file written by a checkpoint")
    .argument("[args...]", "arguments handed to the resumed program")
    .option("-c, --checkpoint-file <path>", "where later checkpoints go (default: the file resumed from)")
    .addOption(checkpointEvery())
    .addOption(keep())
    .addOption(serializableModules())
    .passThroughOptions()
    .exitOverride()
    .addHelpText("after", examples(["$ spickle resume job.ckpt", "$ spickle resume --checkpoint-file next.ckpt job.ckpt --verbose"]))
    .action(async (file: string, args: string[], options: CheckpointCliOptions) => {
      await resumeSnapshot(file, args, options);
    });

  program
    .command("inspect")
    .summary("verify a snapshot file and show what it holds")
    .description("Verify a snapshot file (length, checksum, signature with SPICKLE_KEY) and show what it holds.")
    .argument("<checkpoint>", "the snapshot file")
    .option("--json", "print the same as JSON, for tools")
    .exitOverride()
    .addHelpText("after", examples(["$ spickle inspect job.ckpt", "$ spickle inspect --json job.ckpt | jq .created"]))
    .action((file: string, options: { json?: boolean }) => {
      process.stdout.write(inspectSnapshot(file, options));
    });

  addWorkerCommand(program, examples);

  return program;
}

/** Runs the command line; resolves with the exit code (the process exits on its own). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander printed its message (or the help / version) already.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
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
