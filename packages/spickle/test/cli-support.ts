// Driving the built `spickle` binary from tests: a scratch folder with the fixtures, runs to the
// end, and live children to signal.

import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = dirname(here);
const repoRoot = dirname(dirname(packageDir));
export const bin = join(packageDir, "dist", "bin.js");

export interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface Scratch {
  /** The fixtures folder's copy. */
  project: string;
  folder(): string;
  env(extra?: Record<string, string | undefined>): Record<string, string>;
  remove(): void;
}

/** A scratch folder outside the repository holding a copy of `fixtures/<fixtures>`. */
export function scratchWith(fixtures: string): Scratch {
  if (!existsSync(bin)) {
    execFileSync(process.execPath, [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-b", packageDir], { cwd: repoRoot, stdio: "inherit" });
  }
  const root = mkdtempSync(join(tmpdir(), "spickle-ckpt-"));
  const project = join(root, "project");
  cpSync(join(here, "fixtures", fixtures), project, { recursive: true });
  let folders = 0;
  return {
    project,
    folder() {
      const dir = join(root, `work${folders++}`);
      mkdirSync(dir, { recursive: true });
      return dir;
    },
    env(extra = {}) {
      const env: Record<string, string | undefined> = { ...process.env, SPICKLE_CACHE_DIR: join(root, "cache"), ...extra };
      if (!("SPICKLE_KEY" in extra)) delete env.SPICKLE_KEY;
      // As a user runs it: not with the NODE_PATH that pnpm/vitest set.
      delete env.NODE_PATH;
      for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
      return env as Record<string, string>;
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Runs spickle to its end. */
export function spickle(scratch: Scratch, args: string[], cwd: string, env?: Record<string, string | undefined>): Result {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, env: scratch.env(env), encoding: "utf8", timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A running spickle: its output so far, its exit, and a wait for a line of output. */
export class Live {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  readonly exited: Promise<number | null>;
  private waiters: { text: string; resolve: () => void }[] = [];

  constructor(scratch: Scratch, args: string[], cwd: string, options: { stdout?: "pipe" | "ignore" } = {}) {
    this.child = spawn(process.execPath, [bin, ...args], { cwd, env: scratch.env(), stdio: ["ignore", options.stdout ?? "pipe", "pipe"] });
    this.child.stdout?.on("data", (chunk: Buffer) => {
      this.stdout += chunk;
      this.check();
    });
    this.child.stderr!.on("data", (chunk: Buffer) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
  }

  /** Resolves once stdout contains `text`. */
  waitFor(text: string): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push({ text, resolve });
      this.check();
    });
  }

  private check(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!this.stdout.includes(w.text)) return true;
      w.resolve();
      return false;
    });
  }
}

export const lines = (text: string): string[] => text.split("\n").filter((l) => l !== "");

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `<project>/job.mjs` (a compiled default-exported main) under runCheckpointable in a child
 * process — it must stop with "stopped" after writing `checkpoint` — deletes the project, and
 * resumes the checkpoint in a child process in `elsewhere` (no NODE_PATH, spickle from its dist);
 * returns what the resumed program printed, trimmed.
 */
export function runDeleteAndResume(project: string, checkpoint: string, elsewhere: string): string {
  const run = `
      const { runCheckpointable } = await import("spickle");
      const { default: main } = await import(${JSON.stringify(join(project, "job.mjs"))});
      console.log(await runCheckpointable(main, { checkpointFile: ${JSON.stringify(checkpoint)} }));`;
  const stopped = execFileSync(process.execPath, ["--input-type=module", "-e", run], { cwd: project, encoding: "utf8" }).trim();
  if (stopped !== "stopped") throw new Error(`the program did not stop at its checkpoint: ${stopped}`);
  rmSync(project, { recursive: true, force: true });
  const resume = `
      const { resumeCheckpoint } = await import(${JSON.stringify(join(packageDir, "dist/index.js"))});
      console.log(await resumeCheckpoint(${JSON.stringify(checkpoint)}));`;
  const env = { ...process.env };
  delete env.NODE_PATH;
  return execFileSync(process.execPath, ["--input-type=module", "-e", resume], { cwd: elsewhere, env, encoding: "utf8" }).trim();
}
