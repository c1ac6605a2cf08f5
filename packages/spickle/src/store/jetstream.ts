// Checkpoints in a JetStream Object Store: object `<job>/<seq>` (sequence numbers zero-padded, so
// names sort as numbers). An object is visible only once all its chunks are stored, so a worker
// that dies during an upload leaves the previous checkpoint as the latest.

import type { ObjectStore } from "@nats-io/obj";
import { checkJobId, newestOf, pruned, type CheckpointStore, type StoredCheckpoint } from "./store.js";

const SEQ_DIGITS = 10;

export class JetStreamStore implements CheckpointStore {
  constructor(readonly objects: ObjectStore) {}

  private name(jobId: string, seq: number): string {
    return `${checkJobId(jobId)}/${String(seq).padStart(SEQ_DIGITS, "0")}`;
  }

  async put(jobId: string, seq: number, bytes: Uint8Array): Promise<void> {
    await this.objects.putBlob({ name: this.name(jobId, seq) }, bytes);
  }

  latest(jobId: string): Promise<StoredCheckpoint | null> {
    return newestOf(this, jobId);
  }

  async get(jobId: string, seq: number): Promise<Uint8Array | null> {
    return await this.objects.getBlob(this.name(jobId, seq));
  }

  /** Lists every object of the bucket (see prune). */
  async list(jobId: string): Promise<number[]> {
    const prefix = `${checkJobId(jobId)}/`;
    const seqs: number[] = [];
    for (const info of await this.objects.list()) {
      if (info.deleted || !info.name.startsWith(prefix)) continue;
      const seq = info.name.slice(prefix.length);
      if (/^\d+$/.test(seq)) seqs.push(Number(seq));
    }
    return seqs.sort((a, b) => a - b);
  }

  /** Lists every object of the bucket (names are not filtered on the server): for cleanups, not
   * for every checkpoint (a worker deletes the checkpoint that falls out of its window by name). */
  async prune(jobId: string, keep: number): Promise<void> {
    for (const seq of pruned(await this.list(jobId), keep)) await this.delete(jobId, seq);
  }

  async delete(jobId: string, seq: number): Promise<void> {
    const name = this.name(jobId, seq);
    if ((await this.objects.info(name)) !== null) await this.objects.delete(name);
  }
}
