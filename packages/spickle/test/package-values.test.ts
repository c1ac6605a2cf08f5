import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { compile } from "@spickle/transform";
import { runDeleteAndResume } from "./cli-support.js";

const spickle = fileURLToPath(new URL("..", import.meta.url));
const PACKAGES = ["decimal.js", "zod", "immutable", "date-fns", "lodash", "lodash-es", "eventemitter3", "p-queue", "uuid", "ms", "yaml", "luxon"];

/** A folder whose node_modules holds spickle and the test packages (symlinks). */
function folderWithPackages(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, "node_modules", "@spickle"), { recursive: true });
  symlinkSync(spickle, join(dir, "node_modules", "spickle"));
  symlinkSync(join(spickle, "../runtime"), join(dir, "node_modules", "@spickle", "runtime"));
  for (const name of PACKAGES) symlinkSync(join(spickle, "node_modules", name), join(dir, "node_modules", name));
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }');
  return dir;
}

test("values of npm packages in module state and locals survive a checkpoint and a resume elsewhere", () => {
  const project = folderWithPackages("spickle-project-");
  const elsewhere = folderWithPackages("spickle-elsewhere-");
  const checkpoint = join(elsewhere, "job.checkpoint");
  try {
    const source = `
      import { type CheckpointSupport } from "spickle";
      import Decimal from "decimal.js";
      import { z } from "zod";
      import { Map as IMap, List } from "immutable";
      import _ from "lodash";
      import { chunk } from "lodash-es";
      import EventEmitter from "eventemitter3";
      const User = z.object({ name: z.string().min(2) });
      const price = new Decimal("1.10");
      export default function* main(cp: CheckpointSupport) {
        const m = IMap({ a: 1, b: List([1, 2]) });
        const ee = new EventEmitter();
        const c = _.chunk;
        const at = yield* cp.checkpoint();
        if (!at.resumed) return "stopped";
        return JSON.stringify([price.plus("2.2").toString(), User.safeParse({ name: "x" }).success, User.parse({ name: "xy" }).name,
          m.get("b").push(3).toJS(), c([1, 2, 3], 2), chunk([1, 2, 3], 1), ee.listenerCount("x"), c === _.chunk]);
      }`;
    writeFileSync(join(project, "job.mjs"), compile(source, { filename: join(project, "job.ts"), moduleId: "job.ts" }).code);
    const output = runDeleteAndResume(project, checkpoint, elsewhere);
    expect(JSON.parse(output)).toEqual(["3.3", false, "xy", [1, 2, 3], [[1, 2], [3]], [[1], [2], [3]], 0, true]);
  } finally {
    rmSync(project, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  }
});

function resumeIn(folder: string, checkpoint: string): string {
  const resume = `
      const { resumeCheckpoint } = await import(${JSON.stringify(join(spickle, "dist/index.js"))});
      console.log(await resumeCheckpoint(${JSON.stringify(checkpoint)}));`;
  const env = { ...process.env };
  delete env.NODE_PATH;
  return execFileSync(process.execPath, ["--input-type=module", "-e", resume], { cwd: folder, env, encoding: "utf8" }).trim();
}

test("a reducer registered at a module's top level is in effect again after a resume: the next checkpoint works", () => {
  const project = folderWithPackages("spickle-project-");
  const elsewhere = folderWithPackages("spickle-elsewhere-");
  const checkpoint = join(elsewhere, "job.checkpoint");
  try {
    const source = `
      import { type CheckpointSupport, registerReducer } from "spickle";
      // A WeakMap cannot be written: only the reducer can write a Handle.
      class Handle {
        readonly cache = new WeakMap<object, number>();
        constructor(readonly id: number) {}
      }
      registerReducer(Handle, { reduce: (h: Handle) => h.id, restore: (id: number) => new Handle(id) });
      export default function* main(cp: CheckpointSupport) {
        const first = yield* cp.checkpoint();
        if (!first.resumed) return "stopped";
        // Made after the resume: only the registration can write it.
        const handle = new Handle(7);
        const second = yield* cp.checkpoint();
        if (!second.resumed) return "checkpointed again";
        return "handle " + handle.id;
      }`;
    writeFileSync(join(project, "job.mjs"), compile(source, { filename: join(project, "job.ts"), moduleId: "job.ts" }).code);
    expect(runDeleteAndResume(project, checkpoint, elsewhere)).toBe("checkpointed again");
    expect(resumeIn(elsewhere, checkpoint)).toBe("handle 7");
  } finally {
    rmSync(project, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  }
});
