// The checkpoint API beyond forkAndCheckpoint: `cp.sequence` (which checkpoint the program is
// after, on both sides of a resume) and runCheckpointable's own periodic checkpoints.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { compile } from "@spickle/transform";
import { readSnapshotHeader } from "@spickle/pickle";
import { resumeCheckpoint, runCheckpointable } from "spickle";

const source = `
import { sleep, type CheckpointSupport } from "spickle";
export const snapshots: Uint8Array[] = [];

// Three checkpoints; after each, what cp.sequence says.
export function* counted(cp: CheckpointSupport) {
  const seen: string[] = [];
  for (let i = 0; i < 3; i++) {
    const fork = yield* cp.forkAndCheckpoint();
    seen.push(\`\${fork.resumed ? "resumed" : "now"} \${cp.sequence}\`);
    if (!fork.resumed) snapshots.push(fork.snapshot);
  }
  return seen;
}

// Computes in small steps for a while; never checkpoints by itself.
export function* busy(_cp: CheckpointSupport, ms: string) {
  const until = Date.now() + Number(ms);
  let steps = 0;
  while (Date.now() < until) {
    steps++;
    yield* sleep(1);
  }
  return steps;
}
`;

const gen = new URL("./.gen/", import.meta.url);
const scratch = mkdtempSync(join(tmpdir(), "spickle-api-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const programPath = fileURLToPath(new URL("checkpoint-api-program.mjs", gen));

async function load(): Promise<{ counted: never; busy: never; snapshots: Uint8Array[] }> {
  mkdirSync(gen, { recursive: true });
  const path = programPath;
  writeFileSync(path, compile(source, { filename: "api.ts", moduleId: "test/checkpoint-api-program.ts" }).code);
  return import(path);
}

describe("cp.sequence", () => {
  test("names each checkpoint the program asked for, now and after a resume of it", async () => {
    const program = await load();
    program.snapshots.length = 0;
    expect(await runCheckpointable(program.counted, {})).toEqual(["now 1", "now 2", "now 3"]);
    const [, second] = program.snapshots.splice(0);
    expect(await resumeCheckpoint(second!)).toEqual(["now 1", "resumed 2", "now 3"]);
  });
});

describe("runCheckpointable options", () => {
  test("checkpointEvery writes the whole program to checkpointFile while it runs", async () => {
    const program = await load();
    const file = join(scratch, "busy.ckpt");
    const steps = await runCheckpointable(program.busy, { checkpointFile: file, checkpointEvery: 50 }, "600");
    expect(steps).toBeGreaterThan(0);
    const header = readSnapshotHeader(readFileSync(file));
    expect(header.kind).toBe("checkpoint");
    // The periodic checkpoint resumes: the program goes on to its end.
    expect(await resumeCheckpoint(file)).toBeGreaterThan(0);
  });

  test("checkpointEvery without a checkpoint file is refused", async () => {
    const program = await load();
    expect(() => runCheckpointable(program.busy, { checkpointEvery: 50 }, "10")).toThrow(/need the checkpointFile option/);
  });

  test("checkpointOnSignals: SIGTERM writes the checkpoint at the next switch point and exits 75", async () => {
    await load();
    const file = join(scratch, "signalled.ckpt");
    const script = `
      const { busy } = await import(${JSON.stringify(programPath)});
      const { runCheckpointable } = await import("spickle");
      console.log("started");
      console.log(await runCheckpointable(busy, { checkpointFile: ${JSON.stringify(file)}, checkpointOnSignals: true }, "60000"));`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    for (let i = 0; i < 400 && !out.includes("started"); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300)); // the triggers load with the program running
    const code = await new Promise<number | null>((resolve) => {
      child.once("exit", (c) => resolve(c));
      child.kill("SIGTERM");
    });
    expect(code).toBe(75);
    expect(out).toMatch(/SIGTERM: checkpoint written to .*signalled\.ckpt/);
    expect(existsSync(file)).toBe(true);
    expect(readSnapshotHeader(readFileSync(file)).kind).toBe("checkpoint");
  }, 60_000);
});
