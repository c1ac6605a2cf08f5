// Static state and accessors: static counters updated by constructors, static Maps as caches,
// `static {}` blocks with side effects (which run once, at definition, never on restore), static
// inheritance, getters and setters, class fields referring to `this`, own property descriptors.
import type { ClosureCase } from "../case.js";

class Ticket {
  static issued = 0;
  id: number;
  constructor() {
    this.id = ++Ticket.issued;
  }
}

const early = [new Ticket(), new Ticket()];

class Color {
  static cache = new Map<string, Color>();
  static misses = 0;
  static of(name: string): Color {
    let color = Color.cache.get(name);
    if (color === undefined) {
      Color.misses++;
      color = new Color(name);
      Color.cache.set(name, color);
    }
    return color;
  }
  name: string;
  private constructor(name: string) {
    this.name = name;
  }
}

const red = Color.of("red");
Color.of("green");
Color.of("red");

/** Written by static blocks: each definition leaves one line. */
const registry: string[] = [];
let staticBlockRuns = 0;

class Plugin {
  static ready = false;
  static readonly names: string[] = [];
  static {
    staticBlockRuns++;
    registry.push(`defined ${this.name}`);
    this.ready = true;
  }
  static register(name: string): number {
    return this.names.push(name);
  }
}

class AudioPlugin extends Plugin {
  static format = "wav";
  static {
    staticBlockRuns++;
    registry.push(`defined ${this.name} after ${Object.getPrototypeOf(this).name} (ready: ${super.ready})`);
    this.register("audio");
  }
}

class Base {
  static instances = 0;
  static label = "base";
  constructor() {
    // Each class counts its own: the first increment gives a subclass an own property.
    (new.target as typeof Base).instances++;
  }
  static describe(): string {
    return `${this.label}:${this.instances}`;
  }
}
class Left extends Base {
  static override label = "left";
}
class Right extends Base {}

const instancesMade = [new Left(), new Left(), new Base()];

class Temperature {
  static #conversions = 0;
  #celsius = 0;
  get fahrenheit(): number {
    Temperature.#conversions++;
    return this.#celsius * 9 / 5 + 32;
  }
  set fahrenheit(f: number) {
    if (!Number.isFinite(f)) throw new RangeError(`not a temperature: ${f}`);
    this.#celsius = (f - 32) * 5 / 9;
  }
  get celsius(): number {
    return this.#celsius;
  }
  set celsius(c: number) {
    this.#celsius = c;
  }
  static get conversions(): number {
    return Temperature.#conversions;
  }
}

/** Overrides only the getter: the inherited setter is shadowed, so assigning throws. */
class ReadOnlyTemperature extends Temperature {
  override get celsius(): number {
    return Math.round(super.celsius);
  }
}

const outside = new Temperature();
outside.fahrenheit = 212;

let nextItem = 0;

class Item {
  id = ++nextItem;
  label = `item-${this.id}`;
  self = this;
  tags: string[] = [this.label.toUpperCase()];
  getLabel = () => this.label;
  rename(label: string): this {
    this.label = label;
    return this;
  }
}

const firstItem = new Item();

class Limits {
  static max = 10;
  static names = Object.freeze(["low", "high"]);
}
Object.freeze(Limits);

