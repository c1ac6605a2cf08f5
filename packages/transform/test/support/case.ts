// A differential test case: a small generator program, run natively and compiled, whose observable
// behaviour (yielded values, completion, thrown errors, logged side effects) must be identical.

export interface GenCase {
  /** Unique within its corpus file; names the vitest test. */
  name: string;
  /** Creates a fresh generator (or any iterator) to drive. */
  make: () => Iterator<unknown, unknown, unknown>;
  /** Values passed to `next()`, one per step (step 0's value is ignored by generators). */
  sends?: unknown[];
  /** Step limit (for infinite generators); default 50. */
  maxSteps?: number;
  /** A non-iteration check (reflection): its normalized result (or thrown error) is compared. */
  check?: () => unknown;
  /** A module-level array the program appends side effects to; the harness empties it before
   * `make` and records what each step appended. */
  log?: unknown[];
  /** Skip the injected `return()`/`throw()` plans (for iterators whose injection is meaningless). */
  plainOnly?: boolean;
  /** The program holds on to its own generator object (re-entry tests), so a generator rebuilt
   * from captured frame data is, rightly, a different object: excluded from the frame tests. */
  identityBound?: boolean;
}
