// A queue worker: takes jobs from the work queue, resumes each from its latest checkpoint in this
// process (every job on a scheduler and module instances of its own), checkpoints it to the
// object store every `checkpointEveryMs` and at every `cp.checkpoint()`, heartbeats while it runs
// (`working()`), and acknowledges it when it has ended — its record says how.
//
// At least once: a worker that dies loses its claim when its heartbeats stop; the job is handed
// to another worker, which resumes it from the newest checkpoint. What ran after that checkpoint
// runs again. A job whose record already says it ended is acknowledged and not run again.

import { hostname } from "node:os";
import type { JsMsg } from "@nats-io/jetstream";
import type { Scheduler } from "@spickle/runtime";
import { checkpointBytes, writeCheckpoint, type CheckpointOptions } from "../checkpoint.js";
// The package entry: restored modules that import `spickle` get this process's instance.
import { resumeCheckpointWith } from "../index.js";
import { DEAD_SUBJECT, JOBS_STREAM, WORKERS, type JobRecord, type Queue } from "./queue.js";
import { isFinished, jobCheckpointName } from "./jobs.js";

export interface WorkerOptions {
  /** Jobs run at once (default 1). */
  concurrency?: number;
  /** Periodic checkpoints (ms; default 10 s; 0: only the program's own). */
  checkpointEveryMs?: number;
  /** Checkpoints kept per job (default 3). */
  keep?: number;
  /** Starts of a job before it goes to the dead letters (default 10). */
  maxDeliver?: number;
  /** The consumer's ack wait (ms), for the heartbeat interval (default 30 s). */
  ackWaitMs?: number;
  /** Told what happens (default: nothing). */
  log?: (line: string) => void;
  /** Stops taking jobs when aborted; running jobs are checkpointed and handed back. */
  signal?: AbortSignal;
}

export const WORKER_DEFAULTS = { concurrency: 1, checkpointEveryMs: 10_000, keep: 3, maxDeliver: 10, ackWaitMs: 30_000 } as const;

/** Runs until `options.signal` aborts. */
export async function runWorker(queue: Queue, options: WorkerOptions = {}): Promise<void> {
  const settings = { ...WORKER_DEFAULTS, ...options };
  const name = `${hostname()}:${process.pid}`;
  const consumer = await queue.js.consumers.get(JOBS_STREAM, WORKERS);
  const loops: Promise<void>[] = [];
  for (let slot = 0; slot < settings.concurrency; slot++) {
    loops.push((async () => {
      while (!settings.signal?.aborted) {
        let msg: JsMsg | null;
        try {
          msg = await consumer.next({ expires: 1_000 });
        } catch {
          // The server is away (restarting): the client reconnects; ask again shortly.
          await delay(500);
          continue;
        }
        if (msg === null) continue;
        await new JobRun(queue, msg, name, settings).run().catch((error) => settings.log?.(`spickle worker: ${(error as Error)?.message ?? error}`));
      }
    })());
  }
  await Promise.all(loops);
}

type Settings = Required<Omit<WorkerOptions, "log" | "signal">> & Pick<WorkerOptions, "log" | "signal">;

/** One delivery of one job. */
class JobRun {
  private readonly id: string;
  /** This delivery's number: the job's record names the delivery that owns it. */
  private attempt = 0;
  private seq = 0;
  private scheduler: Scheduler | null = null;
  /** Cancelled, or handed back by a stopping worker: nothing more to record. */
  private abandoned = false;
  private watch: NodeJS.Timeout | null = null;

  constructor(
    private readonly queue: Queue,
    private readonly msg: JsMsg,
    private readonly worker: string,
    private readonly settings: Settings,
  ) {
    this.id = String((msg.json() as { id?: unknown }).id);
  }

  async run(): Promise<void> {
    const { queue, msg, id, settings } = this;
    const record = await queue.job(id);
    if (record === null || isFinished(record)) {
      msg.ack();
      return;
    }
    const attempt = (this.attempt = msg.info.deliveryCount);
    if (attempt > settings.maxDeliver) {
      await this.deadLetter(record.error ?? `its worker stopped ${settings.maxDeliver} times`, attempt - 1);
      return;
    }
    // The record names the newest checkpoint stored completely; listing is the fallback.
    const bytes = await queue.store.get(id, record.lastSeq);
    const latest = bytes !== null ? { seq: record.lastSeq, bytes } : await queue.store.latest(id);
    if (latest === null) {
      await this.finish({ state: "failed", error: "the job has no checkpoint" });
      return;
    }
    this.seq = latest.seq;
    await queue.updateJob(id, (r) => ({ ...r, state: "running", worker: this.worker, attempts: attempt }));
    settings.log?.(`spickle worker: job ${id}: attempt ${attempt}, from checkpoint ${latest.seq}`);
    const heartbeat = setInterval(() => msg.working(), Math.max(200, Math.floor(settings.ackWaitMs / 3)));
    const options: CheckpointOptions = {
      checkpointFile: jobCheckpointName(id),
      header: { entry: record.script, job: id },
      writeFile: (_path, bytes) => this.store(bytes),
      onStart: (scheduler) => {
        this.scheduler = scheduler;
      },
    };
    const periodic = settings.checkpointEveryMs > 0 ? setInterval(() => void this.periodic(options), settings.checkpointEveryMs) : null;
    let outcome: { state: "done"; result: unknown } | { state: "failed"; error: string };
    try {
      const result = await Promise.race([resumeCheckpointWith(options, latest.bytes), this.stopped()]);
      outcome = { state: "done", result: jsonValue(result) };
    } catch (error) {
      outcome = { state: "failed", error: describe(error) };
    } finally {
      clearInterval(heartbeat);
      if (periodic !== null) clearInterval(periodic);
      if (this.watch !== null) clearInterval(this.watch);
    }
    if (this.abandoned) return;
    if (outcome.state === "done") {
      await this.finish(outcome);
      settings.log?.(`spickle worker: job ${id}: done`);
    } else if (attempt >= settings.maxDeliver) {
      await this.deadLetter(outcome.error, attempt);
    } else {
      await queue.updateJob(id, (r) => ({ ...r, error: outcome.error }));
      settings.log?.(`spickle worker: job ${id}: attempt ${attempt} failed: ${outcome.error.split("\n")[0]}`);
      msg.nak();
    }
  }

