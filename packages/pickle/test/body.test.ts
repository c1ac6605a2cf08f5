// encodeBody: the body and what the walk met, for the caller to build a header from; the body is
// taken over by encodeSnapshot (its memory serves the next encode) and cannot go in twice.
import { describe, expect, it } from "vitest";
import { Tasklet } from "@spickle/runtime";
import { decodeSnapshot, dumps, encodeBody, encodeSnapshot, loads, bodyHeader } from "@spickle/pickle";

function tasklet(name: string): Tasklet {
  return Object.assign(Object.create(Tasklet.prototype) as Tasklet, { name });
}

describe("encodeBody", () => {
  it("reports the tasklets the graph holds, in the order met, wherever they are", () => {
    const a = tasklet("a");
    const b = tasklet("b");
    const { tasklets, modules, packages } = encodeBody({ first: [a], nested: { deeper: { b, again: a } } });
    expect(tasklets).toEqual([a, b]);
    expect(modules).toEqual([]);
    expect(bodyHeader({ modules, packages })).toEqual({});
  });

  it("makes the body dumps makes, and encodeSnapshot takes it over once", () => {
    const graph = { list: [1, "two", { three: 3 }], shared: [] as unknown[] };
    graph.shared.push(graph);
    const encoded = encodeBody(graph);
    const body = Uint8Array.from(encoded.body);
    const snapshot = encodeSnapshot({ header: { kind: "value" }, body: encoded.body }, { key: null });
    expect(Buffer.from(decodeSnapshot(snapshot, { key: null }).body).equals(Buffer.from(body))).toBe(true);
    expect(Buffer.from(decodeSnapshot(dumps(graph, { key: null }), { key: null }).body).equals(Buffer.from(body))).toBe(true);
    const back = loads(snapshot, { key: null }) as typeof graph;
    expect(back.shared[0]).toBe(back);
    // Taken over: emptied, and refused a second time rather than written as an empty body.
    expect(encoded.body.length).toBe(0);
    expect(() => encodeSnapshot({ body: encoded.body }, { key: null })).toThrow(/went into a snapshot already/);
    // The next encode writes into the memory given back, and its bytes are its own.
    const next = dumps({ other: true }, { key: null });
    expect(loads(next, { key: null })).toEqual({ other: true });
    expect(loads(snapshot, { key: null })).toMatchObject({ list: [1, "two", { three: 3 }] });
  });
});
