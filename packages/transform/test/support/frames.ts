// Helpers for tests that capture compiled generators as data: a handle table for the objects the
// frames do not own, and a check that captured data is plain.

/** Handles for the objects the frames do not own: `{ $handle: i }`, one per object. */
export class HandleTable {
  private readonly objects: object[] = [];
  private readonly indexes = new Map<object, number>();
  external = (value: object): unknown => {
    let index = this.indexes.get(value);
    if (index === undefined) {
      index = this.objects.length;
      this.objects.push(value);
      this.indexes.set(value, index);
    }
    return { $handle: index };
  };
  resolve = (handle: unknown): unknown => {
    const index = (handle as { $handle?: unknown } | null)?.$handle;
    if (typeof index !== "number" || index < 0 || index >= this.objects.length) throw new Error(`unknown handle ${JSON.stringify(handle)}`);
    return this.objects[index];
  };
}

/** Paths of values in captured data that are not plain (functions, symbols, class instances). */
export function nonPlainPaths(data: unknown): string[] {
  const problems: string[] = [];
  const seen = new Set<object>();
  const stack: [unknown, string][] = [[data, "data"]];
  while (stack.length > 0 && problems.length < 10) {
    const [value, path] = stack.pop()!;
    if (typeof value === "function" || typeof value === "symbol") {
      problems.push(`${path}: ${typeof value}`);
      continue;
    }
    if (typeof value !== "object" || value === null || seen.has(value)) continue;
    seen.add(value);
    const proto = Object.getPrototypeOf(value);
    if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
      problems.push(`${path}: ${proto?.constructor?.name ?? "object"} instance`);
      continue;
    }
    if (Object.getOwnPropertySymbols(value).length > 0) problems.push(`${path}: symbol-keyed properties`);
    for (const key of Object.keys(value)) stack.push([(value as Record<string, unknown>)[key], `${path}.${key}`]);
  }
  return problems;
}
