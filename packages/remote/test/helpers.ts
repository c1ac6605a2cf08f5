// Shared by the remote tests: compiled test programs (written to test/.gen/ and imported, so the
// test process is the caller with its own compiled modules), and real workers — the built
// `spickle` binary as `spickle worker --stdio` or `--listen`, in child processes.

import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compile } from "@spickle/transform";
import { connect, type ConnectOptions, type Connection } from "@spickle/remote";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = dirname(dirname(dirname(here)));
export const spickleBin = join(repoRoot, "packages", "spickle", "dist", "bin.js");
const gen = join(here, ".gen");

/** Builds the packages (the worker runs the built binary) unless they are built. */
export function ensureBuilt(): void {
  if (existsSync(spickleBin) && existsSync(join(repoRoot, "packages", "remote", "dist", "index.js"))) return;
  execFileSync(process.execPath, [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-b", join(repoRoot, "packages", "spickle")], {
    cwd: repoRoot,
    stdio: "inherit",
  });
}

/** Compiles `source` as module `test/<name>.ts` and imports it. */
export async function program<T = Record<string, any>>(name: string, source: string): Promise<T> {
  mkdirSync(gen, { recursive: true });
  const file = join(gen, `${name}.mjs`);
  writeFileSync(file, compile(source, { filename: join(gen, `${name}.ts`), moduleId: `test/${name}.ts` }).code);
  return (await import(pathToFileURL(file).href)) as T;
}

/** The environment a worker runs in: no key unless given, no NODE_PATH (as a user runs it). */
export function workerEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = { ...process.env, ...extra };
  if (!("SPICKLE_KEY" in extra)) delete env.SPICKLE_KEY;
  delete env.NODE_PATH;
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env;
}

export function connectStdio(options: ConnectOptions = {}, env: Record<string, string | undefined> = {}, args: string[] = []): Promise<Connection> {
  return connect({ command: [process.execPath, spickleBin, "worker", "--stdio", ...args], env: workerEnv(env), stderr: "pipe" }, { key: null, ...options });
}

export interface TcpWorker {
  host: string;
  port: number;
  child: ChildProcess;
  /** Everything the worker wrote on stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts `spickle worker --listen host:0` and waits for the line that names its port. */
export async function startTcpWorker(args: string[] = [], env: Record<string, string | undefined> = {}, host = "127.0.0.1"): Promise<TcpWorker> {
  const child = spawn(process.execPath, [spickleBin, "worker", "--listen", `${host}:0`, ...args], { env: workerEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      text += chunk;
      const m = /listening on \S+:(\d+)/.exec(text);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}: ${text}`)));
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    host,
    port,
    child,
    stderr: () => text,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Collects what a readable stream delivers. */
export function collect(stream: NodeJS.ReadableStream | null): () => string {
  let text = "";
  stream?.setEncoding("utf8");
  stream?.on("data", (chunk: string) => (text += chunk));
  return () => text;
}
