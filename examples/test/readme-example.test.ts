// The README's front-door example (examples/readme/job.ts) as the README runs it: `spickle run -c`,
// killed with SIGKILL partway, `spickle resume` in another empty folder — which continues after the
// last checkpoint with the program's state and finishes.

import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, test } from "vitest";

const examples = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = join(examples, "..", "packages", "spickle", "dist", "bin.js");
const scratch = mkdtempSync(join(tmpdir(), "spickle-readme-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function env(): NodeJS.ProcessEnv {
  const e = { ...process.env };
  delete e.NODE_PATH;
  delete e.SPICKLE_KEY;
  return e;
}

test("run, kill -9 after step 5 is printed, resume elsewhere: continues after the last checkpoint", async () => {
  const work = mkdtempSync(join(scratch, "run-"));
  const child = spawn(process.execPath, [bin, "run", "-c", "job.ckpt", join(examples, "readme", "job.ts"), "12"], { cwd: work, env: env(), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // "step 5" is printed after the checkpoint of step 4 has been written.
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (text: string) => {
      stdout += text;
      if (/^step 5: /m.test(stdout)) resolve();
    });
    void exited.then(() => reject(new Error(`exited before step 5: ${stdout}`)));
  });
  child.kill("SIGKILL");
  await exited;

  const elsewhere = mkdtempSync(join(scratch, "resume-"));
  copyFileSync(join(work, "job.ckpt"), join(elsewhere, "job.ckpt"));
  const r = spawnSync(process.execPath, [bin, "resume", "job.ckpt"], { cwd: elsewhere, env: env(), encoding: "utf8", timeout: 60_000 });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  const lines = r.stdout.trim().split("\n");
  const m = /^resumed after step (\d+) \((\d+) entries kept\)$/.exec(lines[0]!);
  expect(m).not.toBeNull();
  const last = Number(m![1]);
  expect(last).toBeGreaterThanOrEqual(4);
  expect(Number(m![2])).toBe(last);
  const expected = [];
  for (let step = last + 1; step <= 12; step++) expected.push(`step ${step}: word-${(step * 7919) % 1000}`);
  expect(lines.slice(1)).toEqual(expected);
});
