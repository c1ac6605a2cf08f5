// Restore side of the built-in host-object policies (kinds/host.ts writes the state): fs streams
// and FileHandles re-open by path, flags and position. These functions are exports of
// @spickle/pickle and every ReferenceTable knows them, so a snapshot names them by reference
// (`@spickle/pickle#restoreReadStream`) and a loading process needs no registration.
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import { SnapshotError } from "./errors.js";

const C = fs.constants;

/** What is kept of an fs.ReadStream: where it reads from, and the byte its reader reached. */
export interface ReadStreamState {
  path: string;
  flags: string | number;
  mode: number;
  /** The next byte the program would get: start + bytes read - bytes still buffered. */
  position: number;
  end: number | null;
  highWaterMark: number;
  encoding: BufferEncoding | null;
}

/** What is kept of an fs.WriteStream: where it writes, and the byte the next write lands on. */
export interface WriteStreamState {
  path: string;
  flags: string | number;
  mode: number;
  /** start + bytes written; null for append mode (every write goes to the end anyway). */
  position: number | null;
  highWaterMark: number;
}

/** What is kept of a FileHandle: its file, access mode and file position (Linux: /proc). */
export interface FileHandleState {
  path: string;
  /** Open flags without the creation ones (O_CREAT, O_TRUNC, O_EXCL never apply twice). */
  flags: number;
  position: number;
  closed: boolean;
}

/** Re-opens a file read stream where its reader stopped. */
export function restoreReadStream(state: ReadStreamState): fs.ReadStream {
  const path = checkedPath(state, "fs.ReadStream");
  mustExist(path, "fs.ReadStream");
  const stream = fs.createReadStream(path, {
    flags: state.flags as string, // fs.open takes numeric flags too
    mode: state.mode,
    start: state.position,
    end: state.end ?? undefined,
    highWaterMark: state.highWaterMark,
  });
  if (state.encoding !== null) stream.setEncoding(state.encoding);
  return stream;
}

/** Re-opens a file write stream so that the next write lands where the next one would have:
 * never truncating or requiring the file to be new again (the flags lose O_TRUNC and O_EXCL). */
export function restoreWriteStream(state: WriteStreamState): fs.WriteStream {
  const path = checkedPath(state, "fs.WriteStream");
  return fs.createWriteStream(path, {
    flags: reopenFlags(state.flags) as unknown as string, // fs.open takes numeric flags too
    mode: state.mode,
    start: state.position ?? undefined,
    highWaterMark: state.highWaterMark,
  });
}

/** A FileHandle cannot be made synchronously (loads is synchronous): the restored handle opens
 * its file on first use and forwards to the real FileHandle. */
export function restoreFileHandle(state: FileHandleState): RestoredFileHandle {
  const path = checkedPath(state, "FileHandle");
  if (!state.closed) mustExist(path, "FileHandle");
  return new RestoredFileHandle(state);
}

/** A file that must be there to be re-opened fails the load, rather than an 'error' event later. */
function mustExist(path: string, what: string): void {
  try {
    fs.accessSync(path);
  } catch (err) {
    throw new SnapshotError(`cannot re-open the file of a ${what}: ${(err as Error).message}`, { cause: err });
  }
}

function checkedPath(state: { path: unknown }, what: string): string {
  if (typeof state !== "object" || state === null || typeof state.path !== "string") {
    throw new SnapshotError(`malformed ${what} state`);
  }
  return state.path;
}

/** Open flags (a string such as "w+" or a number) as a number without O_TRUNC and O_EXCL: a
 * file re-opened on resume keeps what was written before the checkpoint. */
export function reopenFlags(flags: string | number): number {
  const n = typeof flags === "number" ? flags : FLAG_STRINGS[flags];
  if (n === undefined) throw new SnapshotError(`unknown file open flags ${JSON.stringify(flags)}`);
  return n & ~(C.O_TRUNC | C.O_EXCL);
}

