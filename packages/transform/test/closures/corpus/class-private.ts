// Private names: fields, methods, accessors, static private fields and methods, `#x in obj` brand
// checks, and constructors with default, rest and destructured parameters. Module-level instances
// carry private state that travels by value (re-made without running their constructors).
import type { ClosureCase } from "../case.js";

class Account {
  static #opened = 0;
  #balance = 0;
  #history: string[] = [];
  readonly owner: string;
  constructor(owner: string, initial: number) {
    this.owner = owner;
    Account.#opened++;
    this.#record("open", initial);
  }
  #record(what: string, amount: number): void {
    this.#balance += what === "withdraw" ? -amount : amount;
    this.#history.push(`${what}:${amount}`);
  }
  deposit(amount: number): number {
    this.#record("deposit", amount);
    return this.#balance;
  }
  withdraw(amount: number): number {
    if (amount > this.#balance) throw new RangeError(`${this.owner} cannot withdraw ${amount}`);
    this.#record("withdraw", amount);
    return this.#balance;
  }
  get balance(): number {
    return this.#balance;
  }
  history(): string[] {
    return [...this.#history];
  }
  static opened(): number {
    return Account.#opened;
  }
}

const savings = new Account("savings", 100);
savings.deposit(20);

class Thermometer {
  #kelvin = 273.15;
  get #celsius(): number {
    return Math.round((this.#kelvin - 273.15) * 100) / 100;
  }
  set #celsius(c: number) {
    if (c < -273.15) throw new RangeError("below absolute zero");
    this.#kelvin = c + 273.15;
  }
  set(c: number): this {
    this.#celsius = c;
    return this;
  }
  bump(by: number): number {
    this.#celsius += by;
    return this.#celsius;
  }
  read(): string {
    return `${this.#celsius}C`;
  }
}

const kitchen = new Thermometer().set(21);

class Widget {
  static #made = 0;
  static #nextId(): string {
    return `w${++Widget.#made}`;
  }
  static #registry = new Map<string, Widget>();
  readonly id = Widget.#nextId();
  constructor() {
    Widget.#registry.set(this.id, this);
  }
  static find(id: string): Widget | undefined {
    return Widget.#registry.get(id);
  }
  static count(): number {
    return Widget.#made;
  }
}

const firstWidgets = [new Widget(), new Widget()];

