// The `spickle` command line as commander defines it: run, resume, inspect, worker — options,
// help with examples, usage errors. Each command imports its own modules when it runs.

import { createRequire } from "node:module";
import { Command, CommanderError, InvalidArgumentError, Option } from "./commander.js";
import { EXIT_OK, EXIT_USAGE, UsageError } from "./errors.js";
import type { CheckpointCliOptions } from "./checkpoint-options.js";
import type { LaunchCliOptions } from "./launch-options.js";
import { collect, parseDuration, parseKeep } from "./options.js";
import { addWorkerCommand } from "./worker.js";
import { addQueueCommand } from "./queue.js";

const VERSION = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;

/** What only some command lines show, loaded only for those: the snapshot format version
 * (`--version`, from the pickler) and the worker's default message limit (`worker`'s help). */
export interface Extras {
  formatVersion?: number;
  maxMessageDefault?: number;
}

/** The command a command line names (`help <command>` names it too), or undefined. */
function commandName(argv: string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith("-"));
  return words[0] === "help" ? words[1] : words[0];
}

export async function loadExtras(argv: string[]): Promise<Extras> {
  const extras: Extras = {};
  const firstWord = argv.findIndex((a) => !a.startsWith("-"));
  const options = firstWord < 0 ? argv : argv.slice(0, firstWord);
  if (options.includes("-V") || options.includes("--version")) extras.formatVersion = (await import("@spickle/pickle")).FORMAT_VERSION;
  if (commandName(argv) === "worker") extras.maxMessageDefault = (await import("@spickle/remote")).DEFAULT_MAX_MESSAGE_BYTES;
  return extras;
}

// The checkpoint options `run` and `resume` share.
function checkpointEvery(): Option {
  return new Option("--checkpoint-every <duration>", "also checkpoint the whole program after each interval (30s, 5m, 1h)").argParser(parseDuration);
}

function keep(): Option {
  return new Option("--keep <n>", "keep the last n checkpoints: <file>, <file>.1, … <file>.<n-1>").argParser(parseKeep);
}

function signalGrace(): Option {
  return new Option("--signal-grace <duration>", "on SIGINT/SIGTERM, how long a checkpoint that fails is tried again before exiting 75 (default 10s)").argParser(parseDuration);
}

function maxSlice(): Option {
  return new Option("--max-slice <duration>", "warn once about a tasklet that runs this long without a switch point (default 1s)").argParser(parseDuration);
}

function serializableModules(): Option {
  return new Option(
    "--serializable-modules <globs>",
    "only modules whose ids (paths from the project root) match these comma-separated globs go into checkpoints by value, the rest by reference; !glob excludes (repeatable)",
  ).argParser(collect);
}

/** The environment variables spickle reads (`spickle --help`). */
const ENVIRONMENT = `
Environment:
  SPICKLE_KEY           HMAC key: checkpoints are signed with it, and resume, inspect and
                        workers refuse snapshots and peers without a valid signature
  SPICKLE_CACHE_DIR     where compiled modules are cached (default: <project>/node_modules/.cache/spickle,
                        else $XDG_CACHE_HOME/spickle, else ~/.cache/spickle)
  XDG_CACHE_HOME        see SPICKLE_CACHE_DIR
  NODE_COMPILE_CACHE    where V8's compile cache of loaded modules goes on Node >= 22.1 (default:
                        Node's folder in the system's temporary directory)
  SPICKLE_LOADER        off-thread: run the loader's hooks on Node's hooks thread even where
                        module.registerHooks (Node >= 22.15) lets them run in-thread
  SPICKLE_DEBUG_LOADER  1: the loader says on stderr what it compiles, caches and resolves
  SPICKLE_TSCONFIG      the tsconfig.json every module compiles with (what --tsconfig sets;
                        default: the nearest one above each module)
  SPICKLE_NATS          the NATS server of the queue commands (default nats://127.0.0.1:4222)
`;

function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
}

/** What the commands do (the CLI's own commands by default; tests record the parsed arguments). */
export interface CommandActions {
  run(script: string, args: string[], options: CheckpointCliOptions & LaunchCliOptions): Promise<void>;
  resume(file: string, args: string[], options: CheckpointCliOptions): Promise<void>;
  inspect(file: string, options: InspectCliOptions): Promise<void>;
  view(files: string[], options: { port: number }): Promise<void>;
  diff(file: string, options: { json?: boolean }): Promise<void>;
}

export interface InspectCliOptions {
  json?: boolean;
  html?: boolean;
  output?: string;
}

