// The viewer's model of checkpoints (what its page shows), from real checkpoints of a program that
// changes between two of them: tasklets created and ended, a frame that moved, locals that
// changed, growth by type; and a large snapshot's page carrying only part of its objects.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumps } from "@spickle/pickle";
import { scratchWith, spickle, type Scratch } from "./cli-support.js";
import { compareModels } from "../src/view/compare.js";
import { indexSnapshot } from "../src/view/index.js";

const PROGRAM = `import { Channel, Tasklet, sleep, type CheckpointSupport } from "spickle";
function* shortLived() {
  yield* sleep(1);
}
function* worker(input: Channel<number>) {
  const got = yield* input.receive();
  console.log(got);
}
export default function* phases(cp: CheckpointSupport, dir: string) {
  const input = new Channel<number>();
  const rows: Array<{ i: number }> = [];
  let stage = "first";
  new Tasklet(shortLived);
  yield* cp.checkpoint(dir + "/a.ckpt");
  yield* sleep(20);
  new Tasklet(worker, input);
  for (let i = 0; i < 100; i++) rows.push({ i });
  stage = "second";
  yield* cp.checkpoint(dir + "/b.ckpt");
  process.exit(0);
}
`;

let scratch: Scratch;
let work: string;

beforeAll(() => {
  scratch = scratchWith("cli");
  work = scratch.folder();
  const script = join(scratch.project, "phases.ts");
  writeFileSync(script, PROGRAM);
  const r = spickle(scratch, ["run", script, work], work);
  if (r.status !== 0) throw new Error(`phases.ts: exit ${r.status}\n${r.stderr}`);
}, 120_000);

afterAll(() => scratch?.remove());

describe("compareModels", () => {
  it("lists tasklets created and ended, frames that moved, changed locals and growth by type", () => {
    const before = indexSnapshot(join(work, "a.ckpt")).model;
    const after = indexSnapshot(join(work, "b.ckpt")).model;
    const c = compareModels(before, after);
    expect(c.ended.map((t) => t.name)).toEqual(["shortLived"]);
    expect(c.created.map((t) => t.name)).toEqual(["worker"]);
    expect(c.created[0]!.waits).toMatch(/^(runnable|receiving on channel \d+)$/);
    expect(c.moved).toEqual([{ id: 1, name: "phases", before: "phases (phases.ts:14)", after: "phases (phases.ts:19)" }]);
    expect(c.locals).toEqual(expect.arrayContaining([expect.objectContaining({ fn: "phases", key: "stage", before: "'first'", after: "'second'" })]));
    const objects = c.growth.find((g) => g.type === "Object")!;
    expect(objects.countDelta).toBeGreaterThanOrEqual(100);
  });
});

describe("buildModel", () => {
  it("a snapshot of many objects: the page carries part of them, its largest and their retainer paths", () => {
    const items: Array<{ id: number; next: unknown }> = [];
    for (let i = 0; i < 40_000; i++) items.push({ id: i, next: i > 0 ? items[i - 1] : null });
    const file = join(work, "many.snap");
    writeFileSync(file, dumps({ items, big: "x".repeat(100_000) }, { key: null }));
    const { model, index, graph } = indexSnapshot(file);
    expect(model.entries).toBe(40_002); // the items, their array and the root (strings are inline)
    expect(model.complete).toBe(false);
    expect(model.nodes.length).toBeLessThan(model.entries);
    const carried = new Set(model.nodes.map((n) => n.id));
    for (const id of model.largest) {
      for (let e = id; e >= 0; e = graph!.parent[e]!) expect(carried.has(e)).toBe(true);
    }
    // The last item retains the whole chain; the string is held once.
    const top = model.nodes.find((n) => n.id === model.largest[0])!;
    expect(top.t).toBe("Array");
    expect(model.types.find((t) => t.type === "Object")!.count).toBe(40_001);
    expect(index!.count).toBe(model.entries);
  });
});