// The documented flag strings (fs "File system flags"), as Node maps them.
const FLAG_STRINGS: Record<string, number> = {
  r: C.O_RDONLY,
  rs: C.O_RDONLY | C.O_SYNC,
  sr: C.O_RDONLY | C.O_SYNC,
  "r+": C.O_RDWR,
  "rs+": C.O_RDWR | C.O_SYNC,
  "sr+": C.O_RDWR | C.O_SYNC,
  w: C.O_TRUNC | C.O_CREAT | C.O_WRONLY,
  wx: C.O_TRUNC | C.O_CREAT | C.O_WRONLY | C.O_EXCL,
  xw: C.O_TRUNC | C.O_CREAT | C.O_WRONLY | C.O_EXCL,
  "w+": C.O_TRUNC | C.O_CREAT | C.O_RDWR,
  "wx+": C.O_TRUNC | C.O_CREAT | C.O_RDWR | C.O_EXCL,
  "xw+": C.O_TRUNC | C.O_CREAT | C.O_RDWR | C.O_EXCL,
  a: C.O_APPEND | C.O_CREAT | C.O_WRONLY,
  ax: C.O_APPEND | C.O_CREAT | C.O_WRONLY | C.O_EXCL,
  xa: C.O_APPEND | C.O_CREAT | C.O_WRONLY | C.O_EXCL,
  as: C.O_APPEND | C.O_CREAT | C.O_WRONLY | C.O_SYNC,
  sa: C.O_APPEND | C.O_CREAT | C.O_WRONLY | C.O_SYNC,
  "a+": C.O_APPEND | C.O_CREAT | C.O_RDWR,
  "ax+": C.O_APPEND | C.O_CREAT | C.O_RDWR | C.O_EXCL,
  "xa+": C.O_APPEND | C.O_CREAT | C.O_RDWR | C.O_EXCL,
  "as+": C.O_APPEND | C.O_CREAT | C.O_RDWR | C.O_SYNC,
  "sa+": C.O_APPEND | C.O_CREAT | C.O_RDWR | C.O_SYNC,
};

export function isAppendFlags(flags: string | number): boolean {
  return (reopenFlags(flags) & C.O_APPEND) !== 0;
}

type Data = NodeJS.ArrayBufferView;

/**
 * Stands in for a FileHandle that was open when the snapshot was taken. It opens the file on
 * first use (with the original access flags, never creating or truncating it) and keeps the file
 * position itself: FileHandle has no seek, so read/write/readv/writev without a position are
 * forwarded with an explicit one, and readFile/writeFile/appendFile, streams and readLines start
 * at it. Everything else is forwarded as is. Not kept: advisory locks, and the position moved by
 * streams made from the handle.
 */
export class RestoredFileHandle {
  readonly path: string;
  readonly flags: number;
  #position: number;
  #closed: boolean;
  #handle: Promise<fsp.FileHandle> | null = null;

  constructor(state: FileHandleState) {
    this.path = state.path;
    this.flags = state.flags;
    this.#position = state.position;
    this.#closed = state.closed;
  }

