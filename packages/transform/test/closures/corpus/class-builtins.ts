// Subclasses of builtins: Error subclasses with `cause` and extra fields (compared by name,
// message, cause and instanceof, never stack text), Map, Set and Array subclasses without private
// fields, and a Promise subclass (the class works; its instances are not written).
import type { ClosureCase } from "../case.js";

class HttpError extends Error {
  status: number;
  constructor(status: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "HttpError";
    this.status = status;
  }
  get retryable(): boolean {
    return this.status >= 500;
  }
}

class NotFound extends HttpError {
  path: string;
  constructor(path: string, options?: ErrorOptions) {
    super(404, `not found: ${path}`, options);
    this.name = "NotFound";
    this.path = path;
  }
}

const socketClosed = new TypeError("socket closed");
const missing = new NotFound("/users/7", { cause: socketClosed });
const outage = new HttpError(503, "unavailable", { cause: missing });

function errorFacts(e: unknown): unknown[] {
  const err = e as Error & { status?: number; path?: string };
  return [
    err.name,
    err.message,
    err.status,
    err.path,
    err instanceof NotFound,
    err instanceof HttpError,
    err instanceof Error,
    Object.keys(err),
    Object.hasOwn(err, "cause"),
    String(err),
  ];
}

class ValidationError extends Error {
  #field: string;
  readonly code = "E_INVALID";
  constructor(field: string, message: string, options?: ErrorOptions) {
    super(`${field}: ${message}`, options);
    this.#field = field;
  }
  override get name(): string {
    return "ValidationError";
  }
  get field(): string {
    return this.#field;
  }
  static is(e: unknown): boolean {
    return typeof e === "object" && e !== null && #field in e;
  }
}

const invalidAge = new ValidationError("age", "must be positive", { cause: { got: -1 } });

class DefaultMap<K, V> extends Map<K, V> {
  create: (key: K) => V;
  constructor(create: (key: K) => V, entries?: Iterable<[K, V]>) {
    super(entries);
    this.create = create;
  }
  override get(key: K): V {
    if (!this.has(key)) this.set(key, this.create(key));
    return super.get(key)!;
  }
}

const lengths = new DefaultMap((word: string) => word.length, [["preset", 99]]);
lengths.get("abc");

class LowerSet extends Set<string> {
  override add(value: string): this {
    return super.add(String(value).toLowerCase());
  }
  override has(value: string): boolean {
    return super.has(String(value).toLowerCase());
  }
  sorted(): string[] {
    return [...this].sort();
  }
}

const tags = new LowerSet(["Red", "GREEN"]);
tags.add("Blue");

class Vector extends Array<number> {
  sum(): number {
    return this.reduce((a, b) => a + b, 0);
  }
  scaled(k: number): Vector {
    return this.map((x) => x * k) as Vector;
  }
}

class Stack<T> extends Array<T> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  peek(): T | undefined {
    return this[this.length - 1];
  }
}

const vector = Vector.of(1, 2, 3) as Vector;
const stack = new Stack<string>();
stack.push("a", "b");
(stack as unknown as { label: string }).label = "work";

class Eventually<T> extends Promise<T> {
  static made = 0;
  constructor(executor: (resolve: (v: T) => void, reject: (e: unknown) => void) => void) {
    super(executor);
    Eventually.made++;
  }
  mapTo<U>(f: (v: T) => U): Eventually<U> {
    return this.then(f) as Eventually<U>;
  }
}

export const cases: ClosureCase[] = [
  {
    name: "Error subclasses with cause and extra fields",
    make: () => ({
      missing: () => errorFacts(missing),
      outage: () => [...errorFacts(outage), outage.retryable, outage.cause === missing, missing.cause === socketClosed],
      causeChain: () => {
        const chain: string[] = [];
        for (let e: unknown = outage; e instanceof Error; e = e.cause) chain.push(`${e.name}: ${e.message}`);
        return chain;
      },
    }),
    use: (m) => [m.missing(), m.outage(), m.causeChain()],
  },
  {
    name: "Error subclasses thrown and caught with a cause",
    make: () => (path: string) => {
      try {
        try {
          throw new NotFound(path);
        } catch (inner) {
          throw new HttpError(500, "lookup failed", { cause: inner });
        }
      } catch (e) {
        const err = e as HttpError;
        return [...errorFacts(err), (err.cause as NotFound).path, errorFacts(err.cause)];
      }
    },
    use: (f) => [f("/a"), f("/b")],
  },
  {
    name: "Error subclass with a private field and a name getter",
    make: () => () => [
      invalidAge.name,
      invalidAge.message,
      invalidAge.field,
      invalidAge.code,
      invalidAge.cause,
      ValidationError.is(invalidAge),
      ValidationError.is(missing),
      invalidAge instanceof Error,
      String(invalidAge),
      Object.keys(invalidAge),
    ],
    use: (f) => f(),
  },
  {
    name: "Map subclass without private fields",
    make: () => ({
      get: (key: string) => lengths.get(key),
      state: () => [[...lengths], lengths.size, lengths instanceof Map, lengths instanceof DefaultMap, Object.keys(lengths)],
    }),
    use: (m) => [m.state(), m.get("hello"), m.get("preset"), m.state()],
  },
  {
    name: "Set subclass without private fields",
    make: () => ({
      add: (v: string) => tags.add(v).size,
      has: (v: string) => tags.has(v),
      sorted: () => tags.sorted(),
    }),
    use: (m) => [m.sorted(), m.has("RED"), m.add("red"), m.add("Yellow"), m.sorted(), tags instanceof Set],
  },
  {
    name: "Array subclasses with and without Symbol.species",
    make: () => () => {
      const doubled = vector.scaled(2);
      const mapped = stack.map((s) => s.toUpperCase());
      stack.push("c");
      return [
        [vector.sum(), doubled.sum(), doubled instanceof Vector, Array.isArray(vector), vector.length],
        [stack.peek(), mapped instanceof Stack, Array.isArray(mapped), stack.length, (stack as unknown as { label: string }).label],
        [Object.keys(stack), JSON.stringify(vector)],
        [(Vector.from([4, 5]) as Vector).sum(), Vector.from([4, 5]) instanceof Vector],
      ];
    },
    use: (f) => f(),
  },
  {
    name: "Promise subclass",
    make: () => async () => {
      const before = Eventually.made;
      const p = new Eventually<number>((resolve) => resolve(20));
      const q = p.mapTo((v) => v + 1);
      const r = Eventually.resolve(5);
      return [await q, q instanceof Eventually, r instanceof Eventually, await r, Eventually.made - before];
    },
    use: (f) => f(),
  },
];
