#!/usr/bin/env node
// The quick-start demonstration (sPickle's checkpointing example): run a long computation that
// checkpoints after every step, once to the end; run it again and "crash" it after step 3; resume
// it from the checkpoint file in a fresh process; check that the resumed run finishes exactly as
// the uninterrupted one did.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "spickle-demo-"));
const env = { ...process.env, CHECKPOINT_FILE: join(dir, "example1.checkpoint") };
const script = (name) => join(root, "examples/checkpointing", name);
const node = (name, ...args) => spawnSync(process.execPath, ["--import", "spickle/register", script(name), ...args], { cwd: root, env, encoding: "utf8" });
const say = (text) => process.stdout.write(text);
const steps = (text) => text.split("\n").filter((line) => /^(step \d|done:)/.test(line));

try {
  say("$ node --import spickle/register examples/checkpointing/run.ts\n");
  const whole = node("run.ts");
  say(whole.stdout);

  say("\n$ node --import spickle/register examples/checkpointing/run.ts --crash-after=3\n");
  const crashed = node("run.ts", "--crash-after=3");
  say(crashed.stdout + `(exit code ${crashed.status})\n`);

  say("\n$ node --import spickle/register examples/checkpointing/resume.ts   # a fresh process\n");
  const resumed = node("resume.ts", "resumed-by-demo");
  say(resumed.stdout + resumed.stderr);

  if (whole.status !== 0 || crashed.status !== 75 || resumed.status !== 0) {
    console.error("\nunexpected exit codes:", whole.status, crashed.status, resumed.status);
    process.exit(1);
  }
  if ([...steps(crashed.stdout), ...steps(resumed.stdout)].join("\n") !== steps(whole.stdout).join("\n")) {
    console.error("\nthe resumed run differs from the uninterrupted one");
    process.exit(1);
  }
  say("\nThe crashed-and-resumed run computed exactly what the uninterrupted run computed.\n");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
