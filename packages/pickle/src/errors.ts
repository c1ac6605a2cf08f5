// Two error types, one per direction. Encoding failures name *where* in the graph the bad value
// sits (the path is only built when the error happens); decoding failures are always a
// SnapshotError, so a caller reading untrusted bytes has exactly one thing to catch.

/** A value in the graph cannot be serialized. `path` is like `root.jobs[3].pending`. */
export class SerializeError extends Error {
  readonly path: string;
  readonly typeName: string;
  readonly reason: string;
  constructor(typeName: string, path: string, reason: string, options?: { cause?: unknown }) {
    super(`cannot serialize ${typeName} at ${path}: ${reason}`, options);
    this.name = "SerializeError";
    this.path = path;
    this.typeName = typeName;
    this.reason = reason;
  }
}

/** Bytes are not a valid snapshot (or graph body), or fail verification. One-line message. */
export class SnapshotError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SnapshotError";
  }
}

/** Wraps anything thrown while decoding untrusted bytes, so callers see only SnapshotError. */
export function asSnapshotError(err: unknown, what: string): SnapshotError {
  if (err instanceof SnapshotError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new SnapshotError(`malformed ${what}: ${detail.split("\n")[0]}`, { cause: err });
}

/** An input echoed in an error message, cut to `max` characters. */
export function cut(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
