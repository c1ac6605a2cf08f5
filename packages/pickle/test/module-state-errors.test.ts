import { mkdirSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { compile } from "@spickle/transform";
import { dumps, SerializeError } from "@spickle/pickle";

// A value in module state that cannot be written is reported by the names the user wrote: the
// module (as an import would name it) and the variable, then the path inside the variable.
const source = `
const wallet = { owner: "ann", keys: new WeakMap() };
let handle = new WeakSet();
export function* main() {
  yield wallet.owner;
}
export function* other() {
  yield handle;
}
`;

async function load() {
  const dir = new URL("./.gen/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL("pricing.mjs", dir), compile(source, { filename: "pricing.ts", moduleId: "pricing.ts" }).code);
  return import(new URL("pricing.mjs", dir).pathname);
}

function failure(f: () => unknown): SerializeError {
  try {
    f();
  } catch (e) {
    if (e instanceof SerializeError) return e;
    throw e;
  }
  throw new Error("no SerializeError");
}

describe("errors in module state name the module and the variable", () => {
  test("a value inside a module-level variable", async () => {
    const { main } = await load();
    const gen = main() as Generator;
    gen.next();
    const e = failure(() => dumps(gen));
    expect(e.message).toBe("module ./pricing.ts, variable wallet.keys: cannot serialize WeakMap: weak collections cannot be enumerated (use a Map or Set, or rebuild it after resume)");
    expect(e.path).toBe("module ./pricing.ts, variable wallet.keys");
    expect(e.message).not.toMatch(/module state|\[\d+\]/);
  });

  test("the variable's own value", async () => {
    const { other } = await load();
    const gen = other() as Generator;
    gen.next();
    expect(() => dumps(gen)).toThrow(/^module \.\/pricing\.ts, variable handle: cannot serialize WeakSet: /);
  });

  test("values outside module state keep their path from the root", () => {
    expect(() => dumps({ jobs: [{ pending: new WeakMap() }] })).toThrow(/^cannot serialize WeakMap at root\.jobs\[0\]\.pending: /);
  });
});
