// The seed talk's example 2: a function written here — with the class it uses, the module it
// comes from and a logger it captures — runs on a compute worker that has none of this code; its
// result comes back pickled. The logger is passed by reference: its calls come back here.
//
//   spickle run examples/remote-compute/main.ts                                  # a local worker
//   spickle run examples/remote-compute/main.ts ssh compute-host spickle worker --stdio
import { fileURLToPath } from "node:url";
import { format } from "node:util";
import { byReference, connect, remoteMethod } from "spickle";
import { ComputeTheAnswer, Result } from "./algorithm.js";

const remoteLogger = byReference({
  info(message: string, ...args: unknown[]) {
    console.log(`INFO:remoteLogger:${format(message, ...args)}`);
  },
});

function compute(param1: unknown, param2: unknown): Result {
  remoteLogger.info("Starting function with parameters: %o, %o", param1, param2);
  const algorithm = new ComputeTheAnswer(param1, param2);
  remoteLogger.info("Computing ...");
  algorithm.compute();
  remoteLogger.info("Computing is done.");
  return algorithm.getResult();
}

/** `spickle worker --stdio` of this very installation, or the command given (ssh …). */
function workerCommand(args: string[]): string[] {
  if (args.length > 0) return args;
  const bin = fileURLToPath(new URL("bin.js", import.meta.resolve("spickle")));
  return [process.execPath, bin, "worker", "--stdio"];
}

/** As Python shows the seed's namedtuple: Result(value=42, error=None, exception=None). */
function show(r: Result): string {
  const exception = r.exception === null ? "null" : `${r.exception.name}(${JSON.stringify(r.exception.message)})`;
  return `Result(value=${JSON.stringify(r.value)}, error=${JSON.stringify(r.error)}, exception=${exception})`;
}

export default async function main(...args: string[]): Promise<void> {
  const connection = await connect({ command: workerCommand(args) });
  try {
    const remoteFunction = remoteMethod(connection, compute);
    // Let's perform a few computations
    for (const [a, b] of [[22, 20], ["4", "1"], ["42", null]] as const) {
      const r = await remoteFunction(a, b);
      console.log(`Result: ${show(r)}${r instanceof Result ? "" : " (not a Result of this process!)"}`);
    }
  } finally {
    await connection.close();
  }
}