/** A singleton held by its own class's static private field. */
class Settings {
  static #current: Settings | undefined;
  #values = new Map<string, string>();
  static current(): Settings {
    return (Settings.#current ??= new Settings());
  }
  set(key: string, value: string): this {
    this.#values.set(key, value);
    return this;
  }
  get(key: string): string | undefined {
    return this.#values.get(key);
  }
}

Settings.current().set("theme", "dark");

const hidden = Symbol("hidden");

class Profile {
  name: string;
  constructor(name: string) {
    this.name = name;
    Object.defineProperty(this, "secret", { value: `${name}-secret`, enumerable: false, writable: false });
    Object.defineProperty(this, hidden, { value: 7, enumerable: true, writable: true, configurable: true });
    Object.defineProperty(this, "upper", { get: () => this.name.toUpperCase(), enumerable: true, configurable: true });
    Object.seal(this);
  }
}

const sealed = new Profile("rec");

function describeOwn(o: object): unknown[] {
  return Reflect.ownKeys(o).map((key) => {
    const d = Object.getOwnPropertyDescriptor(o, key)!;
    const shape = "value" in d ? `value:${String(d.value)}` : `accessor:${typeof d.get}`;
    return [String(key), shape, d.enumerable, d.configurable, "writable" in d ? d.writable : null];
  });
}

export const cases: ClosureCase[] = [
  {
    name: "static counter updated by constructors",
    make: () => ({
      ids: () => early.map((t) => t.id),
      issue: () => new Ticket().id,
      issued: () => Ticket.issued,
    }),
    use: (m) => [m.ids(), m.issued(), m.issue(), m.issue(), m.issued()],
  },
  {
    name: "static Map as a cache keeps identities",
    make: () => ({
      of: (name: string) => Color.of(name),
      sameRed: () => Color.of("red") === red,
      state: () => [[...Color.cache.keys()], Color.misses],
    }),
    use: (m) => [m.state(), m.sameRed(), m.of("blue").name, m.of("blue") === m.of("blue"), m.state()],
  },
  {
    name: "static blocks run once, at definition",
    make: () => () => [
      [...registry],
      staticBlockRuns,
      Plugin.ready,
      AudioPlugin.ready,
      Object.hasOwn(AudioPlugin, "ready"),
      Plugin.names,
      AudioPlugin.names === Plugin.names,
      AudioPlugin.format,
      AudioPlugin.register("midi"),
      Plugin.names,
    ],
    use: (f) => f(),
  },
  {
    name: "static fields inherited and counted per class",
    make: () => () => {
      const before = [Base.describe(), Left.describe(), Right.describe(), Object.hasOwn(Left, "instances")];
      new Right();
      new Right();
      return [before, Base.describe(), Left.describe(), Right.describe(), Object.hasOwn(Right, "instances"), instancesMade.length];
    },
    use: (f) => f(),
  },
  {
    name: "getters and setters, with a shadowed setter",
    make: () => ({
      read: () => [outside.fahrenheit, outside.celsius, Temperature.conversions],
      setF: (f: number) => {
        outside.fahrenheit = f;
      },
      readOnly: () => {
        const t = new ReadOnlyTemperature();
        t.fahrenheit = 100;
        const out: unknown[] = [t.celsius];
        try {
          (t as { celsius: number }).celsius = 5;
        } catch (e) {
          out.push((e as Error).name);
        }
        return out;
      },
    }),
    use: (m) => {
      const out: unknown[] = [m.read()];
      m.setF(32);
      out.push(m.read());
      try {
        m.setF(Number.NaN);
      } catch (e) {
        out.push(`${(e as Error).name}: ${(e as Error).message}`);
      }
      out.push(m.readOnly());
      return out;
    },
  },
  {
    name: "class fields referring to this",
    make: () => () => {
      const second = new Item();
      const out = [
        [firstItem.id, firstItem.label, firstItem.self === firstItem, firstItem.tags, firstItem.getLabel()],
        [second.id, second.label, second.self === second, second.getLabel()],
        Object.keys(firstItem),
      ];
      const rename = firstItem.getLabel;
      firstItem.rename("renamed");
      return [...out, rename()];
    },
    use: (f) => f(),
  },
  {
    name: "own property descriptors set by a constructor",
    make: () => () => {
      const out: unknown[] = [describeOwn(sealed), Object.isSealed(sealed), Object.isExtensible(sealed)];
      sealed.name = "changed";
      out.push((sealed as unknown as { upper: string }).upper, (sealed as unknown as Record<symbol, number>)[hidden]);
      try {
        (sealed as unknown as { extra: number }).extra = 1;
      } catch (e) {
        out.push((e as Error).name);
      }
      return out;
    },
    use: (f) => f(),
  },
  {
    name: "frozen class with static fields",
    make: () => () => {
      const out: unknown[] = [Object.isFrozen(Limits), Limits.max, Limits.names, Object.isFrozen(Limits.names)];
      try {
        (Limits as { max: number }).max = 11;
      } catch (e) {
        out.push((e as Error).name);
      }
      out.push(Limits.max);
      return out;
    },
    use: (f) => f(),
  },
  {
    name: "singleton in a static private field",
    make: () => ({
      theme: () => Settings.current().get("theme"),
      set: (k: string, v: string) => Settings.current().set(k, v),
      same: () => Settings.current() === Settings.current(),
    }),
    use: (m) => {
      const before = m.theme();
      m.set("theme", "light");
      m.set("font", "mono");
      return [before, m.theme(), Settings.current().get("font"), m.same()];
    },
  },
];
