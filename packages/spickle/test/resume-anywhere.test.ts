import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { compile } from "@spickle/transform";
import { runDeleteAndResume } from "./cli-support.js";

// A checkpoint resumes where neither the program's folder nor any node_modules exists: the
// program's modules come from the snapshot, and their imports of spickle get the instance the
// resuming process loaded.
test("a checkpoint resumes through the API in a folder with no sources and no node_modules", () => {
  const spickle = fileURLToPath(new URL("..", import.meta.url));
  const project = mkdtempSync(join(tmpdir(), "spickle-project-"));
  const elsewhere = mkdtempSync(join(tmpdir(), "spickle-elsewhere-"));
  const checkpoint = join(elsewhere, "job.checkpoint");
  try {
    mkdirSync(join(project, "node_modules"));
    symlinkSync(spickle, join(project, "node_modules", "spickle"));
    mkdirSync(join(project, "node_modules", "@spickle"));
    symlinkSync(join(spickle, "../runtime"), join(project, "node_modules", "@spickle", "runtime"));
    writeFileSync(join(project, "package.json"), '{ "type": "module" }');
    const source = `
      import { Channel, Tasklet, schedule, type CheckpointSupport } from "spickle";
      function* producer(ch: Channel<number>) { for (let i = 1; i <= 3; i++) yield* ch.send(i * 10); }
      export default function* main(cp: CheckpointSupport) {
        const ch = new Channel<number>();
        new Tasklet(producer, ch);
        const got: string[] = [];
        for (let i = 0; i < 3; i++) {
          got.push(String(yield* ch.receive()));
          const at = yield* cp.checkpoint();
          if (at.resumed) got.push("resumed");
          yield* schedule(); // an import of spickle, used after the resume
          if (!at.resumed && i === 0) return "stopped";
        }
        return got.join(",");
      }`;
    writeFileSync(join(project, "job.mjs"), compile(source, { filename: join(project, "job.ts"), moduleId: "job.ts" }).code);
    const output = runDeleteAndResume(project, checkpoint, elsewhere);
    expect(output).toBe("10,resumed,20,30");
  } finally {
    rmSync(project, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  }
});
