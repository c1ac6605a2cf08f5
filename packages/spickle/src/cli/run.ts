// `spickle run <script> [args...]`: compiles the script and the project modules it imports (the
// loader), imports it, and runs its default export: a compiled generator function as the main
// tasklet under runCheckpointable with `(cp, ...args)`; a plain or async function called with the
// arguments and awaited; anything else: the module has run by being imported.

import { realpathSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isCompiledGeneratorFunction } from "@spickle/runtime";
import { runCheckpointable, type CheckpointableMain, type CheckpointOptions } from "../checkpoint.js";
import { PeriodicCheckpoints, rotatingWriter, serializableModulesMatching, SignalCheckpoint } from "./checkpoint-policy.js";
import { registerLoader } from "../loader/register-loader.js";
import { ProgramError, UsageError } from "./errors.js";
import { terminalProgress } from "./progress.js";

export interface CheckpointCliOptions {
  checkpointFile?: string;
  /** Milliseconds (parsed by commander). */
  checkpointEvery?: number;
  keep?: number;
  serializableModules?: string[];
}

/** The checkpoint options of a run or resume, and the periodic checkpointer if one was asked for. */
export function checkpointOptions(
  cli: CheckpointCliOptions,
  checkpointFile: string | undefined,
  entry: string | undefined,
): { options: CheckpointOptions; periodic: PeriodicCheckpoints | null; signals: SignalCheckpoint | null } {
  if (checkpointFile === undefined && (cli.checkpointEvery !== undefined || cli.keep !== undefined)) {
    throw new UsageError(`spickle: ${cli.checkpointEvery !== undefined ? "--checkpoint-every" : "--keep"} needs --checkpoint-file`);
  }
  const options: CheckpointOptions = {
    checkpointFile,
    header: entry === undefined ? undefined : { entry },
    progress: (work) => terminalProgress(process.stderr, work),
  };
  if (cli.keep !== undefined && cli.keep > 1) options.writeFile = rotatingWriter(cli.keep);
  if (cli.serializableModules !== undefined) options.serializableModules = serializableModulesMatching(cli.serializableModules);
  const periodic = cli.checkpointEvery === undefined ? null : new PeriodicCheckpoints(cli.checkpointEvery, checkpointFile!, options);
  const signals = checkpointFile === undefined ? null : new SignalCheckpoint(checkpointFile, options);
  options.onStart = (scheduler) => {
    periodic?.start(scheduler);
    signals?.start(scheduler);
  };
  return { options, periodic, signals };
}

/** Waits for the program (or a failed periodic checkpoint); its failure is a ProgramError. */
export async function awaitProgram(
  running: Promise<unknown>,
  { periodic, signals }: { periodic: PeriodicCheckpoints | null; signals: SignalCheckpoint | null },
): Promise<void> {
  try {
    await (periodic === null ? running : Promise.race([running, periodic.failure]));
  } catch (error) {
    throw new ProgramError(error);
  } finally {
    periodic?.stop();
    signals?.stop();
  }
}

function isGeneratorFunction(fn: unknown): boolean {
  return typeof fn === "function" && fn.constructor?.name === "GeneratorFunction";
}

/** Imports `entry` (an absolute path) through the loader; a failure is the program's. */
export async function importEntry(entry: string): Promise<Record<string, unknown>> {
  registerLoader({ fallbackRoot: dirname(entry) });
  try {
    return (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ProgramError(error);
  }
}

export async function runScript(script: string, args: string[], options: CheckpointCliOptions): Promise<void> {
  const given = resolve(script);
  const stat = statSync(given, { throwIfNoEntry: false });
  if (stat === undefined) throw new UsageError(`spickle: ${script}: no such file`);
  if (!stat.isFile()) throw new UsageError(`spickle: ${script}: not a file`);
  const entry = realpathSync(given);
  const checkpointFile = options.checkpointFile === undefined ? undefined : resolve(options.checkpointFile);
  const policy = checkpointOptions(options, checkpointFile, entry);
  const module = await importEntry(entry);
  const main = module.default;
  if (isCompiledGeneratorFunction(main)) {
    await awaitProgram(runCheckpointable(main as CheckpointableMain<string[], unknown>, policy.options, ...args), policy);
  } else if (isGeneratorFunction(main)) {
    throw new UsageError(`spickle: ${script}: its default export is a generator function that was not compiled by spickle (is it under node_modules?)`);
  } else if (typeof main === "function") {
    try {
      await (main as (...a: string[]) => unknown)(...args);
    } catch (error) {
      throw new ProgramError(error);
    }
  }
}