class Point {
  #x: number;
  #y: number;
  constructor(x: number, y: number) {
    this.#x = x;
    this.#y = y;
  }
  static isPoint(o: unknown): boolean {
    return typeof o === "object" && o !== null && #x in o;
  }
  equals(o: unknown): boolean {
    return Point.isPoint(o) && (o as Point).#x === this.#x && (o as Point).#y === this.#y;
  }
  toJSON(): number[] {
    return [this.#x, this.#y];
  }
}

class Point3 extends Point {
  #z: number;
  constructor(x: number, y: number, z: number) {
    super(x, y);
    this.#z = z;
  }
  static isPoint3(o: object): boolean {
    return #z in o;
  }
  override toJSON(): number[] {
    return [...super.toJSON(), this.#z];
  }
}

const origin = new Point(0, 0);
const lookalike = { x: 0, y: 0 };
const hollow = Object.create(Point.prototype) as Point;
const deep = new Point3(1, 2, 3);

interface Endpoint {
  host: string;
  port?: number;
}

/** A constructor with a destructured parameter: it cannot be called without an argument. */
class Connection {
  #url: string;
  #tags: string[];
  #retries: number;
  constructor({ host, port = 80 }: Endpoint, retries = 3, ...tags: string[]) {
    this.#url = `${host}:${port}`;
    this.#retries = retries;
    this.#tags = tags;
  }
  describe(): string {
    return `${this.#url} x${this.#retries} [${this.#tags.join(",")}]`;
  }
}

const primary = new Connection({ host: "db" }, 5, "main", "rw");

class Ticket {
  static #next = 1;
  #number: number;
  /** The default parameter takes the next number: only construction should advance it. */
  constructor(number = Ticket.#next++) {
    this.#number = number;
  }
  get number(): number {
    return this.#number;
  }
  static peek(): number {
    return Ticket.#next;
  }
}

const queue = [new Ticket(), new Ticket(), new Ticket(40)];

class Batch {
  #items: number[];
  constructor(...items: number[]) {
    this.#items = items;
  }
  #scaled(by: number): number[] {
    return this.#items.map((x) => x * by);
  }
  scaledBy(...factors: number[]): number[][] {
    return factors.map((f) => this.#scaled(f));
  }
  sum(): number {
    return this.#items.reduce((a, b) => a + b, 0);
  }
}

const batch = new Batch(1, 2, 3);

class Frozen {
  #hits = 0;
  readonly name: string;
  constructor(name: string) {
    this.name = name;
    Object.freeze(this);
  }
  hit(): number {
    return ++this.#hits;
  }
}

const frozen = new Frozen("ice");
frozen.hit();

class Observable {
  #value: number;
  #listeners: ((v: number) => void)[] = [];
  #self = this;
  #notify = () => this.#listeners.forEach((l) => l(this.#value));
  constructor(value: number) {
    this.#value = value;
  }
  subscribe(listener: (v: number) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }
  set(value: number): void {
    this.#value = value;
    this.#notify();
  }
  isSelf(): boolean {
    return this.#self === this;
  }
}

const seen: number[] = [];
const observable = new Observable(1);
const unsubscribeFirst = observable.subscribe((v) => seen.push(v));
observable.set(2);

export const cases: ClosureCase[] = [
  {
    name: "private fields, private methods and a static private counter",
    make: () => ({
      deposit: (n: number) => savings.deposit(n),
      withdraw: (n: number) => savings.withdraw(n),
      state: () => [savings.owner, savings.balance, savings.history(), Account.opened()],
    }),
    use: (m) => {
      const before = m.state();
      m.deposit(5);
      let refused = "";
      try {
        m.withdraw(1000);
      } catch (e) {
        refused = `${(e as Error).name}: ${(e as Error).message}`;
      }
      const other = new Account("other", 1);
      return [before, m.withdraw(25), refused, m.state(), other.history(), Object.keys(savings)];
    },
  },
  {
    name: "private accessors",
    make: () => ({ read: () => kitchen.read(), bump: (by: number) => kitchen.bump(by), set: (c: number) => kitchen.set(c) }),
    use: (m) => {
      const out: unknown[] = [m.read(), m.bump(1.5), m.read()];
      try {
        m.set(-300);
      } catch (e) {
        out.push((e as Error).message);
      }
      out.push(m.read(), Object.keys(kitchen));
      return out;
    },
  },
  {
    name: "static private fields and static private methods",
    make: () => () => {
      const third = new Widget();
      return [
        firstWidgets.map((w) => w.id),
        third.id,
        Widget.count(),
        Widget.find("w1") === firstWidgets[0],
        Widget.find(third.id) === third,
        Widget.find("w9") === undefined,
      ];
    },
    use: (f) => f(),
  },
  {
    name: "brand checks with #x in obj",
    make: () => () => [
      Point.isPoint(origin),
      Point.isPoint(lookalike),
      Point.isPoint(hollow),
      hollow instanceof Point,
      Point.isPoint(deep),
      Point3.isPoint3(deep),
      Point3.isPoint3(origin),
      origin.equals(new Point(0, 0)),
      origin.equals(lookalike),
      deep.toJSON(),
      JSON.stringify({ origin, deep }),
    ],
    use: (f) => f(),
  },
  {
    name: "constructor with destructured, default and rest parameters",
    make: () => ({
      primary: () => primary.describe(),
      more: () => [new Connection({ host: "cache", port: 6379 }).describe(), new Connection({ host: "q" }, 0, "a").describe()],
    }),
    use: (m) => [m.primary(), m.more()],
  },
  {
    name: "default parameter advancing a static private counter",
    make: () => () => {
      const numbers = queue.map((t) => t.number);
      const peeked = Ticket.peek();
      const next = new Ticket();
      return [numbers, peeked, next.number, Ticket.peek()];
    },
    use: (f) => f(),
  },
  {
    name: "private methods called from arrows with rest parameters",
    make: () => (...factors: number[]) => [batch.scaledBy(...factors), batch.sum()],
    use: (f) => [f(2, 10), f()],
  },
  {
    name: "frozen instance keeps mutable private fields",
    make: () => () => [Object.isFrozen(frozen), frozen.hit(), frozen.hit(), frozen.name, Object.keys(frozen)],
    use: (f) => f(),
  },
  {
    name: "private field holding the instance and an arrow over it",
    make: () => ({
      subscribe: (listener: (v: number) => void) => observable.subscribe(listener),
      set: (v: number) => observable.set(v),
      unsubscribeFirst: () => unsubscribeFirst(),
      seen: () => [...seen],
      isSelf: () => observable.isSelf(),
    }),
    use: (m) => {
      const mine: number[] = [];
      const off = m.subscribe((v: number) => mine.push(v * 10));
      m.set(3);
      m.unsubscribeFirst();
      m.set(4);
      off();
      m.set(5);
      return [m.seen(), mine, m.isSelf()];
    },
  },
];
