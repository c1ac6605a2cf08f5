// How far a long encode or decode is: what the caller's onProgress hears, and how often.

/** How far an encode or decode is. */
export interface Progress {
  /** Records written or read so far. */
  records: number;
  /** Decoding: the records of the whole body (encoding: unknown until the end). */
  total?: number;
  /** Encoding: bytes written so far. */
  bytes?: number;
}

/** Records between two progress calls. */
export const PROGRESS_EVERY = 16384;
