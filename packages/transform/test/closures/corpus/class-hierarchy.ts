// Class hierarchies: `super` in methods, accessors, static methods and arrows; abstract-ish bases;
// `instanceof` and prototype chains; `new.target`; generator methods delegating to `super`.
// Module-level instances travel by value (their classes with them) when the cases are pickled.
import type { ClosureCase } from "../case.js";

/** Constructor names along an object's prototype chain. */
function chainOf(value: object): string[] {
  const names: string[] = [];
  for (let p = Object.getPrototypeOf(value); p !== null; p = Object.getPrototypeOf(p)) {
    names.push(Object.hasOwn(p, "constructor") ? (p.constructor as Function).name : "?");
  }
  return names;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

abstract class Shape {
  label: string;
  constructor(label: string) {
    if (new.target === Shape) throw new TypeError("Shape is abstract");
    this.label = label;
  }
  area(): number {
    throw new Error(`${this.constructor.name} does not implement area`);
  }
  describe(): string {
    return `${this.label}: ${round(this.area())}`;
  }
  get kind(): string {
    return "shape";
  }
  static unit(): string {
    return "cm";
  }
  static create<T extends Shape>(this: new (...args: any[]) => T, ...args: any[]): T {
    return new this(...args);
  }
  toString(): string {
    return `[${this.kind} ${this.label}]`;
  }
}

class Rect extends Shape {
  w = 0;
  h = 0;
  constructor(w: number, h: number, label = "rect") {
    super(label);
    this.w = w;
    this.h = h;
  }
  override area(): number {
    return this.w * this.h;
  }
  override get kind(): string {
    return `rectangular ${super.kind}`;
  }
  static override unit(): string {
    return `square ${super.unit()}`;
  }
}

class Square extends Rect {
  constructor(side: number) {
    super(side, side, "square");
  }
  override describe(): string {
    return `${super.describe()} (side ${this.w})`;
  }
  override get kind(): string {
    return `equal-sided ${super.kind}`;
  }
}

class Circle extends Shape {
  r = 0;
  constructor(r: number) {
    super("circle");
    this.r = r;
  }
  override area(): number {
    return Math.PI * this.r ** 2;
  }
}

/** Forgets to implement `area`. */
class Blob extends Shape {}

const shapes: Shape[] = [new Rect(2, 3), new Square(4), new Circle(1)];

// `super` inside arrows: in a method, a getter, a static method and an arrow field.
class Scale {
  factor = 2;
  apply(x: number): number {
    return x * this.factor;
  }
  get base(): number {
    return 1;
  }
  static describe(): string {
    return "scale";
  }
}

class OffsetScale extends Scale {
  offset = 10;
  twice = (x: number) => super.apply(x) * 2;
  override apply(x: number): number {
    return super.apply(x) + this.offset;
  }
  applyAll(xs: number[]): number[] {
    return xs.map((x) => super.apply(x));
  }
  override get base(): number {
    const read = () => super.base + 100;
    return read();
  }
  static override describe(): string {
    const parts = ["offset", "of"].map((p) => `${p} ${super.describe()}`);
    return parts.join(" / ");
  }
}

const offsetScale = new OffsetScale();

// new.target
class TreeNode {
  madeBy: string;
  direct: boolean;
  constructor() {
    this.madeBy = new.target.name;
    this.direct = new.target === TreeNode;
  }
}
class Leaf extends TreeNode {}
class Branch extends TreeNode {
  children: TreeNode[];
  constructor(...children: TreeNode[]) {
    super();
    this.children = children;
  }
}

const tree = new Branch(new Leaf(), new TreeNode(), new Branch(new Leaf()));

// Generator methods delegating to super.
class Seq {
  *items(): Generator<number> {
    yield 1;
    yield 2;
  }
}
class Wrapped extends Seq {
  override *items(): Generator<number> {
    yield 0;
    yield* super.items();
    yield 3;
  }
}
class Doubled extends Wrapped {
  override *items(): Generator<number> {
    for (const x of super.items()) yield x * 2;
  }
  *both(): Generator<string> {
    yield* [...super.items()].map((x) => `w${x}`);
    yield* this.items() as unknown as Iterable<string>;
  }
}

const doubled = new Doubled();

// Async methods and static accessors reaching `super`.
class Source {
  async load(key: string): Promise<string> {
    return `source:${key}`;
  }
  static get config(): Record<string, number> {
    return { retries: 1, timeout: 10 };
  }
}
class CachedSource extends Source {
  #cache = new Map<string, string>();
  override async load(key: string): Promise<string> {
    const hit = this.#cache.get(key);
    if (hit !== undefined) return `cached ${hit}`;
    await Promise.resolve();
    const value = await super.load(key);
    this.#cache.set(key, value);
    return value;
  }
  static override get config(): Record<string, number> {
    return { ...super.config, timeout: 99 };
  }
}

const cachedSource = new CachedSource();
/** Paused after its first value, inside `yield* super.items()` once resumed. */
const paused = new Wrapped().items();
paused.next();

export const cases: ClosureCase[] = [
  {
    name: "super calls in methods, getters and static methods through three levels",
    make: () => ({
      describe: () => shapes.map((s) => s.describe()),
      kinds: () => shapes.map((s) => s.kind),
      strings: () => shapes.map((s) => String(s)),
      units: () => [Shape.unit(), Rect.unit(), Square.unit(), Circle.unit()],
    }),
    use: (m) => [m.describe(), m.kinds(), m.strings(), m.units()],
  },
  {
    name: "abstract-ish base refuses direct construction and reports a missing method",
    make: () => () => {
      const out: string[] = [];
      try {
        new (Shape as any)("x");
      } catch (e) {
        out.push(`${(e as Error).name}: ${(e as Error).message}`);
      }
      try {
        new Blob("blob").describe();
      } catch (e) {
        out.push(`${(e as Error).name}: ${(e as Error).message}`);
      }
      return out;
    },
    use: (f) => f(),
  },
  {
    name: "instanceof across the hierarchy",
    make: () => () =>
      shapes.map((s) => [s instanceof Shape, s instanceof Rect, s instanceof Square, s instanceof Circle, s instanceof Object]),
    use: (f) => f(),
  },
  {
    name: "Object.getPrototypeOf chains of instances and classes",
    make: () => () => [
      shapes.map(chainOf),
      Object.getPrototypeOf(Square) === Rect,
      Object.getPrototypeOf(Rect) === Shape,
      Object.getPrototypeOf(Shape) === Function.prototype,
      Object.getPrototypeOf(Square.prototype) === Rect.prototype,
      Object.getPrototypeOf(shapes[1]) === Square.prototype,
      Square.prototype.constructor === Square,
    ],
    use: (f) => f(),
  },
  {
    name: "static create with this is the subclass",
    make: () => () => {
      const square = Square.create(5);
      const rect = Rect.create(1, 2, "tiny");
      return [square.describe(), square instanceof Square, rect.describe(), chainOf(rect)];
    },
    use: (f) => f(),
  },
  {
    name: "super property access in arrows",
    make: () => ({
      apply: (x: number) => offsetScale.apply(x),
      applyAll: (xs: number[]) => offsetScale.applyAll(xs),
      twice: (x: number) => offsetScale.twice(x),
      base: () => offsetScale.base,
      describe: () => OffsetScale.describe(),
    }),
    use: (m) => {
      const before = [m.apply(1), m.applyAll([1, 2]), m.twice(3), m.base(), m.describe()];
      offsetScale.factor = 5;
      offsetScale.offset = 1;
      const after = [m.apply(1), m.applyAll([1, 2]), m.twice(3)];
      return [before, after];
    },
  },
  {
    name: "new.target in base and derived constructors",
    make: () => () => {
      const flat = (n: TreeNode): unknown => [n.madeBy, n.direct, n instanceof Branch ? (n as Branch).children.map(flat) : null];
      const viaReflect = Reflect.construct(TreeNode, [], Leaf) as TreeNode;
      return [flat(tree), viaReflect.madeBy, viaReflect instanceof Leaf, chainOf(viaReflect)];
    },
    use: (f) => f(),
  },
  {
    name: "generator methods with yield* super",
    make: () => ({
      doubled: () => [...doubled.items()],
      both: () => [...doubled.both()],
      wrapped: () => [...new Wrapped().items()],
      rest: () => [...paused],
    }),
    use: (m) => [m.doubled(), m.both(), m.wrapped(), m.rest(), m.rest()],
  },
  {
    name: "async methods and static getters calling super",
    make: () => (key: string) => cachedSource.load(key),
    use: async (load) => [await load("a"), await load("a"), await load("b"), CachedSource.config, Source.config],
  },
];
