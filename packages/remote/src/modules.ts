// Module code, once per connection. A function travels as (module record, function id, scope)
// (see @spickle/pickle's modules by value); on a connection the record's code — restore form,
// source map, binding tables — is written the first time, with a number the sending side gives
// it, and after that the record is named by that number alone: n for a module whose code this
// message's sender sent, -n for one whose code its receiver sent (a small message stays small,
// and its receiver finds the module without building and hashing an id-and-hash key). Each side
// keeps, per connection, the instance it uses for every module both sides hold:
// - the worker rebuilds an instance from the code once and reuses it; every message's binding
//   values (the caller's module state at the time of the call) are written into it;
// - the caller uses its own loaded instance — the one it sent, or a live one with the same id and
//   hash — so values coming back are of its own functions and classes, never copies.

import { adoptModuleInstance, SnapshotError, type DecodeContext, type EncodeContext, type ObjectHandler } from "@spickle/pickle";
import { liveModule, ModuleRecord, restoreModule, type ModuleInfo } from "@spickle/runtime";

export type ModuleRole = "caller" | "worker";

const keyOf = (id: string, hash: string): string => `${id}\0${hash}`;

/** Module records' keys, computed once per record. */
const keys = new WeakMap<ModuleRecord, string>();

function keyOfRecord(record: ModuleRecord): string {
  let key = keys.get(record);
  if (key === undefined) keys.set(record, (key = keyOf(record.id, record.hash)));
  return key;
}

export class ModuleExchange {
  /** Instances of the modules both ends hold, by id and hash. */
  private readonly shared = new Map<string, ModuleRecord>();
  /** Records whose code the message being encoded carries, with their numbers (shared once it
   * is sent). */
  private readonly sending = new Map<string, { record: ModuleRecord; number: number }>();
  /** Numbers of the modules whose code this side sent, both ways, and the last one given. */
  private readonly mine = new Map<string, number>();
  private readonly mineByNumber = new Map<number, ModuleRecord>();
  private lastNumber = 0;
  /** Numbers the other side gave the modules whose code it sent, both ways. */
  private readonly theirs = new Map<number, ModuleRecord>();
  private readonly theirNumberOf = new Map<string, number>();
  /** Instances this side rebuilt from code it received. */
  private readonly rebuilt = new WeakSet<ModuleRecord>();

  constructor(private readonly role: ModuleRole) {}

  /** The message being encoded was sent: the peer now holds the code it carried. */
  sent(): void {
    for (const [key, { record, number }] of this.sending) {
      this.shared.set(key, record);
      this.mine.set(key, number);
      this.mineByNumber.set(number, record);
    }
    this.sending.clear();
  }

  /** The message being encoded was not sent. */
  dropped(): void {
    this.sending.clear();
  }

  readonly handler: ObjectHandler<ModuleRecord> = {
    kind: "spickle.remote.module",
    claims: (value) => value instanceof ModuleRecord,
    describe: (record, ctx) => this.describe(record, ctx),
    create: (fields, ctx) => this.create(fields, ctx),
  };

  private describe(record: ModuleRecord, ctx: EncodeContext): { create: unknown[] } {
    const key = keyOfRecord(record);
    const mine = this.mine.get(key);
    if (mine !== undefined) return { create: [mine] };
    const theirs = this.theirNumberOf.get(key);
    if (theirs !== undefined) return { create: [-theirs] };
    if (this.shared.has(key) || this.sending.has(key)) return { create: [record.id, record.hash] };
    if (record.info.code === null) ctx.fail("module", `module ${record.id} has no restore form`);
    const number = ++this.lastNumber;
    this.sending.set(key, { record, number });
    return { create: [record.id, record.hash, record.writtenInfo(), number] };
  }

  private create(fields: unknown[], ctx: DecodeContext): ModuleRecord {
    if (fields.length === 1) return this.numbered(fields[0], ctx);
    const [id, hash, info, number] = fields;
    if (typeof id !== "string" || typeof hash !== "string") throw new SnapshotError("malformed module reference");
    const key = keyOf(id, hash);
    let record = this.shared.get(key);
    if (info !== undefined) {
      if (!ctx.allowCode) throw new SnapshotError(`the message carries code (module ${id}) but code is not allowed`);
      if (record === undefined) {
        record = this.instanceFor(info as ModuleInfo);
        this.shared.set(key, record);
      }
      if (typeof number === "number" && number > 0) {
        this.theirs.set(number, record);
        this.theirNumberOf.set(key, number);
      }
    } else if (record === undefined) {
      throw new SnapshotError(`the message refers to module ${id} (source ${hash.slice(0, 12)}), whose code this connection never carried`);
    }
    // The worker's instances take the state each message carries; the caller's are its own.
    if (this.rebuilt.has(record) && (this.role === "worker" || info !== undefined)) adoptModuleInstance(record, ctx);
    return record;
  }

  /** A module named by its number (see the top of this file). */
  private numbered(number: unknown, ctx: DecodeContext): ModuleRecord {
    const n = typeof number === "number" && Number.isInteger(number) ? number : 0;
    if (n === 0) throw new SnapshotError("malformed module reference");
    const record = n > 0 ? this.theirs.get(n) : this.mineByNumber.get(-n);
    if (record === undefined) throw new SnapshotError(`the message refers to module #${n}, whose code this connection never carried`);
    if (this.rebuilt.has(record) && this.role === "worker") adoptModuleInstance(record, ctx);
    return record;
  }

  private instanceFor(info: ModuleInfo): ModuleRecord {
    if (this.role === "caller") {
      const live = liveModule(info.id, info.hash);
      if (live !== undefined) return live;
    }
    const record = restoreModule(info);
    this.rebuilt.add(record);
    return record;
  }
}
