// Async methods: class and object, static, private, with `super`, getters of tasks; and
// concurrent method calls on shared instances.
import type { AsyncCase } from "../support/async-case.js";

export const log: unknown[] = [];

export async function probe(): Promise<number> {
  return new Account("p", 1).deposit(1);
}

class Base {
  constructor(public name: string) {}
  async describe(): Promise<string> {
    await null;
    return `base ${this.name}`;
  }
  static async make(name: string): Promise<Base> {
    await null;
    return new this(name);
  }
}

class Account extends Base {
  #balance: number;
  static count = 0;
  constructor(name: string, balance: number) {
    super(name);
    this.#balance = balance;
    Account.count++;
  }
  async deposit(n: number): Promise<number> {
    await this.#audit(`deposit ${n}`);
    this.#balance += n;
    return this.#balance;
  }
  async #audit(what: string): Promise<void> {
    log.push(`${this.name}: ${what}`);
    await null;
  }
  override async describe(): Promise<string> {
    const base = await super.describe();
    return `${base} with ${this.#balance}`;
  }
  static override async make(name: string): Promise<Account> {
    const made = (await super.make(name)) as Account;
    log.push(`made ${made.name}`);
    return made;
  }
  async withArrow(): Promise<string> {
    const inner = async () => `${this.name} ${await this.#audit("arrow")}`;
    return inner();
  }
}

class Later {
  get later(): Promise<string> {
    return (async () => {
      await null;
      return "got";
    })();
  }
}

const makeCounter = () => ({
  n: 0,
  async bump(by: number) {
    await null;
    this.n += by;
    return this.n;
  },
  async ["computed" + "Key"]() {
    return "computed";
  },
});

export const cases: AsyncCase[] = [
  { name: "method", run: () => new Account("a", 10).deposit(5) },
  { name: "private async method", run: async () => { const a = new Account("b", 0); await a.deposit(1); return a.deposit(2); } },
  { name: "super in async method", run: () => new Account("c", 3).describe() },
  { name: "static async with super", run: async () => (await Account.make("d")).describe() },
  { name: "async arrow in method sees this and private", run: () => new Account("e", 1).withArrow() },
  { name: "object literal async method", run: async () => { const counter = makeCounter(); return [await counter.bump(1), await counter.bump(2)]; } },
  { name: "computed async method key", run: () => (makeCounter() as unknown as { computedKey(): Promise<string> }).computedKey() },
  { name: "concurrent deposits interleave", run: async () => { const a = new Account("f", 0); const r = await Promise.all([a.deposit(1), a.deposit(2), a.deposit(3)]); return r; } },
  { name: "two accounts", run: async () => { const x = new Account("x", 0); const y = new Account("y", 100); const px = x.deposit(1); const py = y.deposit(1); return [await py, await px]; } },
  { name: "method reflection", run: () => { const m = Account.prototype.deposit; log.push(m.name, m.length, Object.prototype.hasOwnProperty.call(m, "prototype")); return m.call(new Account("r", 0), 1); } },
  { name: "method throws", run: async () => { class T { async boom() { await null; throw new RangeError("boom"); } } try { await new T().boom(); } catch (e) { log.push((e as Error).constructor.name); } return 1; } },
  { name: "getter returning a task", run: async () => new Later().later },
  { name: "class field arrow", run: async () => { class F { v = 7; go = async () => { await null; return this.v; }; } const f = new F(); const go = f.go; return go(); } },
];

// Each of these method shapes, in three interleavings with a plain helper.
const shapes: [string, () => Promise<unknown>][] = [
  ["deposit", () => new Account("s", 1).deposit(1)],
  ["describe", () => new Account("s", 2).describe()],
  ["make", () => Account.make("s")],
  ["withArrow", () => new Account("s", 3).withArrow()],
  ["bump", () => makeCounter().bump(1)],
];
async function helper(n: number): Promise<number> {
  for (let i = 0; i < n; i++) {
    log.push(`helper ${i}`);
    await null;
  }
  return n;
}
for (const [shape, make] of shapes) {
  for (const steps of [0, 1, 3]) {
    cases.push({ name: `${shape} alongside a helper of ${steps}`, run: async () => { const h = helper(steps); const m = make(); log.push("both started"); return [String(await m), await h]; } });
  }
}
