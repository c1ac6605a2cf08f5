// `spickle queue submit | worker | status | result | cancel`: durable jobs on a NATS JetStream
// server (../queue/). The NATS client loads only when one of these commands runs.

import { realpathSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { isCompiledGeneratorFunction } from "@spickle/runtime";
import type { CheckpointableMain } from "../checkpoint.js";
import type { JobRecord, Queue } from "../queue/queue.js";
import { Option, type Command } from "./commander.js";
import { EXIT_OK, EXIT_PROGRAM_FAILED, UsageError } from "./errors.js";
import { parseDuration } from "./options.js";

const NATS_DEFAULT = "nats://127.0.0.1:4222";

function natsOption(): Option {
  return new Option("--nats <url>", "the NATS server (JetStream enabled)").default(process.env.SPICKLE_NATS ?? NATS_DEFAULT, "$SPICKLE_NATS or " + NATS_DEFAULT);
}

function positiveInt(what: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`spickle: ${what} must be a positive whole number, not ${JSON.stringify(value.slice(0, 200))}`);
    return Number(value);
  };
}

async function openQueue(nats: string, ackWaitMs?: number): Promise<Queue> {
  const { Queue } = await import("../queue/queue.js");
  try {
    return await Queue.open({ nats, ackWaitMs });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** What `queue` commands do; they resolve with the exit code. */
export function addQueueCommand(program: Command, examples: (lines: string[]) => string, setExit: (code: number) => void): void {
  const queue = program
    .command("queue")
    .summary("durable jobs on NATS JetStream: submit, worker, status, result, cancel")
    .description(
      "Run checkpointable programs as jobs that any worker can take, and that another worker resumes from the latest " +
        "checkpoint when one dies. Jobs, their status and their checkpoints live on a NATS JetStream server " +
        "(nats-server -js). A job runs at least once from each checkpoint: see the README's 'Many machines'.",
    )
    .exitOverride()
    .addHelpText(
      "after",
      examples([
        "$ spickle queue worker --nats nats://127.0.0.1:4222 --concurrency 2",
        "$ spickle queue submit --nats nats://127.0.0.1:4222 job.ts 1000      # prints the job id",
        "$ spickle queue result --wait job-5f2c…",
      ]),
    );

  queue
    .command("submit")
    .summary("enqueue a script as a job; prints its id")
    .argument("<script>", "the script; its default export must be a generator function (cp, ...args)")
    .argument("[args...]", "arguments for the script")
    .addOption(natsOption())
    .option("--job <id>", "the job's id (default: a new one)")
    .passThroughOptions()
    .exitOverride()
    .action(async (script: string, args: string[], options: { nats: string; job?: string }) => {
      const given = resolve(script);
      if (!(statSync(given, { throwIfNoEntry: false })?.isFile() ?? false)) throw new UsageError(`spickle: ${script.slice(0, 200)}: no such file`);
      const entry = realpathSync(given);
      const { importEntry } = await import("./run.js");
      const main = (await importEntry(entry)).default;
      if (!isCompiledGeneratorFunction(main)) {
        throw new UsageError(`spickle: ${script.slice(0, 200)}: a job's default export must be a generator function (cp, ...args) compiled by spickle`);
      }
      const q = await openQueue(options.nats);
      try {
        const { submitJob } = await import("../queue/jobs.js");
        let id: string;
        try {
          id = await submitJob(q, main as CheckpointableMain<string[], unknown>, { id: options.job, script: entry }, ...args);
        } catch (error) {
          throw new UsageError((error as Error).message);
        }
        process.stdout.write(`${id}\n`);
      } finally {
        await q.close();
      }
      // The script's module ran here only to be captured: nothing of it goes on in this process.
      process.exit(EXIT_OK);
    });

  queue
    .command("worker")
    .summary("take jobs and run them until SIGINT/SIGTERM")
    .addOption(natsOption())
    .addOption(new Option("--concurrency <n>", "jobs run at once").default(1).argParser(positiveInt("--concurrency")))
    .addOption(new Option("--checkpoint-every <duration>", "checkpoint each running job after each interval").default(10_000, "10s").argParser(parseDuration))
    .addOption(new Option("--ack-wait <duration>", "how long a job's claim lasts without a heartbeat").default(30_000, "30s").argParser(parseDuration))
    .addOption(new Option("--max-deliver <n>", "starts of a job before it goes to the dead letters").default(10).argParser(positiveInt("--max-deliver")))
    .addOption(new Option("--keep <n>", "checkpoints kept per job").default(3).argParser(positiveInt("--keep")))
    .exitOverride()
    .action(async (options: { nats: string; concurrency: number; checkpointEvery: number; ackWait: number; maxDeliver: number; keep: number }) => {
      const q = await openQueue(options.nats, options.ackWait);
      const { runWorker } = await import("../queue/worker.js");
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      process.stderr.write(`spickle queue worker: taking jobs from ${options.nats} (${options.concurrency} at once)\n`);
      await runWorker(q, {
        concurrency: options.concurrency,
        checkpointEveryMs: options.checkpointEvery,
        ackWaitMs: options.ackWait,
        maxDeliver: options.maxDeliver,
        keep: options.keep,
        signal: stop.signal,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      await q.close();
      // Jobs handed back leave their paused programs behind: nothing of them goes on here.
      process.exit(EXIT_OK);
    });

  queue
    .command("status")
    .summary("a table of jobs (or one job)")
    .argument("[job]", "one job's id")
    .addOption(natsOption())
    .option("--json", "print the records as JSON")
    .exitOverride()
    .action(async (job: string | undefined, options: { nats: string; json?: boolean }) => {
      const q = await openQueue(options.nats);
      try {
        const records = job === undefined ? await q.allJobs() : [await q.job(job)].filter((r): r is JobRecord => r !== null);
        if (job !== undefined && records.length === 0) throw new UsageError(`spickle: no job named ${job.slice(0, 200)}`);
        process.stdout.write(options.json ? `${JSON.stringify(job === undefined ? records : records[0], null, 2)}\n` : statusTable(records));
      } finally {
        await q.close();
      }
    });

  queue
    .command("result")
    .summary("print a job's result as JSON, or its error (exit code as the program's)")
    .argument("<job>", "the job's id")
    .addOption(natsOption())
    .option("--wait", "wait until the job has ended")
    .addOption(new Option("--timeout <duration>", "with --wait: give up after this long").argParser(parseDuration))
    .exitOverride()
    .action(async (job: string, options: { nats: string; wait?: boolean; timeout?: number }) => {
      const q = await openQueue(options.nats);
      try {
        const { jobResult } = await import("../queue/jobs.js");
        let record: JobRecord;
        try {
          record = await jobResult(q, job, { wait: options.wait, timeoutMs: options.timeout });
        } catch (error) {
          throw new UsageError((error as Error).message);
        }
        if (record.state === "done") {
          process.stdout.write(`${JSON.stringify(record.result ?? null)}\n`);
          setExit(EXIT_OK);
        } else if (record.state === "failed" || record.state === "cancelled") {
          process.stderr.write(`spickle: job ${record.id} ${record.state}${record.error ? `: ${record.error}` : ""}\n`);
          setExit(EXIT_PROGRAM_FAILED);
        } else {
          process.stderr.write(`spickle: job ${record.id} is ${record.state} (--wait waits for its end)\n`);
          setExit(75);
        }
      } finally {
        await q.close();
      }
    });

  queue
    .command("cancel")
    .summary("cancel a job")
    .argument("<job>", "the job's id")
    .addOption(natsOption())
    .exitOverride()
    .action(async (job: string, options: { nats: string }) => {
      const q = await openQueue(options.nats);
      try {
        const { cancelJob } = await import("../queue/jobs.js");
        try {
          const record = await cancelJob(q, job);
          process.stdout.write(`job ${record.id}: ${record.state}\n`);
        } catch (error) {
          throw new UsageError((error as Error).message);
        }
      } finally {
        await q.close();
      }
    });
}

function age(ms: number | null): string {
  if (ms === null) return "-";
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
}

/** The status table: job, state, worker, checkpoints, last checkpoint age, attempts. */
export function statusTable(records: JobRecord[]): string {
  const rows = [["JOB", "STATE", "WORKER", "CHECKPOINTS", "LAST CHECKPOINT", "ATTEMPTS"]];
  for (const r of records) rows.push([r.id, r.state, r.worker ?? "-", String(r.checkpoints), age(r.lastCheckpointAt), String(r.attempts)]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")).join("\n") + "\n";
}