  /** Settles when the job is cancelled, taken over by a later delivery (this worker missed its
   * heartbeats), or the worker is stopped; the scheduler stays paused. */
  private stopped(): Promise<never> {
    return new Promise<never>((_, reject) => {
      this.watch = setInterval(async () => {
        const record = await this.queue.job(this.id).catch(() => null);
        const cancelled = record?.state === "cancelled";
        const lost = record !== null && record.attempts > this.attempt;
        if (!cancelled && !lost && !this.settings.signal?.aborted) return;
        clearInterval(this.watch!);
        this.abandoned = true;
        await this.scheduler?.pause().catch(() => {});
        if (cancelled) this.msg.term();
        else if (!lost) await this.handBack();
        reject(new Error(cancelled ? "cancelled" : lost ? "taken over by another worker" : "the worker stopped"));
      }, 500);
    });
  }

  /** The worker is stopping: a checkpoint of where the job is, then the job goes back to the queue. */
  private async handBack(): Promise<void> {
    const scheduler = this.scheduler;
    if (scheduler !== null && scheduler.state === "paused") {
      await this.store(checkpointBytes(scheduler, { header: { job: this.id } })).catch(() => {});
    }
    this.msg.nak();
  }

  private async periodic(options: CheckpointOptions): Promise<void> {
    const scheduler = this.scheduler;
    if (scheduler === null || scheduler.state !== "running") return;
    try {
      await scheduler.pause();
    } catch {
      return; // ended meanwhile, or io did not settle in time: next time
    }
    try {
      await writeCheckpoint(scheduler, jobCheckpointName(this.id), options);
    } catch (error) {
      this.settings.log?.(`spickle worker: job ${this.id}: checkpoint failed (the previous one is kept): ${describe(error).split("\n")[0]}`);
    }
    scheduler.resume().catch(() => {});
  }

  /** Stores the next checkpoint, prunes old ones, and records it. While the server is away the
   * upload is tried again, for up to twice the ack wait; the program waits for it. */
  private async store(bytes: Uint8Array): Promise<void> {
    const seq = ++this.seq;
    const giveUp = Date.now() + 2 * this.settings.ackWaitMs;
    for (let wait = 250; ; wait = Math.min(wait * 2, 2_000)) {
      try {
        await this.queue.store.put(this.id, seq, bytes);
        break;
      } catch (error) {
        if (Date.now() + wait > giveUp) throw error;
        await delay(wait);
      }
    }
    this.msg.working();
    await this.queue.updateJob(this.id, (r) => ({ ...r, checkpoints: r.checkpoints + 1, lastSeq: seq, lastCheckpointAt: Date.now() }));
    // The checkpoint that falls out of the window (one left by a dead worker stays until a cleanup).
    if (seq - this.settings.keep >= 0) await this.queue.store.delete(this.id, seq - this.settings.keep).catch(() => {});
  }

  /** Records how the job ended, unless a later delivery owns it now, and acknowledges it. */
  private async finish(outcome: Partial<JobRecord>): Promise<void> {
    await this.queue.updateJob(this.id, (r) =>
      r.attempts > this.attempt || isFinished(r) ? null : { ...r, ...outcome, worker: this.worker, finishedAt: Date.now() },
    );
    await this.msg.ackAck().catch(() => false);
  }

  private async deadLetter(error: string, attempts: number): Promise<void> {
    await this.queue.js.publish(DEAD_SUBJECT, JSON.stringify({ id: this.id, attempts, error }));
    await this.finish({ state: "failed", error, attempts });
    this.settings.log?.(`spickle worker: job ${this.id}: failed ${attempts} times; sent to ${DEAD_SUBJECT}`);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A result as JSON data (what is not JSON becomes its inspect string). */
function jsonValue(value: unknown): unknown {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? null : (JSON.parse(text) as unknown);
  } catch {
    return String(value);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
