#!/usr/bin/env node
// The quick-start demonstration: run a generator program to the end; run it again but stop it
// after a few steps and write its suspended frames to a file; continue from that file in a fresh
// process; check that the two outputs agree.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const demo = join(root, "examples/frames/demo.ts");
const node = (...args) =>
  execFileSync(process.execPath, ["--import", "spickle/register", demo, ...args], { cwd: root, encoding: "utf8" });
const say = (text) => process.stdout.write(text);

const dir = mkdtempSync(join(tmpdir(), "spickle-demo-"));
const file = join(dir, "word-stats.snapshot");
try {
  say("$ node --import spickle/register examples/frames/demo.ts run\n");
  const whole = node("run");
  say(whole);
  say(`\n$ node --import spickle/register examples/frames/demo.ts pause ${file} 3\n`);
  const before = node("pause", file, "3");
  say(before);
  say(`\n$ node --import spickle/register examples/frames/demo.ts resume ${file}   # a fresh process\n`);
  const after = node("resume", file);
  say(after);
  const lines = (text) => text.split("\n").filter((line) => line.startsWith("line") || line.startsWith("done"));
  const joined = [...lines(before), ...lines(after)].join("\n");
  if (joined !== lines(whole).join("\n")) {
    console.error("\nthe resumed run differs from the uninterrupted one");
    process.exit(1);
  }
  say("\nThe paused-and-resumed run printed exactly what the uninterrupted run printed.\n");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
