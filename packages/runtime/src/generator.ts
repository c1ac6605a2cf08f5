// Compiled generators: a generator object is a thin shell over a Frame, and a Frame is plain data.
// (Skeleton: the driver lands in the next commit; this file fixes the names other modules import.)

/** Symbol under which a compiled generator object keeps its Frame. */
export const FRAME = Symbol("spickle.frame");

export function isCompiledGenerator(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as { [FRAME]?: unknown })[FRAME] !== undefined;
}
