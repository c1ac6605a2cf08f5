// The tasklet summary a checkpoint writes into its header (what `spickle inspect` shows): every
// live tasklet with what it waits on and its stack, each frame at the original source line of the
// statement it is suspended in — through plain `yield`, `yield*` over runtime operations and over
// compiled generators, `yield*` arguments spanning lines, try/finally, closures, and tasklets that
// have not started.

import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { compile } from "@spickle/transform";
import { readSnapshotHeader } from "@spickle/pickle";
import { runCheckpointable } from "spickle";
import { MAX_FRAMES, MAX_TASKLETS, type TaskletsSummary } from "../src/tasklet-stacks.js";

const source = `
import { Channel, Lock, Tasklet, sleep, schedule, type CheckpointSupport } from "spickle";
export const snapshots: Uint8Array[] = [];

function* numbers(out: Channel<number>) {
  let i = 0;
  for (;;) {
    yield i++; // @plain-yield
  }
}

function* pump(out: Channel<number>) {
  const it = numbers(out);
  for (;;) {
    const v = it.next().value as number;
    yield* out.send( // @multi-line
      [v].map(function (x) {
        return x * 2;
      })[0]!,
    );
  }
}

function makeWaiter(lock: Lock) {
  return function* waiter() {
    try {
      yield* lock.acquire(); // @in-try
    } finally {
      lock.release();
    }
  };
}

function* holder(lock: Lock) {
  yield* lock.acquire();
  yield* sleep(10_000); // @sleep
}

function* late() {
  console.log("never"); // @not-started
}

export function* main(cp: CheckpointSupport) {
  const ch = new Channel<number>();
  const lock = new Lock();
  new Tasklet(pump, ch);
  new Tasklet(holder, lock);
  new Tasklet(makeWaiter(lock));
  yield* schedule();
  yield* schedule();
  new Tasklet(late);
  const fork = yield* cp.forkAndCheckpoint(); // @fork
  if (!fork.resumed) snapshots.push(fork.snapshot);
  return yield* ch.receive();
}
`;

const dir = new URL("./.gen/", import.meta.url);
const programPath = fileURLToPath(new URL("stacks-program.mjs", dir));
const sourcePath = "/project/src/stacks-program.ts";

/** The 1-based line of a `// @marker` comment in the source. */
function lineOf(marker: string): number {
  return source.split("\n").findIndex((l) => l.includes(`// @${marker}`)) + 1;
}

test("a checkpoint's header lists every tasklet, its state and its stack at the original source lines", async () => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(programPath, compile(source, { filename: sourcePath, moduleId: "src/stacks-program.ts" }).code);
  const program = (await import(programPath)) as { main: never; snapshots: Uint8Array[] };
  program.snapshots.length = 0;
  expect(await runCheckpointable(program.main, {})).toBe(0);
  const header = readSnapshotHeader(program.snapshots[0]!);
  const { list, more } = header.stacks as TaskletsSummary;
  expect(more).toBe(0);
  expect(header.tasklets).toBe(list.length);

  const at = (name: string) => list.find((t) => t.name === name)!;
  const where = (name: string) => at(name).frames.map((f) => [f.fn, f.line]);
  expect(list.map((t) => t.name)).toEqual(["main", "pump", "holder", "waiter", "late"]);

  expect(at("main").state).toBe("current");
  expect(where("main")).toEqual([["main", lineOf("fork")]]);
  expect(at("main").frames[0]).toMatchObject({
    module: "src/stacks-program.ts",
    file: sourcePath,
    source: "const fork = yield* cp.forkAndCheckpoint(); // @fork",
  });

  // Sending: the frame of pump, suspended in a yield* whose arguments span lines.
  expect(at("pump").state).toBe("sending");
  expect(where("pump")).toEqual([["pump", lineOf("multi-line")]]);

  expect(at("holder")).toMatchObject({ state: "sleeping" });
  expect(at("holder").sleepMs).toBeGreaterThan(9_000);
  expect(at("holder").sleepMs).toBeLessThanOrEqual(10_000);
  expect(where("holder")).toEqual([["holder", lineOf("sleep")]]);

  // A closure, suspended inside try.
  expect(at("waiter").state).toBe("lock");
  expect(where("waiter")).toEqual([["waiter", lineOf("in-try")]]);
  // Channels and locks are numbered in order of appearance: pump's channel, then the lock.
  expect([at("pump").on, at("waiter").on]).toEqual([1, 2]);

  expect(at("late").state).toBe("runnable");
  expect(where("late")).toEqual([["late", lineOf("not-started")]]);
});

