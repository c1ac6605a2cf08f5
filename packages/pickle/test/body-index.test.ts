// The body index a viewer reads snapshots with: every entry's fields read back from the bytes alone,
// references as graph edges, retainer paths from the root and retained sizes.

import { describe, expect, it } from "vitest";
import { decodeSnapshot, dumps } from "@spickle/pickle";
import { bodyGraph, buildBodyIndex, entryFields, retainerPath, type BodyIndex, type WireValue } from "../src/snapshot-contents.js";

const indexOf = (value: unknown) => buildBodyIndex(decodeSnapshot(dumps(value, { key: null })).body);

function field(index: BodyIndex, entry: number, key: string): WireValue {
  return entryFields(index, entry).find((f) => f.key === key)?.value;
}
function ref(value: WireValue): number {
  if (typeof value !== "object" || value === null || !("ref" in value)) throw new Error(`not a reference: ${JSON.stringify(value)}`);
  return value.ref;
}
const typeName = (index: BodyIndex, entry: number) => index.typeNames[index.type[entry]!];

describe("buildBodyIndex / entryFields", () => {
  it("reads every kind of entry back as fields, fills included, with records defined anywhere before", () => {
    const shared = { tag: "shared" };
    const rows = Array.from({ length: 100 }, (_, i) => ({ i, name: `row ${i}`, shared }));
    const cyclic: Record<string, unknown> = { name: "c" };
    cyclic.self = cyclic;
    const value = { rows, when: new Date(5), index: new Map<unknown, unknown>([["a", shared]]), tags: new Set(["x"]), cyclic, big: 10n, numbers: Array.from({ length: 20 }, (_, i) => i) };
    const index = indexOf(value);
    const root = index.root;
    expect(typeName(index, root)).toBe("Object");
    const rowsEntry = ref(field(index, root, "rows"));
    const row42 = ref(field(index, rowsEntry, "42"));
    expect(field(index, row42, "name")).toBe("row 42");
    expect(field(index, ref(field(index, row42, "shared")), "tag")).toBe("shared");
    expect(typeName(index, ref(field(index, root, "when")))).toBe("Date");
    expect(field(index, ref(field(index, root, "when")), "time")).toBe(5);
    const map = ref(field(index, root, "index"));
    expect(typeName(index, map)).toBe("Map");
    const mapFields = entryFields(index, map);
    expect(mapFields.find((f) => f.role === "mapKey")?.value).toBe("a");
    expect(ref(mapFields.find((f) => f.role === "mapValue")!.value)).toBe(ref(field(index, row42, "shared")));
    const set = ref(field(index, root, "tags"));
    expect(entryFields(index, set).filter((f) => f.role === "setValue").map((f) => f.value)).toEqual(["x"]);
    const cyc = ref(field(index, root, "cyclic"));
    expect(ref(field(index, cyc, "self"))).toBe(cyc);
    expect(field(index, ref(field(index, root, "big")), "hex")).toBe("a");
    expect(entryFields(index, ref(field(index, root, "numbers"))).map((f) => f.value)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("a damaged body is a BodyError, not a crash or a partial index", () => {
    const body = decodeSnapshot(dumps({ a: [1, 2, { b: 3 }] }, { key: null })).body;
    expect(() => buildBodyIndex(body.subarray(0, body.length - 3))).toThrow(/truncated|exist|unexpected/);
  });
});

describe("bodyGraph", () => {
  it("gives each entry its shortest retainer path and its retained size by dominators", () => {
    const big = { payload: "x".repeat(5000) };
    const only = { big };
    const sharedA = { s: "y".repeat(1000) };
    const value = { left: { only }, right: { a: sharedA }, other: { a: sharedA } };
    const index = indexOf(value);
    const graph = bodyGraph(index);
    expect(graph.reachable).toBe(index.count);
    const left = ref(field(index, index.root, "left"));
    const onlyEntry = ref(field(index, left, "only"));
    const bigEntry = ref(field(index, onlyEntry, "big"));
    expect(retainerPath(graph, bigEntry)).toEqual([index.root, left, onlyEntry, bigEntry]);
    // `left` alone holds big: it retains it; sharedA is held by two objects, so only the root retains it.
    expect(graph.retained[left]).toBeGreaterThan(5000);
    const right = ref(field(index, index.root, "right"));
    const shared = ref(field(index, right, "a"));
    expect(graph.retained[right]).toBeLessThan(100);
    expect(graph.dominator[shared]).toBe(index.root);
    expect(graph.retained[index.root]).toBe([...index.size].reduce((a, b) => a + b, 0));
  });
});
