// `spickle run`'s options about how the program is launched: --inspect / --inspect-brk /
// --inspect-port and --watch start the run again in a child `node` with Node's own flags (the
// debugger then sees the program from its first line; Node's watch mode restarts it when a file
// it imported changes); --no-cache compiles every module afresh; --tsconfig names the tsconfig.json
// every module compiles with (../loader/tsconfig.ts). No commander here: ./run.ts reads these without loading it.

import { statSync } from "node:fs";
import { UsageError } from "./errors.js";

/** The launch options as commander parsed them (`cache` is false under --no-cache). */
export interface LaunchCliOptions {
  inspect?: boolean;
  inspectBrk?: boolean;
  /** `[host:]port` for the debugger (Node's --inspect-port). */
  inspectPort?: string;
  watch?: boolean;
  /** Set in the child that Node's watch mode runs: modules load through the hooks, so that Node
   * sees (and watches) the source files rather than the cache's linked copies. */
  watched?: boolean;
  cache?: boolean;
  tsconfig?: string;
}

/** Whether the run starts again under `node` with debugger or watch flags. */
export function needsRelaunch(options: LaunchCliOptions): boolean {
  checkLaunchUsage(options);
  return options.inspect === true || options.inspectBrk === true || options.watch === true;
}

/** Checked before anything runs: --inspect-port needs a debugger option; the tsconfig.json
 * `--tsconfig` names must exist. */
export function checkLaunchUsage(options: LaunchCliOptions): void {
  if (options.inspectPort !== undefined && options.inspect !== true && options.inspectBrk !== true) {
    throw new UsageError("spickle: --inspect-port needs --inspect or --inspect-brk");
  }
  const path = options.tsconfig;
  if (path === undefined) return;
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) throw new UsageError(`spickle: --tsconfig ${path}: no such file`);
  if (!stat.isFile()) throw new UsageError(`spickle: --tsconfig ${path}: not a file`);
}

/** `node` flags for the child. */
export function nodeFlags(options: LaunchCliOptions): string[] {
  const flags: string[] = [];
  const address = options.inspectPort === undefined ? "" : `=${options.inspectPort}`;
  if (options.inspectBrk === true) flags.push(`--inspect-brk${address}`);
  else if (options.inspect === true) flags.push(`--inspect${address}`);
  if (options.watch === true) flags.push("--watch");
  return flags;
}

const RELAUNCH_FLAGS = new Set(["--inspect", "--inspect-brk", "--watch"]);

/** The child's spickle command line: `argv` (this process's, after the `spickle` binary) without
 * the relaunch options before the script, plus --watched under --watch. `scriptIndex` is where
 * the script operand is in `argv`. */
export function childArguments(argv: string[], scriptIndex: number, options: LaunchCliOptions): string[] {
  const before: string[] = [];
  for (let i = 0; i < scriptIndex; i++) {
    const arg = argv[i]!;
    if (RELAUNCH_FLAGS.has(arg) || arg.startsWith("--inspect-port=")) continue;
    if (arg === "--inspect-port") {
      i++;
      continue;
    }
    before.push(arg);
  }
  if (options.watch === true) before.push("--watched");
  return [...before, ...argv.slice(scriptIndex)];
}

/** Runs the command line again in a child `node` with the launch flags and exits as it exits.
 * SIGTERM and SIGHUP go on to the child (which checkpoints on SIGTERM when it has a checkpoint
 * file); a terminal's Ctrl-C (SIGINT) reaches the child directly, and this process waits for it. */
export async function relaunch(script: string, args: string[], options: LaunchCliOptions): Promise<never> {
  const argv = process.argv.slice(2);
  const scriptIndex = argv.length - args.length - 1;
  if (argv[scriptIndex] !== script) throw new Error(`cannot find the script ${script} in the command line`);
  const { spawn } = await import("node:child_process");
  // This process's own node flags (--max-old-space-size, …) go on to the child too.
  const child = spawn(process.execPath, [...process.execArgv, ...nodeFlags(options), process.argv[1]!, ...childArguments(argv, scriptIndex, options)], { stdio: "inherit" });
  const forward = (signal: NodeJS.Signals) => {
    if (signal !== "SIGINT") child.kill(signal);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, forward);
  const [code, signal] = (await new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (...exit) => resolve(exit));
  })) as [number | null, NodeJS.Signals | null];
  for (const name of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.off(name, forward);
  if (signal !== null) process.kill(process.pid, signal);
  process.exit(code ?? 1);
}