test("stacks of compiled generators delegating to each other, innermost first; a plain yield", async () => {
  const nested = `
import { Tasklet, sleep, schedule, type CheckpointSupport } from "spickle";
export const snapshots: Uint8Array[] = [];
function* leaf(): Generator<unknown, number> {
  yield* sleep(50); // @leaf
  return 1;
}
function* middle() {
  return yield* leaf(); // @middle
}
function* worker() {
  const v = yield* middle(); // @worker
  return v;
}
function* spinner() {
  for (let i = 0; ; i++) yield i; // @spinner
}
export function* main(cp: CheckpointSupport) {
  new Tasklet(worker);
  new Tasklet(spinner);
  yield* schedule();
  const fork = yield* cp.forkAndCheckpoint();
  if (!fork.resumed) snapshots.push(fork.snapshot);
  return "ok";
}
`;
  const path = fileURLToPath(new URL("stacks-nested.mjs", dir));
  writeFileSync(path, compile(nested, { filename: "/project/nested.ts", moduleId: "nested.ts" }).code);
  const program = (await import(path)) as { main: never; snapshots: Uint8Array[] };
  const line = (marker: string) => nested.split("\n").findIndex((l) => l.includes(`// @${marker}`)) + 1;

  expect(await runCheckpointable(program.main, {})).toBe("ok");
  const { list } = readSnapshotHeader(program.snapshots[0]!).stacks as TaskletsSummary;
  const worker = list.find((t) => t.name === "worker")!;
  expect(worker.state).toBe("sleeping");
  expect(worker.frames.map((f) => [f.fn, f.line, f.source])).toEqual([
    ["leaf", line("leaf"), "yield* sleep(50); // @leaf"],
    ["middle", line("middle"), "return yield* leaf(); // @middle"],
    ["worker", line("worker"), "const v = yield* middle(); // @worker"],
  ]);
  const spinner = list.find((t) => t.name === "spinner")!;
  expect(spinner.state).toBe("runnable");
  expect(spinner.frames.map((f) => [f.fn, f.line])).toEqual([["spinner", line("spinner")]]);
});

test("deep stacks and many tasklets are cut to what a person reads, saying how much is left out", async () => {
  const many = `
import { Tasklet, sleep, type CheckpointSupport } from "spickle";
export const snapshots: Uint8Array[] = [];
function* down(depth: number): Generator<unknown, number> {
  if (depth === 0) {
    yield* sleep(60_000);
    return 0;
  }
  return yield* down(depth - 1);
}
function* nap() {
  yield* sleep(60_000);
}
export function* main(cp: CheckpointSupport) {
  new Tasklet(down, 40);
  for (let i = 0; i < 50; i++) new Tasklet(nap);
  yield* sleep(1);
  const fork = yield* cp.forkAndCheckpoint();
  if (!fork.resumed) snapshots.push(fork.snapshot);
  return "ok";
}
`;
  const path = fileURLToPath(new URL("stacks-many.mjs", dir));
  writeFileSync(path, compile(many, { filename: "/project/many.ts", moduleId: "many.ts" }).code);
  const program = (await import(path)) as { main: never; snapshots: Uint8Array[] };
  expect(await runCheckpointable(program.main, {})).toBe("ok");
  const header = readSnapshotHeader(program.snapshots[0]!);
  const { list, more } = header.stacks as TaskletsSummary;
  expect(header.tasklets).toBe(52);
  expect(list).toHaveLength(MAX_TASKLETS);
  expect(more).toBe(52 - MAX_TASKLETS);
  const down = list.find((t) => t.name === "down")!;
  expect(down.frames).toHaveLength(MAX_FRAMES);
  expect(down.moreFrames).toBe(41 - MAX_FRAMES);
  expect(down.frames.every((f) => f.fn === "down")).toBe(true);
});