export const commandActions: CommandActions = {
  async run(script, args, options) {
    const launch = await import("./launch-options.js");
    if (launch.needsRelaunch(options)) await launch.relaunch(script, args, options);
    const { runScript } = await import("./run.js");
    await runScript(script, args, options);
  },
  async resume(file, args, options) {
    const { resumeSnapshot } = await import("./resume.js");
    await resumeSnapshot(file, args, options);
  },
  async diff(file, options) {
    const { diffCheckpoint, formatDiff } = await import("./diff.js");
    const diff = await diffCheckpoint(file);
    process.stdout.write(options.json === true ? `${JSON.stringify(diff, null, 2)}\n` : formatDiff(diff));
  },
  async inspect(file, options) {
    if (options.html === true || options.output !== undefined) {
      if (options.json === true) throw new UsageError("spickle: inspect takes --json or --html, not both");
      const { writeHtml } = await import("../view/index.js");
      process.stdout.write(`${writeHtml(file, options.output)}\n`);
      return;
    }
    const { inspectSnapshot } = await import("./inspect.js");
    process.stdout.write(inspectSnapshot(file, options));
  },
  async view(files, options) {
    const { serveView } = await import("../view/index.js");
    const { server, url } = await serveView(files, options.port);
    process.stdout.write(`spickle: viewing ${files.join(" → ")} at ${url}\n  (Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        server.close(() => resolve());
        // Browsers keep connections open: close them, or close() waits for them.
        server.closeAllConnections();
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
  },
};

/** The exit code a command chose (commands that end well but not with 0 set it). */
export interface ExitCode {
  code: number;
}

export function buildProgram(extras: Extras, actions: CommandActions = commandActions, exit: ExitCode = { code: EXIT_OK }): Command {
  const program = new Command("spickle")
    .description("Run TypeScript programs that can be checkpointed, and resume them later, anywhere.")
    .version(`spickle ${VERSION} (snapshot format ${extras.formatVersion ?? "?"}, node ${process.version})`, "-V, --version", "print the version")
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
        "$ spickle view job.ckpt                                # the same as a page in the browser",
      ]) + ENVIRONMENT,
    );

  program
    .command("run")
    .summary("run a script (its default export as a checkpointable program)")
    .description(
      "Compile and run a script. A default-exported generator function runs as the main tasklet with (cp, ...args) " +
        "and can checkpoint (yield* cp.checkpoint()); a default-exported function is called with the args and awaited. " +
        "Options go before the script: everything after it is the script's. On SIGINT or SIGTERM a run with a checkpoint " +
        "file checkpoints at the next switch point and exits 75 (0 only when the program finished).",
    )
    .argument("<script>", "the TypeScript or JavaScript file to run")
    .argument("[args...]", "arguments for the script (everything after the script is passed on)")
    .option("-c, --checkpoint-file <path>", "where cp.checkpoint() writes when given no path")
    .option("--store <url>", "checkpoint into a store instead of a file: nats://host:port (JetStream) or a folder")
    .option("--job <name>", "the job's name in the --store (default: the script's file name)")
    .addOption(checkpointEvery())
    .addOption(keep())
    .addOption(serializableModules())
    .addOption(signalGrace())
    .addOption(maxSlice())
    .option("--inspect", "start the program under the debugger (node --inspect), listening on 127.0.0.1:9229")
    .option("--inspect-brk", "like --inspect, and wait for a debugger before the program starts")
    .option("--inspect-port <[host:]port>", "where the debugger listens (with --inspect or --inspect-brk)")
    .option("--watch", "run again whenever a file the program imported changes (node --watch)")
    .addOption(new Option("--watched").hideHelp())
    // A hidden --cache first: without it commander would default `cache` to true, and a run
    // with no options (main.ts's shortcut, which passes {}) would parse differently.
    .addOption(new Option("--cache").hideHelp())
    .option("--no-cache", "compile every module afresh, neither reading nor writing the compile cache")
    .option("--tsconfig <path>", "the project's tsconfig.json for every module (default: the nearest one above each file)")
    .passThroughOptions()
    .exitOverride()
    .addHelpText(
      "after",
      examples([
        "$ spickle run --checkpoint-file job.ckpt job.ts --steps 100",
        "$ spickle run --inspect-brk job.ts  # then attach a debugger (chrome://inspect)",
        "$ spickle run --watch server.ts",
        "$ spickle run -c job.ckpt --checkpoint-every 30s --keep 3 job.ts",
        "$ spickle run server.ts            # a script with no default export just runs",
      ]),
    )
    .action((script: string, args: string[], options: CheckpointCliOptions) => actions.run(script, args, options));

  program
    .command("resume")
    .summary("continue a program from a checkpoint file")
    .description(
      "Continue a checkpointed program from a snapshot file. Later checkpoints replace that file (atomically) " +
        "unless --checkpoint-file says otherwise; the args are what cp.checkpoint() returns on this side. " +
        "A checkpoint of a program that finished is refused unless --force.",
    )
    .argument("<checkpoint>", "the snapshot file written by a checkpoint")
    .argument("[args...]", "arguments handed to the resumed program")
    .option("-c, --checkpoint-file <path>", "where later checkpoints go (default: the file resumed from)")
    .option("--force", "resume even a checkpoint of a program that finished (runs its end again)")
    .option("--store <url>", "resume the job named in place of <checkpoint> from this store (nats://host:port or a folder)")
    .option("--upgrade", "continue on the current sources: unchanged functions and fitting closures/classes get the new code, frames of changed functions finish on the old; modules' upgrade(from) hooks run (see spickle diff)")
    .addOption(checkpointEvery())
    .addOption(keep())
    .addOption(serializableModules())
    .addOption(signalGrace())
    .addOption(maxSlice())
    .passThroughOptions()
    .exitOverride()
    .addHelpText("after", examples(["$ spickle resume job.ckpt", "$ spickle resume --checkpoint-file next.ckpt job.ckpt --verbose", "$ spickle resume --upgrade job.ckpt"]))
    .action((file: string, args: string[], options: CheckpointCliOptions) => actions.resume(file, args, options));

  program
    .command("inspect")
    .summary("verify a snapshot file and show what it holds")
    .description("Verify a snapshot file (length, checksum, signature with SPICKLE_KEY) and show what it holds.")
    .argument("<checkpoint>", "the snapshot file")
    .option("--json", "print the same as JSON, for tools")
    .option("--html", "write a browser page of it instead (one self-contained file: tasklets, stacks with locals, memory)")
    .option("-o, --output <file>", "where --html writes the page (default: <checkpoint without .ckpt>.html)")
    .exitOverride()
    .addHelpText(
      "after",
      examples(["$ spickle inspect job.ckpt", "$ spickle inspect --json job.ckpt | jq .created", "$ spickle inspect --html job.ckpt -o job.html"]),
    )
    .action((file: string, options: InspectCliOptions) => actions.inspect(file, options));

  program
    .command("view")
    .summary("open a snapshot (or compare two) as a page in the browser, served on 127.0.0.1")
    .description(
      "Verify a snapshot file and serve a page of it on a loopback port: tasklets and what each waits on, stacks at " +
        "their source lines with locals, objects by type with retained sizes and retainer paths, modules, the header. " +
        "With two checkpoints, the page also shows what changed from the first to the second. Nothing of the snapshot runs.",
    )
    .argument("<checkpoint>", "the snapshot file")
    .argument("[later]", "a later checkpoint to compare with the first")
    .option("--port <n>", "the port to listen on (0: any free one)", (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("a port number (0-65535)");
      return n;
    }, 0)
    .exitOverride()
    .addHelpText("after", examples(["$ spickle view job.ckpt", "$ spickle view before.ckpt after.ckpt   # what changed"]))
    .action((file: string, later: string | undefined, options: { port: number }) => actions.view(later === undefined ? [file] : [file, later], options));

  program
    .command("diff")
    .summary("compare a checkpoint with the program's current sources, function by function")
    .description(
      "Compare a checkpoint with the program's sources on disk: which functions changed, were added or removed, " +
        "and whether each changed one is suspended on a tasklet's stack (with its stack lines) or only referenced " +
        "(closures, classes, module state). Reads the checkpoint's header only; nothing of it runs. " +
        "`spickle resume --upgrade` continues the checkpoint on the current sources.",
    )
    .argument("<checkpoint>", "the checkpoint file")
    .option("--json", "print the same as JSON, for tools")
    .exitOverride()
    .addHelpText("after", examples(["$ spickle diff job.ckpt", "$ spickle diff --json job.ckpt | jq '.modules[].functions[].id'"]))
    .action((file: string, options: { json?: boolean }) => actions.diff(file, options));

  addWorkerCommand(program, examples, extras.maxMessageDefault);
  addQueueCommand(program, examples, (code) => {
    exit.code = code;
  });

  return program;
}

/** Parses and runs the command line; commander's own errors (usage, help, version) are exit
 * codes, the commands' errors are thrown. */
export async function parseCommandLine(argv: string[]): Promise<number> {
  const exit: ExitCode = { code: EXIT_OK };
  const program = buildProgram(await loadExtras(argv), commandActions, exit);
  try {
    await program.parseAsync(argv, { from: "user" });
    return exit.code;
  } catch (error) {
    // commander printed its message (or the help / version) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    throw error;
  }
}