  /** The state kinds/host.ts writes for this handle (it can be checkpointed again). */
  get state(): FileHandleState {
    return { path: this.path, flags: this.flags, position: this.#position, closed: this.#closed };
  }

  /** Like FileHandle.fd: -1 until the file is open again, and once closed. */
  fd = -1;

  #open(): Promise<fsp.FileHandle> {
    if (this.#closed) return Promise.reject(Object.assign(new Error("file closed"), { code: "EBADF", syscall: "open" }));
    this.#handle ??= fsp.open(this.path, this.flags).then((h) => {
      this.fd = h.fd;
      return h;
    });
    return this.#handle;
  }

  get #appending(): boolean {
    return (this.flags & C.O_APPEND) !== 0;
  }

  /** The position for an operation: an explicit one wins (and leaves the file position alone). */
  #at(position: number | bigint | null | undefined): { at: number; moves: boolean } {
    if (position === null || position === undefined || position === -1) return { at: this.#position, moves: true };
    return { at: Number(position), moves: false };
  }

  async read(buffer: Data, offset = 0, length = buffer.byteLength - offset, position?: number | bigint | null): Promise<fsp.FileReadResult<Data>> {
    const { at, moves } = this.#at(position);
    const r = await (await this.#open()).read(buffer, offset, length, at);
    if (moves) this.#position += r.bytesRead;
    return r;
  }

  /** write(buffer, offset?, length?, position?), write(buffer, { offset, length, position }) or
   * write(string, position?, encoding?), as FileHandle.write. */
  async write(data: Data | string, a?: unknown, b?: unknown, c?: unknown): Promise<{ bytesWritten: number; buffer: Data | string }> {
    let bytes: Data;
    let offset = 0;
    let length: number;
    let position: unknown;
    if (typeof data === "string") {
      bytes = Buffer.from(data, (b as BufferEncoding | undefined) ?? "utf8");
      length = bytes.byteLength;
      position = a;
    } else if (typeof a === "object" && a !== null) {
      const o = a as { offset?: number; length?: number; position?: number | null };
      bytes = data;
      offset = o.offset ?? 0;
      length = o.length ?? data.byteLength - offset;
      position = o.position;
    } else {
      bytes = data;
      offset = (a as number | undefined) ?? 0;
      length = (b as number | undefined) ?? data.byteLength - offset;
      position = c;
    }
    const h = await this.#open();
    const { at, moves } = this.#at(position as number | null | undefined);
    const r = await h.write(bytes, offset, length, this.#appending ? null : at);
    if (moves && !this.#appending) this.#position += r.bytesWritten;
    return { bytesWritten: r.bytesWritten, buffer: data };
  }

  async readv(buffers: readonly Data[], position?: number | null): Promise<fsp.FileReadResult<Data> | { bytesRead: number; buffers: readonly Data[] }> {
    const { at, moves } = this.#at(position);
    const r = await (await this.#open()).readv(buffers, at);
    if (moves) this.#position += r.bytesRead;
    return r;
  }

  async writev(buffers: readonly Data[], position?: number | null): Promise<{ bytesWritten: number; buffers: readonly Data[] }> {
    const { at, moves } = this.#at(position);
    const r = await (await this.#open()).writev(buffers, this.#appending ? undefined : at);
    if (moves && !this.#appending) this.#position += r.bytesWritten;
    return r;
  }

  /** Reads from the file position to the end of the file. */
  async readFile(options?: { encoding?: BufferEncoding | null } | BufferEncoding | null): Promise<string | Buffer> {
    const h = await this.#open();
    const chunks: Buffer[] = [];
    for (;;) {
      const r = await h.read(Buffer.allocUnsafe(64 * 1024), 0, 64 * 1024, this.#position);
      if (r.bytesRead === 0) break;
      chunks.push(r.buffer.subarray(0, r.bytesRead));
      this.#position += r.bytesRead;
    }
    const all = Buffer.concat(chunks);
    const encoding = typeof options === "string" ? options : options?.encoding;
    return encoding ? all.toString(encoding) : all;
  }

  /** Writes at the file position (at the end in append mode), like FileHandle.writeFile. */
  async writeFile(data: string | Data, options?: { encoding?: BufferEncoding | null } | BufferEncoding | null): Promise<void> {
    const encoding = (typeof options === "string" ? options : options?.encoding) ?? "utf8";
    let bytes = typeof data === "string" ? Buffer.from(data, encoding) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    while (bytes.byteLength > 0) {
      const { bytesWritten } = await this.write(bytes, 0, bytes.byteLength, null);
      bytes = bytes.subarray(bytesWritten);
    }
  }

  appendFile(data: string | Data, options?: { encoding?: BufferEncoding | null } | BufferEncoding | null): Promise<void> {
    return this.writeFile(data, options);
  }

  async createReadStream(options: { start?: number } & Record<string, unknown> = {}): Promise<fs.ReadStream> {
    return (await this.#open()).createReadStream({ start: this.#position, ...options });
  }

  async createWriteStream(options: { start?: number } & Record<string, unknown> = {}): Promise<fs.WriteStream> {
    return (await this.#open()).createWriteStream({ start: this.#position, ...options });
  }

  async stat(options?: fs.StatOptions): Promise<fs.Stats | fs.BigIntStats> {
    return (await this.#open()).stat(options);
  }
  async truncate(len?: number): Promise<void> {
    return (await this.#open()).truncate(len);
  }
  async sync(): Promise<void> {
    return (await this.#open()).sync();
  }
  async datasync(): Promise<void> {
    return (await this.#open()).datasync();
  }
  async chmod(mode: fs.Mode): Promise<void> {
    return (await this.#open()).chmod(mode);
  }
  async chown(uid: number, gid: number): Promise<void> {
    return (await this.#open()).chown(uid, gid);
  }
  async utimes(atime: fs.TimeLike, mtime: fs.TimeLike): Promise<void> {
    return (await this.#open()).utimes(atime, mtime);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const h = this.#handle;
    this.#handle = null;
    this.fd = -1;
    if (h !== null) await (await h).close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
