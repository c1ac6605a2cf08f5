// Progress of a long checkpoint or resume, on stderr. Shown only when stderr is a terminal, and
// only once the work has taken longer than a second (a small state shows nothing): one line,
// redrawn in place at most every 100 ms, erased when the work is done.

import type { Progress } from "@spickle/pickle";

/** What progress is written to (process.stderr, or a stand-in in tests). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressOptions {
  /** Milliseconds of work before anything is shown. */
  delayMs?: number;
  /** Milliseconds between two redraws. */
  intervalMs?: number;
  /** A clock in milliseconds. */
  now?: () => number;
}

const ERASE_LINE = "\r\u001b[K";

/** One progress line for one piece of work (`label`: "checkpoint", "resume"). */
export class ProgressLine {
  private readonly started: number;
  private drawnAt: number | null = null;
  private readonly delayMs: number;
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly stream: ProgressStream,
    private readonly label: string,
    options: ProgressOptions = {},
  ) {
    this.delayMs = options.delayMs ?? 1000;
    this.intervalMs = options.intervalMs ?? 100;
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
  }

  /** For the pickler's `onProgress`. */
  readonly update = (progress: Progress): void => {
    const now = this.now();
    if (now - this.started < this.delayMs) return;
    if (this.drawnAt !== null && now - this.drawnAt < this.intervalMs) return;
    this.drawnAt = now;
    this.stream.write(`${ERASE_LINE}${fit(formatProgress(this.label, progress, now - this.started), this.stream.columns)}`);
  };

  /** The work is over: erase the line if one was drawn. */
  done(): void {
    if (this.drawnAt !== null) this.stream.write(ERASE_LINE);
    this.drawnAt = null;
  }
}

/** `spickle: checkpoint: 1,234,567 objects, 45.2 MiB (3 s)` or `spickle: resume: 42% (…)`. */
export function formatProgress(label: string, progress: Progress, elapsedMs: number): string {
  const seconds = `${Math.floor(elapsedMs / 1000)} s`;
  const records = progress.records.toLocaleString("en-US");
  if (progress.total !== undefined && progress.total > 0) {
    const percent = Math.min(100, Math.floor((100 * progress.records) / progress.total));
    return `spickle: ${label}: ${percent}% (${records} of ${progress.total.toLocaleString("en-US")} records, ${seconds})`;
  }
  const bytes = progress.bytes === undefined ? "" : `, ${bytesText(progress.bytes)}`;
  return `spickle: ${label}: ${records} objects${bytes} (${seconds})`;
}

/** A line no wider than the terminal (a wrapped line could not be redrawn in place). */
function fit(line: string, columns: number | undefined): string {
  if (columns === undefined || columns <= 1 || line.length < columns) return line;
  return `${line.slice(0, columns - 2)}…`;
}

/** `512 B`, `3.4 KiB`, `45 MiB`. */
export function bytesText(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/**
 * Progress for one piece of work on `stream`, or null when `stream` is not a terminal (a pipe or
 * a file gets nothing: progress lines would only clutter a log).
 */
export function terminalProgress(stream: ProgressStream, label: string, options?: ProgressOptions): ProgressLine | null {
  return stream.isTTY === true ? new ProgressLine(stream, label, options) : null;
}
