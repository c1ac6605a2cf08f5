// `spickle worker --stdio | --listen <host:port>`: serves remote calls (@spickle/remote).
// --stdio serves one connection on stdin/stdout (what `ssh host spickle worker --stdio` gives)
// and exits when it ends; --listen serves TCP connections until SIGINT/SIGTERM, on a loopback
// address unless a key (SPICKLE_KEY) is set, which then authenticates every connection. Calls
// run on a pool of threads (--threads; --listen: one per core, --stdio: none by default).

import { InvalidArgumentError, Option, type Command } from "./commander.js";
import { UsageError } from "./errors.js";
import { parseDuration, parseListen, parseSize } from "./options.js";

export interface WorkerCliOptions {
  stdio?: boolean;
  listen?: { host: string; port: number };
  maxMessage?: number;
  threads?: number;
  handshakeTimeout?: number;
}

function parseThreads(text: string): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !(n >= 0 && n <= 1024)) throw new InvalidArgumentError(`expected a number of threads from 0 to 1024, not "${text.slice(0, 200)}"`);
  return n;
}

/** Defines the command; @spickle/remote loads when it runs. `maxMessageDefault` (remote's
 * DEFAULT_MAX_MESSAGE_BYTES) is given when this command line is the worker's, for its help. */
export function addWorkerCommand(program: Command, examples: (lines: string[]) => string, maxMessageDefault?: number): void {
  const byDefault = maxMessageDefault === undefined ? "" : ` (default ${maxMessageDefault / 1024 ** 2}M)`;
  program
    .command("worker")
    .summary("serve remote calls (connect, remoteMethod) on stdin/stdout or TCP")
    .description(
      "Serve remote calls: functions sent by connect()/remoteMethod() run here, with their closures and the code of " +
        "their modules (nothing has to be deployed). --stdio serves one connection on stdin/stdout and exits when it ends " +
        "(the user code's stdout goes to stderr); --listen serves TCP connections, on a loopback address unless SPICKLE_KEY " +
        "is set (then every connection must prove it holds the key).",
    )
    .option("--stdio", "serve one connection on stdin/stdout")
    .addOption(new Option("--listen <host:port>", "serve TCP connections (port alone: 127.0.0.1)").argParser(parseListen))
    .addOption(new Option("--max-message <size>", `largest message accepted once the caller proved the key${byDefault}`).argParser(parseSize))
    .addOption(
      new Option("--threads <n>", "worker threads that run the calls, each connection pinned to one (0: the main thread; default: one per core with --listen, 0 with --stdio)").argParser(parseThreads),
    )
    .addOption(new Option("--handshake-timeout <duration>", "time a caller has to complete the handshake (default 10s)").argParser(parseDuration))
    .exitOverride()
    .addHelpText(
      "after",
      examples([
        "$ ssh compute-host spickle worker --stdio       # what connect({ command: [\"ssh\", ...] }) runs",
        "$ spickle worker --listen 127.0.0.1:7000",
        "$ SPICKLE_KEY=... spickle worker --listen 0.0.0.0:7000",
      ]),
    )
    .action(async (options: WorkerCliOptions) => {
      await runWorker(options);
    });
}

async function runWorker(options: WorkerCliOptions): Promise<void> {
  if ((options.stdio === true) === (options.listen !== undefined)) {
    throw new UsageError("spickle: worker needs exactly one of --stdio or --listen <host:port>");
  }
  const { listen, RemoteConfigError, serveStdio } = await import("@spickle/remote");
  const settings = { maxMessageBytes: options.maxMessage, threads: options.threads, handshakeTimeout: options.handshakeTimeout };
  if (options.stdio) {
    const { failure } = await serveStdio(settings);
    if (failure !== undefined) process.stderr.write(`spickle worker: ${failure}\n`);
    // The connection is gone: whatever the calls left running has no one to answer to.
    process.exit(failure === undefined ? 0 : 1);
  }
  const { host, port } = options.listen!;
  let server;
  try {
    server = await listen({ host, port, ...settings });
  } catch (error) {
    if (error instanceof RemoteConfigError) throw new UsageError(error.message);
    throw new UsageError(`spickle worker: cannot listen on ${host}:${port}: ${(error as Error).message}`);
  }
  const shown = server.host.includes(":") ? `[${server.host}]` : server.host;
  process.stderr.write(`spickle worker: listening on ${shown}:${server.port}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  process.exit(0);
}
