import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";

// A single generator (no scheduler) paused in one process and continued in another.
test("a paused generator continues in a fresh process with the same output", () => {
  const demo = (...args: string[]) =>
    spawnSync(process.execPath, ["--import", "spickle/register", "examples/frames/demo.ts", ...args], { encoding: "utf8" });
  const file = join(mkdtempSync(join(tmpdir(), "spickle-frames-")), "word-stats.snapshot");
  const whole = demo("run").stdout.trim().split("\n");
  const before = demo("pause", file, "3").stdout.trim().split("\n");
  const after = demo("resume", file).stdout.trim().split("\n");
  expect(before.at(-1)).toMatch(/^paused after 3 steps/);
  expect(after[0]).toBe(`resumed from ${file}`);
  expect([...before.slice(0, -1), ...after.slice(1)]).toEqual(whole);
});
