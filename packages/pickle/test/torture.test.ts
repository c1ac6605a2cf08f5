import { mkdirSync, writeFileSync } from "node:fs";
import { afterEach, expect, test } from "vitest";
import { compile } from "@spickle/transform";
import { frameOf, setResumeHook } from "@spickle/runtime";
import { setTortureMode } from "@spickle/pickle";

// Torture mode must really replace a resuming frame's private state with a decoded copy (and
// keep everything else, such as scope objects and user objects, by identity).
afterEach(() => setTortureMode(process.env.SPICKLE_TORTURE === "1"));

test("a resuming frame gets decoded copies of its locals, and the same shared objects", async () => {
  const dir = new URL("./.gen/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    new URL("torture.mjs", dir),
    compile("export function* g(shared) { const list = [1]; let n = 0; while (true) { n++; yield () => n; } }", { filename: "t.ts", moduleId: "t.ts" }).code,
  );
  const { g } = await import(new URL("torture.mjs", dir).pathname);
  const shared = { user: true };
  const gen = g(shared);
  gen.next();
  const before = frameOf(gen)!.l;
  setTortureMode(true);
  gen.next();
  const after = frameOf(gen)!.l;
  expect(after).not.toBe(before); // the frame's own locals were re-made by the pickler …
  expect(after.shared).toBe(shared); // … user objects passed by identity
  expect(after.$scope).toBe(before.$scope); // … and so did the scope shared with the closure
  setResumeHook(null);
});
