// Where a job's checkpoints live. A store keeps, per job id, numbered checkpoints (sequence
// numbers grow with each checkpoint of the job); `latest` is the one a resume continues from.
// Two stores: files in a folder (one machine) and a JetStream Object Store (many machines).

import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeSnapshotFile } from "@spickle/pickle";

export interface StoredCheckpoint {
  seq: number;
  bytes: Uint8Array;
}

export interface CheckpointStore {
  /** Stores checkpoint `seq` of `jobId` completely, or throws and changes nothing. */
  put(jobId: string, seq: number, bytes: Uint8Array): Promise<void>;
  /** The checkpoint with the highest sequence number, or null when the job has none. */
  latest(jobId: string): Promise<StoredCheckpoint | null>;
  /** Checkpoint `seq` of `jobId`, or null. */
  get(jobId: string, seq: number): Promise<Uint8Array | null>;
  /** The job's sequence numbers, ascending. */
  list(jobId: string): Promise<number[]>;
  /** Removes all but the newest `keep` checkpoints of the job (all of them for keep = 0). */
  prune(jobId: string, keep: number): Promise<void>;
  /** Removes checkpoint `seq` of `jobId` if it exists. */
  delete(jobId: string, seq: number): Promise<void>;
}

/** A job id as it may appear in a file or object name. */
export function checkJobId(jobId: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(jobId)) {
    throw new Error(`spickle: bad job id ${JSON.stringify(jobId.slice(0, 200))}: letters, digits, '_', '.', '-', at most 128`);
  }
  return jobId;
}

/** Removes every checkpoint but the newest `keep` of a list of sequence numbers (ascending). */
export function pruned(seqs: number[], keep: number): number[] {
  return seqs.slice(0, Math.max(0, seqs.length - keep));
}

/** The newest checkpoint a store lists that it still has (a prune may remove one meanwhile). */
export async function newestOf(store: CheckpointStore, jobId: string): Promise<StoredCheckpoint | null> {
  const seqs = await store.list(jobId);
  for (let i = seqs.length - 1; i >= 0; i--) {
    const bytes = await store.get(jobId, seqs[i]!);
    if (bytes !== null) return { seq: seqs[i]!, bytes };
  }
  return null;
}

/** Checkpoints as files `<dir>/<job>.<seq>.ckpt`, each written atomically. */
export class FileStore implements CheckpointStore {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private path(jobId: string, seq: number): string {
    return join(this.dir, `${checkJobId(jobId)}.${seq}.ckpt`);
  }

  async put(jobId: string, seq: number, bytes: Uint8Array): Promise<void> {
    writeSnapshotFile(this.path(jobId, seq), bytes);
  }

  latest(jobId: string): Promise<StoredCheckpoint | null> {
    return newestOf(this, jobId);
  }

  async get(jobId: string, seq: number): Promise<Uint8Array | null> {
    try {
      return readFileSync(this.path(jobId, seq));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async list(jobId: string): Promise<number[]> {
    const prefix = `${checkJobId(jobId)}.`;
    const seqs: number[] = [];
    for (const name of readdirSync(this.dir)) {
      if (!name.startsWith(prefix) || !name.endsWith(".ckpt")) continue;
      const seq = name.slice(prefix.length, -".ckpt".length);
      if (/^\d+$/.test(seq)) seqs.push(Number(seq));
    }
    return seqs.sort((a, b) => a - b);
  }

  async prune(jobId: string, keep: number): Promise<void> {
    for (const seq of pruned(await this.list(jobId), keep)) await this.delete(jobId, seq);
  }

  async delete(jobId: string, seq: number): Promise<void> {
    rmSync(this.path(jobId, seq), { force: true });
  }
}
