// `--store <url> --job <name>` of `spickle run` and `spickle resume`: checkpoints go to a checkpoint
// store (../store/) under a job name instead of a file — a JetStream Object Store (`nats://…`) or
// a folder (`file:///…` or a path). Each checkpoint gets the next sequence number; the newest
// `--keep` (default 3) are kept. `spickle resume --store <url> <job>` continues from the newest.

import { basename, extname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { CheckpointOptions } from "../checkpoint.js";
import type { CheckpointStore } from "../store/store.js";
import { clip, UsageError } from "./errors.js";

export interface StoreTarget {
  store: CheckpointStore;
  job: string;
  /** What messages show in place of a checkpoint file: `<url>#<job>`. */
  label: string;
  close(): Promise<void>;
}

const DEFAULT_KEEP = 3;

/** Opens the store a `--store` value names. */
export async function openStoreTarget(url: string, job: string): Promise<StoreTarget> {
  const { checkJobId, FileStore } = await import("../store/store.js");
  try {
    checkJobId(job);
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^spickle: /, "spickle: --job: "));
  }
  const label = `${clip(url)}#${job}`;
  if (/^nats:\/\//.test(url)) {
    const { Queue } = await import("../queue/queue.js");
    let queue;
    try {
      queue = await Queue.open({ nats: url });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    return { store: queue.store, job, label, close: () => queue.close() };
  }
  if (/^[a-z][\w+.-]*:\/\//i.test(url) && !url.startsWith("file://")) {
    throw new UsageError(`spickle: --store ${clip(url)}: a store is nats://host:port, file:///folder or a folder`);
  }
  const dir = url.startsWith("file://") ? fileURLToPath(url) : resolve(url);
  return { store: new FileStore(dir), job, label, close: async () => {} };
}

/** The job name of a script run without `--job`: its file name without the extension. */
export function defaultJobName(script: string): string {
  return basename(script, extname(script)).replace(/[^A-Za-z0-9_.-]/g, "-").replace(/^[^A-Za-z0-9]+/, "") || "job";
}

/** Makes `options` write every checkpoint into the store, numbered after the newest one there. */
export async function writeToStore(options: CheckpointOptions, target: StoreTarget, keep: number | undefined): Promise<void> {
  const seqs = await target.store.list(target.job);
  let seq = seqs.length === 0 ? 0 : seqs[seqs.length - 1]!;
  const window = keep ?? DEFAULT_KEEP;
  options.writeFile = async (_path, bytes) => {
    const next = seq + 1;
    await target.store.put(target.job, next, bytes);
    seq = next;
    if (next - window >= 0) await target.store.delete(target.job, next - window).catch(() => {});
  };
}

/** The newest checkpoint of the job, or a one-line UsageError. */
export async function latestFromStore(target: StoreTarget): Promise<Uint8Array> {
  const latest = await target.store.latest(target.job);
  if (latest === null) throw new UsageError(`spickle: ${target.label}: no checkpoint of this job in the store`);
  return latest.bytes;
}
