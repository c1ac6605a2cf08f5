// Symbol-keyed and computed class members: Symbol.iterator generator methods (paused iterators
// travel by value), Symbol.toPrimitive, Symbol.toStringTag, Symbol.hasInstance, members keyed
// by module-level symbols and by computed strings.
import type { ClosureCase } from "../case.js";

class Range {
  lo: number;
  hi: number;
  constructor(lo: number, hi: number) {
    this.lo = lo;
    this.hi = hi;
  }
  *[Symbol.iterator](): Generator<number> {
    for (let i = this.lo; i < this.hi; i++) yield i;
  }
}

/** Iterates its range, then its extras: `yield* super[Symbol.iterator]()`. */
class PaddedRange extends Range {
  extras: number[];
  constructor(lo: number, hi: number, ...extras: number[]) {
    super(lo, hi);
    this.extras = extras;
  }
  override *[Symbol.iterator](): Generator<number> {
    yield* super[Symbol.iterator]();
    yield* this.extras;
  }
}

const digits = new Range(0, 5);
const padded = new PaddedRange(1, 3, 10, 20);
/** Paused mid-way: its position travels with it. */
const halfway = padded[Symbol.iterator]();
halfway.next();
halfway.next();

class Money {
  cents: number;
  currency: string;
  constructor(cents: number, currency = "EUR") {
    this.cents = cents;
    this.currency = currency;
  }
  [Symbol.toPrimitive](hint: string): string | number {
    if (hint === "number") return this.cents / 100;
    const whole = (this.cents / 100).toFixed(2);
    return hint === "string" ? `${whole} ${this.currency}` : `${this.currency}${whole}`;
  }
  get [Symbol.toStringTag](): string {
    return `Money(${this.currency})`;
  }
}

const price = new Money(1999);

const tag = Symbol("tag");
const secret = Symbol("secret");
const prefix = "get";

class Box {
  [tag] = "boxed";
  static [tag] = "class-level";
  #value: number;
  constructor(value: number) {
    this.#value = value;
  }
  [`${prefix}Value`](): number {
    return this.#value;
  }
  get [secret](): string {
    return `secret ${this.#value}`;
  }
  static [`${prefix}Default`](): Box {
    return new Box(0);
  }
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && tag in value;
  }
}

const box = new Box(42);

/** Keys computed by a function call when the class is defined. */
let keysMade = 0;
function nextKey(name: string): string {
  keysMade++;
  return `${name}${keysMade}`;
}

class Keyed {
  [nextKey("first")](): string {
    return "one";
  }
  [nextKey("second")](): string {
    return "two";
  }
}

const keyed = new Keyed();

function methodNamed(name: string, result: number) {
  return class {
    [name](): number {
      return result;
    }
    // @ts-expect-error the checker wants a literal key for a field; the program means a computed one
    static [`has_${name}`] = true;
  };
}

const Greeter = methodNamed("greet", 7);

export const cases: ClosureCase[] = [
  {
    name: "Symbol.iterator generator methods with yield* super",
    make: () => ({
      digits: () => [...digits],
      padded: () => [...padded],
      spread: () => Math.max(...digits),
      destructured: () => {
        const [a, , c] = padded;
        return [a, c];
      },
    }),
    use: (m) => [m.digits(), m.padded(), m.spread(), m.destructured()],
  },
  {
    name: "paused Symbol.iterator generator resumes where it was",
    make: () => () => [...halfway],
    use: (rest) => [rest(), rest()],
  },
  {
    name: "Symbol.toPrimitive and Symbol.toStringTag",
    make: () => (m: Money) => [`${m}`, +m, m + "", String(m), Object.prototype.toString.call(m), m.cents],
    use: (f) => [f(price), f(new Money(5, "USD"))],
  },
  {
    name: "members keyed by module-level symbols and computed strings",
    make: () => () => {
      const made = (Box as unknown as { getDefault(): Box }).getDefault();
      const keys = (o: object) => Reflect.ownKeys(o).map(String);
      return [
        box[tag],
        (Box as unknown as Record<symbol, string>)[tag],
        (box as unknown as { getValue(): number }).getValue(),
        (box as unknown as Record<symbol, string>)[secret],
        (made as unknown as { getValue(): number }).getValue(),
        keys(box),
        keys(Box.prototype),
        Object.getOwnPropertySymbols(Box).map(String),
      ];
    },
    use: (f) => f(),
  },
  {
    name: "Symbol.hasInstance decides instanceof",
    make: () => () => [box instanceof Box, { [tag]: 1 } instanceof Box, {} instanceof Box, price instanceof Box],
    use: (f) => f(),
  },
  {
    name: "keys computed by a function call at definition",
    make: () => () => [Object.getOwnPropertyNames(Keyed.prototype), keysMade, (keyed as any).first1(), (keyed as any).second2()],
    use: (f) => f(),
  },
  {
    name: "computed key from a captured parameter",
    make: () => () => {
      const Other = methodNamed("wave", 3);
      return [
        (new Greeter() as any).greet(),
        (Greeter as any).has_greet,
        (new Other() as any).wave(),
        Object.getOwnPropertyNames(Other.prototype),
        Object.keys(Other),
      ];
    },
    use: (f) => f(),
  },
];
