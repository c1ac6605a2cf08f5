// 100,000 tasklets — a third blocked on a channel, a third sleeping, a third runnable — are
// created, checkpointed to a file with all of them alive, and resumed from that file: the resumed
// program finishes with exactly the result of the run that went on after the checkpoint.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { compile } from "@spickle/transform";
import { resumeCheckpoint, runCheckpointable } from "spickle";

const COUNT = 100_000;

async function loadCrowd(): Promise<(...args: never[]) => Generator> {
  const source = readFileSync(new URL("./fixtures/tasklets/crowd.ts", import.meta.url), "utf8");
  const dir = fileURLToPath(new URL("./.gen/", import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "tasklets-crowd.mjs");
  writeFileSync(file, compile(source, { filename: "crowd.ts", moduleId: "test/tasklets/crowd.ts" }).code);
  return (await import(/* @vite-ignore */ file)).default;
}

test(`${COUNT.toLocaleString("en")} tasklets are created, checkpointed and resumed`, async () => {
  const main = await loadCrowd();
  const folder = mkdtempSync(join(tmpdir(), "spickle-crowd-"));
  const file = join(folder, "crowd.checkpoint");
  try {
    // Members with id % 3 === 0 receive 2 over the channel; the others count once.
    let expectedSum = 0;
    for (let id = 0; id < COUNT; id++) expectedSum += id % 3 === 0 ? 2 * id : id;
    const receivers = Math.ceil(COUNT / 3);

    const original = await runCheckpointable(main as never, {}, String(COUNT), file);
    expect(original).toEqual({ resumed: false, receivers, sum: expectedSum, finished: COUNT });
    expect(statSync(file).size).toBeGreaterThan(COUNT); // every tasklet is in it

    const resumed = await resumeCheckpoint(file);
    expect(resumed).toEqual({ resumed: true, receivers, sum: expectedSum, finished: COUNT });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}, 120_000);
