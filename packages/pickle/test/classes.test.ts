import { EventEmitter } from "node:events";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, test } from "vitest";
import { compile } from "@spickle/transform";
import { dumps, loads } from "@spickle/pickle";

// Classes of compiled code in snapshots: a class is (module, id, scope, heritage) re-made by its
// factory without running static initializers or static blocks; its static state is written into
// it; instances are re-made without running constructors or field initializers, with their own
// properties and #private fields.
const source = `
import { EventEmitter } from "node:events";
export const log: string[] = [];

export class Shape {
  static count = 0;
  static { log.push("Shape static block"); }
  #id: number;
  name: string;
  constructor(name: string) {
    log.push("Shape constructor " + name);
    this.#id = ++Shape.count;
    this.name = name;
  }
  get id() { return this.#id; }
  area() { return 0; }
  describe() { return this.name + "#" + this.#id + " area " + this.area(); }
  [Symbol.toPrimitive]() { return this.area(); }
  static #registry = new Map<string, number>();
  static register(name: string) { Shape.#registry.set(name, (Shape.#registry.get(name) ?? 0) + 1); return Shape.#registry.get(name); }
}

export class Square extends Shape {
  side = 1;
  #secret = "hidden";
  constructor(side: number) { super("square"); this.side = side; log.push("Square constructor"); }
  area() { return this.side * this.side; }
  describe() { return "[" + super.describe() + "]"; }
  #whisper() { return this.#secret; }
  reveal() { return this.#whisper(); }
  *corners() { for (let i = 0; i < 4; i++) yield this.side * i; }
}

export class Problem extends Error {
  #code: number;
  constructor(message: string, code: number, cause?: unknown) { super(message, { cause }); this.name = "Problem"; this.#code = code; }
  get code() { return this.#code; }
}

export class Tally extends Map<string, number> {
  bump(k: string) { this.set(k, (this.get(k) ?? 0) + 1); return this; }
}

export class Noisy extends EventEmitter {
  heard = 0;
  constructor() { super(); log.push("Noisy constructor"); this.on("ping", () => this.heard++); }
}

export const Flying = <B extends new (...a: any[]) => object>(Base: B) => class extends Base { fly() { return "flying"; } };
export class Bird { wings = 2; }
export const FlyingBird = Flying(Bird);

export function localCounter(start: number) {
  let total = start;
  class Local { add(n: number) { total += n; return total; } }
  return new Local();
}

export default class { kind() { return "default"; } }

export function wire(emitter: EventEmitter) {
  const heard: string[] = [];
  const record = (x: string) => heard.push(x);
  emitter.on("ready", (x: string) => heard.push("on:" + x));
  emitter.once("ready", record);
  emitter.once("other", record);
  return { record, heard: () => heard };
}
`;

const dir = new URL("./.gen/", import.meta.url);
const modulePath = fileURLToPath(new URL("classes-program.mjs", dir));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let m: any;

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(modulePath, compile(source, { filename: "classes.ts", moduleId: "test/classes.ts" }).code);
  m = await import(modulePath);
});

const fresh = <T>(value: T): T => loads(dumps(value), { modules: "fresh" }) as T;

