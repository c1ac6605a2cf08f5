// Classes whose own binding is captured (by arrows lifted out of their bodies, by closures made
// next to them in loops), anonymous and inferred class names, instances linked to each other
// through private fields, changed prototypes, and `this` in static arrow fields.
import type { ClosureCase } from "../case.js";

/** The class's own name is read by an arrow lifted out of its body. */
function registryClass(kind: string) {
  return class Entry {
    static all: Entry[] = [];
    label: string;
    constructor(label: string) {
      this.label = label;
    }
    static make(labels: string[]): Entry[] {
      const made = labels.map((l) => new Entry(`${kind}:${l}`));
      Entry.all.push(...made);
      return made;
    }
  };
}

const Fruit = registryClass("fruit");
Fruit.make(["apple"]);

/** Closures made next to each class of a loop capture it. */
const builders: (() => { describe(): string })[] = [];
for (const size of ["small", "large"]) {
  class Cup {
    describe(): string {
      return `${size} cup`;
    }
  }
  builders.push(() => new Cup());
}

const Anonymous = class {
  whoAmI(): string {
    return this.constructor.name;
  }
};
const kinds = {
  Plain: class {
    static tag = "plain";
  },
  Fancy: class extends Anonymous {
    static tag = "fancy";
  },
};

class Link {
  #value: number;
  #next: Link | null = null;
  constructor(value: number) {
    this.#value = value;
  }
  link(next: Link): Link {
    this.#next = next;
    return next;
  }
  walk(limit: number): number[] {
    const out: number[] = [];
    for (let node: Link | null = this; node !== null && out.length < limit; node = node.#next) out.push(node.#value);
    return out;
  }
}

const head = new Link(1);
head.link(new Link(2)).link(new Link(3)).link(head);

class Brand {
  #check(): string {
    return "branded";
  }
  static verify(o: object): string {
    return #check in o ? (o as Brand).#check() : "not branded";
  }
}

const branded = new Brand();

class Cat {
  speak(): string {
    return "meow";
  }
}
class Dog {
  speak(): string {
    return "woof";
  }
}

const impostor = new Cat();
Object.setPrototypeOf(impostor, Dog.prototype);

class Factory {
  static made = 0;
  static create = () => {
    this.made++;
    return new this();
  };
  static describe = () => `${this.name} made ${this.made}`;
}

/** Each loop iteration defines a class with its own private name. */
const perIteration: { n: number; sameBrand(o: object): boolean }[] = [];
for (const n of [1, 2]) {
  class Holder {
    #n = n * 10;
    get n(): number {
      return this.#n;
    }
    sameBrand(o: object): boolean {
      return #n in o;
    }
  }
  perIteration.push(new Holder(), new Holder());
}

/** A class declared inside a generator, whose instances are made across yields. */
function* squares(): Generator<number, void, number> {
  class Square {
    side: number;
    constructor(side: number) {
      this.side = side;
    }
    area(): number {
      return this.side ** 2;
    }
  }
  let side = 0;
  while (true) {
    const next: number = yield new Square(++side).area();
    if (next !== undefined) side = next;
  }
}

const squareSeries = squares();
squareSeries.next();
squareSeries.next();

/** A class extending an ES5-style constructor function. */
function Legacy(this: { created: string }, label: string) {
  this.created = `legacy ${label}`;
}
Legacy.prototype.hello = function (this: { created: string }) {
  return `hello from ${this.created}`;
};
class Modern extends (Legacy as unknown as new (label: string) => { created: string; hello(): string }) {
  #version: number;
  constructor(label: string, version: number) {
    super(label);
    this.#version = version;
  }
  describe(): string {
    return `${this.hello()} v${this.#version}`;
  }
}

const modern = new Modern("m", 2);

export const cases: ClosureCase[] = [
  {
    name: "class in a function whose own name a lifted arrow reads",
    make: () => ({
      make: (labels: string[]) => Fruit.make(labels).map((e) => e.label),
      all: () => Fruit.all.map((e) => e.label),
      sameClass: () => Fruit.all.every((e) => e instanceof Fruit),
    }),
    use: (m) => [m.all(), m.make(["pear", "fig"]), m.all(), m.sameClass()],
  },
  {
    name: "closures made next to classes in a loop",
    make: () => () => builders.map((b) => [b().describe(), b().constructor.name]),
    use: (f) => f(),
  },
  {
    name: "anonymous and inferred class names",
    make: () => () => [
      Anonymous.name,
      new Anonymous().whoAmI(),
      kinds.Plain.name,
      kinds.Fancy.name,
      new kinds.Fancy().whoAmI(),
      [kinds.Plain.tag, kinds.Fancy.tag],
      (() => class {})().name,
    ],
    use: (f) => f(),
  },
  {
    name: "instances linked in a cycle through private fields",
    make: () => ({
      walk: (n: number) => head.walk(n),
      insert: (value: number) => {
        const second = new Link(value);
        head.link(second).link(head);
      },
    }),
    use: (m) => {
      const before = m.walk(7);
      m.insert(9);
      return [before, m.walk(5)];
    },
  },
  {
    name: "instance with a private method and no private fields",
    make: () => () => [Brand.verify(branded), Brand.verify({}), Brand.verify(Object.create(Brand.prototype))],
    use: (f) => f(),
  },
  {
    name: "instance whose prototype was changed",
    make: () => () => [impostor.speak(), impostor instanceof Dog, impostor instanceof Cat, impostor.constructor.name],
    use: (f) => f(),
  },
  {
    name: "this in static arrow fields",
    make: () => ({
      create: () => Factory.create() instanceof Factory,
      describe: () => Factory.describe(),
    }),
    use: (m) => [m.describe(), m.create(), m.create(), m.describe()],
  },
  {
    name: "classes with private names defined per loop iteration",
    make: () => () => [
      perIteration.map((h) => h.n),
      perIteration[0]!.sameBrand(perIteration[1]!),
      perIteration[0]!.sameBrand(perIteration[2]!),
      perIteration[3]!.sameBrand(perIteration[2]!),
      perIteration[0]!.constructor === perIteration[2]!.constructor,
    ],
    use: (f) => f(),
  },
  {
    name: "class declared in a paused generator",
    make: () => (next?: number) => squareSeries.next(next as number).value,
    use: (next) => [next(), next(), next(10), next()],
  },
  {
    name: "class extending an ES5 constructor function",
    make: () => () => [modern.describe(), modern.created, modern instanceof Legacy, Object.keys(modern), new Modern("n", 3).describe()],
    use: (f) => f(),
  },
];
