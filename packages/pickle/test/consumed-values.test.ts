import { mkdirSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { compile } from "@spickle/transform";
import { dumps, loads } from "@spickle/pickle";

// A suspended generator keeps no value it has consumed: what it received last (a sent value, a
// delegate's result) is not part of its checkpoint once the line that used
// it is done. Each value received here holds a WeakMap, which no snapshot can hold.
const source = `
export function* fetchUrl(handle: unknown) { return { href: "http://example.test/", handle }; }
export function* plain(handle: unknown) {
  yield* [];
  return { href: "http://plain.test/", handle };
}
export function* afterDelegate() {
  const href = (yield* fetchUrl(new WeakMap())).href;
  yield href;
  return href.length;
}
export function* afterPlainDelegate() {
  const { href } = yield* (plain(new WeakMap()) as any)[Symbol.iterator]();
  yield href;
  return href;
}
export function* afterSent() {
  const id = ((yield "ready") as { id: number }).id;
  yield id;
  return id * 2;
}
export function* keeps() {
  const message = (yield "ready") as { id: number };
  yield message.id;
  return message.id;
}
export function* child() {
  const id = ((yield "child ready") as { id: number }).id;
  yield id;
  return id + 1;
}
export function* parent() {
  const r = yield* child();
  yield r;
  return r;
}
`;

async function load() {
  const dir = new URL("./.gen/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL("consumed.mjs", dir), compile(source, { filename: "consumed.ts", moduleId: "consumed.ts" }).code);
  return import(new URL("consumed.mjs", dir).pathname);
}

/** Checkpoints `gen` (which must succeed) and runs the copy to its end. */
function finish(gen: Generator): unknown[] {
  const copy = loads(dumps(gen)) as Generator;
  const out: unknown[] = [];
  for (let r = copy.next(); ; r = copy.next()) {
    out.push(r.value);
    if (r.done) return out;
  }
}

describe("a frame keeps no value it has consumed", () => {
  test("the result of a yield* over a compiled generator", async () => {
    const m = await load();
    const { afterDelegate } = m; // called detached, as in a plain call
    const gen = afterDelegate() as Generator;
    expect(gen.next().value).toBe("http://example.test/");
    expect(finish(gen)).toEqual([20]);
  });

  test("the result of a yield* over a plain iterator", async () => {
    const m = await load();
    const { afterPlainDelegate } = m; // called detached, as in a plain call
    const gen = afterPlainDelegate() as Generator;
    expect(gen.next().value).toBe("http://plain.test/");
    expect(finish(gen)).toEqual(["http://plain.test/"]);
  });

  test("a value sent by next()", async () => {
    const m = await load();
    const { afterSent } = m; // called detached, as in a plain call
    const gen = afterSent() as Generator;
    expect(gen.next().value).toBe("ready");
    expect(gen.next({ id: 21, handle: new WeakMap() }).value).toBe(21);
    expect(finish(gen)).toEqual([42]);
  });

  test("a value sent down a chain of compiled generators", async () => {
    const m = await load();
    const { parent } = m; // called detached, as in a plain call
    const gen = parent() as Generator;
    expect(gen.next().value).toBe("child ready");
    expect(gen.next({ id: 4, handle: new WeakMap() }).value).toBe(4);
    expect(finish(gen)).toEqual([5, 5]);
  });

  test("a value the program still holds stays (and still blocks the checkpoint, named)", async () => {
    const { keeps } = await load();
    const gen = keeps() as Generator;
    gen.next();
    expect(gen.next({ id: 3, handle: new WeakMap() }).value).toBe(3);
    expect(() => dumps(gen)).toThrow(/WeakMap.*message\.handle/);
  });
});
