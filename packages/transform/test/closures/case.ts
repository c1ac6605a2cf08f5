// A closure test case: a small program that makes closures (`make`) and uses them (`use`). The
// harness runs it natively, compiled, and compiled with its closures extracted as data
// ((id, scope) with every other object as a handle), structured-cloned and re-created in a fresh
// instance of the compiled module: all three must observe the same.

export interface ClosureCase {
  /** Unique within its file; names the test. */
  name: string;
  /** Runs the program up to where it holds closures: a function, or an array or plain object
   * of them (other values in it pass as handles). */
  make: () => unknown;
  /** Uses what `make` returned; returns what is observed (awaited). */
  use: (made: any) => unknown;
}
