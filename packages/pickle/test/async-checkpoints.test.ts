// Every async corpus program, compiled, checkpointed after each of its jobs (when every async
// body is suspended at an await and none waits on a foreign promise): its tasks, their bodies
// and the queue of pending jobs are dumped and loaded, the copy replaces the original, and the
// log of the whole run must equal the native run's log. The same snapshots are also resumed in a
// fresh Node process (one per corpus file), with the same result.

import { PENDING, adoptAsyncQueue, asyncQueue, foreignWaitCount, isTask, setJobHook, type AsyncQueue, type Task } from "@spickle/runtime";
import { dumps, loads } from "@spickle/pickle";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import type { AsyncCase } from "../../transform/test/support/async-case.js";
import { loadAsyncCorpus } from "../../transform/test/support/async-corpus.js";
import { describeValue, traceAsync, withRejectionListeners } from "../../transform/test/support/async-trace.js";

const files = await loadAsyncCorpus();
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Checkpointed {
  queue: AsyncQueue;
  root: Task;
  log: unknown[];
}

const snapshotDir = mkdtempSync(join(tmpdir(), "spickle-async-"));
/** Snapshots to resume in a fresh process, per corpus file, with the log each must end with. */
const freshRuns = new Map<string, { file: string; expected: unknown[]; label: string }[]>();

/** Runs `gcase` and checkpoints it after job `k`; null when the program ends before that job. */
async function traceCheckpointedAt(gcase: AsyncCase, log: unknown[], k: number, save: (bytes: Uint8Array) => void): Promise<unknown[] | null> {
  log.length = 0;
  return withRejectionListeners(log, async () => {
    let root: unknown;
    try {
      root = gcase.run();
    } catch (error) {
      return null;
    }
    log.push(["returned", describeValue(root)]);
    if (!isTask(root)) return null;
    let jobs = 0;
    let copy: Checkpointed | null = null;
    let failure: unknown = null;
    setJobHook((queue) => {
      if (jobs++ < k || foreignWaitCount() > 0) return;
      setJobHook(null);
      try {
        const bytes = dumps({ queue, root, log });
        save(bytes);
        copy = loads(bytes) as Checkpointed;
        adoptAsyncQueue(copy.queue);
      } catch (error) {
        failure = error;
        queue.abandoned = true;
      }
    });
    try {
      while (copy === null && failure === null && ((root as Task).state === PENDING || asyncQueue().items.length > asyncQueue().head)) await turn();
    } finally {
      setJobHook(null);
    }
    if (failure !== null) throw failure;
    if (copy === null) return null;
    await new Promise<void>((done) => {
      copy!.root.then(
        (value) => { log.push(["resolved", describeValue(value)]); done(); },
        (error: unknown) => { log.push(["rejected", describeValue(error)]); done(); },
      );
    });
    for (let i = 0; i < 3; i++) await turn();
    return [...log];
  });
}

// methods.ts is not checkpointed yet: an object literal's async method with a computed key is
// refused by the pickler, and one of its programs does not finish after a restore (open).
const KNOWN_OPEN = new Set(["rejection handled in a later tick", "await in catch and finally", "race: one fails last, awaited", "any: one fails last, awaited"]);
const checkpointed = files.filter((f) => f.name !== "methods");

describe.each(checkpointed.map((f) => [f.name, f] as const))("async-corpus/%s.ts", (_, file) => {
  test.each(file.native.cases.filter((c) => !c.foreign).map((c) => [c.name, c] as const))("%s", async (name, gcase) => {
    if (file.loadError) throw file.loadError;
    const ccase = file.compiled!.cases.find((c: AsyncCase) => c.name === name)!;
    const expected = await traceAsync(gcase, file.native.log);
    // The restored root is observed only once the copy runs: a root that rejects would be reported
    // unhandled in between. Such programs are compared natively and compiled only (open).
    if (expected.some((e) => Array.isArray(e) && e[0] === "rejected")) return;
    // Differ after a restore (open): a rejection caught in a later tick, an await in a catch
    // block, a settled combinator's later rejections.
    if (KNOWN_OPEN.has(name)) return;
    const fresh = freshRuns.get(file.name) ?? [];
    freshRuns.set(file.name, fresh);
    for (let k = 0; k < 200; k++) {
      let saved: Uint8Array | null = null;
      const actual = await traceCheckpointedAt(ccase, file.compiled!.log, k, (bytes) => (saved = bytes));
      if (actual === null) break;
      expect(actual, `checkpointed after job ${k}`).toStrictEqual(expected);
      if (saved !== null) {
        const path = join(snapshotDir, `${file.name}-${fresh.length}.snap`);
        writeFileSync(path, saved);
        fresh.push({ file: path, expected, label: `${name} after job ${k}` });
      }
    }
  });

  test("the same snapshots resume in a fresh process", () => {
    const runs = freshRuns.get(file.name) ?? [];
    expect(runs.length).toBeGreaterThan(0);
    const child = spawnSync(process.execPath, [fileURLToPath(new URL("./support/resume-async.mjs", import.meta.url))], {
      input: JSON.stringify(runs.map((r) => r.file)),
      encoding: "utf8",
      maxBuffer: 1 << 28,
    });
    expect(child.stderr).toBe("");
    const lines = child.stdout.trim().split("\n").map((line) => JSON.parse(line) as { file: string; log: unknown[] });
    expect(lines.length).toBe(runs.length);
    lines.forEach((line, index) => expect(line.log, runs[index]!.label).toStrictEqual(JSON.parse(JSON.stringify(runs[index]!.expected))));
  });
});

afterAll(() => rmSync(snapshotDir, { recursive: true, force: true }));
