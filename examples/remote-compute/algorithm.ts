// The algorithm of the seed talk's remote-compute example (sPickle, EuroPython 2011), ported.
// The worker has never seen this module: its code travels with the function that uses it.

/** What a computation gives: the value, an error text, and the exception, if one was raised. */
export class Result {
  constructor(
    readonly value: unknown,
    readonly error: string | null,
    readonly exception: Error | null,
  ) {}
}

export class ComputeTheAnswer {
  result: unknown = null;
  error: string | null = null;
  exception: Error | null = null;

  constructor(
    readonly param1: unknown,
    readonly param2: unknown,
  ) {}

  compute(): void {
    try {
      this.result = plus(this.param1, this.param2);
      if (toInt(this.result) !== 42) this.error = "Result is inconsistent with previous calculations!";
    } catch (e) {
      this.error = "Hey, you asked the wrong question. Try again with different parameters!";
      this.exception = e as Error;
    }
  }

  getResult(): Result {
    return new Result(this.result, this.error, this.exception);
  }
}

/** Python's `+`: numbers add, strings concatenate, anything else is a TypeError. */
function plus(a: unknown, b: unknown): unknown {
  if (typeof a === "number" && typeof b === "number") return a + b;
  if (typeof a === "string" && typeof b === "string") return a + b;
  throw new TypeError(`unsupported operand type(s) for +: '${typeName(a)}' and '${typeName(b)}'`);
}

/** Python's `int()` of a number or a numeric string. */
function toInt(v: unknown): number {
  const n = typeof v === "string" && /^\s*[-+]?\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n)) throw new TypeError(`int() argument must be a string or a number, not '${typeName(v)}'`);
  return Math.trunc(n);
}

function typeName(v: unknown): string {
  return v === null ? "null" : typeof v;
}
