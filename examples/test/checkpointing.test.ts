import { execFileSync } from "node:child_process";
import { expect, test } from "vitest";

// End to end, with the real loader in child processes: the quick-start demonstration runs the
// checkpointing example, crashes it after step 3, resumes it from the checkpoint file in a fresh
// process and compares with an uninterrupted run.
test("a crashed long-running program resumes from its last checkpoint in a fresh process", () => {
  const output = execFileSync(process.execPath, ["scripts/demo.mjs"], { encoding: "utf8" });
  expect(output).toContain("simulating a crash after step 3");
  expect(output).toContain("resumed after step 3 (args: resumed-by-demo)");
  expect(output).toContain("exactly what the uninterrupted run computed");
  expect(output.match(/^step 4: fibonacci\(24\) = 46368$/gm)).toHaveLength(2);
});