describe("classes of compiled code in snapshots", () => {
  test("an instance is re-made without constructors, field initializers or static blocks; its state is kept", () => {
    const sq = new m.Square(3);
    const before = m.log.length;
    const [copy, log] = fresh([sq, m.log]) as [InstanceType<typeof m.Square>, string[]];
    expect(m.log.length).toBe(before); // nothing ran in this module…
    expect(log).toEqual(m.log); // …nor in the re-made one
    const Square = Object.getPrototypeOf(copy).constructor;
    expect(Square).not.toBe(m.Square); // fresh mode: the snapshot's own class
    expect(copy.describe()).toBe(sq.describe());
    expect(copy.reveal()).toBe("hidden");
    expect(copy.id).toBe(sq.id);
    expect(Object.keys(copy)).toEqual(Object.keys(sq));
    expect([...copy.corners()]).toEqual([0, 3, 6, 9]);
    expect(+copy).toBe(9);
    expect(copy instanceof Square).toBe(true);
    const Shape = Object.getPrototypeOf(Square);
    expect(copy instanceof Shape).toBe(true);
    // static state, public and private, came along; the re-made class works as the original
    expect(Shape.count).toBe(m.Shape.count);
    m.Shape.register("a");
    const S = fresh(m.Shape);
    expect(S.register("a")).toBe(2);
    expect(new Square(2).id).toBe(m.Shape.count + 1);
  });

  test("live mode: a class declared at a module's top level is that module's own class", () => {
    const sq = new m.Square(4);
    const copy = loads(dumps(sq));
    expect(copy).not.toBe(sq);
    expect(copy).toBeInstanceOf(m.Square);
    expect((copy as { describe(): string }).describe()).toBe(sq.describe());
    expect(loads(dumps([m.Square, m.Shape.register, m.Square.prototype.area]))).toEqual([m.Square, m.Shape.register, m.Square.prototype.area]);
  });

  test("Error subclasses keep message, cause, name, stack and private fields", () => {
    const problem = new m.Problem("bad input", 42, new TypeError("inner"));
    const copy = fresh(problem);
    expect(copy).toBeInstanceOf(Error);
    expect(copy.message).toBe("bad input");
    expect(copy.name).toBe("Problem");
    expect(copy.stack).toBe(problem.stack);
    expect(copy.code).toBe(42);
    expect(copy.cause).toBeInstanceOf(TypeError);
    expect((copy.cause as Error).message).toBe("inner");
  });

  test("a Map subclass keeps its entries; an uncompiled base's constructor does not run", () => {
    const tally = new m.Tally().bump("x").bump("x").bump("y");
    const copy = fresh(tally);
    expect([...copy]).toEqual([["x", 2], ["y", 1]]);
    expect(copy.bump("y").get("y")).toBe(2);
    const noisy = new m.Noisy();
    noisy.emit("ping");
    const before = m.log.length;
    const again = fresh(noisy);
    expect(m.log.length).toBe(before);
    expect(again).toBeInstanceOf(EventEmitter);
    expect(again.heard).toBe(1);
    again.emit("ping");
    expect(again.heard).toBe(2);
  });

  test("mixins, classes made inside functions and anonymous default classes", () => {
    const bird = new m.FlyingBird();
    const copy = fresh(bird);
    expect(copy.fly()).toBe("flying");
    expect(copy.wings).toBe(2);
    const counter = m.localCounter(10);
    counter.add(1);
    const [a, b] = fresh([counter, counter]);
    expect(a).toBe(b);
    expect(a.add(5)).toBe(16);
    const D = fresh(m.default);
    expect(D.name).toBe("default");
    expect(new D().kind()).toBe("default");
  });

  test("frozen instances, symbol keys and non-enumerable properties survive", () => {
    const sq = new m.Square(5);
    const tag = Symbol("tag");
    Object.defineProperty(sq, "hidden", { value: 1, enumerable: false });
    (sq as unknown as Record<symbol, string>)[tag] = "t";
    Object.freeze(sq);
    const [copy, tagCopy] = fresh([sq, tag]);
    expect(Object.isFrozen(copy)).toBe(true);
    expect(Object.getOwnPropertyDescriptor(copy, "hidden")).toEqual({ value: 1, enumerable: false, writable: false, configurable: false });
    expect(copy[tagCopy]).toBe("t");
    expect(copy.reveal()).toBe("hidden");
  });

  test("a Map subclass with private fields and a Promise instance are refused with a clear error", () => {
    const code = compile("export class P extends Map { #x = 1; }\nexport class Q extends Promise<number> {}\n", { filename: "p.ts", moduleId: "test/p.ts" }).code;
    const path = fileURLToPath(new URL("classes-refused.mjs", dir));
    writeFileSync(path, code);
    return import(path).then(({ P, Q }) => {
      expect(() => dumps({ p: new P() })).toThrow(/P at root\.p.*Map subclass with #private members/);
      expect(dumps(Q)).toBeInstanceOf(Uint8Array); // the class itself is fine
      expect(() => dumps({ q: new Q(() => {}) })).toThrow(/root\.q/);
    });
  });
});

describe("EventEmitter once-listeners", () => {
  test("a pending once-listener fires once after loading, then is gone; removeListener still finds it", () => {
    const emitter = new EventEmitter();
    const wired = m.wire(emitter);
    const [copy, { record, heard }] = loads(dumps([emitter, wired])) as [EventEmitter, { record: (x: string) => number; heard: () => string[] }];
    expect(copy.listenerCount("ready")).toBe(2);
    expect(copy.listeners("ready")[1]).toBe(record);
    copy.emit("ready", "a");
    copy.emit("ready", "b");
    expect(heard()).toEqual(["on:a", "a", "on:b"]);
    expect(copy.listenerCount("ready")).toBe(1);
    copy.removeListener("other", record);
    expect(copy.listenerCount("other")).toBe(0);
    // a re-made wrapper is written again at the next snapshot
    copy.once("again", record);
    const [again, heardAgain] = loads(dumps([copy, heard])) as [EventEmitter, () => string[]];
    again.emit("again", "c");
    again.emit("again", "d");
    expect(heardAgain()).toEqual(["on:a", "a", "on:b", "c"]);
    expect(again.listenerCount("again")).toBe(0);
  });
});

describe("EventEmitter listener arrays", () => {
  // Node 24 counts the emits running over a listener array (under its own symbol), so a listener
  // removed during an emit leaves the loop's array alone; a copy must keep that, also when it
  // comes from a Node that has no such count.
  for (const from of ["this Node", "an older Node (no emit count on the array)"]) {
    test(`a once-listener removed during an emit does not make the next listener miss it: copy from ${from}`, () => {
      const emitter = new EventEmitter();
      const wired = m.wire(emitter);
      const listeners = (emitter as unknown as { _events: Record<string, object> })._events.ready!;
      if (from !== "this Node") for (const s of Object.getOwnPropertySymbols(listeners)) delete (listeners as Record<symbol, unknown>)[s];
      const [copy, { record, heard }] = loads(dumps([emitter, wired])) as [EventEmitter, { record: (x: string) => number; heard: () => string[] }];
      copy.on("ready", record);
      copy.emit("ready", "a");
      copy.emit("ready", "b");
      expect(heard()).toEqual(["on:a", "a", "a", "on:b", "b"]);
      const again = loads(dumps(copy)) as EventEmitter;
      const symbols = (e: EventEmitter) => Object.getOwnPropertySymbols((e as unknown as { _events: Record<string, object> })._events.ready!);
      expect(symbols(again).map(String)).toEqual(symbols(copy).map(String));
    });
  }
});

test("an instance of a compiled subclass of a builtin class with native state is refused, not written broken", async () => {
  const code = compile("export class Endpoint extends URL { get service() { return this.hostname.split('.')[0]; } }\n", { filename: "u.ts", moduleId: "test/u.ts" }).code;
  const path = fileURLToPath(new URL("classes-url.mjs", dir));
  writeFileSync(path, code);
  const { Endpoint } = await import(path);
  expect(() => dumps({ api: new Endpoint("https://api.example.com/v1") })).toThrow(/URL at root\.api: instances of the builtin class URL/);
});
