// Generator methods: object literals, classes, static, computed keys, super, private methods,
// getters returning generators.
import type { GenCase } from "../support/case.js";

const log: unknown[] = [];

const objectWithGeneratorMethod = {
  items: ["a", "b"],
  *each(): Generator<string, number, unknown> {
    for (const item of this.items) yield item;
    return this.items.length;
  },
  *[`com${"puted"}`](): Generator<string, void, unknown> {
    yield "computed key";
  },
  *[Symbol.iterator](): Generator<string, void, unknown> {
    yield* this.items;
  },
};

class Collection {
  static created = 0;
  private values: number[];
  #secret = "hidden";
  constructor(...values: number[]) {
    this.values = values;
    Collection.created++;
  }
  *[Symbol.iterator](): Generator<number, void, unknown> {
    yield* this.values;
  }
  *doubled(): Generator<number, string, unknown> {
    for (const v of this.values) yield v * 2;
    return "doubled done";
  }
  static *range(from: number, to: number): Generator<number, void, unknown> {
    for (let i = from; i < to; i++) yield i;
  }
  *#privateGen(): Generator<string, void, unknown> {
    yield this.#secret;
  }
  *revealSecret(): Generator<string, void, unknown> {
    yield* this.#privateGen();
    this.#secret = "changed";
    yield* this.#privateGen();
  }
  get items(): Generator<number, void, unknown> {
    return this.doubled() as unknown as Generator<number, void, unknown>;
  }
}

class Base {
  prefix = "base";
  *gen(): Generator<string, string, unknown> {
    yield `${this.prefix}:1`;
    yield `${this.prefix}:2`;
    return "base result";
  }
  static *staticGen(): Generator<string, void, unknown> {
    yield `static from ${this.name}`;
  }
  describe(): string {
    return "Base.describe";
  }
}

class Derived extends Base {
  override prefix = "derived";
  override *gen(): Generator<string, string, unknown> {
    yield "derived before";
    const r = yield* super.gen();
    yield `super returned ${r}`;
    yield super.describe();
    return "derived result";
  }
  static override *staticGen(): Generator<string, void, unknown> {
    yield "derived static";
    yield* super.staticGen();
  }
}

const protoForSuper = {
  greet(): string {
    return "proto greet";
  },
};

const objectWithSuper = {
  __proto__: protoForSuper,
  *gen(): Generator<string, void, unknown> {
    yield "own";
    yield super.greet();
    yield `${(yield "send something") as string} then ${super.greet()}`;
  },
};

class Counter {
  count = 0;
  *tick(): Generator<number, void, unknown> {
    while (this.count < 3) {
      this.count++;
      yield this.count;
    }
  }
}

class WithArrowField {
  label = "arrow field";
  gen = function* (this: WithArrowField): Generator<string, void, unknown> {
    yield this.label;
  };
}

class Tree {
  constructor(
    public value: number,
    public left?: Tree,
    public right?: Tree,
  ) {}
  *inOrder(): Generator<number, void, unknown> {
    if (this.left) yield* this.left.inOrder();
    yield this.value;
    if (this.right) yield* this.right.inOrder();
  }
}

export const cases: GenCase[] = [
  { name: "object literal generator method uses this", make: () => objectWithGeneratorMethod.each() },
  { name: "object literal computed-key generator method", make: () => (objectWithGeneratorMethod as unknown as Record<string, () => Iterator<unknown>>).computed!() },
  { name: "object literal Symbol.iterator generator", make: () => objectWithGeneratorMethod[Symbol.iterator]() },
  { name: "class Symbol.iterator generator method", make: () => new Collection(1, 2, 3)[Symbol.iterator]() },
  { name: "class generator method with return value", make: () => new Collection(4, 5).doubled() },
  { name: "static generator method", make: () => Collection.range(2, 5) },
  { name: "private generator method and private field", make: () => new Collection().revealSecret() },
  { name: "getter returning a generator", make: () => new Collection(7, 8).items },
  { name: "spread of a class iterable", make: () => [...new Collection(9, 8, 7)].values(), plainOnly: true },
  { name: "super generator via yield* in an override", make: () => new Derived().gen() },
  { name: "static generator method with super", make: () => Derived.staticGen() },
  { name: "super in an object literal generator method", make: () => objectWithSuper.gen(), sends: [0, 0, 0, "hi"] },
  { name: "generator method mutates this", make: () => new Counter().tick() },
  { name: "generator function stored in a class field", make: () => new WithArrowField().gen() },
  { name: "recursive generator method over a tree", make: () => new Tree(4, new Tree(2, new Tree(1), new Tree(3)), new Tree(6, new Tree(5))).inOrder(), log },
];
