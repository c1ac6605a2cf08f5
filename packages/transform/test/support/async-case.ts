// An async differential case: a small async program, run natively and compiled, whose complete log
// of events (its own entries, interleaved across concurrently running async functions, its result
// and any unhandled rejection) must be identical.

export interface AsyncCase {
  /** Unique within its corpus file; names the vitest test. */
  name: string;
  /** Runs the program; what it returns (or throws) is logged last. */
  run: () => unknown;
  /** The program schedules native promise work (a `then` on a native promise, a timer) that no
   * snapshot holds: it is compared natively and compiled, not checkpointed. */
  foreign?: boolean;
}
