// `spickle run <script> [args...]`: compiles the script and the project modules it imports (the
// loader), imports it, and runs its default export: a compiled generator function as the main
// tasklet under runCheckpointable with `(cp, ...args)`; a plain or async function called with the
// arguments and awaited; anything else: the module has run by being imported.
//
// Start-up: when every module of the script is compiled and cached, it is imported from the
// cache's linked copies with no loader hooks (../loader/linked.ts); otherwise through the hooks.
// The checkpoint machinery (and with it the pickler) loads only for a checkpointable program.

import { realpathSync, statSync, type Stats } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isCompiledGeneratorFunction } from "@spickle/runtime";
import type { CheckpointableMain, CheckpointOptions } from "../checkpoint.js";
import { linkedStart } from "../loader/linked.js";
import { registerLoader } from "../loader/register-loader.js";
import { clip, ProgramError, UsageError } from "./errors.js";
import { checkCheckpointUsage, type CheckpointCliOptions } from "./checkpoint-options.js";
import { checkLaunchUsage, type LaunchCliOptions } from "./launch-options.js";
import { defaultJobName, openStoreTarget, writeToStore } from "./store-target.js";

/** Records the script's path as given (`argv[1]` after a resume) when it is not the real path
 * the header's `entry` holds (a symlink). */
export function recordScriptPath(options: CheckpointOptions, entry: string, script: string): void {
  if (script !== entry) options.header = { ...options.header, script };
}

function isGeneratorFunction(fn: unknown): boolean {
  return typeof fn === "function" && fn.constructor?.name === "GeneratorFunction";
}

/** Imports `entry` (an absolute, real path): from the linked cache when it is complete, else
 * through the loader hooks (always with `hooks`: --no-cache, and Node's watch mode, which
 * watches what the hooks load). A failure is the program's. */
export async function importEntry(entry: string, how: { hooks?: boolean; cache?: boolean } = {}): Promise<Record<string, unknown>> {
  const fallbackRoot = dirname(entry);
  const linked = how.hooks === true || how.cache === false ? undefined : await linkedStart(entry, fallbackRoot);
  let url: string;
  if (linked !== undefined) {
    process.setSourceMapsEnabled(true);
    url = linked;
  } else {
    registerLoader({ fallbackRoot, ...(how.cache === false ? { cache: false } : {}) });
    url = pathToFileURL(entry).href;
  }
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new ProgramError(error);
  }
}

export async function runScript(script: string, args: string[], options: CheckpointCliOptions & LaunchCliOptions): Promise<void> {
  const given = resolve(script);
  let stat: Stats | undefined;
  try {
    stat = statSync(given, { throwIfNoEntry: false });
  } catch (error) {
    throw new UsageError(`spickle: ${clip(script)}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (stat === undefined) throw new UsageError(`spickle: ${clip(script)}: no such file`);
  if (!stat.isFile()) throw new UsageError(`spickle: ${clip(script)}: not a file`);
  const entry = realpathSync(given);
  const checkpointFile = options.checkpointFile === undefined ? undefined : resolve(options.checkpointFile);
  checkCheckpointUsage(options, checkpointFile);
  // What `node <script> a b` gives the script: argv[1] its absolute path, then its arguments.
  process.argv = [process.argv[0]!, given, ...args];
  checkLaunchUsage(options);
  // The tsconfig every module compiles with (the loader's hooks thread reads the environment too).
  if (options.tsconfig !== undefined) process.env.SPICKLE_TSCONFIG = resolve(options.tsconfig);
  const module = await importEntry(entry, { hooks: options.watched === true, cache: options.cache !== false });
  const main = module.default;
  if (isCompiledGeneratorFunction(main)) {
    await runCheckpointableMain(main as CheckpointableMain<string[], unknown>, args, options, checkpointFile, entry, given);
  } else if (isGeneratorFunction(main)) {
    throw new UsageError(`spickle: ${clip(script)}: its default export is a generator function that was not compiled by spickle (is it under node_modules?)`);
  } else if (typeof main === "function") {
    try {
      await (main as (...a: string[]) => unknown)(...args);
    } catch (error) {
      throw new ProgramError(error);
    }
  }
}

async function runCheckpointableMain(
  main: CheckpointableMain<string[], unknown>,
  args: string[],
  options: CheckpointCliOptions,
  checkpointFile: string | undefined,
  entry: string,
  script: string,
): Promise<void> {
  const [{ runCheckpointable }, { awaitProgram, checkpointPolicy }] = await Promise.all([import("../checkpoint.js"), import("./checkpoint-policy.js")]);
  // `--store`: checkpoints go to the store under the job's name (no file, so no file lease).
  const target = options.store === undefined ? undefined : await openStoreTarget(options.store, options.job ?? defaultJobName(entry));
  try {
    const policy = checkpointPolicy(options, target?.label ?? checkpointFile, entry, target === undefined ? {} : { leases: [] });
    if (target !== undefined) await writeToStore(policy.options, target, options.keep);
    recordScriptPath(policy.options, entry, script);
    await awaitProgram(runCheckpointable(main, policy.options, ...args), policy);
  } finally {
    await target?.close();
  }
}
