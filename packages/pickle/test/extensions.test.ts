import { Packr } from "msgpackr";
import { describe, expect, it } from "vitest";
import * as T from "../src/tags.js";
import {
  decodeGraph, encodeGraph, HandlerRegistry, ReducerRegistry, ReferenceTable, registerReducer, defaultReducers,
  SerializeError, SnapshotError, type ObjectHandler,
} from "../src/index.js";

class Point {
  constructor(readonly x: number, readonly y: number) {}
  get sum(): number {
    return this.x + this.y;
  }
}
function restorePoint(s: [number, number]): Point {
  return new Point(s[0], s[1]);
}
const fixtures = { Point, restorePoint };

describe("reducers", () => {
  it("writes the reducer's name, and loading calls the restore function registered under it", () => {
    const table = new ReferenceTable().addModule("fixtures", fixtures);
    const reducers = new ReducerRegistry().register(Point, { reduce: (p) => [p.x, p.y], restore: restorePoint });
    const p = new Point(1, 2);
    const bytes = encodeGraph({ p, again: p }, { table, reducers });
    expect(Buffer.from(bytes).includes("Point")).toBe(true);
    expect(() => decodeGraph(bytes, { table })).toThrow(/no reducer named "Point" is registered \(register it in the loading process\)/);
    const loading = new ReducerRegistry().register(Point, { reduce: () => null, restore: (s: [number, number]) => new Point(s[1], s[0]) });
    const out = decodeGraph(bytes, { table, reducers: loading }) as { p: Point; again: Point };
    expect(out.p).toBeInstanceOf(Point);
    expect([out.p.x, out.p.y]).toEqual([2, 1]);
    expect(out.again).toBe(out.p);
  });

  it("takes a reducer's own name, and refuses two classes under one name", () => {
    class Other {}
    const r = new ReducerRegistry().register(Point, { name: "geo.Point", reduce: (p) => [p.x, p.y], restore: restorePoint });
    expect(() => r.register(Other, { name: "geo.Point", reduce: () => 0, restore: () => new Other() })).toThrow(/already registered for another class/);
    expect(() => r.register(Other, { name: "spickle.fs.ReadStream", reduce: () => 0, restore: () => new Other() })).toThrow(/built-in reducer/);
    const out = decodeGraph(encodeGraph(new Point(7, 8), { reducers: r }), { reducers: r }) as Point;
    expect(out.sum).toBe(15);
    r.register(Point, { name: "geo.Point2", reduce: (p) => [p.x, p.y], restore: restorePoint });
    expect(r.restorer("geo.Point")).toBeUndefined();
  });

  it("accepts process-wide reducers and per-call pairs", () => {
    const table = new ReferenceTable().addModule("fixtures", fixtures);
    registerReducer(Point, { reduce: (p) => [p.x, p.y], restore: restorePoint });
    try {
      expect((decodeGraph(encodeGraph(new Point(3, 4), { table }), { table }) as Point).sum).toBe(7);
    } finally {
      defaultReducers.unregister(Point);
    }
    const pairs = [[Point, { reduce: (p: Point) => [p.x, p.y], restore: restorePoint }]] as const;
    const out = decodeGraph(encodeGraph([new Point(5, 6)], { table, reducers: pairs }), { table, reducers: pairs });
    expect((out as Point[])[0]!.sum).toBe(11);
  });

  it("refuses a state that leads back to the reduced object", () => {
    const table = new ReferenceTable().addModule("fixtures", fixtures);
    const p = new Point(1, 2) as Point & { self?: unknown };
    const reducers = new ReducerRegistry().register(Point, { reduce: (q) => ({ q }), restore: restorePoint as never });
    expect(() => encodeGraph({ p }, { table, reducers })).toThrow(/reachable from its own create values/);
  });

  it("never calls a builtin named by a forged snapshot as a restore function", () => {
    const table = new ReferenceTable().addModule("fixtures", fixtures);
    const reducers = new ReducerRegistry().register(Point, { reduce: () => "x", restore: globalThis.eval as never });
    const bytes = encodeGraph(new Point(1, 2), { table, reducers });
    expect(() => decodeGraph(bytes, { table })).toThrow(SnapshotError);
  });

  it("loads a snapshot that names a registered restore function by reference (written before names)", () => {
    const table = new ReferenceTable().addModule("fixtures", fixtures);
    const body = [T.FORMAT, T.T_REF, ["fixtures#restorePoint"], [3, 4], T.T_REDUCE, [-1, -2], -3];
    const bytes = new Packr({ useRecords: true }).pack(body);
    expect(() => decodeGraph(bytes, { table })).toThrow(/refusing to call function restorePoint as a restore function: only registered reducers restore/);
    const reducers = new ReducerRegistry().register(Point, { reduce: (p) => [p.x, p.y], restore: restorePoint });
    expect((decodeGraph(bytes, { table, reducers }) as Point).sum).toBe(7);
  });
});

