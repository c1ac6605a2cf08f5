import { mkdirSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { compile } from "@spickle/transform";
import { dumps, loads } from "@spickle/pickle";

// Suspended generators round-trip through snapshots: at every suspension point, the whole
// generator (its yield* stack, locals, try state, serializable iterators) is dumped and loaded,
// and the loaded copy finishes exactly as the original would have. Its functions are closures of
// the loaded module, re-created from (module, function id, scope).
const source = `
export function* inner(items: number[]) {
  let sum = 0;
  for (const item of items) {
    try { sum += (yield item) as number ?? item; } finally { sum += 1000; }
  }
  return sum;
}
export function* outer(words: string[]) {
  const seen = new Map<string, number>();
  for (const [i, word] of words.entries()) { seen.set(word, i); yield word.toUpperCase(); }
  const total = yield* inner([1, 2, 3]);
  for (const key in Object.fromEntries(seen)) yield key;
  return { total, seen };
}
`;

async function load() {
  const dir = new URL("./.gen/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL("gens.mjs", dir), compile(source, { filename: "gens.ts", moduleId: "gens.ts" }).code);
  return import(new URL("gens.mjs", dir).pathname);
}

function drain(gen: Iterator<unknown>, sends: (i: number) => unknown): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < 100; i++) {
    const r = gen.next(sends(i));
    out.push(r.done ? { done: r.value } : r.value);
    if (r.done) break;
  }
  return out;
}


describe("suspended generators in snapshots", () => {
  test("at every suspension point the loaded copy continues exactly", async () => {
    const m = await load();
    const { outer } = m; // called detached: `this` is undefined, as in a plain call
    const sends = (i: number) => (i % 2 === 0 ? undefined : i * 10);
    const expected = drain(outer(["a", "b", "c"]), sends);
    expect(expected.length).toBeGreaterThan(8);
    for (let k = 1; k < expected.length; k++) {
      const gen = outer(["a", "b", "c"]);
      for (let i = 0; i < k; i++) gen.next(sends(i));
      const copy = loads(dumps(gen)) as Iterator<unknown>;
      expect(copy === gen).toBe(false);
      expect(drain(copy, (i) => sends(i + k))).toEqual(expected.slice(k));
      // the original is untouched by dumping
      expect(drain(gen, (i) => sends(i + k))).toEqual(expected.slice(k));
    }
  });

  test("yield* over a native iterator runs, but a snapshot of it fails with the path", async () => {
    const dir = new URL("./.gen/", import.meta.url);
    writeFileSync(
      new URL("native-delegate.mjs", dir),
      compile("export function* g(it) { const got = yield* it; return got; }", { filename: "n.ts", moduleId: "n.ts" }).code,
    );
    const { g } = await import(new URL("native-delegate.mjs", dir).pathname);
    function* native() {
      yield 1;
      return "native done";
    }
    const gen = g(native());
    expect(gen.next()).toEqual({ value: 1, done: false });
    expect(() => dumps(gen)).toThrow(
      "cannot serialize Generator at root.frame.locals.it: a native generator's state is not observable (compile its module with spickle)",
    );
    expect(gen.next()).toEqual({ value: "native done", done: true });
  });

  test("a generator and the local that refers to it stay one object", async () => {
    const m = await load();
    const { outer } = m;
    const gen = outer(["x"]);
    gen.next();
    const [a, b] = loads(dumps([gen, gen])) as [object, object];
    expect(a).toBe(b);
  });
});
