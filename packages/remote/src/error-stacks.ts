// Stacks of remote errors. The worker drops its own frames (the remote package, the runtime, the
// pickler, Node's internals) before the error travels — frames of code rebuilt from a message are
// already in the original sources (the runtime maps restored code) — and the caller appends the
// result to the stack of the call site.

import { createRequire } from "node:module";
import { dirname, sep } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
/** Code folders (src/ or dist/) of the packages a worker's stack passes through between its loop
 * and the user's code — not their package folders, which may hold the user's code (tests). */
const ownFolders = [
  dirname(fileURLToPath(import.meta.url)),
  dirname(require.resolve("@spickle/runtime")),
  dirname(require.resolve("@spickle/pickle")),
].map((d) => d + sep);

function isOwnFrame(line: string): boolean {
  if (!/^\s+at /.test(line)) return false;
  if (/\(node:|at node:/.test(line)) return true;
  return ownFolders.some((folder) => line.includes(folder) || line.includes(`file://${folder}`));
}

/** `stack` without the worker's own frames. */
export function userFrames(stack: string): string {
  return stack
    .split("\n")
    .filter((line) => !isOwnFrame(line))
    .join("\n");
}

/** Errors that came from the other end: their remote stack, and from whom. */
const remoteStacks = new WeakMap<Error, { stack: string; from: string }>();

/**
 * Gives an error that came from the other end the stack of the call site — captured here, where
 * the caller's `await` resumes, so the caller's frames are V8's async frames (which cost nothing
 * on calls that succeed) — with the remote stack appended. Other values pass through.
 */
export function withCallSite(error: unknown, callSite: Function): unknown {
  const remote = error instanceof Error ? remoteStacks.get(error) : undefined;
  if (remote === undefined) return error;
  remoteStacks.delete(error as Error);
  const site: { stack?: string } = {};
  Error.captureStackTrace(site, callSite);
  const e = error as Error;
  const local = (site.stack ?? "")
    .split("\n")
    .slice(1)
    .filter((line) => !/\(node:|at node:/.test(line)) // the microtask queue that resumed the caller
    .join("\n");
  const stack = joinStacks(`${e.name}: ${e.message}${local === "" ? "" : `\n${local}`}`, remote.stack, remote.from);
  Object.defineProperty(e, "stack", { value: stack, writable: true, configurable: true, enumerable: false });
  return e;
}

/** Records the stack of an error that came from the other end (`from`), for withCallSite. */
export function rememberRemoteStack(error: Error, stack: string, from: string): void {
  remoteStacks.set(error, { stack, from });
}

/** The caller's view of a remote error's stack: the call site's stack, then the remote one. */
export function joinStacks(callSite: string, remote: string, worker: string): string {
  return `${callSite}\n--- remote stack, ${worker} ---\n${remote}`;
}
