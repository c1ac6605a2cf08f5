// Reading a snapshot file with bounded effort: only regular files, and only the bytes the frame
// declares (frame.ts), checked against the file's size before anything large is allocated. A
// device (`/dev/zero`), a FIFO or a directory is refused before it is read.
import * as fs from "node:fs";
import { constants as bufferConstants } from "node:buffer";
import { SnapshotError } from "./errors.js";
import { BODY_LENGTH_SIZE, checkFrameSize, declaredFrameSize, PREFIX, readFramePrefix } from "./frame.js";

function fileKind(stats: fs.Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  return "a special file";
}

function refuse(stats: fs.Stats): never {
  if (stats.isDirectory()) throw new SnapshotError("is a directory, not a snapshot");
  throw new SnapshotError(`not a regular file (${fileKind(stats)}), not a snapshot`);
}

/** Reads `length` bytes at `position`; fewer when the file ends first. */
function readAt(fd: number, length: number, position: number): Uint8Array {
  const out = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, out, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? out : out.subarray(0, got);
}

/**
 * The bytes of the snapshot file at `path`, after its size matched what its frame declares.
 * Throws a one-line SnapshotError for a file that is not a regular file or whose size disagrees
 * with its frame; errors of the file system (ENOENT, EACCES…) are thrown as they are. The bytes
 * still need readFrame (checksum, signature).
 */
export function readFrameFile(path: string): Uint8Array {
  // Stat before open: opening a FIFO for reading waits for a writer.
  const before = fs.statSync(path);
  if (!before.isFile()) refuse(before);
  const fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    // The path may have been replaced between stat and open: what was opened counts.
    const stats = fs.fstatSync(fd);
    if (!stats.isFile()) refuse(stats);
    const size = stats.size;
    const prefix = readFramePrefix(readAt(fd, Math.min(PREFIX, size), 0));
    const lengthAt = PREFIX + prefix.headerLength;
    const lengthField = lengthAt + BODY_LENGTH_SIZE <= size ? readAt(fd, BODY_LENGTH_SIZE, lengthAt) : undefined;
    const expected = declaredFrameSize(prefix, lengthField, size);
    checkFrameSize(size, expected);
    if (expected > bufferConstants.MAX_LENGTH) throw new SnapshotError(`snapshot too large to read (${expected} bytes)`);
    const bytes = readAt(fd, expected, 0);
    if (bytes.length !== expected) throw new SnapshotError(`truncated snapshot (${bytes.length} of ${expected} bytes; the file shrank while read)`);
    return bytes;
  } finally {
    fs.closeSync(fd);
  }
}
