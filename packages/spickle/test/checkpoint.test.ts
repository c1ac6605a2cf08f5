import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { compile } from "@spickle/transform";
import { resumeCheckpoint, runCheckpointable } from "spickle";

// sPickle's checkpointing, ported: a consumer tasklet takes values from a producer over a channel
// and forks a checkpoint after each one. Every snapshot, resumed, must continue exactly as the
// uninterrupted run did, with the fork returning a second time (resumed: true) first.
const source = `
import { Channel, Tasklet, type CheckpointSupport } from "spickle";
export const snapshots: Uint8Array[] = [];

function* producer(ch: Channel<number>, count: number) {
  for (let i = 1; i <= count; i++) yield* ch.send(i * i);
}

export function* main(cp: CheckpointSupport, limit: string) {
  const count = Number(limit);
  const ch = new Channel<number>();
  new Tasklet(producer, ch, count);
  const out: string[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const value = yield* ch.receive();
    total += value;
    out.push(\`got \${value}, total \${total}\`);
    const fork = yield* cp.forkAndCheckpoint();
    if (fork.resumed) out.push(\`resumed with \${fork.args.join(" ")}\`);
    else snapshots.push(fork.snapshot);
  }
  return out;
}
`;

const dir = new URL("./.gen/", import.meta.url);
const programPath = fileURLToPath(new URL("checkpoint-program.mjs", dir));

async function load(): Promise<{ main: (...args: never[]) => Generator; snapshots: Uint8Array[] }> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(programPath, compile(source, { filename: "program.ts", moduleId: "test/checkpoint-program.ts" }).code);
  return import(programPath);
}

describe("forkAndCheckpoint", () => {
  test("every snapshot resumes where it was taken, in this process", async () => {
    const program = await load();
    program.snapshots.length = 0;
    const full = (await runCheckpointable(program.main as never, {}, "5")) as string[];
    expect(full).toEqual(["got 1, total 1", "got 4, total 5", "got 9, total 14", "got 16, total 30", "got 25, total 55"]);
    const snapshots = program.snapshots.splice(0);
    expect(snapshots).toHaveLength(5);
    for (const [k, snapshot] of snapshots.entries()) {
      const resumed = (await resumeCheckpoint(snapshot, "again", String(k))) as string[];
      expect(resumed).toEqual([...full.slice(0, k + 1), `resumed with again ${k}`, ...full.slice(k + 1)]);
    }
  });

  test("a snapshot resumes in a fresh process", async () => {
    const program = await load();
    program.snapshots.length = 0;
    await runCheckpointable(program.main as never, {}, "3");
    const file = fileURLToPath(new URL("checkpoint.snapshot", dir));
    writeFileSync(file, program.snapshots[0]!);
    const script = `
      await import(${JSON.stringify(programPath)});
      const { resumeCheckpoint } = await import("spickle");
      console.log(JSON.stringify(await resumeCheckpoint(${JSON.stringify(file)}, "elsewhere")));`;
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      cwd: fileURLToPath(new URL("..", import.meta.url)),
    });
    expect(JSON.parse(output)).toEqual(["got 1, total 1", "resumed with elsewhere", "got 4, total 5", "got 9, total 14"]);
  });
});
