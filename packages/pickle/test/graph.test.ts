import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeGraph, encodeGraph, ReferenceTable } from "../src/index.js";

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
const graphOf = (...kinds: ("object" | "array" | "map" | "set" | "nullproto")[]) => fc
  .record({
    kinds: fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 30 }),
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
const graphArb = graphOf("object", "array", "map", "set", "nullproto");
/** Graphs of ordinary objects and arrays only: the optimistic walk takes them whole. */
const plainGraphArb = graphOf("object", "array");

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

describe("the optimistic walk (no lookups until an object is met twice)", () => {
  const exact = (v: unknown) => Buffer.from(encodeGraph(v, { optimistic: false }));
  const fast = (v: unknown) => Buffer.from(encodeGraph(v));

  it("writes the same bytes as the exact walk, for generated graphs", () => {
    fc.assert(fc.property(plainGraphArb, (g) => { expect(fast(g).equals(exact(g))).toBe(true); }), { numRuns: 300 });
    fc.assert(fc.property(graphArb, (g) => { expect(fast(g).equals(exact(g))).toBe(true); }), { numRuns: 200 });
  });

  /** A tree of `n` objects with parent pointers and empty arrays, as a program's data often is. */
  function tree(n: number) {
    type Node = { id: number; parent: Node | null; children: Node[] };
    const nodes: Node[] = [{ id: 0, parent: null, children: [] }];
    for (let i = 1; i < n; i++) {
      const parent = nodes[(i - 1) >> 2]!;
      const node = { id: i, parent, children: [] };
      parent.children.push(node);
      nodes.push(node);
    }
    return nodes;
  }

  it("keeps an object shared late in a large graph (the walk is started again)", () => {
    const nodes = tree(20_000);
    const shared = { shared: true };
    (nodes[5] as Record<string, unknown>).extra = shared;
    (nodes[19_999] as Record<string, unknown>).extra = shared;
    expect(fast(nodes[0]).equals(exact(nodes[0]))).toBe(true);
    const back = rt(nodes[0]);
    const find = (id: number) => {
      const path: number[] = [];
      for (let i = id; i > 0; i = (i - 1) >> 2) path.unshift((i - 1) % 4);
      return path.reduce((n, k) => n.children[k]!, back);
    };
    expect(find(5).extra).toBe(find(19_999).extra);
    expect(find(19_999).parent!.children).toContain(find(19_999));
  });

  it("keeps a cycle longer than the innermost frames it compares with", () => {
    const ring: { i: number; next: unknown }[] = Array.from({ length: 50 }, (_, i) => ({ i, next: null }));
    ring.forEach((r, i) => (r.next = ring[(i + 1) % ring.length]));
    const back = rt(ring[0]!);
    let r = back;
    for (let i = 0; i < 50; i++) r = r.next as typeof r;
    expect(r).toBe(back);
    expect(fast(ring[0]).equals(exact(ring[0]))).toBe(true);
  });

  it("stops early on a graph that would be exponential as a tree", () => {
    // 60 diamonds in a row: 2^60 paths to the last node.
    let node: Record<string, unknown> = { end: true };
    const last = node;
    for (let i = 0; i < 60; i++) node = { left: { next: node }, right: { next: node } };
    const back = rt(node);
    let n = back as Record<string, Record<string, unknown>>;
    for (let i = 0; i < 60; i++) {
      expect(n.left!.next).toBe(n.right!.next);
      n = n.left!.next as typeof n;
    }
    expect(n).toEqual(last);
  });

  it("goes on exactly after an object of another kind, with the objects met before it", () => {
    const list = Array.from({ length: 10_000 }, (_, i) => ({ i }));
    const root = { list, index: new Map([["third", list[3]]]), again: list[9_999] };
    const back = rt(root);
    expect(back.index.get("third")).toBe(back.list[3]);
    expect(back.again).toBe(back.list[9_999]);
    expect(fast(root).equals(exact(root))).toBe(true);
  });

  it("writes the table's ordinary objects and arrays by reference, in small graphs and large", () => {
    const config = { level: 3 };
    const list = [1, 2, 3];
    const table = new ReferenceTable().addModule("graph-fixtures", { config, list });
    const roundTrip = <T>(v: T): T => decodeGraph(encodeGraph(v, { table }), { table }) as T;
    const small = roundTrip([config, { list }]);
    expect(small[0]).toBe(config);
    expect((small[1] as { list: unknown }).list).toBe(list);
    const nodes = tree(5_000);
    (nodes[4_321] as Record<string, unknown>).config = config;
    const back = roundTrip(nodes[0]);
    const found: unknown[] = [];
    const walk = [back];
    while (walk.length > 0) {
      const n = walk.pop()! as Record<string, unknown> & { children: unknown[] };
      if ("config" in n) found.push(n.config);
      walk.push(...(n.children as (typeof n)[]));
    }
    expect(found).toHaveLength(1);
    expect(found[0]).toBe(config);
    const bytes = (optimistic: boolean) => Buffer.from(encodeGraph(nodes[0], { table, optimistic }));
    expect(bytes(true).equals(bytes(false))).toBe(true);
  });

  it("reports progress that never goes back when the walk starts again", () => {
    const nodes = tree(100_000);
    (nodes[99_999] as Record<string, unknown>).extra = nodes[7];
    const seen: number[] = [];
    const bytes = encodeGraph(nodes[0], { onProgress: (p) => seen.push(p.records) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.every((r, i) => i === 0 || r > seen[i - 1]!)).toBe(true);
    expect(Buffer.from(bytes).equals(exact(nodes[0]))).toBe(true);
  });
});
