// Submitting jobs and reading what became of them.
//
// A job is submitted as its first checkpoint: the program's main tasklet, created and paused
// before its first step, with the code of its modules (by value). Workers need nothing else.

import { randomBytes } from "node:crypto";
import { Scheduler } from "@spickle/runtime";
import { CheckpointSupport, checkpointBytes, type CheckpointableMain } from "../checkpoint.js";
import { checkJobId } from "../store/store.js";
import { JOBS_SUBJECT, type JobRecord, type Queue } from "./queue.js";

/** The checkpoint of `main(cp, ...args)` before its first step. */
export async function initialCheckpoint<A extends string[]>(
  main: CheckpointableMain<A, unknown>,
  header: Record<string, unknown>,
  checkpointFile: string,
  ...args: A
): Promise<Uint8Array> {
  const scheduler = new Scheduler();
  scheduler.run(main as (...all: unknown[]) => Iterator<unknown, unknown, unknown>, new CheckpointSupport(checkpointFile), ...args).catch(() => {});
  await scheduler.pause();
  return checkpointBytes(scheduler, { header: { ...header, kind: "checkpoint" } });
}

/** The name `cp.checkpoint()` writes to in a job (workers send it to the store). */
export function jobCheckpointName(id: string): string {
  return `job:${id}`;
}

export interface SubmitOptions {
  /** The job's id (default: a new random one). */
  id?: string;
  /** The program's entry as people should see it (default: the main function's name). */
  script?: string;
}

/** Enqueues `main(cp, ...args)` as a job; returns its id. */
export async function submitJob<A extends string[]>(queue: Queue, main: CheckpointableMain<A, unknown>, options: SubmitOptions, ...args: A): Promise<string> {
  const id = checkJobId(options.id ?? `job-${randomBytes(6).toString("hex")}`);
  const script = options.script ?? main.name;
  const bytes = await initialCheckpoint(main, { entry: script, job: id }, jobCheckpointName(id), ...args);
  const now = Date.now();
  const record: JobRecord = {
    id, script, args, state: "queued", worker: null, attempts: 0,
    checkpoints: 1, lastSeq: 0, lastCheckpointAt: now, submittedAt: now, finishedAt: null,
  };
  await queue.createJob(record);
  await queue.store.put(id, 0, bytes);
  // The job id as message id: a submission sent twice is queued once.
  await queue.js.publish(JOBS_SUBJECT, JSON.stringify({ id }), { msgID: id });
  return id;
}

/** Whether a job has ended (no worker will take it again). */
export function isFinished(record: JobRecord): boolean {
  return record.state === "done" || record.state === "failed" || record.state === "cancelled";
}

/** A job's record once it has ended (`wait`), or as it is now. */
export async function jobResult(queue: Queue, id: string, options: { wait?: boolean; timeoutMs?: number } = {}): Promise<JobRecord> {
  const now = await queue.job(id);
  if (now === null) throw new Error(`spickle: no job named ${id.slice(0, 200)}`);
  if (!options.wait || isFinished(now)) return now;
  const watch = await queue.jobs.watch({ key: id });
  const timer = options.timeoutMs === undefined ? null : setTimeout(() => watch.stop(), options.timeoutMs);
  try {
    for await (const entry of watch) {
      if (entry.operation !== "PUT") continue;
      const record = entry.json<JobRecord>();
      if (isFinished(record)) return record;
    }
  } finally {
    if (timer !== null) clearTimeout(timer);
    watch.stop();
  }
  throw new Error(`spickle: job ${id} did not finish within ${options.timeoutMs} ms`);
}

/** Cancels a job: no worker starts it again; a worker running it stops it at its next check. */
export async function cancelJob(queue: Queue, id: string): Promise<JobRecord> {
  const record = await queue.updateJob(id, (r) => (isFinished(r) ? null : { ...r, state: "cancelled", finishedAt: Date.now() }));
  if (record === null) throw new Error(`spickle: no job named ${id.slice(0, 200)}`);
  return record;
}
