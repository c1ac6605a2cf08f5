// Every async corpus program, compiled, checkpointed after each of its jobs (when every async
// body is suspended at an await and none waits on a foreign promise): its tasks, their bodies
// and the queue of pending jobs are dumped and loaded, the copy replaces the original, and the
// log of the whole run must equal the native run's log.

import { PENDING, adoptAsyncQueue, asyncQueue, foreignWaitCount, isTask, setJobHook, type AsyncQueue, type Task } from "@spickle/runtime";
import { dumps, loads } from "@spickle/pickle";
import { describe, expect, test } from "vitest";
import type { AsyncCase } from "../../transform/test/support/async-case.js";
import { loadAsyncCorpus } from "../../transform/test/support/async-corpus.js";
import { describeValue, traceAsync, withRejectionListeners } from "../../transform/test/support/async-trace.js";

const files = await loadAsyncCorpus();
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Checkpointed {
  queue: AsyncQueue;
  root: Task;
}

/** Runs `gcase` and checkpoints it after job `k`; null when the program ends before that job. */
async function traceCheckpointedAt(gcase: AsyncCase, log: unknown[], k: number): Promise<unknown[] | null> {
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
        copy = loads(dumps({ queue, root })) as Checkpointed;
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

describe.each(files.map((f) => [f.name, f] as const))("async-corpus/%s.ts", (_, file) => {
  test.each(file.native.cases.map((c) => [c.name, c] as const))("%s", async (name, gcase) => {
    if (file.loadError) throw file.loadError;
    const ccase = file.compiled!.cases.find((c: AsyncCase) => c.name === name)!;
    const expected = await traceAsync(gcase, file.native.log);
    let checkpoints = 0;
    for (let k = 0; k < 200; k++) {
      const actual = await traceCheckpointedAt(ccase, file.compiled!.log, k);
      if (actual === null) break;
      checkpoints++;
      expect(actual, `checkpointed after job ${k}`).toStrictEqual(expected);
    }
    void checkpoints;
  });
});
