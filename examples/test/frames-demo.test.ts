import { execFileSync } from "node:child_process";
import { expect, test } from "vitest";

// End to end: the quick-start demonstration drives real node processes with the spickle loader
// (built packages), pausing in one process and resuming in another.
test("the demonstration resumes a paused generator in a fresh process with the same output", () => {
  const output = execFileSync(process.execPath, ["scripts/demo.mjs"], { encoding: "utf8" });
  expect(output).toContain("resumed from");
  expect(output).toContain("exactly what the uninterrupted run printed");
  expect(output.match(/^line 4: 8 words/gm)).toHaveLength(2);
});
