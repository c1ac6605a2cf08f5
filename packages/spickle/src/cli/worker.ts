// `spickle worker --stdio | --listen <host:port>`: serves remote calls (@spickle/remote).
// --stdio serves one connection on stdin/stdout (what `ssh host spickle worker --stdio` gives)
// and exits when it ends; --listen serves TCP connections until SIGINT/SIGTERM, on a loopback
// address unless a key (SPICKLE_KEY) is set, which then authenticates every connection.

import { Command, InvalidArgumentError, Option } from "commander";
import { DEFAULT_MAX_MESSAGE_BYTES, listen, RemoteConfigError, serveStdio } from "@spickle/remote";
import { UsageError } from "./errors.js";

export interface WorkerCliOptions {
  stdio?: boolean;
  listen?: { host: string; port: number };
  maxMessage?: number;
}

const SIZE_UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `65536`, `64k`, `16M`, `1G` → bytes. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+)\s*([kmg]?)i?b?\s*$/i.exec(text);
  const bytes = m ? Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]! : NaN;
  if (!(bytes >= 16 && bytes <= 0xffff_ffff)) throw new InvalidArgumentError(`expected a size such as 64M or 1G (16 bytes to 4G), not "${text}"`);
  return bytes;
}

/** `7000`, `127.0.0.1:7000`, `[::1]:7000`, `0.0.0.0:7000` → host and port (host 127.0.0.1 when
 * only a port is given). */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]:|([^:[\]]+):)?(\d+)$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new InvalidArgumentError(`expected <host:port> or <port>, such as 127.0.0.1:7000, not "${text}"`);
  return { host: m[1] ?? m[2] ?? "127.0.0.1", port };
}

export function addWorkerCommand(program: Command, examples: (lines: string[]) => string): void {
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
    .addOption(new Option("--max-message <size>", `largest message accepted (default ${DEFAULT_MAX_MESSAGE_BYTES / 1024 ** 2}M)`).argParser(parseSize))
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
  const maxMessageBytes = options.maxMessage;
  if (options.stdio) {
    const { failure } = await serveStdio({ maxMessageBytes });
    if (failure !== undefined) process.stderr.write(`spickle worker: ${failure}\n`);
    // The connection is gone: whatever the calls left running has no one to answer to.
    process.exit(failure === undefined ? 0 : 1);
  }
  const { host, port } = options.listen!;
  let server;
  try {
    server = await listen({ host, port, maxMessageBytes });
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