/** A handler for a tiny "closure" kind: the function is made from (name, env); env may point
 * back at the function (early: true). */
type Closure = ((...a: unknown[]) => unknown) & { env: Record<string, unknown>; fname: string };
function makeClosure(fname: string, env: Record<string, unknown>): Closure {
  const f = (() => env.count) as Closure;
  f.env = env;
  f.fname = fname;
  return f;
}
const closureHandler: ObjectHandler<Closure> = {
  kind: "test.closure",
  early: true,
  claims: (v) => typeof v === "function" && "env" in v,
  describe: (f) => ({ create: [f.fname, f.env], fill: [] }),
  create: ([fname, env]) => makeClosure(fname as string, env as Record<string, unknown>),
};

describe("object handlers", () => {
  it("creates from create values and fills cyclic fill values", () => {
    type Box = { items: unknown[]; tag: string };
    const boxHandler: ObjectHandler<Box> = {
      kind: "test.box",
      claims: (v) => Object.getPrototypeOf(v) === null && "items" in v,
      describe: (b) => ({ create: [b.tag], fill: b.items }),
      create: ([tag]) => Object.assign(Object.create(null), { tag, items: [] }) as Box,
      fill: (b, values) => b.items.push(...values),
    };
    const box: Box = Object.assign(Object.create(null), { tag: "t", items: [] as unknown[] });
    box.items.push(box, 1, { back: box });
    const handlers = new HandlerRegistry([boxHandler]);
    const out = decodeGraph(encodeGraph({ box }, { handlers }), { handlers }) as { box: Box };
    expect(out.box.tag).toBe("t");
    expect(out.box.items[0]).toBe(out.box);
    expect((out.box.items[2] as { back: Box }).back).toBe(out.box);
  });

  it("lets an early handler's object be created before its create values are filled", () => {
    const env: Record<string, unknown> = { count: 41 };
    const f = makeClosure("counter", env);
    env.self = f; // the scope holds the closure: a cycle through a create value's fill
    const handlers = [closureHandler];
    const out = decodeGraph(encodeGraph({ f }, { handlers }), { handlers }) as { f: Closure };
    expect(out.f()).toBe(41);
    expect(out.f.env.self).toBe(out.f);
  });

  it("refuses the same cycle for a handler that is not early", () => {
    const env: Record<string, unknown> = { count: 1 };
    const f = makeClosure("c", env);
    env.self = f;
    const strict = { ...closureHandler, early: false };
    expect(() => encodeGraph({ f }, { handlers: [strict] })).toThrow(SerializeError);
    // Entered through the scope, the scope is an ancestor and may be created empty first.
    const out = decodeGraph(encodeGraph(env, { handlers: [strict] }), { handlers: [strict] }) as { self: Closure };
    expect(out.self.env).toBe(out);
  });

  it("fails decoding with a SnapshotError when no handler knows the kind", () => {
    const bytes = encodeGraph(makeClosure("c", { count: 1 }), { handlers: [closureHandler] });
    expect(() => decodeGraph(bytes)).toThrow(/no handler for kind "test.closure"/);
  });
});

describe("reference table", () => {
  it("names intrinsics with stable, shortest paths", () => {
    const t = new ReferenceTable();
    expect(t.pathOf(Math.max)).toBe("globalThis#Math.max");
    expect(t.pathOf(Array.prototype.push)).toBe("globalThis#Array.prototype.push");
    expect(t.pathOf(Object.getPrototypeOf(Uint8Array))).toBe("globalThis#Int8Array[[Prototype]]");
    expect(t.pathOf(Array.prototype[Symbol.iterator])).toBe("globalThis#Array.prototype.values");
    expect(new ReferenceTable().pathOf(Math.max)).toBe(t.pathOf(Math.max));
  });

  it("adds modules and resolves them with or without registration", async () => {
    const path = await import("node:path");
    const t = new ReferenceTable().addModule("node:path", path);
    expect(t.pathOf(path.join)).toBe("node:path#join");
    const fresh = new ReferenceTable();
    expect(fresh.resolve("node:path#join")).toBe(path.join);
    expect(fresh.resolve("globalThis#Array.prototype[Symbol.iterator]")).toBe(Array.prototype[Symbol.iterator]);
    const out = decodeGraph(encodeGraph({ j: path.join, ns: path }, { table: t }), { table: fresh }) as { j: unknown };
    expect(out.j).toBe(path.join);
  });

  it("refuses unresolvable, relative and accessor paths", () => {
    const t = new ReferenceTable();
    expect(() => t.resolve("globalThis#NoSuchThing")).toThrow(SnapshotError);
    expect(() => t.resolve("./evil.js#x")).toThrow(/not registered/);
    expect(() => t.resolve("globalThis#process.stdin")).toThrow(/accessor/);
    expect(() => t.resolve("garbage")).toThrow(SnapshotError);
  });
});
