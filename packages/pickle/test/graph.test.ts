import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeGraph, encodeGraph } from "../src/index.js";

const rt = <T>(v: T): T => decodeGraph(encodeGraph(v)) as T;

describe("identity, cycles and sharing", () => {
  it("keeps shared references and cycles", () => {
    const shared = { s: 1 };
    const a: Record<string, unknown> = { shared, list: [shared, shared] };
    a.self = a;
    (a.list as unknown[]).push(a.list);
    const out = rt(a);
    expect(out.self).toBe(out);
    expect((out.list as unknown[])[0]).toBe(out.shared);
    expect((out.list as unknown[])[1]).toBe(out.shared);
    expect((out.list as unknown[])[2]).toBe(out.list);
  });

  it("round-trips a 1,000,000-node linked list", () => {
    let head: { v: number; next: unknown } | null = null;
    for (let i = 0; i < 1_000_000; i++) head = { v: i, next: head };
    let n = decodeGraph(encodeGraph(head)) as { v: number; next: unknown } | null;
    let count = 0;
    let last = -1;
    while (n !== null) {
      last = n.v;
      n = n.next as typeof n;
      count++;
    }
    expect(count).toBe(1_000_000);
    expect(last).toBe(0);
  });

  it("round-trips 100,000-deep nested arrays and objects", () => {
    let a: unknown[] = [];
    const inner = a;
    for (let i = 0; i < 100_000; i++) a = [a, i % 2 === 0 ? { i } : i];
    let out = rt(a);
    let depth = 0;
    while (out.length === 2) {
      out = out[0] as unknown[];
      depth++;
    }
    expect(depth).toBe(100_000);
    expect(out).toEqual(inner);
  });

  it("round-trips a deep cyclic chain (every node points back to the root)", () => {
    const root: { next: unknown; root?: unknown } = { next: null };
    let cur = root;
    for (let i = 0; i < 200_000; i++) {
      const n = { next: null, root };
      cur.next = n;
      cur = n;
    }
    const out = rt(root);
    let c = out.next as typeof root;
    let count = 0;
    let wrong = 0;
    while (c !== null) {
      if (c.root !== out) wrong++;
      c = c.next as typeof root;
      count++;
    }
    expect([count, wrong]).toEqual([200_000, 0]);
  });
});

describe("determinism", () => {
  it("gives equal bytes for equal states", () => {
    const make = () => {
      const k = { k: 1 };
      const o = { m: new Map([[k, [1, 2n, Symbol.for("x")]]]), s: new Set([k]), d: new Date(5), k, big: { x: "y".repeat(100) } };
      return { o, again: o, list: [o, -1, -0, NaN] };
    };
    expect(Buffer.from(encodeGraph(make())).equals(Buffer.from(encodeGraph(make())))).toBe(true);
    const one = make();
    expect(Buffer.from(encodeGraph(one)).equals(Buffer.from(encodeGraph(one)))).toBe(true);
  });
});

/** A structural comparison that checks identity shape: two graphs are the same when a walk
 * pairing their nodes never pairs one node with two different nodes. */
function sameGraph(a: unknown, b: unknown): boolean {
  const pairs = new Map<unknown, unknown>();
  const work: [unknown, unknown][] = [[a, b]];
  while (work.length > 0) {
    const [x, y] = work.pop()!;
    if (typeof x !== "object" || x === null) {
      if (!Object.is(x, y)) return false;
      continue;
    }
    if (typeof y !== "object" || y === null) return false;
    if (pairs.has(x)) {
      if (pairs.get(x) !== y) return false;
      continue;
    }
    pairs.set(x, y);
    if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) return false;
    if (x instanceof Map) {
      const ex = [...x];
      const ey = [...(y as Map<unknown, unknown>)];
      if (ex.length !== ey.length) return false;
      ex.forEach((e, i) => work.push([e[0], ey[i]![0]], [e[1], ey[i]![1]]));
      continue;
    }
    if (x instanceof Set) {
      const ex = [...x];
      const ey = [...(y as Set<unknown>)];
      if (ex.length !== ey.length) return false;
      ex.forEach((e, i) => work.push([e, ey[i]]));
      continue;
    }
    const kx = Reflect.ownKeys(x);
    const ky = Reflect.ownKeys(y);
    if (kx.length !== ky.length || kx.some((k, i) => k !== ky[i])) return false;
    for (const k of kx) work.push([(x as Record<PropertyKey, unknown>)[k], (y as Record<PropertyKey, unknown>)[k]]);
  }
  return true;
}

/** Generates a graph: a pool of containers, then links between them chosen by index, so
 * cycles and sharing appear naturally. */
const graphArb = fc
  .record({
    kinds: fc.array(fc.constantFrom("object", "array", "map", "set", "nullproto"), { minLength: 1, maxLength: 30 }),
    prims: fc.array(fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), fc.double(), fc.string(), fc.boolean(), fc.constant(null),
      fc.constant(undefined), fc.bigInt(), fc.constant(-0), fc.constantFrom(Symbol.iterator, Symbol.for("p"))), { maxLength: 20 }),
    links: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean(), fc.string({ maxLength: 3 })), { maxLength: 80 }),
  })
  .map(({ kinds, prims, links }) => {
    const nodes = kinds.map((k): unknown =>
      k === "object" ? {} : k === "array" ? [] : k === "map" ? new Map() : k === "set" ? new Set() : Object.create(null));
    for (const [from, to, prim, key] of links) {
      const src = nodes[from % nodes.length] as Record<string, unknown>;
      const target = prim && prims.length > 0 ? prims[to % prims.length] : nodes[to % nodes.length];
      if (src instanceof Map) src.set(key, target);
      else if (src instanceof Set) src.add(target);
      else if (Array.isArray(src)) src.push(target);
      else src[key] = target;
    }
    return nodes;
  });

describe("property tests", () => {
  it("round-trips generated graphs with cycles and sharing", () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        expect(sameGraph(g, rt(g))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("encodes generated graphs deterministically", () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const once = Buffer.from(encodeGraph(g));
        expect(once.equals(Buffer.from(encodeGraph(rt(g))))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("round-trips arbitrary JSON-like values", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(rt(v)).toEqual(v);
      }),
      { numRuns: 300 },
    );
  });
});
