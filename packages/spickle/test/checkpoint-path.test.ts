// The walk README "How it works" describes: a checkpoint and a resume call the functions it names,
// in its order, each once (spies wrap the real functions; the program really checkpoints and
// resumes).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeEach, describe, expect, test, vi } from "vitest";
import { compile } from "@spickle/transform";

const calls = vi.hoisted(() => [] as string[]);

/** The module's exports, with `names` logged into `calls` as they are called. */
function logged<M extends Record<string, unknown>>(module: M, names: string[]): M {
  const out: Record<string, unknown> = { ...module };
  for (const name of names) {
    const real = module[name] as (...args: unknown[]) => unknown;
    out[name] = (...args: unknown[]) => {
      calls.push(name);
      return real(...args);
    };
  }
  return out as M;
}

vi.mock("@spickle/pickle", async (importOriginal) => logged(await importOriginal<Record<string, unknown>>(), ["encodeBody", "encodeSnapshot", "writeSnapshotFile", "readSnapshotFile", "decodeSnapshot", "decodeGraph"]));
vi.mock("../src/checkpoint-capture.js", async (importOriginal) => logged(await importOriginal<Record<string, unknown>>(), ["captureCheckpoint", "checkpointHeader"]));
vi.mock("../src/checkpoint-write.js", async (importOriginal) => logged(await importOriginal<Record<string, unknown>>(), ["writeCheckpoint"]));

const { resumeCheckpoint, runCheckpointable } = await import("../src/index.js");
const { Scheduler } = await import("@spickle/runtime");

const source = `
import { type CheckpointSupport } from "spickle";
export function* once(cp: CheckpointSupport, path: string) {
  const point = yield* cp.checkpoint(path);
  return point.resumed ? "resumed" : "checkpointed";
}
`;

const scratch = mkdtempSync(join(tmpdir(), "spickle-path-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function load(): Promise<{ once: never }> {
  const gen = new URL("./.gen/", import.meta.url);
  mkdirSync(gen, { recursive: true });
  const path = fileURLToPath(new URL("checkpoint-path-program.mjs", gen));
  writeFileSync(path, compile(source, { filename: "path.ts", moduleId: "test/checkpoint-path-program.ts" }).code);
  return import(path);
}

beforeEach(() => {
  calls.length = 0;
});

describe("the checkpoint and resume path", () => {
  test("a checkpoint captures, encodes the body, builds the header, makes the snapshot and writes it, in that order", async () => {
    const program = await load();
    const file = join(scratch, "order.ckpt");
    calls.length = 0;
    expect(await runCheckpointable(program.once, {}, file)).toBe("checkpointed");
    expect(calls).toEqual(["writeCheckpoint", "captureCheckpoint", "encodeBody", "checkpointHeader", "encodeSnapshot", "writeSnapshotFile"]);
  });

  test("a resume reads and verifies the file once, decodes its body, and resumes the scheduler", async () => {
    const program = await load();
    const file = join(scratch, "resume.ckpt");
    await runCheckpointable(program.once, {}, file);
    calls.length = 0;
    const resume = vi.spyOn(Scheduler.prototype, "resume").mockImplementation(function (this: InstanceType<typeof Scheduler>, ...args) {
      calls.push("Scheduler.resume");
      resume.mockRestore();
      return this.resume(...args);
    });
    expect(await resumeCheckpoint(file)).toBe("resumed");
    expect(calls).toEqual(["readSnapshotFile", "decodeGraph", "Scheduler.resume"]);
  });
});
