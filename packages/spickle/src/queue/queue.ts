// The job queue's resources on a NATS JetStream server, made on first use by whoever connects:
// - stream SPICKLE_JOBS (work-queue retention), subject `spickle.jobs.run`: one message per
//   job to run, `{ id }`; the durable consumer `workers` hands each to one worker at a time and
//   hands it again when the worker stops heartbeating (`ackWait`);
// - stream SPICKLE_DEAD, subject `spickle.jobs.dead`: jobs that failed `maxDeliver` times;
// - KV bucket `spickle_jobs`: each job's record (JobRecord);
// - Object Store `spickle_checkpoints`: each job's checkpoints (JetStreamStore).

import { hostname } from "node:os";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import { Objm } from "@nats-io/obj";
import { JetStreamStore } from "../store/jetstream.js";

export const JOBS_STREAM = "SPICKLE_JOBS";
export const JOBS_SUBJECT = "spickle.jobs.run";
export const DEAD_STREAM = "SPICKLE_DEAD";
export const DEAD_SUBJECT = "spickle.jobs.dead";
export const WORKERS = "workers";
const JOBS_BUCKET = "spickle_jobs";
const CHECKPOINTS_BUCKET = "spickle_checkpoints";

export type JobState = "queued" | "running" | "done" | "failed" | "cancelled";

/** A job as the KV bucket keeps it. */
export interface JobRecord {
  id: string;
  /** The program's entry, as submitted (for people: workers need only the checkpoint). */
  script: string;
  args: string[];
  state: JobState;
  /** The worker running it or that ran it last (`host:pid`). */
  worker: string | null;
  /** How many times a worker started it (the first run counts). */
  attempts: number;
  /** Checkpoints written (the submitted one included) and the newest one's sequence number. */
  checkpoints: number;
  lastSeq: number;
  lastCheckpointAt: number | null;
  submittedAt: number;
  finishedAt: number | null;
  /** The program's return value as JSON (state done). */
  result?: unknown;
  /** The last failure (state failed, or a run that will be retried). */
  error?: string;
}

export interface QueueOptions {
  /** Server URL: `nats://127.0.0.1:4222` or `127.0.0.1:4222`. */
  nats: string;
  /** How long a worker may go without a heartbeat before its job is handed to another (ms). */
  ackWaitMs?: number;
  /** Connection timeout (ms). */
  timeoutMs?: number;
}

export const DEFAULT_ACK_WAIT_MS = 30_000;

export class Queue {
  private constructor(
    readonly connection: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly jobs: KV,
    readonly store: JetStreamStore,
  ) {}

  static async open(options: QueueOptions): Promise<Queue> {
    const server = options.nats.replace(/^nats:\/\//, "");
    let connection: NatsConnection;
    try {
      connection = await connect({ servers: server, timeout: options.timeoutMs ?? 10_000, name: `spickle ${hostname()}:${process.pid}` });
    } catch (error) {
      throw new Error(`spickle: cannot reach the NATS server at ${options.nats.slice(0, 200)}: ${(error as Error).message}`);
    }
    try {
      const jsm = await jetstreamManager(connection);
      await ensureStream(jsm, JOBS_STREAM, JOBS_SUBJECT, RetentionPolicy.Workqueue);
      await ensureStream(jsm, DEAD_STREAM, DEAD_SUBJECT, RetentionPolicy.Limits);
      await ensureConsumer(jsm, options.ackWaitMs);
      const jobs = await new Kvm(connection).create(JOBS_BUCKET, { history: 1 });
      const objects = await new Objm(connection).create(CHECKPOINTS_BUCKET);
      return new Queue(connection, jetstream(connection), jsm, jobs, new JetStreamStore(objects));
    } catch (error) {
      await connection.close();
      if (/jetstream not enabled|503/i.test(String((error as Error)?.message))) {
        throw new Error(`spickle: the NATS server at ${options.nats.slice(0, 200)} has no JetStream (start it with nats-server -js)`);
      }
      throw error;
    }
  }

  async job(id: string): Promise<JobRecord | null> {
    const entry = await this.jobs.get(id);
    if (entry === null || entry.operation !== "PUT" || entry.length === 0) return null;
    const record = entry.json<JobRecord>();
    // Keys of this bucket that are not spickle's records are not jobs.
    return typeof record?.id === "string" && typeof record.state === "string" ? record : null;
  }

  /** Creates a job's record; fails if the id is taken. */
  async createJob(record: JobRecord): Promise<void> {
    try {
      await this.jobs.create(record.id, JSON.stringify(record));
    } catch {
      throw new Error(`spickle: a job named ${record.id} exists already`);
    }
  }

  /** Updates a job's record (read, change, compare-and-set; retried on a concurrent update). */
  async updateJob(id: string, change: (record: JobRecord) => JobRecord | null): Promise<JobRecord | null> {
    for (let tries = 0; tries < 20; tries++) {
      const entry = await this.jobs.get(id);
      if (entry === null || entry.operation !== "PUT") return null;
      const next = change(entry.json<JobRecord>());
      if (next === null) return entry.json<JobRecord>();
      try {
        await this.jobs.update(id, JSON.stringify(next), entry.revision);
        return next;
      } catch {
        // Another writer came first: read again.
      }
    }
    throw new Error(`spickle: job ${id}: its record keeps changing under this update`);
  }

  /** Every job's record, by submission time. */
  async allJobs(): Promise<JobRecord[]> {
    const records: JobRecord[] = [];
    // (A key updated while the listing runs may be listed twice.)
    for (const key of new Set(await collect(await this.jobs.keys()))) {
      const record = await this.job(key);
      if (record !== null) records.push(record);
    }
    return records.sort((a, b) => a.submittedAt - b.submittedAt || a.id.localeCompare(b.id));
  }

  async close(): Promise<void> {
    await this.connection.drain().catch(() => this.connection.close());
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function ensureStream(jsm: JetStreamManager, name: string, subject: string, retention: RetentionPolicy): Promise<void> {
  try {
    await jsm.streams.info(name);
  } catch {
    try {
      await jsm.streams.add({ name, subjects: [subject], retention });
    } catch (error) {
      // Made meanwhile by another process.
      await jsm.streams.info(name).catch(() => {
        throw error;
      });
    }
  }
}

async function ensureConsumer(jsm: JetStreamManager, ackWaitMs: number | undefined): Promise<void> {
  const ackWait = (ackWaitMs ?? DEFAULT_ACK_WAIT_MS) * 1_000_000;
  try {
    const info = await jsm.consumers.info(JOBS_STREAM, WORKERS);
    if (ackWaitMs !== undefined && info.config.ack_wait !== ackWait) await jsm.consumers.update(JOBS_STREAM, WORKERS, { ack_wait: ackWait });
  } catch {
    try {
      // Deliveries are counted by the workers (maxDeliver), not the server, so a job whose
      // worker died on its last try still reaches the dead letters.
      await jsm.consumers.add(JOBS_STREAM, { durable_name: WORKERS, ack_policy: AckPolicy.Explicit, ack_wait: ackWait, deliver_policy: DeliverPolicy.All, max_deliver: -1 });
    } catch (error) {
      await jsm.consumers.info(JOBS_STREAM, WORKERS).catch(() => {
        throw error;
      });
    }
  }
}
