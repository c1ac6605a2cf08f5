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
