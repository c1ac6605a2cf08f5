// Mixins (class expressions returned from functions, applied in chains) and classes declared
// inside functions: capturing parameters and mutable locals, made per loop iteration, made twice
// from one definition with different bases.
import type { ClosureCase } from "../case.js";

type Ctor<T = object> = new (...args: any[]) => T;

function chainOf(value: object): string[] {
  const names: string[] = [];
  for (let p = Object.getPrototypeOf(value); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    names.push(Object.hasOwn(p, "constructor") ? (p.constructor as Function).name : "?");
  }
  return names;
}

class Entity {
  id: string;
  constructor(id: string) {
    this.id = id;
  }
  describe(): string {
    return `entity ${this.id}`;
  }
}

const Timestamped = <B extends Ctor<Entity>>(Base: B) =>
  class extends Base {
    created = 1000;
    age(now: number): number {
      return now - this.created;
    }
    override describe(): string {
      return `${super.describe()} @${this.created}`;
    }
  };

const Named = <B extends Ctor<Entity>>(Base: B) =>
  class NamedMixin extends Base {
    name = "anonymous";
    rename(name: string): this {
      this.name = name;
      return this;
    }
    override describe(): string {
      return `${this.name} (${super.describe()})`;
    }
  };

class Person extends Named(Timestamped(Entity)) {
  override describe(): string {
    return `person ${super.describe()}`;
  }
}

const ada = new Person("p1").rename("Ada");

/** Each application has its own static counter and private serials. */
function Counted<B extends Ctor>(Base: B) {
  return class Counted extends Base {
    static made = 0;
    #serial = ++Counted.made;
    serial(): number {
      return this.#serial;
    }
    static isCounted(o: object): boolean {
      return #serial in o;
    }
  };
}

class Apple {}
class Pear {}
const CountedApple = Counted(Apple);
const CountedPear = Counted(Pear);
const apples = [new CountedApple(), new CountedApple()];
const pear = new CountedPear();

class Numbers {
  *items(): Generator<number> {
    yield 1;
    yield 2;
  }
}
class Letters {
  *items(): Generator<string> {
    yield "a";
  }
}

/** A generator method using `super`, in a class made twice from one definition. */
function Framed<B extends Ctor<{ items(): Generator<unknown> }>>(Base: B) {
  return class extends Base {
    override *items(): Generator<unknown> {
      yield "[";
      yield* super.items();
      yield "]";
    }
  };
}

const FramedNumbers = Framed(Numbers);
const FramedLetters = Framed(Letters);

function makeUnit(symbol: string, factor: number) {
  class Unit {
    static symbol = symbol;
    value: number;
    constructor(value: number) {
      this.value = value;
    }
    toBase(): number {
      return this.value * factor;
    }
    format(): string {
      return `${this.value}${symbol}`;
    }
    static parse(text: string): Unit {
      return new Unit(Number.parseFloat(text));
    }
  }
  return Unit;
}

const Km = makeUnit("km", 1000);
const Cm = makeUnit("cm", 0.01);
const marathon = new Km(42.195);

function tallyClass() {
  let total = 0;
  return class Tally {
    add(n: number): number {
      total += n;
      return total;
    }
    static total(): number {
      return total;
    }
  };
}

const Tally = tallyClass();
const tallies = [new Tally(), new Tally()];
tallies[0]!.add(1);

const levels: Ctor<{ depth(): number }>[] = [];
for (let i = 0; i < 3; i++) {
  class Level {
    static index = i;
    depth(): number {
      return i;
    }
  }
  levels.push(Level);
}

function copyStatics(target: Function, source: Function): void {
  Object.assign(target, source);
}

class Defaults {
  static retries = 3;
  static timeout = 50;
  static describe(): string {
    return `${this.name} retries ${(this as unknown as { retries: number }).retries}`;
  }
}
class Client {
  static describe(): string {
    return `client ${this.name}`;
  }
}
copyStatics(Client, Defaults);

export const cases: ClosureCase[] = [
  {
    name: "mixins applied in a chain",
    make: () => () => [
      ada.describe(),
      ada.age(2500),
      ada.name,
      chainOf(ada),
      ada instanceof Person,
      ada instanceof Entity,
      Object.keys(ada),
      Object.getPrototypeOf(Object.getPrototypeOf(Person)).name,
    ],
    use: (f) => f(),
  },
  {
    name: "mixin applied twice keeps static counters and private brands apart",
    make: () => () => {
      const more = new CountedApple();
      return [
        apples.map((a) => a.serial()),
        pear.serial(),
        more.serial(),
        [CountedApple.made, CountedPear.made],
        [CountedApple.isCounted(pear), CountedPear.isCounted(pear), CountedApple.isCounted(more)],
        [more instanceof Apple, more instanceof Pear],
      ];
    },
    use: (f) => f(),
  },
  {
    name: "generator method with yield* super in a class made twice",
    make: () => () => [[...new FramedNumbers().items()], [...new FramedLetters().items()], [...new FramedNumbers().items()]],
    use: (f) => f(),
  },
  {
    name: "mixin applied inside make",
    make: () => {
      const Greeting = Named(Entity);
      const Stamped = Timestamped(Greeting);
      const made = new Stamped("m1").rename("Mix");
      return { describe: () => made.describe(), again: (id: string) => new Stamped(id).describe() };
    },
    use: (m) => [m.describe(), m.again("m2")],
  },
  {
    name: "classes declared in a function capture its parameters",
    make: () => ({
      marathon: () => [marathon.format(), marathon.toBase(), Km.symbol],
      parse: (text: string) => Cm.parse(text).format(),
      convert: (km: number) => new Km(km).toBase() / new Cm(1).toBase(),
    }),
    use: (m) => [m.marathon(), m.parse("12.5"), m.convert(2), Km === Cm, Km.name],
  },
  {
    name: "class in a function shares a mutable local with its methods",
    make: () => () => [tallies[1]!.add(2), Tally.total(), tallies[0]!.add(3), Tally.total(), new (tallyClass())().add(10)],
    use: (f) => f(),
  },
  {
    name: "classes made in a loop capture per-iteration bindings",
    make: () => () => levels.map((L) => [(L as unknown as { index: number }).index, new L().depth(), L.name]),
    use: (f) => f(),
  },
  {
    name: "classes made in a loop inside make",
    make: () => {
      const makers: (() => string)[] = [];
      for (let i = 0; i < 3; i++) {
        const label = `k${i}`;
        class K {
          value(): string {
            return `${label}:${i}`;
          }
        }
        makers.push(() => new K().value());
      }
      return makers;
    },
    use: (makers) => makers.map((m: () => string) => m()),
  },
  {
    name: "statics copied onto another class with Object.assign",
    make: () => () => [
      Client.describe(),
      (Client as unknown as { retries: number }).retries,
      Object.keys(Client),
      Client.name,
      Defaults.describe(),
    ],
    use: (f) => f(),
  },
];
