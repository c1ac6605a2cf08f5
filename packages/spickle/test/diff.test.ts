// `spickle diff`: comparing a checkpoint's function sites with the current ones (compareSites),
// and the command's JSON form and errors.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compareSites } from "../src/cli/diff.js";
import { scratchWith, spickle } from "./cli-support.js";

const site = (h: string, k = "declaration", l = 1, extra: object = {}) => ({ h, k, l, ...extra });

describe("compareSites", () => {
  const none = { suspended: null, stacks: [] };

  it("reports changed, added and removed functions, changed first, then by line", () => {
    const before = { "m.ts#a": site("1", "declaration", 1), "m.ts#b": site("2", "declaration", 5), "m.ts#gone": site("3", "arrow", 9) };
    const after = { "m.ts#a": site("1", "declaration", 1), "m.ts#b": site("X", "declaration", 6), "m.ts#new": site("4", "declaration", 2) };
    expect(compareSites(before, after, none).map((c) => [c.status, c.id, c.line])).toEqual([
      ["changed", "m.ts#b", 6],
      ["removed", "m.ts#gone", 9],
      ["added", "m.ts#new", 2],
    ]);
  });

  it("counts a generator's state machine as the generator, with its suspended frames and stack lines", () => {
    const before = { "m.ts#step": site("1"), "m.ts#step$body": site("b1", "body") };
    const after = { "m.ts#step": site("1"), "m.ts#step$body": site("b2", "body") };
    const facts = {
      suspended: { "m.ts#step$body": 3 },
      stacks: [{ id: 1, name: "main", state: "current" as const, frames: [{ fn: "step", module: "m.ts", file: "/p/m.ts", line: 4, source: "  yield* stop(cp);", site: "m.ts#step$body", at: 1 }] }],
    };
    expect(compareSites(before, after, facts)).toEqual([
      { id: "m.ts#step", status: "changed", kind: "declaration", line: 1, suspended: 3, stacks: ['tasklet 1 "main": at step (m.ts:4)  yield* stop(cp);'] },
    ]);
  });

  it("names the fields a changed class gained and lost", () => {
    const before = { "m.ts#C": site("1", "class", 1, { f: ["a", "b"] }) };
    const after = { "m.ts#C": site("2", "class", 1, { f: ["a", "c"] }) };
    expect(compareSites(before, after, none)[0]).toMatchObject({ fieldsAdded: ["c"], fieldsRemoved: ["b"] });
  });

  it("reports nothing for equal tables", () => {
    const table = { "m.ts#a": site("1"), "m.ts#a$body": site("2", "body") };
    expect(compareSites(table, { ...table }, none)).toEqual([]);
  });
});

describe("spickle diff", () => {
  const scratch = scratchWith("cli");
  afterAll(() => scratch.remove());

  it("prints the same as JSON with --json, and refuses a bad file in one line", { timeout: 300_000 }, () => {
    const dir = join(scratch.folder(), "app");
    mkdirSync(dir, { recursive: true });
    const v1 = `import type { CheckpointSupport } from "spickle";
function helper(n: number): number { return n + 1; }
export default function* main(cp: CheckpointSupport) {
  const point = yield* cp.checkpoint();
  if (!point.resumed) process.exit(0);
  console.log(helper(1));
}
`;
    writeFileSync(join(dir, "main.ts"), v1);
    expect(spickle(scratch, ["run", "-c", "job.ckpt", "main.ts"], dir).status).toBe(0);
    writeFileSync(join(dir, "main.ts"), v1.replace("n + 1", "n + 2"));
    const r = spickle(scratch, ["diff", "--json", "job.ckpt"], dir);
    expect(r.stderr).toBe("");
    const diff = JSON.parse(r.stdout);
    expect(diff.modules).toEqual([
      {
        id: "main.ts", status: "changed", file: join(dir, "main.ts"),
        functions: [{ id: "main.ts#helper", status: "changed", kind: "declaration", line: 2, suspended: 0, stacks: [] }],
      },
    ]);
    writeFileSync(join(dir, "junk.ckpt"), "not a snapshot");
    const bad = spickle(scratch, ["diff", "junk.ckpt"], dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^spickle: junk\.ckpt: .*\n$/);
  });
});
