// The channels and primes examples, end to end with the real `spickle` binary in child processes:
// each is stopped partway — by itself (a crash) or by SIGINT, as Ctrl-C sends it — and resumed
// from its checkpoint in an empty folder; what the two runs print together must be exactly what
// one uninterrupted run prints.

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, test } from "vitest";

const examples = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = join(examples, "..", "packages", "spickle", "dist", "bin.js");
const scratch = mkdtempSync(join(tmpdir(), "spickle-examples-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function env(): NodeJS.ProcessEnv {
  const e = { ...process.env };
  delete e.NODE_PATH;
  delete e.SPICKLE_KEY;
  return e;
}

function spickle(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, env: env(), encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh empty folder: resumes run where neither the program nor its folder is. */
function emptyFolder(name: string): string {
  return mkdtempSync(join(scratch, `${name}-`));
}

test("channels: the pipeline stopped after 4 results resumes elsewhere and finishes as one run would", () => {
  const script = join(examples, "channels", "pipeline.ts");
  const full = spickle(["run", "-c", "full.ckpt", script, "8"], emptyFolder("channels-full"));
  expect(full.stderr).toBe("");
  expect(full.status).toBe(0);
  expect(full.stdout).toContain("sum of the first 8 squares: 204\n");

  const work = emptyFolder("channels");
  const stopped = spickle(["run", "-c", "pipeline.ckpt", script, "8", "--crash-after=4"], work);
  expect(stopped.status).toBe(75);
  const inspect = spickle(["inspect", "pipeline.ckpt"], work);
  expect(inspect.stdout).toMatch(/^ {2}#1 sumOfSquares: current .*\n {6}at sumOfSquares \(.*pipeline\.ts:35:19\)\n {10}const point = yield\* cp\.checkpoint\(\);$/m);
  expect(inspect.stdout).toMatch(/^ {2}#2 numbers: (sending on channel \d|runnable)\n {6}at numbers \(.*pipeline\.ts:12:36\)$/m);
  expect(inspect.stdout).toMatch(/^ {2}#3 squares: (sending on channel \d|runnable)\n {6}at squares \(.*pipeline\.ts:1[78]:\d+\)$/m);

  const elsewhere = emptyFolder("channels-resume");
  const resumed = spickle(["resume", join(work, "pipeline.ckpt")], elsewhere);
  expect(resumed.stderr).toBe("");
  expect(resumed.status).toBe(0);
  const printed = (stopped.stdout + resumed.stdout).split("\n").filter((l) => !/^(stopping|resumed) after/.test(l));
  expect(printed.join("\n")).toBe(full.stdout);
});

test("primes: Ctrl-C (SIGINT) checkpoints at the next switch point and exits 75; resume goes on where it was", async () => {
  const script = join(examples, "primes", "primes.ts");
  const full = spickle(["run", script, "4000000", "--delay=0"], examples);
  expect(full.status).toBe(0);
  expect(full.stdout.split("\n").filter(Boolean)).toHaveLength(21);

  const work = emptyFolder("primes");
  const child = spawn(process.execPath, [bin, "run", "-c", "primes.ckpt", script, "4000000", "--delay=100"], { cwd: work, env: env() });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  // Interrupt once it is under way (20 blocks, 100 ms apart: far from done).
  await new Promise<void>((resolve) =>
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (stdout.split("\n").length > 2) resolve();
    }),
  );
  child.kill("SIGINT");
  expect(await exited).toBe(75);
  const checkpoint = join(work, "primes.ckpt");
  expect(stderr).toBe(`spickle: SIGINT: checkpoint written to ${checkpoint}\n  continue with: spickle resume ${checkpoint}\n`);
  expect(stdout).not.toContain("done:");

  const resumed = spickle(["resume", checkpoint], emptyFolder("primes-resume"));
  expect(resumed.stderr).toBe("");
  expect(resumed.status).toBe(0);
  expect(stdout + resumed.stdout).toBe(full.stdout);
});
